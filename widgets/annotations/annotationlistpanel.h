// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointer>
#include <QRectF>
#include <QWidget>

class QComboBox;
class QLabel;
class QTableView;

namespace satgpt {

class AnnotationDocument;
class AnnotationTableModel;

/// The annotation list: a sortable table (id, class, shape, caption, area m², centroid lat/lon)
/// filtered by class, with per-class counts. Selecting rows selects annotations (and follows
/// setSelection from the canvas tool); double-clicking asks to zoom to one. GUI thread; does
/// not own the document; owns its model.
class AnnotationListPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit AnnotationListPanel(AnnotationDocument *document, QWidget *parent = nullptr);

    void setDocument(AnnotationDocument *document);
    void setSceneFilter(const QString &sceneId);
    /// Selects these annotations' rows without re-emitting selectionChanged.
    void setSelection(const QVector<qint64> &ids);
    QVector<qint64> selection() const;
    AnnotationTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QComboBox *classFilter() const { return m_classFilter; }
    /// "building: 3 · water: 1 · unclassified: 2" for the current scene.
    QString countsText() const;

Q_SIGNALS:
    void selectionChanged(const QVector<qint64> &ids);
    /// Zoom the canvas to this pixel rectangle of `sceneId`.
    void zoomToRequested(const QString &sceneId, const QRectF &pixelRect);

private:
    void rebuildFilter();
    void updateCounts();

    QPointer<AnnotationDocument> m_doc;
    AnnotationTableModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QComboBox *m_classFilter = nullptr;
    QLabel *m_counts = nullptr;
    QString m_scene;
    bool m_syncing = false;
};

} // namespace satgpt
