// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/annotations/annotationtool.h"

#include "core/annotations/annotationdocument.h"

#include <QKeyEvent>
#include <QLineF>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace satgpt {

namespace {
double segmentDistance(QPointF p, QPointF a, QPointF b)
{
    const QPointF ab = b - a;
    const double len2 = QPointF::dotProduct(ab, ab);
    const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
    return QLineF(p, a + t * ab).length();
}
} // namespace

AnnotationTool::AnnotationTool(AnnotationDocument *document, QObject *parent) : QObject(parent)
{
    setDocument(document);
}

void AnnotationTool::setDocument(AnnotationDocument *document)
{
    if (m_doc)
        disconnect(m_doc, nullptr, this, nullptr);
    m_doc = document;
    m_selection.clear();
    cancelDrawing();
    if (m_doc) {
        auto refresh = [this] {
            pruneSelection();
            repaint();
        };
        connect(m_doc, &AnnotationDocument::annotationsAdded, this, refresh);
        connect(m_doc, &AnnotationDocument::annotationsRemoved, this, refresh);
        connect(m_doc, &AnnotationDocument::annotationsChanged, this, refresh);
        connect(m_doc, &AnnotationDocument::schemaChanged, this, refresh);
        connect(m_doc, &AnnotationDocument::contentsReset, this, refresh);
    }
    Q_EMIT selectionChanged(m_selection);
    repaint();
}

AnnotationDocument *AnnotationTool::document() const { return m_doc; }

void AnnotationTool::setSceneId(const QString &sceneId)
{
    if (m_scene == sceneId)
        return;
    m_scene = sceneId;
    cancelDrawing();
    setSelection({});
    repaint();
}

void AnnotationTool::setMode(Mode mode)
{
    if (m_mode == mode)
        return;
    cancelDrawing();
    m_mode = mode;
    Q_EMIT modeChanged(mode);
    repaint();
}

void AnnotationTool::setCurrentClass(int classId)
{
    if (m_class == classId)
        return;
    m_class = classId;
    Q_EMIT currentClassChanged(classId);
}

void AnnotationTool::setSelection(const QVector<qint64> &ids)
{
    QVector<qint64> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (sorted == m_selection)
        return;
    m_selection = sorted;
    Q_EMIT selectionChanged(m_selection);
    repaint();
}

void AnnotationTool::pruneSelection()
{
    QVector<qint64> kept;
    for (qint64 id : m_selection)
        if (m_doc && m_doc->contains(id))
            kept.append(id);
    if (kept != m_selection) {
        m_selection = kept;
        Q_EMIT selectionChanged(m_selection);
    }
}

void AnnotationTool::copySelection()
{
    if (!m_doc)
        return;
    m_clipboard.clear();
    for (qint64 id : m_selection)
        if (const Annotation *a = m_doc->annotation(id))
            m_clipboard.append(*a);
    m_pasteCount = 0;
}

void AnnotationTool::paste()
{
    if (!m_doc || m_clipboard.isEmpty())
        return;
    ++m_pasteCount;
    // Offset by a fixed screen distance so the copy is visible beside its original.
    const double offset = 10.0 * m_pasteCount / (view() ? view()->scale() : 1.0);
    QVector<Annotation> copies = m_clipboard;
    for (Annotation &a : copies) {
        a.id = 0;
        a.sceneId = m_scene;
        a.geometry.translate(offset, offset);
    }
    setSelection(m_doc->addAnnotations(copies, tr("Paste %n annotation(s)", nullptr, int(copies.size()))));
}

void AnnotationTool::deleteSelection()
{
    if (!m_doc || m_selection.isEmpty())
        return;
    const QVector<qint64> ids = m_selection;
    setSelection({});
    m_doc->removeAnnotations(ids);
}

void AnnotationTool::applyClass(int classId)
{
    setCurrentClass(classId);
    if (m_doc && !m_selection.isEmpty())
        m_doc->setClass(m_selection, classId);
}

void AnnotationTool::activate(MapView *view)
{
    MapTool::activate(view);
    repaint();
}

void AnnotationTool::deactivate()
{
    cancelDrawing();
    MapTool::deactivate();
}

