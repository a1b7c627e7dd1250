// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/annotations/annotation.h"
#include "widgets/mapcanvas/maptool.h"

#include <QObject>
#include <QPointer>
#include <QPolygonF>
#include <QVector>

namespace satgpt {

class AnnotationDocument;

/// The annotation tool on the MapCanvas: draws rectangles, polygons, points and freehand
/// polygons, and in Select mode selects (click, Shift+click toggles, Shift+drag rubber band),
/// moves, resizes (drag a rectangle corner), edits vertices (drag; Ctrl+click deletes one;
/// double-click on an edge inserts one), deletes (Delete), copies and pastes (Ctrl+C/V) and
/// sets the class of the selection with hotkeys 1-9. Every change goes through the document's
/// undo stack; a drag is one undo step. Paints the annotations of its scene that intersect the
/// view, found through the document's spatial index.
///
/// Polygons: click vertices; close by clicking the first vertex, double-clicking, Enter or a
/// right click; Backspace removes the last vertex, Escape cancels.
///
/// GUI thread only. Does not own the document; install with MapCanvas::setMapTool.
class AnnotationTool final : public QObject, public MapTool
{
    Q_OBJECT
public:
    enum class Mode { Select, Rectangle, Polygon, Point, Freehand };
    Q_ENUM(Mode)

    explicit AnnotationTool(AnnotationDocument *document, QObject *parent = nullptr);

    void setDocument(AnnotationDocument *document);
    AnnotationDocument *document() const;
    /// The scene whose annotations are drawn and edited (pixels of the canvas's reference layer).
    void setSceneId(const QString &sceneId);
    QString sceneId() const { return m_scene; }
    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    /// Class given to new annotations (0 = unclassified).
    void setCurrentClass(int classId);
    int currentClass() const { return m_class; }

    QVector<qint64> selection() const { return m_selection; }
    void setSelection(const QVector<qint64> &ids);
    void copySelection();
    /// Pastes the clipboard (this tool's copy) offset so it is visibly separate; selects it.
    void paste();
    void deleteSelection();
    /// Sets the class of the selection (one undo step) and makes it current.
    void applyClass(int classId);
    /// Screen tolerance for hits and vertex handles, in widget pixels.
    static constexpr double kHandleRadius = 6.0;

    // MapTool
    void activate(MapView *view) override;
    void deactivate() override;
    bool mousePressEvent(QMouseEvent *event, QPointF pixel) override;
    bool mouseMoveEvent(QMouseEvent *event, QPointF pixel) override;
    bool mouseReleaseEvent(QMouseEvent *event, QPointF pixel) override;
    bool mouseDoubleClickEvent(QMouseEvent *event, QPointF pixel) override;
    bool keyPressEvent(QKeyEvent *event) override;
    void paint(QPainter *painter, const MapView &view) override;

    /// Vertices of the polygon being drawn (empty when not drawing).
    QPolygonF pendingPolygon() const { return m_drawing; }
    /// How many annotations the last paint() drew (for tests and the benchmark).
    int lastPaintedCount() const { return m_lastPainted; }

Q_SIGNALS:
    void selectionChanged(const QVector<qint64> &ids);
    void modeChanged(satgpt::AnnotationTool::Mode mode);
    void currentClassChanged(int classId);
    void annotationCreated(qint64 id);

private:
    enum class Drag { None, Move, Vertex, Rubber, DrawRect, DrawFreehand };

    double tolerance() const;
    void repaint();
    void finishPolygon();
    void cancelDrawing();
    void create(int shape, const QPolygonF &geometry);
    /// Vertex of a selected annotation within tolerance of `pixel`: (id, index) or (0, -1).
    std::pair<qint64, int> vertexAt(QPointF pixel) const;
    /// Edge of a selected polygon within tolerance: (id, index to insert at) or (0, -1).
    std::pair<qint64, int> edgeAt(QPointF pixel) const;
    void pruneSelection();

    QPointer<AnnotationDocument> m_doc;
    QString m_scene;
    Mode m_mode = Mode::Select;
    int m_class = 0;
    QVector<qint64> m_selection;
    QVector<Annotation> m_clipboard;
    int m_pasteCount = 0;

    Drag m_drag = Drag::None;
    bool m_dragMoved = false;
    QPointF m_dragStart;
    QPointF m_dragLast;
    qint64 m_dragId = 0;
    int m_dragVertex = -1;
    bool m_rubberAdds = false;
    QPolygonF m_drawing;
    QPointF m_hover;
    int m_lastPainted = 0;
};

} // namespace satgpt
