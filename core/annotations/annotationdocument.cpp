// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/annotationdocument.h"

#include "core/annotations/annotationcommand.h"
#include "core/annotations/geomeasure.h"

#include <QLineF>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace satgpt {

namespace {
enum MergeIds { kMergeMove = 1001, kMergeGeometry = 1002, kMergeVertex = 1003 };

double distanceToSegment(QPointF p, QPointF a, QPointF b)
{
    const QPointF ab = b - a;
    const double len2 = QPointF::dotProduct(ab, ab);
    double t = len2 > 0 ? QPointF::dotProduct(p - a, ab) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const QPointF q = a + t * ab;
    return std::hypot(p.x() - q.x(), p.y() - q.y());
}
} // namespace

AnnotationDocument::AnnotationDocument(QObject *parent) : QObject(parent), m_undo(new QUndoStack(this)) {}

AnnotationDocument::~AnnotationDocument() = default;

const Annotation *AnnotationDocument::annotation(qint64 id) const
{
    const auto it = m_items.constFind(id);
    return it == m_items.cend() ? nullptr : &*it;
}

QVector<qint64> AnnotationDocument::ids() const
{
    QVector<qint64> out = m_items.keys().toVector();
    std::sort(out.begin(), out.end());
    return out;
}

QVector<qint64> AnnotationDocument::idsForScene(const QString &sceneId) const
{
    QVector<qint64> out;
    for (auto it = m_items.cbegin(); it != m_items.cend(); ++it)
        if (it->sceneId == sceneId)
            out.append(it.key());
    std::sort(out.begin(), out.end());
    return out;
}

QVector<Annotation> AnnotationDocument::annotations() const
{
    QVector<Annotation> out;
    out.reserve(m_items.size());
    for (qint64 id : ids())
        out.append(m_items.value(id));
    return out;
}

QVector<qint64> AnnotationDocument::query(const QString &sceneId, const QRectF &rect) const
{
    const auto it = m_indexes.constFind(sceneId);
    return it == m_indexes.cend() ? QVector<qint64>() : it->query(rect);
}

qint64 AnnotationDocument::hitTest(const QString &sceneId, const QPointF &pixel, double tolerance) const
{
    const auto idx = m_indexes.constFind(sceneId);
    if (idx == m_indexes.cend())
        return 0;
    const QVector<qint64> candidates = idx->queryPoint(pixel, tolerance);
    for (auto it = candidates.crbegin(); it != candidates.crend(); ++it) {
        const Annotation &a = m_items[*it];
        if (a.isPoint()) {
            if (!a.geometry.isEmpty() && QLineF(a.geometry.first(), pixel).length() <= tolerance)
                return *it;
            continue;
        }
        if (a.geometry.containsPoint(pixel, Qt::OddEvenFill))
            return *it;
        const int n = int(a.geometry.size());
        for (int i = 0; i < n; ++i)
            if (distanceToSegment(pixel, a.geometry[i], a.geometry[(i + 1) % n]) <= tolerance)
                return *it;
    }
    return 0;
}

QHash<int, int> AnnotationDocument::countsByClass(const QString &sceneId) const
{
    QHash<int, int> counts;
    for (const Annotation &a : m_items)
        if (sceneId.isEmpty() || a.sceneId == sceneId)
            ++counts[a.classId];
    return counts;
}

void AnnotationDocument::setSceneGeoreference(const QString &sceneId, std::shared_ptr<const GeoMeasure> measure)
{
    if (measure)
        m_measures.insert(sceneId, std::move(measure));
    else
        m_measures.remove(sceneId);
    // Areas and centroids shown for this scene changed.
    const QVector<qint64> affected = idsForScene(sceneId);
    if (!affected.isEmpty())
        Q_EMIT annotationsChanged(affected);
}

std::shared_ptr<const GeoMeasure> AnnotationDocument::measure(const QString &sceneId) const
{
    return m_measures.value(sceneId);
}

SpatialIndex &AnnotationDocument::indexFor(const QString &sceneId)
{
    auto it = m_indexes.find(sceneId);
    if (it == m_indexes.end())
        it = m_indexes.insert(sceneId, SpatialIndex());
    return *it;
}

void AnnotationDocument::pushChange(const QString &text, const QVector<Change> &before, const QVector<Change> &after,
                                    int mergeId, bool continuing)
{
    if (after.isEmpty())
        return;
    m_undo->push(new AnnotationCommand(this, text, before, after, mergeId, nullptr, !continuing));
}

