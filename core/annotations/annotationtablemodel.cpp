// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/annotationtablemodel.h"

#include "core/annotations/annotationdocument.h"
#include "core/annotations/geomeasure.h"

#include <QColor>

#include <algorithm>

namespace satgpt {

AnnotationTableModel::AnnotationTableModel(AnnotationDocument *document, QObject *parent)
    : QAbstractTableModel(parent), m_document(document)
{
    connect(document, &AnnotationDocument::annotationsAdded, this, &AnnotationTableModel::onAdded);
    connect(document, &AnnotationDocument::annotationsRemoved, this, &AnnotationTableModel::onRemoved);
    connect(document, &AnnotationDocument::annotationsChanged, this, &AnnotationTableModel::onChanged);
    connect(document, &AnnotationDocument::contentsReset, this, &AnnotationTableModel::rebuild);
    connect(document, &AnnotationDocument::schemaChanged, this, [this] {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, ClassColumn), index(int(m_rows.size()) - 1, ClassColumn));
        Q_EMIT classCountsChanged();
    });
    rebuild();
}

int AnnotationTableModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int AnnotationTableModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant AnnotationTableModel::sortKey(qint64 id, int column) const
{
    const Annotation *a = m_document ? m_document->annotation(id) : nullptr;
    if (!a)
        return {};
    switch (column) {
    case IdColumn: return a->id;
    case ClassColumn: return m_document->schema().nameOf(a->classId);
    case ShapeColumn: return annotationShapeName(a->shape);
    case CaptionColumn: return a->caption;
    case AreaColumn: {
        const auto m = m_document->measure(a->sceneId);
        const auto area = m ? m->areaSquareMeters(a->geometry) : std::nullopt;
        return area ? QVariant(*area) : QVariant();
    }
    case LatColumn:
    case LonColumn: {
        const auto m = m_document->measure(a->sceneId);
        const auto ll = m ? m->pixelToLonLat(a->pixelCentroid()) : std::nullopt;
        if (!ll)
            return {};
        return column == LatColumn ? ll->y() : ll->x();
    }
    }
    return {};
}

QVariant AnnotationTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_document)
        return {};
    const qint64 id = m_rows[index.row()];
    const Annotation *a = m_document->annotation(id);
    if (!a)
        return {};
    switch (role) {
    case IdRole: return id;
    case ClassIdRole: return a->classId;
    case SortRole: return sortKey(id, index.column());
    case Qt::DecorationRole:
        if (index.column() == ClassColumn)
            return m_document->schema().colorOf(a->classId);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == AreaColumn || index.column() == LatColumn || index.column() == LonColumn || index.column() == IdColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole: {
        const QVariant key = sortKey(id, index.column());
        switch (index.column()) {
        case ClassColumn: return key.toString().isEmpty() ? tr("(unclassified)") : key;
        case AreaColumn: return key.isValid() ? QString::number(key.toDouble(), 'f', 1) : QStringLiteral("–");
        case LatColumn:
        case LonColumn: return key.isValid() ? QString::number(key.toDouble(), 'f', 6) : QStringLiteral("–");
        default: return key;
        }
    }
    case Qt::ToolTipRole: return a->caption;
    }
    return {};
}

QVariant AnnotationTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("Id");
    case ClassColumn: return tr("Class");
    case ShapeColumn: return tr("Shape");
    case CaptionColumn: return tr("Caption");
    case AreaColumn: return tr("Area (m²)");
    case LatColumn: return tr("Lat");
    case LonColumn: return tr("Lon");
    }
    return {};
}

bool AnnotationTableModel::lessThan(qint64 a, qint64 b) const
{
    const QVariant ka = sortKey(a, m_sortColumn), kb = sortKey(b, m_sortColumn);
    const int cmp = QVariant::compare(ka, kb) == QPartialOrdering::Less      ? -1
                    : QVariant::compare(ka, kb) == QPartialOrdering::Greater ? 1
                                                                             : 0;
    // Ties (and incomparable values) fall back to id so the order is total and stable.
    const int c = cmp != 0 ? cmp : (a < b ? -1 : (a > b ? 1 : 0));
    return m_sortOrder == Qt::AscendingOrder ? c < 0 : c > 0;
}

void AnnotationTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QVector<qint64> beforeIds;
    for (const QModelIndex &i : before)
        beforeIds.append(m_rows.value(i.row()));
    m_sortColumn = column;
    m_sortOrder = order;
    std::stable_sort(m_rows.begin(), m_rows.end(), [this](qint64 a, qint64 b) { return lessThan(a, b); });
    QModelIndexList after;
    for (int i = 0; i < before.size(); ++i)
        after.append(index(rowOf(beforeIds[i]), before[i].column()));
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void AnnotationTableModel::setSceneFilter(const QString &sceneId)
{
    if (m_scene == sceneId)
        return;
    m_scene = sceneId;
    rebuild();
}

void AnnotationTableModel::setClassFilter(std::optional<int> classId)
{
    if (m_classFilter == classId)
        return;
    m_classFilter = classId;
    rebuild();
}

qint64 AnnotationTableModel::idAt(int row) const { return row >= 0 && row < m_rows.size() ? m_rows[row] : 0; }
int AnnotationTableModel::rowOf(qint64 id) const { return int(m_rows.indexOf(id)); }

QHash<int, int> AnnotationTableModel::classCounts() const
{
    return m_document ? m_document->countsByClass(m_scene) : QHash<int, int>();
}

bool AnnotationTableModel::accepts(qint64 id) const
{
    const Annotation *a = m_document ? m_document->annotation(id) : nullptr;
    if (!a)
        return false;
    if (!m_scene.isEmpty() && a->sceneId != m_scene)
        return false;
    return !m_classFilter || a->classId == *m_classFilter;
}

int AnnotationTableModel::insertionRow(qint64 id) const
{
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), id, [this](qint64 a, qint64 b) { return lessThan(a, b); });
    return int(it - m_rows.cbegin());
}

void AnnotationTableModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    if (m_document)
        for (qint64 id : m_document->ids())
            if (accepts(id))
                m_rows.append(id);
    std::stable_sort(m_rows.begin(), m_rows.end(), [this](qint64 a, qint64 b) { return lessThan(a, b); });
    endResetModel();
    Q_EMIT classCountsChanged();
}

void AnnotationTableModel::onAdded(const QVector<qint64> &ids)
{
    for (qint64 id : ids) {
        if (!accepts(id) || m_rows.contains(id))
            continue;
        const int row = insertionRow(id);
        beginInsertRows({}, row, row);
        m_rows.insert(row, id);
        endInsertRows();
    }
    Q_EMIT classCountsChanged();
}

void AnnotationTableModel::onRemoved(const QVector<qint64> &ids)
{
    for (qint64 id : ids) {
        const int row = rowOf(id);
        if (row < 0)
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
    Q_EMIT classCountsChanged();
}

void AnnotationTableModel::onChanged(const QVector<qint64> &ids)
{
    for (qint64 id : ids) {
        const int row = rowOf(id);
        const bool want = accepts(id);
        if (row >= 0 && !want) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        } else if (row < 0 && want) {
            onAdded({id});
        } else if (row >= 0) {
            // The sort key may have changed: move the row to keep the order.
            m_rows.removeAt(row);
            const int target = insertionRow(id);
            m_rows.insert(row, id);
            if (target != row) {
                const int dest = target > row ? target + 1 : target;
                beginMoveRows({}, row, row, {}, dest);
                m_rows.removeAt(row);
                m_rows.insert(target, id);
                endMoveRows();
            }
            const int r = rowOf(id);
            Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1));
        }
    }
    Q_EMIT classCountsChanged();
}

} // namespace satgpt
