// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/annotationcommand.h"

namespace satgpt {

AnnotationCommand::AnnotationCommand(AnnotationDocument *document, const QString &text,
                                     QVector<AnnotationDocument::Change> before,
                                     QVector<AnnotationDocument::Change> after, int mergeId, QUndoCommand *parent,
                                     bool startsNewMerge)
    : QUndoCommand(text, parent), m_document(document), m_before(std::move(before)), m_after(std::move(after)),
      m_mergeId(mergeId), m_startsNewMerge(startsNewMerge)
{
}

void AnnotationCommand::undo()
{
    QUndoCommand::undo();
    m_document->applyChanges(m_before);
}

void AnnotationCommand::redo()
{
    m_document->applyChanges(m_after);
    QUndoCommand::redo();
}

bool AnnotationCommand::mergeWith(const QUndoCommand *other)
{
    const auto *o = dynamic_cast<const AnnotationCommand *>(other);
    if (!o || o->m_startsNewMerge || o->m_mergeId != m_mergeId || o->m_after.size() != m_after.size() || childCount() || o->childCount())
        return false;
    for (int i = 0; i < m_after.size(); ++i)
        if (m_after[i].id != o->m_after[i].id)
            return false;
    m_after = o->m_after;
    return true;
}

SchemaCommand::SchemaCommand(AnnotationDocument *document, const QString &text, LabelSchema before, LabelSchema after,
                             QUndoCommand *parent)
    : QUndoCommand(text, parent), m_document(document), m_before(std::move(before)), m_after(std::move(after))
{
}

void SchemaCommand::undo()
{
    // Children (annotations re-classed) were applied after the schema, so undo them first.
    QUndoCommand::undo();
    m_document->applySchema(m_before);
}

void SchemaCommand::redo()
{
    m_document->applySchema(m_after);
    QUndoCommand::redo();
}

} // namespace satgpt
