// SPDX-License-Identifier: GPL-3.0-or-later
// Annotation tools on a real MapCanvas showing a generated scene, driven by synthetic mouse and
// key events; and the label, list, editor panels over the same document.

#include "tests/common/testsupport.h"

#include "core/annotations/annotationdocument.h"
#include "core/annotations/annotationtablemodel.h"
#include "core/raster/syntheticscene.h"
#include "core/raster/tilerenderer.h"
#include "widgets/annotations/annotationeditor.h"
#include "widgets/annotations/annotationlistpanel.h"
#include "widgets/annotations/annotationtool.h"
#include "widgets/annotations/labelschemapanel.h"
#include "widgets/mapcanvas/mapcanvas.h"

#include <QComboBox>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUndoView>
#include <QtTest>

using namespace satgpt;

class TestAnnotationTools : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void drawRectangle();
    void drawPolygonClosesOnFirstVertex();
    void drawPolygonClosesOnDoubleClick();
    void drawPointAndFreehand();
    void selectMoveIsOneUndoStep();
    void resizeRectangleByCorner();
    void vertexEditInsertDelete();
    void deleteCopyPaste();
    void multiSelectShiftAndRubberBand();
    void hotkeySetsClass();
    void paintsOnlyVisibleAnnotations();
    void labelSchemaPanel();
    void listPanelFollowsSelectionAndFilters();
    void editorAppliesOneUndoStep();

private:
    QPoint w(QPointF pixel) const { return m_canvas->pixelToWidget(pixel).toPoint(); }
    const Annotation &only() const { return *m_doc->annotation(m_doc->ids().last()); }

    QTemporaryDir m_dir;
    QString m_scene;
    MapCanvas *m_canvas = nullptr;
    AnnotationDocument *m_doc = nullptr;
    AnnotationTool *m_tool = nullptr;
};

void TestAnnotationTools::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_scene = m_dir.filePath(QStringLiteral("scene.tif"));
    SyntheticSceneSpec spec;
    spec.size = QSize(1024, 1024);
    QVERIFY(writeSyntheticScene(m_scene, spec).ok());
}

void TestAnnotationTools::init()
{
    m_canvas = new MapCanvas;
    m_canvas->resize(400, 400);
    auto layer = prepareLayer(m_scene);
    QVERIFY(layer.ok());
    m_canvas->addLayer(std::move(layer.value()), QStringLiteral("scene"));
    m_canvas->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_canvas));
    // One scene pixel per widget pixel with the scene's (0,0) at the widget's top-left corner.
    m_canvas->setScale(1.0, QPointF(200, 200));
    m_canvas->setCenter(QPointF(200, 200));
    QVERIFY((m_canvas->widgetToPixel(QPointF(0, 0)) - QPointF(0, 0)).manhattanLength() < 1e-6);
    m_doc = new AnnotationDocument;
    m_doc->addClass(QStringLiteral("building"), QColor(Qt::red));
    m_doc->addClass(QStringLiteral("water"), QColor(Qt::blue));
    m_tool = new AnnotationTool(m_doc);
    m_tool->setSceneId(QStringLiteral("s1"));
    m_canvas->setMapTool(m_tool);
}

void TestAnnotationTools::cleanup()
{
    m_canvas->setMapTool(nullptr);
    delete m_tool;
    delete m_canvas;
    delete m_doc;
}