double AnnotationTool::tolerance() const { return kHandleRadius / (view() && view()->scale() > 0 ? view()->scale() : 1.0); }

void AnnotationTool::repaint()
{
    if (view())
        view()->requestRepaint();
}

void AnnotationTool::cancelDrawing()
{
    m_drawing.clear();
    m_drag = Drag::None;
    repaint();
}

void AnnotationTool::create(int shape, const QPolygonF &geometry)
{
    if (!m_doc)
        return;
    Annotation a;
    a.sceneId = m_scene;
    a.shape = AnnotationShape(shape);
    a.geometry = geometry;
    a.classId = m_class;
    if (!a.hasValidGeometry())
        return;
    const qint64 id = m_doc->addAnnotation(a);
    Q_EMIT annotationCreated(id);
}

void AnnotationTool::finishPolygon()
{
    QPolygonF ring = m_drawing;
    // Drop consecutive duplicates (a double-click adds the same vertex twice).
    QPolygonF clean;
    for (const QPointF &p : ring)
        if (clean.isEmpty() || QLineF(clean.last(), p).length() > 1e-9)
            clean.append(p);
    m_drawing.clear();
    if (clean.size() >= 3)
        create(int(m_mode == Mode::Freehand ? AnnotationShape::Freehand : AnnotationShape::Polygon), clean);
    repaint();
}

std::pair<qint64, int> AnnotationTool::vertexAt(QPointF pixel) const
{
    if (!m_doc)
        return {0, -1};
    const double tol = tolerance();
    for (auto it = m_selection.crbegin(); it != m_selection.crend(); ++it) {
        const Annotation *a = m_doc->annotation(*it);
        if (!a || a->isPoint())
            continue;
        for (int i = 0; i < a->geometry.size(); ++i)
            if (QLineF(a->geometry[i], pixel).length() <= tol)
                return {*it, i};
    }
    return {0, -1};
}

std::pair<qint64, int> AnnotationTool::edgeAt(QPointF pixel) const
{
    if (!m_doc)
        return {0, -1};
    const double tol = tolerance();
    for (auto it = m_selection.crbegin(); it != m_selection.crend(); ++it) {
        const Annotation *a = m_doc->annotation(*it);
        if (!a || a->isPoint() || a->shape == AnnotationShape::Rectangle)
            continue;
        const int n = int(a->geometry.size());
        for (int i = 0; i < n; ++i)
            if (segmentDistance(pixel, a->geometry[i], a->geometry[(i + 1) % n]) <= tol)
                return {*it, i + 1};
    }
    return {0, -1};
}

bool AnnotationTool::mousePressEvent(QMouseEvent *event, QPointF pixel)
{
    if (!m_doc)
        return false;
    if (event->button() == Qt::RightButton && m_mode == Mode::Polygon && !m_drawing.isEmpty()) {
        finishPolygon();
        return true;
    }
    if (event->button() != Qt::LeftButton)
        return false;
    m_dragStart = m_dragLast = pixel;
    m_dragMoved = false;
    switch (m_mode) {
    case Mode::Rectangle:
        m_drag = Drag::DrawRect;
        return true;
    case Mode::Point:
        create(int(AnnotationShape::Point), QPolygonF({pixel}));
        return true;
    case Mode::Freehand:
        m_drag = Drag::DrawFreehand;
        m_drawing = QPolygonF({pixel});
        return true;
    case Mode::Polygon:
        if (m_drawing.size() >= 3 && QLineF(m_drawing.first(), pixel).length() <= tolerance()) {
            finishPolygon();
            return true;
        }
        m_drawing.append(pixel);
        repaint();
        return true;
    case Mode::Select:
        break;
    }

    const bool shift = event->modifiers() & Qt::ShiftModifier;
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    const auto [vid, vindex] = vertexAt(pixel);
    if (vid && ctrl) {
        m_doc->removeVertex(vid, vindex);
        return true;
    }
    if (vid && !shift) {
        m_drag = Drag::Vertex;
        m_dragId = vid;
        m_dragVertex = vindex;
        return true;
    }
    const qint64 hit = m_doc->hitTest(m_scene, pixel, tolerance());
    if (hit) {
        if (shift) {
            QVector<qint64> sel = m_selection;
            if (sel.contains(hit))
                sel.removeAll(hit);
            else
                sel.append(hit);
            setSelection(sel);
            return true;
        }
        if (!m_selection.contains(hit))
            setSelection({hit});
        m_drag = Drag::Move;
        return true;
    }
    if (shift) {
        m_drag = Drag::Rubber;
        m_rubberAdds = true;
        return true;
    }
    // Empty space without Shift: clear the selection and let the canvas pan.
    setSelection({});
    return false;
}

