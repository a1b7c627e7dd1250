// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QPointer>

#include <optional>

namespace satgpt {

class AnnotationDocument;

/// Table of a document's annotations for the list panel: id, class, shape, caption, area m²,
/// centroid lat/lon. Filters by scene and class, sorts on any column (kept sorted as the
/// document changes), and counts annotations per class. Rows follow the document's signals
/// with fine-grained inserts/removes so selections survive edits. GUI thread only; does not
/// own the document.
class AnnotationTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, ClassColumn, ShapeColumn, CaptionColumn, AreaColumn, LatColumn, LonColumn, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, ClassIdRole, SortRole };

    explicit AnnotationTableModel(AnnotationDocument *document, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    /// Only annotations of this scene (empty = all scenes).
    void setSceneFilter(const QString &sceneId);
    QString sceneFilter() const { return m_scene; }
    /// Only annotations of this class (nullopt = all; 0 = unclassified).
    void setClassFilter(std::optional<int> classId);
    std::optional<int> classFilter() const { return m_classFilter; }

    qint64 idAt(int row) const;
    int rowOf(qint64 id) const;
    /// Per class id, over the scene filter (not the class filter), so the panel can show all counts.
    QHash<int, int> classCounts() const;

Q_SIGNALS:
    void classCountsChanged();

private:
    bool accepts(qint64 id) const;
    QVariant sortKey(qint64 id, int column) const;
    bool lessThan(qint64 a, qint64 b) const;
    int insertionRow(qint64 id) const;
    void rebuild();
    void onAdded(const QVector<qint64> &ids);
    void onRemoved(const QVector<qint64> &ids);
    void onChanged(const QVector<qint64> &ids);

    QPointer<AnnotationDocument> m_document;
    QVector<qint64> m_rows;
    QString m_scene;
    std::optional<int> m_classFilter;
    int m_sortColumn = IdColumn;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

} // namespace satgpt