void TestAnnotationTools::drawRectangle()
{
    m_tool->setMode(AnnotationTool::Mode::Rectangle);
    m_tool->setCurrentClass(2);
    QTest::mousePress(m_canvas, Qt::LeftButton, {}, w({50, 60}));
    QTest::mouseMove(m_canvas, w({80, 70}));
    QTest::mouseMove(m_canvas, w({120, 100}));
    QTest::mouseRelease(m_canvas, Qt::LeftButton, {}, w({120, 100}));
    QCOMPARE(m_doc->count(), 1);
    QCOMPARE(only().shape, AnnotationShape::Rectangle);
    QCOMPARE(only().classId, 2);
    QCOMPARE(only().sceneId, QStringLiteral("s1"));
    QCOMPARE(only().boundingRect(), QRectF(50, 60, 70, 40));
    m_doc->undoStack()->undo();
    QCOMPARE(m_doc->count(), 0);
    m_doc->undoStack()->redo();
    QCOMPARE(m_doc->count(), 1);
    // A click without a drag makes no rectangle.
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({200, 200}));
    QCOMPARE(m_doc->count(), 1);
}

void TestAnnotationTools::drawPolygonClosesOnFirstVertex()
{
    m_tool->setMode(AnnotationTool::Mode::Polygon);
    for (QPointF p : {QPointF(100, 100), QPointF(200, 110), QPointF(180, 200), QPointF(110, 190)})
        QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w(p));
    QCOMPARE(m_tool->pendingPolygon().size(), 4);
    QCOMPARE(m_doc->count(), 0);
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({102, 101})); // within the handle radius of the first
    QCOMPARE(m_doc->count(), 1);
    QCOMPARE(only().shape, AnnotationShape::Polygon);
    QCOMPARE(only().geometry, QPolygonF({{100, 100}, {200, 110}, {180, 200}, {110, 190}}));
    QVERIFY(m_tool->pendingPolygon().isEmpty());
}

void TestAnnotationTools::drawPolygonClosesOnDoubleClick()
{
    m_tool->setMode(AnnotationTool::Mode::Polygon);
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({10, 10}));
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({60, 10}));
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({60, 50}));
    QTest::mouseDClick(m_canvas, Qt::LeftButton, {}, w({20, 50}));
    QCOMPARE(m_doc->count(), 1);
    QCOMPARE(only().geometry, QPolygonF({{10, 10}, {60, 10}, {60, 50}, {20, 50}}));
    // Escape cancels a polygon in progress; Backspace removes its last vertex.
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({300, 300}));
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({310, 300}));
    QTest::keyClick(m_canvas, Qt::Key_Backspace);
    QCOMPARE(m_tool->pendingPolygon().size(), 1);
    QTest::keyClick(m_canvas, Qt::Key_Escape);
    QVERIFY(m_tool->pendingPolygon().isEmpty());
    QCOMPARE(m_doc->count(), 1);
}

void TestAnnotationTools::drawPointAndFreehand()
{
    m_tool->setMode(AnnotationTool::Mode::Point);
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({33, 44}));
    QCOMPARE(m_doc->count(), 1);
    QCOMPARE(only().shape, AnnotationShape::Point);
    QCOMPARE(only().geometry.first(), QPointF(33, 44));

    m_tool->setMode(AnnotationTool::Mode::Freehand);
    QTest::mousePress(m_canvas, Qt::LeftButton, {}, w({100, 100}));
    for (int i = 1; i <= 20; ++i) {
        const double t = i / 20.0 * 6.28;
        QTest::mouseMove(m_canvas, w({150 + 50 * std::cos(t) - 50, 100 + 50 * std::sin(t)}));
    }
    QTest::mouseRelease(m_canvas, Qt::LeftButton, {}, w({100, 101}));
    QCOMPARE(m_doc->count(), 2);
    QCOMPARE(only().shape, AnnotationShape::Freehand);
    QVERIFY(only().geometry.size() >= 10);
    QVERIFY(only().pixelArea() > 5000); // about pi * 50^2
}