bool AnnotationTool::mouseMoveEvent(QMouseEvent *event, QPointF pixel)
{
    Q_UNUSED(event)
    m_hover = pixel;
    if (!m_doc)
        return false;
    if (QLineF(pixel, m_dragStart).length() > 0)
        m_dragMoved = true;
    switch (m_drag) {
    case Drag::None:
        if (m_mode == Mode::Polygon && !m_drawing.isEmpty())
            repaint();
        return false;
    case Drag::Move:
        m_doc->moveAnnotations(m_selection, pixel - m_dragLast, m_dragLast != m_dragStart);
        break;
    case Drag::Vertex:
        m_doc->moveVertex(m_dragId, m_dragVertex, pixel, m_dragLast != m_dragStart);
        if (const Annotation *a = m_doc->annotation(m_dragId); a && a->shape == AnnotationShape::Rectangle) {
            // Normalising the rectangle may renumber its corners: follow the one under the cursor.
            for (int i = 0; i < a->geometry.size(); ++i)
                if (QLineF(a->geometry[i], pixel).length() < 1e-9)
                    m_dragVertex = i;
        }
        break;
    case Drag::DrawFreehand:
        if (QLineF(m_drawing.last(), pixel).length() >= 2.0 / (view() ? view()->scale() : 1.0))
            m_drawing.append(pixel);
        break;
    case Drag::Rubber:
    case Drag::DrawRect:
        break;
    }
    m_dragLast = pixel;
    repaint();
    return true;
}

bool AnnotationTool::mouseReleaseEvent(QMouseEvent *event, QPointF pixel)
{
    if (event->button() != Qt::LeftButton || m_drag == Drag::None || !m_doc)
        return false;
    const Drag drag = m_drag;
    m_drag = Drag::None;
    switch (drag) {
    case Drag::DrawRect: {
        const QRectF r = QRectF(m_dragStart, pixel).normalized();
        if (r.width() * (view() ? view()->scale() : 1.0) >= 2 && r.height() * (view() ? view()->scale() : 1.0) >= 2)
            create(int(AnnotationShape::Rectangle), QPolygonF({r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()}));
        break;
    }
    case Drag::DrawFreehand:
        m_drawing.append(pixel);
        finishPolygon();
        break;
    case Drag::Rubber: {
        const QRectF r = QRectF(m_dragStart, pixel).normalized();
        QVector<qint64> sel = m_rubberAdds ? m_selection : QVector<qint64>();
        for (qint64 id : m_doc->query(m_scene, r)) {
            const Annotation *a = m_doc->annotation(id);
            const QRectF b = a->boundingRect();
            // Only annotations wholly inside the band, as in most editors.
            if (r.left() <= b.left() && b.right() <= r.right() && r.top() <= b.top() && b.bottom() <= r.bottom())
                sel.append(id);
        }
        setSelection(sel);
        break;
    }
    case Drag::Move:
        if (m_dragLast != pixel)
            m_doc->moveAnnotations(m_selection, pixel - m_dragLast, m_dragMoved);
        break;
    case Drag::Vertex:
        if (m_dragLast != pixel)
            m_doc->moveVertex(m_dragId, m_dragVertex, pixel, m_dragMoved);
        break;
    case Drag::None:
        break;
    }
    repaint();
    return true;
}

bool AnnotationTool::mouseDoubleClickEvent(QMouseEvent *event, QPointF pixel)
{
    if (!m_doc || event->button() != Qt::LeftButton)
        return false;
    if (m_mode == Mode::Polygon) {
        // Platforms differ in whether a press precedes the double-click event; finishPolygon
        // drops the duplicate vertex when one did.
        if (!m_drawing.isEmpty()) {
            m_drawing.append(pixel);
            finishPolygon();
        }
        return true;
    }
    if (m_mode == Mode::Select) {
        const auto [id, index] = edgeAt(pixel);
        if (id) {
            m_doc->insertVertex(id, index, pixel);
            return true;
        }
        return !m_selection.isEmpty() || m_doc->hitTest(m_scene, pixel, tolerance()) != 0;
    }
    return true;
}

