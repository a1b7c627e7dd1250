// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/annotations/annotation.h"
#include "core/annotations/labelschema.h"
#include "core/annotations/spatialindex.h"

#include <QHash>
#include <QObject>
#include <QPolygonF>
#include <QUndoStack>

#include <memory>
#include <optional>

namespace satgpt {

class GeoMeasure;

/// The annotations of a project (all scenes), their label schema and an undo stack.
///
/// Every change made through the public edit functions is an undo command on undoStack(), so
/// the user can always take it back; only resetContents() (loading a project) bypasses the
/// stack and clears it. Keeps one SpatialIndex per scene for hit-testing and painting.
/// Lives on the GUI thread; not thread-safe. Owned by its Project (or a QObject parent).
class AnnotationDocument final : public QObject
{
    Q_OBJECT
public:
    explicit AnnotationDocument(QObject *parent = nullptr);
    ~AnnotationDocument() override;

    QUndoStack *undoStack() const { return m_undo; }

    // --- reading ---
    int count() const { return int(m_items.size()); }
    bool contains(qint64 id) const { return m_items.contains(id); }
    /// The annotation with `id`, or nullptr. The pointer is invalidated by the next edit.
    const Annotation *annotation(qint64 id) const;
    /// All ids in ascending (creation) order.
    QVector<qint64> ids() const;
    QVector<qint64> idsForScene(const QString &sceneId) const;
    QVector<Annotation> annotations() const;
    const LabelSchema &schema() const { return m_schema; }
    /// Ids on `sceneId` whose bounding box intersects `rect` (pixels), via the spatial index.
    QVector<qint64> query(const QString &sceneId, const QRectF &rect) const;
    /// Topmost (most recently created) annotation containing `pixel` within `tolerance` pixels
    /// (boundary for areas, distance for points); 0 when none.
    qint64 hitTest(const QString &sceneId, const QPointF &pixel, double tolerance) const;
    /// Annotations per class id (0 = unclassified) on `sceneId`, or all scenes when empty.
    QHash<int, int> countsByClass(const QString &sceneId = QString()) const;

    /// Scene georeferencing, for areas in m² and centroids in lat/lon (nullptr when unknown).
    void setSceneGeoreference(const QString &sceneId, std::shared_ptr<const GeoMeasure> measure);
    std::shared_ptr<const GeoMeasure> measure(const QString &sceneId) const;

    // --- undoable edits ---
    /// Adds one annotation (assigning a fresh id when id is 0 or taken); returns the id.
    qint64 addAnnotation(Annotation annotation);
    /// Adds many in one undo step (paste, import); returns the ids, in order.
    QVector<qint64> addAnnotations(QVector<Annotation> annotations, const QString &text = QString());
    /// Adds annotations together with the classes they introduced (import) as one undo step.
    QVector<qint64> importAnnotations(const LabelSchema &schema, QVector<Annotation> annotations, const QString &text);
    void removeAnnotations(const QVector<qint64> &ids);
    /// Replaces annotations by value (multi-edit); ids must exist.
    void updateAnnotations(const QVector<Annotation> &annotations, const QString &text);
    /// Moves annotations by `delta` pixels. Consecutive moves of the same selection with
    /// `mergeWithPrevious` collapse into one undo step (a drag).
    void moveAnnotations(const QVector<qint64> &ids, QPointF delta, bool mergeWithPrevious = false);
    /// Replaces the geometry (resize, reshape); merges like moveAnnotations.
    void setGeometry(qint64 id, const QPolygonF &geometry, bool mergeWithPrevious = false);
    void moveVertex(qint64 id, int index, QPointF pixel, bool mergeWithPrevious = false);
    void insertVertex(qint64 id, int index, QPointF pixel);
    /// Refused (false) when the shape would fall below its minimum vertex count.
    bool removeVertex(qint64 id, int index);
    void setClass(const QVector<qint64> &ids, int classId);
    void setCaption(qint64 id, const QString &caption);
    void setQa(qint64 id, const QVector<QaPair> &qa);
    void setAttributes(qint64 id, const QJsonObject &attributes);
    /// Replaces the schema. Annotations of removed classes become unclassified in the same step.
    void setSchema(const LabelSchema &schema, const QString &text = QString());
    /// Adds a class (one undo step) and returns its id.
    int addClass(const QString &name, const QColor &color = QColor(), int hotkey = 0);

    /// Replaces everything without undo (loading a project) and clears the undo stack.
    void resetContents(const LabelSchema &schema, const QVector<Annotation> &annotations);

    // --- used by the undo commands only ---
    struct Change
    {
        qint64 id = 0;
        std::optional<Annotation> value; ///< nullopt = absent
    };
    void applyChanges(const QVector<Change> &changes);
    void applySchema(const LabelSchema &schema);
    qint64 allocateId() { return m_nextId++; }

Q_SIGNALS:
    void annotationsAdded(const QVector<qint64> &ids);
    void annotationsRemoved(const QVector<qint64> &ids);
    void annotationsChanged(const QVector<qint64> &ids);
    void schemaChanged();
    /// After resetContents: views should re-read everything.
    void contentsReset();

private:
    /// `mergeId` != -1 lets consecutive commands fold together; `continuing` says this one
    /// continues the previous (a drag), otherwise it starts a new mergeable sequence.
    void pushChange(const QString &text, const QVector<Change> &before, const QVector<Change> &after, int mergeId = -1,
                    bool continuing = false);
    SpatialIndex &indexFor(const QString &sceneId);

    QUndoStack *m_undo = nullptr;
    QHash<qint64, Annotation> m_items;
    LabelSchema m_schema;
    QHash<QString, SpatialIndex> m_indexes;
    QHash<QString, std::shared_ptr<const GeoMeasure>> m_measures;
    qint64 m_nextId = 1;
};

} // namespace satgpt