void TestAnnotationTools::selectMoveIsOneUndoStep()
{
    Annotation a;
    a.sceneId = QStringLiteral("s1");
    a.shape = AnnotationShape::Rectangle;
    a.geometry = QPolygonF({{100, 100}, {150, 100}, {150, 150}, {100, 150}});
    const qint64 id = m_doc->addAnnotation(a);
    m_tool->setMode(AnnotationTool::Mode::Select);
    const int steps = m_doc->undoStack()->count();
    QTest::mousePress(m_canvas, Qt::LeftButton, {}, w({120, 120}));
    QCOMPARE(m_tool->selection(), QVector<qint64>{id});
    for (int i = 1; i <= 10; ++i)
        QTest::mouseMove(m_canvas, w({120.0 + i, 120.0 + i / 2.0}));
    QTest::mouseRelease(m_canvas, Qt::LeftButton, {}, w({130, 125}));
    QCOMPARE(m_doc->annotation(id)->boundingRect(), QRectF(110, 105, 50, 50));
    QCOMPARE(m_doc->undoStack()->count(), steps + 1);
    m_doc->undoStack()->undo();
    QCOMPARE(m_doc->annotation(id)->boundingRect(), QRectF(100, 100, 50, 50));
    // Clicking empty space clears the selection.
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({300, 300}));
    QVERIFY(m_tool->selection().isEmpty());
}

void TestAnnotationTools::resizeRectangleByCorner()
{
    Annotation a;
    a.sceneId = QStringLiteral("s1");
    a.shape = AnnotationShape::Rectangle;
    a.geometry = QPolygonF({{100, 100}, {150, 100}, {150, 150}, {100, 150}});
    const qint64 id = m_doc->addAnnotation(a);
    m_tool->setSelection({id});
    const int steps = m_doc->undoStack()->count();
    QTest::mousePress(m_canvas, Qt::LeftButton, {}, w({150, 150}));
    QTest::mouseMove(m_canvas, w({170, 160}));
    QTest::mouseMove(m_canvas, w({200, 180}));
    QTest::mouseRelease(m_canvas, Qt::LeftButton, {}, w({200, 180}));
    QCOMPARE(m_doc->annotation(id)->boundingRect(), QRectF(100, 100, 100, 80));
    QCOMPARE(m_doc->annotation(id)->shape, AnnotationShape::Rectangle);
    QCOMPARE(m_doc->undoStack()->count(), steps + 1);
    m_doc->undoStack()->undo();
    QCOMPARE(m_doc->annotation(id)->boundingRect(), QRectF(100, 100, 50, 50));
}

void TestAnnotationTools::vertexEditInsertDelete()
{
    Annotation a;
    a.sceneId = QStringLiteral("s1");
    a.shape = AnnotationShape::Polygon;
    a.geometry = QPolygonF({{100, 100}, {200, 100}, {200, 200}, {100, 200}});
    const qint64 id = m_doc->addAnnotation(a);
    m_tool->setSelection({id});
    // Drag a vertex.
    QTest::mousePress(m_canvas, Qt::LeftButton, {}, w({200, 200}));
    QTest::mouseMove(m_canvas, w({220, 230}));
    QTest::mouseRelease(m_canvas, Qt::LeftButton, {}, w({220, 230}));
    QCOMPARE(m_doc->annotation(id)->geometry[2], QPointF(220, 230));
    // Double-click on an edge inserts a vertex there.
    QTest::mouseDClick(m_canvas, Qt::LeftButton, {}, w({150, 100}));
    QCOMPARE(m_doc->annotation(id)->geometry.size(), 5);
    QCOMPARE(m_doc->annotation(id)->geometry[1], QPointF(150, 100));
    // Ctrl+click on a vertex deletes it.
    QTest::mouseClick(m_canvas, Qt::LeftButton, Qt::ControlModifier, w({150, 100}));
    QCOMPARE(m_doc->annotation(id)->geometry.size(), 4);
    m_doc->undoStack()->undo();
    QCOMPARE(m_doc->annotation(id)->geometry.size(), 5);
    m_doc->undoStack()->undo();
    m_doc->undoStack()->undo();
    QCOMPARE(m_doc->annotation(id)->geometry, a.geometry);
}