qint64 AnnotationDocument::addAnnotation(Annotation annotation)
{
    const QVector<qint64> added = addAnnotations({std::move(annotation)},
                                                 tr("Add %1").arg(annotationShapeName(annotation.shape)));
    return added.isEmpty() ? 0 : added.first();
}

QVector<qint64> AnnotationDocument::addAnnotations(QVector<Annotation> annotations, const QString &text)
{
    QVector<Change> before, after;
    QVector<qint64> out;
    QSet<qint64> used;
    for (Annotation &a : annotations) {
        if (a.id <= 0 || m_items.contains(a.id) || used.contains(a.id))
            a.id = allocateId();
        else
            m_nextId = std::max(m_nextId, a.id + 1);
        used.insert(a.id);
        out.append(a.id);
        before.append({a.id, std::nullopt});
        after.append({a.id, a});
    }
    pushChange(text.isEmpty() ? tr("Add %n annotation(s)", nullptr, int(out.size())) : text, before, after);
    return out;
}

QVector<qint64> AnnotationDocument::importAnnotations(const LabelSchema &schema, QVector<Annotation> annotations,
                                                     const QString &text)
{
    m_undo->beginMacro(text);
    setSchema(schema);
    const QVector<qint64> ids = addAnnotations(std::move(annotations), text);
    m_undo->endMacro();
    return ids;
}

void AnnotationDocument::removeAnnotations(const QVector<qint64> &ids)
{
    QVector<Change> before, after;
    for (qint64 id : ids) {
        if (!m_items.contains(id))
            continue;
        before.append({id, m_items.value(id)});
        after.append({id, std::nullopt});
    }
    pushChange(tr("Delete %n annotation(s)", nullptr, int(after.size())), before, after);
}

void AnnotationDocument::updateAnnotations(const QVector<Annotation> &annotations, const QString &text)
{
    QVector<Change> before, after;
    for (const Annotation &a : annotations) {
        const auto it = m_items.constFind(a.id);
        if (it == m_items.cend() || *it == a)
            continue;
        before.append({a.id, *it});
        after.append({a.id, a});
    }
    pushChange(text, before, after);
}

void AnnotationDocument::moveAnnotations(const QVector<qint64> &ids, QPointF delta, bool mergeWithPrevious)
{
    QVector<Change> before, after;
    for (qint64 id : ids) {
        const auto it = m_items.constFind(id);
        if (it == m_items.cend())
            continue;
        Annotation moved = *it;
        moved.geometry.translate(delta);
        before.append({id, *it});
        after.append({id, moved});
    }
    pushChange(tr("Move %n annotation(s)", nullptr, int(after.size())), before, after, kMergeMove,
               mergeWithPrevious);
}

void AnnotationDocument::setGeometry(qint64 id, const QPolygonF &geometry, bool mergeWithPrevious)
{
    const auto it = m_items.constFind(id);
    if (it == m_items.cend() || it->geometry == geometry)
        return;
    Annotation changed = *it;
    changed.geometry = geometry;
    pushChange(tr("Reshape annotation"), {{id, *it}}, {{id, changed}}, kMergeGeometry, mergeWithPrevious);
}

void AnnotationDocument::moveVertex(qint64 id, int index, QPointF pixel, bool mergeWithPrevious)
{
    const auto it = m_items.constFind(id);
    if (it == m_items.cend() || index < 0 || index >= it->geometry.size())
        return;
    Annotation changed = *it;
    if (changed.shape == AnnotationShape::Rectangle) {
        // A rectangle stays axis-aligned: dragging a corner moves the two adjacent edges.
        const int opposite = (index + 2) % 4;
        const QRectF r = QRectF(pixel, changed.geometry[opposite]).normalized();
        changed.geometry = QPolygonF({r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()});
    } else {
        changed.geometry[index] = pixel;
    }
    pushChange(tr("Move vertex"), {{id, *it}}, {{id, changed}}, kMergeVertex, mergeWithPrevious);
}

void AnnotationDocument::insertVertex(qint64 id, int index, QPointF pixel)
{
    const auto it = m_items.constFind(id);
    if (it == m_items.cend() || it->isPoint() || it->shape == AnnotationShape::Rectangle || index < 0
        || index > it->geometry.size())
        return;
    Annotation changed = *it;
    changed.geometry.insert(index, pixel);
    pushChange(tr("Insert vertex"), {{id, *it}}, {{id, changed}});
}

