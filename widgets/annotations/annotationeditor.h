// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace satgpt {

class AnnotationDocument;

/// Edits one annotation's class, caption, question/answer pairs (question, answer, type) and
/// key/value attributes. Changes are applied together as one undo step with apply() (the
/// Apply button); revert() reloads from the document. Values that parse as JSON numbers or
/// booleans are stored as such, everything else as text. GUI thread; does not own the document.
class AnnotationEditor final : public QWidget
{
    Q_OBJECT
public:
    explicit AnnotationEditor(AnnotationDocument *document, QWidget *parent = nullptr);

    void setDocument(AnnotationDocument *document);
    /// Shows annotation `id` (0 clears the editor).
    void setAnnotation(qint64 id);
    qint64 annotationId() const { return m_id; }
    /// Writes the edits to the document; false when nothing changed or nothing is shown.
    bool apply();
    void revert();

    QPlainTextEdit *captionEdit() const { return m_caption; }
    QTableWidget *qaTable() const { return m_qa; }
    QTableWidget *attributeTable() const { return m_attributes; }
    QComboBox *classCombo() const { return m_class; }

private:
    void rebuildClasses();

    QPointer<AnnotationDocument> m_doc;
    qint64 m_id = 0;
    QLabel *m_title = nullptr;
    QComboBox *m_class = nullptr;
    QPlainTextEdit *m_caption = nullptr;
    QTableWidget *m_qa = nullptr;
    QTableWidget *m_attributes = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_revert = nullptr;
};

} // namespace satgpt