void TestAnnotationTools::deleteCopyPaste()
{
    Annotation a;
    a.sceneId = QStringLiteral("s1");
    a.shape = AnnotationShape::Polygon;
    a.caption = QStringLiteral("copied caption");
    a.geometry = QPolygonF({{100, 100}, {200, 100}, {150, 180}});
    const qint64 id = m_doc->addAnnotation(a);
    m_tool->setMode(AnnotationTool::Mode::Select);
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({150, 130}));
    QCOMPARE(m_tool->selection(), QVector<qint64>{id});
    QTest::keyClick(m_canvas, Qt::Key_C, Qt::ControlModifier);
    QTest::keyClick(m_canvas, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(m_doc->count(), 2);
    QCOMPARE(only().caption, QStringLiteral("copied caption"));
    QCOMPARE(only().geometry.first(), QPointF(110, 110));
    QCOMPARE(m_tool->selection(), QVector<qint64>{m_doc->ids().last()});
    QTest::keyClick(m_canvas, Qt::Key_Delete);
    QCOMPARE(m_doc->count(), 1);
    QVERIFY(m_tool->selection().isEmpty());
    m_doc->undoStack()->undo();
    QCOMPARE(m_doc->count(), 2);
}

void TestAnnotationTools::multiSelectShiftAndRubberBand()
{
    QVector<qint64> ids;
    for (int i = 0; i < 4; ++i) {
        Annotation a;
        a.sceneId = QStringLiteral("s1");
        a.shape = AnnotationShape::Rectangle;
        const QRectF r(50 + i * 80, 50, 40, 40);
        a.geometry = QPolygonF({r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()});
        ids.append(m_doc->addAnnotation(a));
    }
    m_tool->setMode(AnnotationTool::Mode::Select);
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({70, 70}));
    QTest::mouseClick(m_canvas, Qt::LeftButton, Qt::ShiftModifier, w({230, 70}));
    QCOMPARE(m_tool->selection(), (QVector<qint64>{ids[0], ids[2]}));
    QTest::mouseClick(m_canvas, Qt::LeftButton, Qt::ShiftModifier, w({70, 70}));
    QCOMPARE(m_tool->selection(), QVector<qint64>{ids[2]});
    // Shift+drag from empty space: a rubber band adding the boxes wholly inside it.
    QTest::keyClick(m_canvas, Qt::Key_Escape);
    QTest::mousePress(m_canvas, Qt::LeftButton, Qt::ShiftModifier, w({40, 40}));
    QTest::mouseMove(m_canvas, w({150, 100}));
    QTest::mouseMove(m_canvas, w({215, 100}));
    QTest::mouseRelease(m_canvas, Qt::LeftButton, Qt::ShiftModifier, w({215, 100}));
    QCOMPARE(m_tool->selection(), (QVector<qint64>{ids[0], ids[1]}));
    // Moving a multi-selection moves all of it.
    QTest::mousePress(m_canvas, Qt::LeftButton, {}, w({70, 70}));
    QTest::mouseMove(m_canvas, w({70, 80}));
    QTest::mouseRelease(m_canvas, Qt::LeftButton, {}, w({70, 80}));
    QCOMPARE(m_doc->annotation(ids[0])->boundingRect().top(), 60.0);
    QCOMPARE(m_doc->annotation(ids[1])->boundingRect().top(), 60.0);
    QCOMPARE(m_doc->annotation(ids[2])->boundingRect().top(), 50.0);
}

void TestAnnotationTools::hotkeySetsClass()
{
    Annotation a;
    a.sceneId = QStringLiteral("s1");
    a.shape = AnnotationShape::Point;
    a.geometry = QPolygonF({QPointF(10, 10)});
    const qint64 id = m_doc->addAnnotation(a);
    m_tool->setSelection({id});
    QTest::keyClick(m_canvas, Qt::Key_2);
    QCOMPARE(m_doc->annotation(id)->classId, m_doc->schema().classByHotkey(2)->id);
    QCOMPARE(m_tool->currentClass(), m_doc->schema().classByHotkey(2)->id);
    m_doc->undoStack()->undo();
    QCOMPARE(m_doc->annotation(id)->classId, 0);
}

