// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/annotations/annotationeditor.h"

#include "core/annotations/annotationdocument.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace satgpt {

namespace {

QTableWidget *makeTable(const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->hide();
    return t;
}

QWidget *withButtons(QTableWidget *table, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *add = new QPushButton(QObject::tr("Add"), box);
    auto *remove = new QPushButton(QObject::tr("Remove"), box);
    QObject::connect(add, &QPushButton::clicked, table, [table] { table->insertRow(table->rowCount()); });
    QObject::connect(remove, &QPushButton::clicked, table, [table] {
        if (table->currentRow() >= 0)
            table->removeRow(table->currentRow());
    });
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto *l = new QVBoxLayout(box);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(table);
    l->addLayout(buttons);
    return box;
}

QString cellText(const QTableWidget *t, int row, int column)
{
    const QTableWidgetItem *item = t->item(row, column);
    return item ? item->text() : QString();
}

QJsonValue parseValue(const QString &text)
{
    // Numbers and booleans keep their type so exports carry them as JSON values.
    const QJsonDocument d = QJsonDocument::fromJson(QStringLiteral("[%1]").arg(text).toUtf8());
    if (d.isArray() && d.array().size() == 1) {
        const QJsonValue v = d.array().first();
        if (v.isDouble() || v.isBool())
            return v;
    }
    return text;
}

QString valueText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 17);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    return QString();
}

} // namespace

AnnotationEditor::AnnotationEditor(AnnotationDocument *document, QWidget *parent) : QWidget(parent)
{
    m_title = new QLabel(this);
    m_class = new QComboBox(this);
    m_caption = new QPlainTextEdit(this);
    m_caption->setPlaceholderText(tr("Describe the region…"));
    m_caption->setMaximumHeight(80);
    m_qa = makeTable({tr("Question"), tr("Answer"), tr("Type")}, this);
    m_attributes = makeTable({tr("Key"), tr("Value")}, this);
    m_apply = new QPushButton(tr("Apply"), this);
    m_revert = new QPushButton(tr("Revert"), this);
    auto *form = new QFormLayout;
    form->addRow(tr("Class"), m_class);
    form->addRow(tr("Caption"), m_caption);
    form->addRow(tr("Questions"), withButtons(m_qa, this));
    form->addRow(tr("Attributes"), withButtons(m_attributes, this));
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_title);
    layout->addLayout(form);
    layout->addLayout(buttons);
    connect(m_apply, &QPushButton::clicked, this, &AnnotationEditor::apply);
    connect(m_revert, &QPushButton::clicked, this, &AnnotationEditor::revert);
    setDocument(document);
}

void AnnotationEditor::setDocument(AnnotationDocument *document)
{
    if (m_doc)
        disconnect(m_doc, nullptr, this, nullptr);
    m_doc = document;
    if (m_doc) {
        connect(m_doc, &AnnotationDocument::schemaChanged, this, &AnnotationEditor::rebuildClasses);
        connect(m_doc, &AnnotationDocument::annotationsChanged, this, [this](const QVector<qint64> &ids) {
            if (ids.contains(m_id))
                revert();
        });
        connect(m_doc, &AnnotationDocument::annotationsRemoved, this, [this](const QVector<qint64> &ids) {
            if (ids.contains(m_id))
                setAnnotation(0);
        });
        connect(m_doc, &AnnotationDocument::contentsReset, this, [this] { setAnnotation(0); });
    }
    rebuildClasses();
    setAnnotation(0);
}

void AnnotationEditor::rebuildClasses()
{
    const QVariant current = m_class->currentData();
    const QSignalBlocker blocker(m_class);
    m_class->clear();
    m_class->addItem(tr("(unclassified)"), 0);
    if (m_doc)
        for (const LabelClass &c : m_doc->schema().classes())
            m_class->addItem(c.name, c.id);
    m_class->setCurrentIndex(std::max(0, m_class->findData(current)));
}

void AnnotationEditor::setAnnotation(qint64 id)
{
    m_id = (m_doc && m_doc->contains(id)) ? id : 0;
    revert();
}

void AnnotationEditor::revert()
{
    const Annotation *a = m_doc && m_id ? m_doc->annotation(m_id) : nullptr;
    setEnabled(a != nullptr);
    m_qa->setRowCount(0);
    m_attributes->setRowCount(0);
    if (!a) {
        m_title->setText(tr("No annotation selected"));
        m_caption->clear();
        return;
    }
    m_title->setText(tr("Annotation %1 (%2)").arg(a->id).arg(annotationShapeName(a->shape)));
    m_class->setCurrentIndex(std::max(0, m_class->findData(a->classId)));
    if (m_caption->toPlainText() != a->caption)
        m_caption->setPlainText(a->caption);
    for (const QaPair &p : a->qa) {
        const int row = m_qa->rowCount();
        m_qa->insertRow(row);
        m_qa->setItem(row, 0, new QTableWidgetItem(p.question));
        m_qa->setItem(row, 1, new QTableWidgetItem(p.answer));
        m_qa->setItem(row, 2, new QTableWidgetItem(p.type));
    }
    for (auto it = a->attributes.begin(); it != a->attributes.end(); ++it) {
        const int row = m_attributes->rowCount();
        m_attributes->insertRow(row);
        m_attributes->setItem(row, 0, new QTableWidgetItem(it.key()));
        m_attributes->setItem(row, 1, new QTableWidgetItem(valueText(it.value())));
    }
}

bool AnnotationEditor::apply()
{
    const Annotation *current = m_doc && m_id ? m_doc->annotation(m_id) : nullptr;
    if (!current)
        return false;
    Annotation a = *current;
    a.classId = m_class->currentData().toInt();
    a.caption = m_caption->toPlainText();
    a.qa.clear();
    for (int row = 0; row < m_qa->rowCount(); ++row) {
        QaPair p{cellText(m_qa, row, 0).trimmed(), cellText(m_qa, row, 1).trimmed(), cellText(m_qa, row, 2).trimmed()};
        if (!p.question.isEmpty() || !p.answer.isEmpty())
            a.qa.append(p);
    }
    QJsonObject attributes;
    for (int row = 0; row < m_attributes->rowCount(); ++row) {
        const QString key = cellText(m_attributes, row, 0).trimmed();
        if (key.isEmpty())
            continue;
        const QJsonValue old = current->attributes.value(key);
        const QString text = cellText(m_attributes, row, 1);
        // Keep structured values the editor shows as JSON text unless the text was changed.
        attributes.insert(key, (old.isArray() || old.isObject()) && valueText(old) == text ? old : parseValue(text));
    }
    a.attributes = attributes;
    if (a == *current)
        return false;
    m_doc->updateAnnotations({a}, tr("Edit annotation %1").arg(a.id));
    return true;
}

} // namespace satgpt