bool AnnotationTool::keyPressEvent(QKeyEvent *event)
{
    if (!m_doc)
        return false;
    const int key = event->key();
    if (event->modifiers() & Qt::ControlModifier) {
        if (key == Qt::Key_C) {
            copySelection();
            return true;
        }
        if (key == Qt::Key_V) {
            paste();
            return true;
        }
        if (key == Qt::Key_A) {
            setSelection(m_doc->idsForScene(m_scene));
            return true;
        }
        return false;
    }
    if (key >= Qt::Key_1 && key <= Qt::Key_9) {
        if (const LabelClass *c = m_doc->schema().classByHotkey(key - Qt::Key_0)) {
            applyClass(c->id);
            return true;
        }
        return false;
    }
    switch (key) {
    case Qt::Key_Escape:
        if (!m_drawing.isEmpty())
            cancelDrawing();
        else
            setSelection({});
        return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_mode == Mode::Polygon && !m_drawing.isEmpty()) {
            finishPolygon();
            return true;
        }
        return false;
    case Qt::Key_Backspace:
        if (!m_drawing.isEmpty()) {
            m_drawing.removeLast();
            repaint();
            return true;
        }
        deleteSelection();
        return true;
    case Qt::Key_Delete:
        deleteSelection();
        return true;
    default:
        return false;
    }
}

void AnnotationTool::paint(QPainter *painter, const MapView &view)
{
    m_lastPainted = 0;
    if (!m_doc)
        return;
    const double s = view.scale() > 0 ? view.scale() : 1.0;
    const QVector<qint64> visible = m_doc->query(m_scene, view.visiblePixelRect());
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    for (qint64 id : visible) {
        const Annotation *a = m_doc->annotation(id);
        if (!a)
            continue;
        const bool selected = m_selection.contains(id);
        const QColor color = a->classId ? m_doc->schema().colorOf(a->classId) : QColor(255, 220, 0);
        QPen pen(selected ? QColor(Qt::white) : color, selected ? 2.5 : 1.5);
        pen.setCosmetic(true);
        painter->setPen(pen);
        QColor fill = color;
        fill.setAlpha(selected ? 90 : 50);
        painter->setBrush(fill);
        if (a->isPoint()) {
            painter->drawEllipse(a->geometry.first(), 4.0 / s, 4.0 / s);
        } else {
            painter->drawPolygon(a->geometry);
            if (selected) {
                // A dashed outline in the class colour over the white one keeps both readable.
                QPen dash(color, 1.5, Qt::DashLine);
                dash.setCosmetic(true);
                painter->setPen(dash);
                painter->setBrush(Qt::NoBrush);
                painter->drawPolygon(a->geometry);
                painter->setPen(QPen(Qt::black, 0));
                painter->setBrush(Qt::white);
                const double h = 3.5 / s;
                for (const QPointF &p : a->geometry)
                    painter->drawRect(QRectF(p.x() - h, p.y() - h, 2 * h, 2 * h));
            }
        }
        ++m_lastPainted;
    }
    QPen draft(QColor(0, 200, 255), 1.5, Qt::DashLine);
    draft.setCosmetic(true);
    painter->setPen(draft);
    painter->setBrush(Qt::NoBrush);
    if (m_drag == Drag::DrawRect || m_drag == Drag::Rubber)
        painter->drawRect(QRectF(m_dragStart, m_dragLast).normalized());
    if (!m_drawing.isEmpty()) {
        QPolygonF line = m_drawing;
        if (m_mode == Mode::Polygon)
            line.append(m_hover);
        painter->drawPolyline(line);
        painter->setBrush(QColor(0, 200, 255));
        const double h = 3.0 / s;
        for (const QPointF &p : m_drawing)
            painter->drawEllipse(p, h, h);
    }
    painter->restore();
}

} // namespace satgpt