void TestAnnotationTools::paintsOnlyVisibleAnnotations()
{
    QVector<Annotation> many;
    for (int y = 0; y < 50; ++y)
        for (int x = 0; x < 50; ++x) {
            Annotation a;
            a.sceneId = QStringLiteral("s1");
            a.shape = AnnotationShape::Rectangle;
            const QRectF r(x * 20 + 2, y * 20 + 2, 10, 10);
            a.geometry = QPolygonF({r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()});
            a.classId = 1 + (x + y) % 2;
            many.append(a);
        }
    m_doc->addAnnotations(many);
    QCOMPARE(m_doc->count(), 2500);
    const QImage shot = m_canvas->grab().toImage();
    // The 400x400 view shows 20x20 of the 50x50 grid (plus the row/column at the edge).
    QVERIFY2(m_tool->lastPaintedCount() >= 400 && m_tool->lastPaintedCount() <= 441,
             qPrintable(QString::number(m_tool->lastPaintedCount())));
    // The outline is drawn in the class colour: the left edge of the first box is red-ish.
    const QColor c = shot.pixelColor(w({2, 7}));
    QVERIFY2(c.red() > 150 && c.blue() < 120, qPrintable(c.name()));
}

void TestAnnotationTools::labelSchemaPanel()
{
    LabelSchemaPanel panel(m_doc);
    QCOMPARE(panel.table()->rowCount(), 2);
    QSignalSpy current(&panel, &LabelSchemaPanel::currentClassChanged);
    const int id = panel.addClass(QStringLiteral("road"));
    QCOMPARE(panel.table()->rowCount(), 3);
    QCOMPARE(m_doc->schema().classById(id)->hotkey, 3);
    QCOMPARE(panel.currentClass(), id);
    QVERIFY(current.count() > 0);
    panel.table()->item(2, 0)->setText(QStringLiteral("highway"));
    QCOMPARE(m_doc->schema().nameOf(id), QStringLiteral("highway"));
    panel.table()->item(2, 2)->setData(Qt::EditRole, 1); // takes hotkey 1 from "building"
    QCOMPARE(m_doc->schema().classByHotkey(1)->id, id);
    QCOMPARE(m_doc->schema().classByName(QStringLiteral("building"))->hotkey, 0);
    panel.setClassColor(id, QColor(Qt::green));
    QCOMPARE(m_doc->schema().colorOf(id), QColor(Qt::green));
    m_doc->undoStack()->undo(); // colour
    m_doc->undoStack()->undo(); // hotkey
    m_doc->undoStack()->undo(); // name
    QCOMPARE(m_doc->schema().nameOf(id), QStringLiteral("road"));
    QCOMPARE(panel.table()->item(2, 0)->text(), QStringLiteral("road"));
    panel.removeClass(id);
    QCOMPARE(panel.table()->rowCount(), 2);
}

