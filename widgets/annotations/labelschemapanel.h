// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointer>
#include <QWidget>

class QTableWidget;
class QPushButton;

namespace satgpt {

class AnnotationDocument;

/// Edits the label schema: one row per class with name, colour and hotkey (1-9, 0 = none).
/// Every edit is an undo step on the document. Selecting a row makes that class current.
/// Colour changes go through colorChangeRequested (the app shows a colour dialog and calls
/// setClassColor), since widgets never open dialogs. GUI thread; does not own the document.
class LabelSchemaPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit LabelSchemaPanel(AnnotationDocument *document, QWidget *parent = nullptr);

    void setDocument(AnnotationDocument *document);
    /// Adds a class named `name` (a numbered default when empty) and returns its id.
    int addClass(const QString &name = QString());
    void removeClass(int classId);
    void setClassColor(int classId, const QColor &color);
    void setCurrentClass(int classId);
    int currentClass() const;
    QTableWidget *table() const { return m_table; }

Q_SIGNALS:
    void currentClassChanged(int classId);
    void colorChangeRequested(int classId, const QColor &current);

private:
    void rebuild();
    void onItemChanged(int row, int column);

    QPointer<AnnotationDocument> m_doc;
    QTableWidget *m_table = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    bool m_updating = false;
};

} // namespace satgpt
