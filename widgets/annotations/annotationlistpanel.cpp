// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/annotations/annotationlistpanel.h"

#include "core/annotations/annotationdocument.h"
#include "core/annotations/annotationtablemodel.h"

#include <QComboBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPixmap>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace satgpt {

AnnotationListPanel::AnnotationListPanel(AnnotationDocument *document, QWidget *parent) : QWidget(parent)
{
    m_classFilter = new QComboBox(this);
    m_counts = new QLabel(this);
    m_counts->setWordWrap(true);
    m_view = new QTableView(this);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSortingEnabled(true);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_classFilter);
    layout->addWidget(m_view);
    layout->addWidget(m_counts);
    connect(m_classFilter, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_model || index < 0)
            return;
        const QVariant v = m_classFilter->itemData(index);
        m_model->setClassFilter(v.isValid() ? std::optional<int>(v.toInt()) : std::nullopt);
    });
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (!m_doc || !m_model)
            return;
        if (const Annotation *a = m_doc->annotation(m_model->idAt(index.row()))) {
            QRectF r = a->boundingRect();
            // Context around the region (and a usable rectangle for a point).
            const double pad = std::max({r.width(), r.height(), 32.0}) * 0.5;
            r.adjust(-pad, -pad, pad, pad);
            Q_EMIT zoomToRequested(a->sceneId, r);
        }
    });
    setDocument(document);
}

void AnnotationListPanel::setDocument(AnnotationDocument *document)
{
    if (m_doc)
        disconnect(m_doc, nullptr, this, nullptr);
    m_doc = document;
    delete m_model;
    m_model = nullptr;
    if (m_doc) {
        m_model = new AnnotationTableModel(m_doc, this);
        m_model->setSceneFilter(m_scene);
        connect(m_model, &AnnotationTableModel::classCountsChanged, this, &AnnotationListPanel::updateCounts);
        connect(m_doc, &AnnotationDocument::schemaChanged, this, &AnnotationListPanel::rebuildFilter);
        connect(m_doc, &AnnotationDocument::contentsReset, this, &AnnotationListPanel::rebuildFilter);
    }
    m_view->setModel(m_model);
    if (m_model) {
        m_view->sortByColumn(AnnotationTableModel::IdColumn, Qt::AscendingOrder);
        connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
            if (!m_syncing)
                Q_EMIT selectionChanged(selection());
        });
    }
    rebuildFilter();
    updateCounts();
}

void AnnotationListPanel::setSceneFilter(const QString &sceneId)
{
    m_scene = sceneId;
    if (m_model)
        m_model->setSceneFilter(sceneId);
    updateCounts();
}

void AnnotationListPanel::rebuildFilter()
{
    const QVariant current = m_classFilter->currentData();
    const QSignalBlocker blocker(m_classFilter);
    m_classFilter->clear();
    m_classFilter->addItem(tr("All classes"));
    m_classFilter->addItem(tr("Unclassified"), 0);
    if (m_doc)
        for (const LabelClass &c : m_doc->schema().classes()) {
            QPixmap swatch(12, 12);
            swatch.fill(c.color);
            m_classFilter->addItem(QIcon(swatch), c.name, c.id);
        }
    const int index = current.isValid() ? m_classFilter->findData(current) : 0;
    m_classFilter->setCurrentIndex(std::max(0, index));
    if (m_model && index < 0)
        m_model->setClassFilter(std::nullopt);
    updateCounts();
}

QString AnnotationListPanel::countsText() const
{
    if (!m_doc || !m_model)
        return QString();
    const QHash<int, int> counts = m_model->classCounts();
    QStringList parts;
    for (const LabelClass &c : m_doc->schema().classes())
        if (counts.value(c.id))
            parts << QStringLiteral("%1: %2").arg(c.name).arg(counts.value(c.id));
    if (counts.value(0))
        parts << tr("unclassified: %1").arg(counts.value(0));
    int total = 0;
    for (int n : counts)
        total += n;
    return tr("%n annotation(s)", nullptr, total) + (parts.isEmpty() ? QString() : QStringLiteral(" — ") + parts.join(QStringLiteral(" · ")));
}

void AnnotationListPanel::updateCounts() { m_counts->setText(countsText()); }

void AnnotationListPanel::setSelection(const QVector<qint64> &ids)
{
    if (!m_model)
        return;
    m_syncing = true;
    QItemSelection sel;
    for (qint64 id : ids) {
        const int row = m_model->rowOf(id);
        if (row >= 0)
            sel.select(m_model->index(row, 0), m_model->index(row, m_model->columnCount() - 1));
    }
    m_view->selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect);
    if (!ids.isEmpty() && m_model->rowOf(ids.last()) >= 0)
        m_view->scrollTo(m_model->index(m_model->rowOf(ids.last()), 0));
    m_syncing = false;
}

QVector<qint64> AnnotationListPanel::selection() const
{
    QVector<qint64> ids;
    if (!m_model)
        return ids;
    for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
        ids.append(m_model->idAt(i.row()));
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace satgpt