void TestAnnotationTools::listPanelFollowsSelectionAndFilters()
{
    AnnotationListPanel panel(m_doc);
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.setSceneFilter(QStringLiteral("s1"));
    m_tool->setMode(AnnotationTool::Mode::Point);
    m_tool->setCurrentClass(1);
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({10, 10}));
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({20, 20}));
    m_tool->setCurrentClass(2);
    QTest::mouseClick(m_canvas, Qt::LeftButton, {}, w({30, 30}));
    QCOMPARE(panel.model()->rowCount(), 3);
    QVERIFY2(panel.countsText().contains(QLatin1String("building: 2")), qPrintable(panel.countsText()));
    QVERIFY(panel.countsText().contains(QLatin1String("water: 1")));
    // Canvas selection -> list; list selection -> signal.
    connect(m_tool, &AnnotationTool::selectionChanged, &panel, &AnnotationListPanel::setSelection);
    m_tool->setSelection({m_doc->ids()[1]});
    QCOMPARE(panel.selection(), QVector<qint64>{m_doc->ids()[1]});
    QSignalSpy listSel(&panel, &AnnotationListPanel::selectionChanged);
    panel.view()->selectRow(2);
    QCOMPARE(listSel.count(), 1);
    QCOMPARE(listSel.last().first().value<QVector<qint64>>(), QVector<qint64>{m_doc->ids()[2]});
    // Class filter.
    panel.classFilter()->setCurrentIndex(panel.classFilter()->findData(2));
    QCOMPARE(panel.model()->rowCount(), 1);
    panel.classFilter()->setCurrentIndex(0);
    QCOMPARE(panel.model()->rowCount(), 3);
    // Zoom-to on double-click.
    QSignalSpy zoom(&panel, &AnnotationListPanel::zoomToRequested);
    const QRect cell = panel.view()->visualRect(panel.model()->index(0, 0));
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const QPoint at = panel.view()->visualRect(panel.model()->index(0, 0)).center();
    QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {}, at); // item views want the press first
    QTest::mouseDClick(panel.view()->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(zoom.count(), 1);
    QVERIFY(zoom.first().at(1).toRectF().contains(QPointF(10, 10)));
    Q_UNUSED(cell)
}

void TestAnnotationTools::editorAppliesOneUndoStep()
{
    Annotation a;
    a.sceneId = QStringLiteral("s1");
    a.shape = AnnotationShape::Point;
    a.geometry = QPolygonF({QPointF(10, 10)});
    a.attributes.insert(QStringLiteral("tags"), QJsonArray{1, 2});
    const qint64 id = m_doc->addAnnotation(a);
    AnnotationEditor editor(m_doc);
    QUndoView history(m_doc->undoStack());
    editor.setAnnotation(id);
    editor.captionEdit()->setPlainText(QStringLiteral("a water tower"));
    editor.classCombo()->setCurrentIndex(editor.classCombo()->findData(1));
    editor.qaTable()->insertRow(0);
    editor.qaTable()->setItem(0, 0, new QTableWidgetItem(QStringLiteral("Is there a tower?")));
    editor.qaTable()->setItem(0, 1, new QTableWidgetItem(QStringLiteral("yes")));
    editor.qaTable()->setItem(0, 2, new QTableWidgetItem(QStringLiteral("presence")));
    const int row = editor.attributeTable()->rowCount();
    editor.attributeTable()->insertRow(row);
    editor.attributeTable()->setItem(row, 0, new QTableWidgetItem(QStringLiteral("height_m")));
    editor.attributeTable()->setItem(row, 1, new QTableWidgetItem(QStringLiteral("31.5")));
    const int steps = m_doc->undoStack()->count();
    QVERIFY(editor.apply());
    QCOMPARE(m_doc->undoStack()->count(), steps + 1);
    QCOMPARE(history.model()->rowCount(), steps + 2); // QUndoView lists "<empty>" first
    const Annotation *edited = m_doc->annotation(id);
    QCOMPARE(edited->caption, QStringLiteral("a water tower"));
    QCOMPARE(edited->classId, 1);
    QCOMPARE(edited->qa.size(), 1);
    QCOMPARE(edited->qa[0].type, QStringLiteral("presence"));
    QCOMPARE(edited->attributes.value(QLatin1String("height_m")).toDouble(), 31.5);
    QCOMPARE(edited->attributes.value(QLatin1String("tags")).toArray(), (QJsonArray{1, 2}));
    QVERIFY(!editor.apply()); // nothing changed since
    m_doc->undoStack()->undo();
    QCOMPARE(editor.captionEdit()->toPlainText(), QString()); // the editor follows undo
    QCOMPARE(m_doc->annotation(id)->qa.size(), 0);
}

QTEST_MAIN(TestAnnotationTools)
#include "tst_annotationtools.moc"