bool AnnotationDocument::removeVertex(qint64 id, int index)
{
    const auto it = m_items.constFind(id);
    if (it == m_items.cend() || it->isPoint() || it->shape == AnnotationShape::Rectangle || index < 0
        || index >= it->geometry.size() || it->geometry.size() <= 3)
        return false;
    Annotation changed = *it;
    changed.geometry.removeAt(index);
    pushChange(tr("Delete vertex"), {{id, *it}}, {{id, changed}});
    return true;
}

void AnnotationDocument::setClass(const QVector<qint64> &ids, int classId)
{
    QVector<Annotation> changed;
    for (qint64 id : ids) {
        if (const Annotation *a = annotation(id)) {
            Annotation c = *a;
            c.classId = classId;
            changed.append(c);
        }
    }
    const QString name = m_schema.nameOf(classId);
    updateAnnotations(changed, tr("Set class to %1").arg(name.isEmpty() ? tr("unclassified") : name));
}

void AnnotationDocument::setCaption(qint64 id, const QString &caption)
{
    if (const Annotation *a = annotation(id)) {
        Annotation c = *a;
        c.caption = caption;
        updateAnnotations({c}, tr("Edit caption"));
    }
}

void AnnotationDocument::setQa(qint64 id, const QVector<QaPair> &qa)
{
    if (const Annotation *a = annotation(id)) {
        Annotation c = *a;
        c.qa = qa;
        updateAnnotations({c}, tr("Edit questions and answers"));
    }
}

void AnnotationDocument::setAttributes(qint64 id, const QJsonObject &attributes)
{
    if (const Annotation *a = annotation(id)) {
        Annotation c = *a;
        c.attributes = attributes;
        updateAnnotations({c}, tr("Edit attributes"));
    }
}

void AnnotationDocument::setSchema(const LabelSchema &schema, const QString &text)
{
    if (schema == m_schema)
        return;
    auto *command = new SchemaCommand(this, text.isEmpty() ? tr("Edit label classes") : text, m_schema, schema);
    QVector<Change> before, after;
    for (auto it = m_items.cbegin(); it != m_items.cend(); ++it) {
        if (it->classId != 0 && !schema.classById(it->classId)) {
            Annotation c = *it;
            c.classId = 0;
            before.append({it.key(), *it});
            after.append({it.key(), c});
        }
    }
    if (!after.isEmpty())
        new AnnotationCommand(this, tr("Unclassify"), before, after, -1, command);
    m_undo->push(command);
}

int AnnotationDocument::addClass(const QString &name, const QColor &color, int hotkey)
{
    LabelSchema s = m_schema;
    const int id = s.addClass(name, color, hotkey).id;
    setSchema(s, tr("Add class %1").arg(name));
    return id;
}

void AnnotationDocument::resetContents(const LabelSchema &schema, const QVector<Annotation> &annotations)
{
    m_undo->clear();
    m_items.clear();
    m_indexes.clear();
    m_schema = schema;
    m_nextId = 1;
    for (const Annotation &a : annotations) {
        m_items.insert(a.id, a);
        indexFor(a.sceneId).insert(a.id, a.boundingRect());
        m_nextId = std::max(m_nextId, a.id + 1);
    }
    m_undo->setClean();
    Q_EMIT contentsReset();
}

void AnnotationDocument::applyChanges(const QVector<Change> &changes)
{
    QVector<qint64> added, removed, changed;
    for (const Change &c : changes) {
        const auto it = m_items.find(c.id);
        if (it != m_items.end()) {
            indexFor(it->sceneId).remove(c.id);
            if (c.value) {
                *it = *c.value;
                changed.append(c.id);
            } else {
                m_items.erase(it);
                removed.append(c.id);
            }
        } else if (c.value) {
            m_items.insert(c.id, *c.value);
            added.append(c.id);
        }
        if (c.value) {
            indexFor(c.value->sceneId).insert(c.id, c.value->boundingRect());
            m_nextId = std::max(m_nextId, c.id + 1);
        }
    }
    if (!removed.isEmpty())
        Q_EMIT annotationsRemoved(removed);
    if (!added.isEmpty())
        Q_EMIT annotationsAdded(added);
    if (!changed.isEmpty())
        Q_EMIT annotationsChanged(changed);
}

void AnnotationDocument::applySchema(const LabelSchema &schema)
{
    m_schema = schema;
    Q_EMIT schemaChanged();
}

} // namespace satgpt
