// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/annotations/labelschemapanel.h"

#include "core/annotations/annotationdocument.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace satgpt {

LabelSchemaPanel::LabelSchemaPanel(AnnotationDocument *document, QWidget *parent) : QWidget(parent)
{
    m_table = new QTableWidget(0, 3, this);
    m_table->setHorizontalHeaderLabels({tr("Class"), tr("Colour"), tr("Key")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_add = new QPushButton(tr("Add class"), this);
    m_remove = new QPushButton(tr("Remove"), this);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_table);
    layout->addLayout(buttons);

    connect(m_add, &QPushButton::clicked, this, [this] { addClass(); });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (const int id = currentClass())
            removeClass(id);
    });
    connect(m_table, &QTableWidget::cellChanged, this, &LabelSchemaPanel::onItemChanged);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        if (!m_updating)
            Q_EMIT currentClassChanged(currentClass());
    });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column != 1 || !m_doc)
            return;
        const int id = m_table->item(row, 0)->data(Qt::UserRole).toInt();
        Q_EMIT colorChangeRequested(id, m_doc->schema().colorOf(id));
    });
    setDocument(document);
}

void LabelSchemaPanel::setDocument(AnnotationDocument *document)
{
    if (m_doc)
        disconnect(m_doc, nullptr, this, nullptr);
    m_doc = document;
    if (m_doc) {
        connect(m_doc, &AnnotationDocument::schemaChanged, this, &LabelSchemaPanel::rebuild);
        connect(m_doc, &AnnotationDocument::contentsReset, this, &LabelSchemaPanel::rebuild);
    }
    rebuild();
}

void LabelSchemaPanel::rebuild()
{
    const int current = currentClass();
    m_updating = true;
    m_table->setRowCount(0);
    if (m_doc) {
        for (const LabelClass &c : m_doc->schema().classes()) {
            const int row = m_table->rowCount();
            m_table->insertRow(row);
            auto *name = new QTableWidgetItem(c.name);
            name->setData(Qt::UserRole, c.id);
            auto *color = new QTableWidgetItem;
            color->setBackground(c.color);
            color->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            color->setToolTip(tr("Double-click to change the colour"));
            auto *key = new QTableWidgetItem;
            key->setData(Qt::EditRole, c.hotkey);
            m_table->setItem(row, 0, name);
            m_table->setItem(row, 1, color);
            m_table->setItem(row, 2, key);
            if (c.id == current)
                m_table->selectRow(row);
        }
    }
    m_remove->setEnabled(m_table->rowCount() > 0);
    m_updating = false;
}

void LabelSchemaPanel::onItemChanged(int row, int column)
{
    if (m_updating || !m_doc)
        return;
    LabelSchema schema = m_doc->schema();
    const int id = m_table->item(row, 0)->data(Qt::UserRole).toInt();
    const LabelClass *existing = schema.classById(id);
    if (!existing)
        return;
    LabelClass c = *existing;
    if (column == 0) {
        const QString name = m_table->item(row, 0)->text().trimmed();
        if (name.isEmpty() || (schema.classByName(name) && schema.classByName(name)->id != id)) {
            rebuild(); // refuse empty or duplicate names by restoring the old one
            return;
        }
        c.name = name;
    } else if (column == 2) {
        c.hotkey = std::clamp(m_table->item(row, 2)->data(Qt::EditRole).toInt(), 0, 9);
        // A hotkey belongs to one class: take it from whichever class had it.
        if (const LabelClass *other = schema.classByHotkey(c.hotkey); other && other->id != id) {
            LabelClass o = *other;
            o.hotkey = 0;
            schema.updateClass(o);
        }
    } else {
        return;
    }
    schema.updateClass(c);
    m_doc->setSchema(schema, tr("Edit class %1").arg(c.name));
}

int LabelSchemaPanel::addClass(const QString &name)
{
    if (!m_doc)
        return 0;
    QString n = name;
    for (int i = m_doc->schema().size() + 1; n.isEmpty() || m_doc->schema().classByName(n); ++i)
        n = tr("class %1").arg(i);
    const int id = m_doc->addClass(n);
    setCurrentClass(id);
    return id;
}

void LabelSchemaPanel::removeClass(int classId)
{
    if (!m_doc)
        return;
    LabelSchema schema = m_doc->schema();
    const QString name = schema.nameOf(classId);
    if (schema.removeClass(classId))
        m_doc->setSchema(schema, tr("Remove class %1").arg(name));
}

void LabelSchemaPanel::setClassColor(int classId, const QColor &color)
{
    if (!m_doc || !color.isValid())
        return;
    LabelSchema schema = m_doc->schema();
    const LabelClass *existing = schema.classById(classId);
    if (!existing || existing->color == color)
        return;
    LabelClass c = *existing;
    c.color = color;
    schema.updateClass(c);
    m_doc->setSchema(schema, tr("Recolour class %1").arg(c.name));
}

void LabelSchemaPanel::setCurrentClass(int classId)
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, 0)->data(Qt::UserRole).toInt() == classId) {
            if (currentClass() != classId)
                m_table->selectRow(row);
            return;
        }
    }
}

int LabelSchemaPanel::currentClass() const
{
    const QList<QTableWidgetItem *> sel = m_table->selectedItems();
    for (QTableWidgetItem *item : sel)
        return m_table->item(item->row(), 0)->data(Qt::UserRole).toInt();
    return 0;
}

} // namespace satgpt
