// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/annotations/annotationdocument.h"

#include <QUndoCommand>

namespace satgpt {

/// The one undo command for annotation edits: it stores the affected annotations before and
/// after (absent = nullopt), so add, delete, move, reshape and attribute edits are all the
/// same well-tested snapshot swap. Commands with the same merge id and the same set of
/// annotations collapse (a drag becomes one step) unless the newer one starts a new drag. Owned by the document's QUndoStack.
class AnnotationCommand final : public QUndoCommand
{
public:
    AnnotationCommand(AnnotationDocument *document, const QString &text, QVector<AnnotationDocument::Change> before,
                      QVector<AnnotationDocument::Change> after, int mergeId = -1, QUndoCommand *parent = nullptr,
                      bool startsNewMerge = true);

    void undo() override;
    void redo() override;
    int id() const override { return m_mergeId; }
    bool mergeWith(const QUndoCommand *other) override;

private:
    AnnotationDocument *m_document;
    QVector<AnnotationDocument::Change> m_before;
    QVector<AnnotationDocument::Change> m_after;
    int m_mergeId;
    bool m_startsNewMerge; ///< the first step of a drag: never folded into an earlier drag
};

/// Swaps the label schema (and, as a child command, the class of affected annotations).
class SchemaCommand final : public QUndoCommand
{
public:
    SchemaCommand(AnnotationDocument *document, const QString &text, LabelSchema before, LabelSchema after,
                  QUndoCommand *parent = nullptr);
    void undo() override;
    void redo() override;

private:
    AnnotationDocument *m_document;
    LabelSchema m_before;
    LabelSchema m_after;
};

} // namespace satgpt
