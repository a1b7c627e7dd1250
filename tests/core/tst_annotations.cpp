// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/annotationdocument.h"
#include "core/annotations/annotationexporter.h"
#include "core/annotations/annotationtablemodel.h"
#include "core/annotations/geojsoninterchange.h"
#include "core/annotations/geomeasure.h"
#include "core/annotations/spatialindex.h"

#include "tests/common/testsupport.h"
#include "tests/core/annotationfixtures.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <functional>

using namespace satgpt;

namespace {

struct Snapshot
{
    QVector<Annotation> annotations;
    LabelSchema schema;
    bool operator==(const Snapshot &o) const { return annotations == o.annotations && schema == o.schema; }
};

Snapshot snapshot(const AnnotationDocument &doc) { return {doc.annotations(), doc.schema()}; }

Annotation makePolygon(const QString &scene, int classId, QPolygonF ring, AnnotationShape shape = AnnotationShape::Polygon)
{
    Annotation a;
    a.sceneId = scene;
    a.classId = classId;
    a.shape = shape;
    a.geometry = std::move(ring);
    return a;
}

Annotation makeRect(const QString &scene, int classId, QRectF r)
{
    return makePolygon(scene, classId, QPolygonF({r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()}),
                       AnnotationShape::Rectangle);
}

Annotation makePoint(const QString &scene, int classId, QPointF p)
{
    Annotation a;
    a.sceneId = scene;
    a.classId = classId;
    a.shape = AnnotationShape::Point;
    a.geometry = QPolygonF({p});
    return a;
}

} // namespace

class TestAnnotations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void jsonRoundTrip();
    void everyEditUndoesAndRedoes_data();
    void everyEditUndoesAndRedoes();
    void dragMergesIntoOneStep();
    void removingClassUnclassifiesUndoably();
    void spatialIndexMatchesBruteForce();
    void hitTest();
    void areaAndCentroidProjected();
    void areaGeographic();
    void tableModel();
    void geoJsonExportReadBackThroughOgr();
    void geoJsonWgs84MatchesGdaltransform();
    void geoJsonImportRoundTrip();
    void geoJsonImportErrorsLeaveDocumentUntouched_data();
    void geoJsonImportErrorsLeaveDocumentUntouched();
    void cocoExportIsValid();
    void yoloExport();
    void chipsPngAndGeoTiff();

private:
    void fillDocument(AnnotationDocument &doc);
    QTemporaryDir m_dir;
    QString m_utmScene;
    QString m_geoScene;
};

void TestAnnotations::initTestCase()
{
    GDALAllRegister();
    QVERIFY(m_dir.isValid());
    m_utmScene = m_dir.filePath(QStringLiteral("utm.tif"));
    m_geoScene = m_dir.filePath(QStringLiteral("geo.tif"));
    QVERIFY(test::writeScene(m_utmScene, 256, 192, test::utmTransform(), 32633));
    QVERIFY(test::writeScene(m_geoScene, 128, 128, test::geographicTransform(), 4326, 1, GDT_UInt16));
}

void TestAnnotations::fillDocument(AnnotationDocument &doc)
{
    const int building = doc.addClass(QStringLiteral("building"), QColor(Qt::red));
    const int water = doc.addClass(QStringLiteral("water"), QColor(Qt::blue));
    Annotation r = makeRect(QStringLiteral("s1"), building, QRectF(10, 20, 30, 40));
    r.caption = QStringLiteral("a large warehouse");
    r.qa = {QaPair{QStringLiteral("How many buildings?"), QStringLiteral("1"), QStringLiteral("count")},
            QaPair{QStringLiteral("Is there water?"), QStringLiteral("no"), QStringLiteral("presence")}};
    r.attributes.insert(QStringLiteral("source"), QStringLiteral("manual"));
    r.attributes.insert(QStringLiteral("confidence"), 0.75);
    doc.addAnnotation(r);
    doc.addAnnotation(makePolygon(QStringLiteral("s1"), water, QPolygonF({{100, 100}, {150, 110}, {140, 160}, {105, 150}})));
    doc.addAnnotation(makePoint(QStringLiteral("s1"), building, QPointF(200.5, 50.25)));
    Annotation f = makePolygon(QStringLiteral("s1"), 0, QPolygonF({{60, 60}, {70, 62}, {75, 70}, {68, 80}, {58, 72}}),
                               AnnotationShape::Freehand);
    f.caption = QStringLiteral("unclassified freehand");
    doc.addAnnotation(f);
}

void TestAnnotations::jsonRoundTrip()
{
    AnnotationDocument doc;
    fillDocument(doc);
    for (const Annotation &a : doc.annotations()) {
        Annotation back;
        QString error;
        QVERIFY2(Annotation::fromJson(a.toJson(), &back, &error), qPrintable(error));
        QCOMPARE(back, a);
    }
    LabelSchema schema;
    QString error;
    QVERIFY(LabelSchema::fromJson(doc.schema().toJson(), &schema, &error));
    QCOMPARE(schema, doc.schema());
    Annotation bad;
    QVERIFY(!Annotation::fromJson(QJsonObject{{QStringLiteral("id"), QStringLiteral("x")}}, &bad, &error));
    QVERIFY(error.contains(QLatin1String("id")));
}

using Edit = std::function<void(AnnotationDocument &)>;
Q_DECLARE_METATYPE(Edit)

void TestAnnotations::everyEditUndoesAndRedoes_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::newRow("add") << Edit([](AnnotationDocument &d) { d.addAnnotation(makeRect(QStringLiteral("s1"), 1, QRectF(1, 1, 5, 5))); });
    QTest::newRow("paste") << Edit([](AnnotationDocument &d) {
        QVector<Annotation> copies = d.annotations();
        for (Annotation &a : copies) {
            a.id = 0;
            a.geometry.translate(5, 5);
        }
        d.addAnnotations(copies, QStringLiteral("Paste"));
    });
    QTest::newRow("delete") << Edit([](AnnotationDocument &d) { d.removeAnnotations({d.ids().first(), d.ids().last()}); });
    QTest::newRow("move") << Edit([](AnnotationDocument &d) { d.moveAnnotations(d.ids(), QPointF(3, -2)); });
    QTest::newRow("resize") << Edit([](AnnotationDocument &d) {
        d.setGeometry(d.ids().first(), QPolygonF({{0, 0}, {50, 0}, {50, 50}, {0, 50}}));
    });
    QTest::newRow("moveVertex") << Edit([](AnnotationDocument &d) { d.moveVertex(d.ids()[1], 2, QPointF(145, 170)); });
    QTest::newRow("moveRectCorner") << Edit([](AnnotationDocument &d) { d.moveVertex(d.ids()[0], 2, QPointF(60, 90)); });
    QTest::newRow("insertVertex") << Edit([](AnnotationDocument &d) { d.insertVertex(d.ids()[1], 1, QPointF(125, 95)); });
    QTest::newRow("removeVertex") << Edit([](AnnotationDocument &d) { QVERIFY(d.removeVertex(d.ids()[1], 0)); });
    QTest::newRow("class") << Edit([](AnnotationDocument &d) { d.setClass(d.ids(), 2); });
    QTest::newRow("caption") << Edit([](AnnotationDocument &d) { d.setCaption(d.ids()[1], QStringLiteral("a pond")); });
    QTest::newRow("qa") << Edit([](AnnotationDocument &d) {
        d.setQa(d.ids()[1], {QaPair{QStringLiteral("What land cover?"), QStringLiteral("water"), QStringLiteral("land-cover")}});
    });
    QTest::newRow("attributes") << Edit([](AnnotationDocument &d) {
        d.setAttributes(d.ids()[1], QJsonObject{{QStringLiteral("depth"), 3}});
    });
    QTest::newRow("multiEdit") << Edit([](AnnotationDocument &d) {
        QVector<Annotation> all = d.annotations();
        for (Annotation &a : all)
            a.caption += QStringLiteral(" (checked)");
        d.updateAnnotations(all, QStringLiteral("Mark checked"));
    });
    QTest::newRow("addClass") << Edit([](AnnotationDocument &d) { d.addClass(QStringLiteral("road")); });
    QTest::newRow("renameClass") << Edit([](AnnotationDocument &d) {
        LabelSchema s = d.schema();
        LabelClass c = s.classes().first();
        c.name = QStringLiteral("house");
        c.color = Qt::green;
        c.hotkey = 7;
        s.updateClass(c);
        d.setSchema(s);
    });
    QTest::newRow("import") << Edit([](AnnotationDocument &d) {
        LabelSchema s = d.schema();
        const int road = s.addClass(QStringLiteral("road")).id;
        d.importAnnotations(s, {makePoint(QStringLiteral("s1"), road, QPointF(3, 3))}, QStringLiteral("Import"));
    });
}

void TestAnnotations::everyEditUndoesAndRedoes()
{
    QFETCH(Edit, edit);
    AnnotationDocument doc;
    fillDocument(doc);
    const Snapshot before = snapshot(doc);
    const int commands = doc.undoStack()->count();
    edit(doc);
    const Snapshot after = snapshot(doc);
    QVERIFY2(!(after == before), "the edit changed nothing");
    QCOMPARE(doc.undoStack()->count(), commands + 1);
    doc.undoStack()->undo();
    QVERIFY(snapshot(doc) == before);
    doc.undoStack()->redo();
    QVERIFY(snapshot(doc) == after);
    // The spatial index follows undo/redo too.
    for (const Annotation &a : doc.annotations())
        QVERIFY(doc.query(a.sceneId, a.boundingRect()).contains(a.id));
    doc.undoStack()->undo();
    for (const Annotation &a : before.annotations)
        QVERIFY(doc.query(a.sceneId, a.boundingRect()).contains(a.id));
    QCOMPARE(doc.query(QStringLiteral("s1"), QRectF(-1e6, -1e6, 2e6, 2e6)).size(), before.annotations.size());
}

void TestAnnotations::dragMergesIntoOneStep()
{
    AnnotationDocument doc;
    fillDocument(doc);
    const Snapshot before = snapshot(doc);
    const int commands = doc.undoStack()->count();
    const QVector<qint64> sel{doc.ids()[0], doc.ids()[1]};
    doc.moveAnnotations(sel, QPointF(1, 0), false);
    for (int i = 0; i < 9; ++i)
        doc.moveAnnotations(sel, QPointF(1, 0), true);
    QCOMPARE(doc.undoStack()->count(), commands + 1);
    QCOMPARE(doc.annotation(sel[0])->geometry.first(), QPointF(20, 20));
    doc.undoStack()->undo();
    QVERIFY(snapshot(doc) == before);
}

void TestAnnotations::removingClassUnclassifiesUndoably()
{
    AnnotationDocument doc;
    fillDocument(doc);
    const Snapshot before = snapshot(doc);
    LabelSchema s = doc.schema();
    s.removeClass(1);
    doc.setSchema(s);
    for (const Annotation &a : doc.annotations())
        QVERIFY(a.classId != 1);
    QCOMPARE(doc.countsByClass().value(0), 3);
    doc.undoStack()->undo();
    QVERIFY(snapshot(doc) == before);
    doc.undoStack()->redo();
    QCOMPARE(doc.countsByClass().value(1), 0);
}

void TestAnnotations::spatialIndexMatchesBruteForce()
{
    SpatialIndex index(64);
    QRandomGenerator rng(42);
    QHash<qint64, QRectF> boxes;
    for (qint64 id = 1; id <= 5000; ++id) {
        const QRectF r(rng.bounded(10000.0), rng.bounded(10000.0), rng.bounded(200.0), rng.bounded(200.0));
        boxes.insert(id, r);
        index.insert(id, r);
    }
    index.insert(9999, QRectF(-5000, -5000, 30000, 30000)); // a huge box goes to the large list
    boxes.insert(9999, QRectF(-5000, -5000, 30000, 30000));
    for (qint64 id = 1; id <= 1000; ++id) {
        index.remove(id);
        boxes.remove(id);
    }
    for (qint64 id = 1001; id <= 1500; ++id) {
        const QRectF r = boxes[id].translated(333, -120);
        boxes[id] = r;
        index.update(id, r);
    }
    QCOMPARE(index.size(), int(boxes.size()));
    for (int q = 0; q < 200; ++q) {
        const QRectF query(rng.bounded(10000.0), rng.bounded(10000.0), rng.bounded(800.0), rng.bounded(800.0));
        QVector<qint64> expected;
        for (auto it = boxes.cbegin(); it != boxes.cend(); ++it)
            if (it->left() <= query.right() && query.left() <= it->right() && it->top() <= query.bottom()
                && query.top() <= it->bottom())
                expected.append(it.key());
        std::sort(expected.begin(), expected.end());
        QCOMPARE(index.query(query), expected);
    }
    // Zero-size boxes (points) are found by a point query.
    index.insert(20000, QRectF(QPointF(5.5, 5.5), QSizeF(0, 0)));
    QVERIFY(index.queryPoint(QPointF(5.5, 5.5)).contains(20000));
}

void TestAnnotations::hitTest()
{
    AnnotationDocument doc;
    fillDocument(doc);
    const QVector<qint64> ids = doc.ids();
    QCOMPARE(doc.hitTest(QStringLiteral("s1"), QPointF(25, 40), 0.5), ids[0]);          // inside the rectangle
    QCOMPARE(doc.hitTest(QStringLiteral("s1"), QPointF(41, 40), 2.0), ids[0]);          // near its edge
    QCOMPARE(doc.hitTest(QStringLiteral("s1"), QPointF(201, 50), 1.0), ids[2]);         // the point
    QCOMPARE(doc.hitTest(QStringLiteral("s1"), QPointF(5, 5), 1.0), qint64(0));         // nothing
    QCOMPARE(doc.hitTest(QStringLiteral("other"), QPointF(25, 40), 1.0), qint64(0));    // other scene
    // The most recent annotation wins where two overlap.
    const qint64 top = doc.addAnnotation(makeRect(QStringLiteral("s1"), 1, QRectF(20, 30, 10, 10)));
    QCOMPARE(doc.hitTest(QStringLiteral("s1"), QPointF(25, 35), 0.5), top);
}

void TestAnnotations::areaAndCentroidProjected()
{
    GeoTransform gt;
    gt.c = test::utmTransform();
    OGRSpatialReference srs;
    srs.importFromEPSG(32633);
    char *wkt = nullptr;
    srs.exportToWkt(&wkt);
    GeoMeasure m(gt, QString::fromUtf8(wkt));
    CPLFree(wkt);
    QVERIFY(m.hasCrs());
    const QPolygonF square({{0, 0}, {10, 0}, {10, 10}, {0, 10}});
    QCOMPARE(m.areaSquareMeters(square).value(), 100.0 * 100.0); // 10x10 pixels of 10 m
    const QPointF map = m.pixelToMap(QPointF(5, 5));
    QCOMPARE(map, QPointF(500050.0, 4649950.0));
    QCOMPARE(m.mapToPixel(map).value(), QPointF(5, 5));
    const auto ll = m.pixelToLonLat(QPointF(0, 0));
    QVERIFY(ll);
    // UTM 33N false easting 500000 is the central meridian, 15 E.
    QVERIFY(qAbs(ll->x() - 15.0) < 1e-9);
    QVERIFY(ll->y() > 41.9 && ll->y() < 42.1);
    GeoMeasure noCrs(gt, QString());
    QVERIFY(!noCrs.areaSquareMeters(square));
    QVERIFY(!noCrs.pixelToLonLat(QPointF(0, 0)));
}

void TestAnnotations::areaGeographic()
{
    GeoTransform gt;
    gt.c = {0.0, 0.001, 0.0, 0.005, 0.0, -0.001}; // straddles the equator
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    char *wkt = nullptr;
    srs.exportToWkt(&wkt);
    GeoMeasure m(gt, QString::fromUtf8(wkt));
    CPLFree(wkt);
    // 0.01 x 0.01 degrees at the equator on WGS84: 1113.19 m (a * pi/180 * 0.01) by 1105.74 m.
    const QPolygonF box({{0, 0}, {10, 0}, {10, 10}, {0, 10}});
    const double area = m.areaSquareMeters(box).value();
    const double expected = 1113.1949 * 1105.7427;
    QVERIFY2(qAbs(area - expected) / expected < 1e-3, qPrintable(QString::number(area)));
    const auto ll = m.pixelToLonLat(QPointF(5, 5));
    QVERIFY(qAbs(ll->x() - 0.005) < 1e-12 && qAbs(ll->y() - 0.0) < 1e-12);
}

void TestAnnotations::tableModel()
{
    AnnotationDocument doc;
    AnnotationTableModel model(&doc);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    fillDocument(doc);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.columnCount(), int(AnnotationTableModel::ColumnCount));
    QCOMPARE(model.data(model.index(0, AnnotationTableModel::ClassColumn)).toString(), QStringLiteral("building"));
    QCOMPARE(model.classCounts().value(1), 2);
    QCOMPARE(model.classCounts().value(0), 1);

    GeoTransform gt;
    gt.c = test::utmTransform();
    OGRSpatialReference srs;
    srs.importFromEPSG(32633);
    char *wkt = nullptr;
    srs.exportToWkt(&wkt);
    doc.setSceneGeoreference(QStringLiteral("s1"), std::make_shared<GeoMeasure>(gt, QString::fromUtf8(wkt)));
    CPLFree(wkt);
    // 30 x 40 pixels of 10 m.
    QCOMPARE(model.data(model.index(0, AnnotationTableModel::AreaColumn), AnnotationTableModel::SortRole).toDouble(), 120000.0);
    QVERIFY(model.data(model.index(0, AnnotationTableModel::LatColumn), AnnotationTableModel::SortRole).toDouble() > 41.0);

    model.sort(AnnotationTableModel::CaptionColumn, Qt::DescendingOrder);
    QCOMPARE(model.data(model.index(0, AnnotationTableModel::CaptionColumn)).toString(), QStringLiteral("unclassified freehand"));
    model.sort(AnnotationTableModel::AreaColumn, Qt::AscendingOrder);
    QCOMPARE(model.data(model.index(0, AnnotationTableModel::ShapeColumn)).toString(), QStringLiteral("point"));
    // Keeps sorted while areas change.
    const qint64 pointId = model.idAt(0);
    doc.setGeometry(doc.ids()[0], QPolygonF({{0, 0}, {1, 0}, {1, 1}, {0, 1}}));
    QCOMPARE(model.idAt(0), pointId);
    QCOMPARE(model.idAt(1), doc.ids()[0]);

    model.setClassFilter(1);
    QCOMPARE(model.rowCount(), 2);
    QSignalSpy counts(&model, &AnnotationTableModel::classCountsChanged);
    doc.setClass({doc.ids()[1]}, 1);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(counts.count() > 0);
    doc.undoStack()->undo();
    QCOMPARE(model.rowCount(), 2);
    doc.removeAnnotations({model.idAt(0)});
    QCOMPARE(model.rowCount(), 1);
    doc.undoStack()->undo();
    QCOMPARE(model.rowCount(), 2);
    model.setClassFilter(std::nullopt);
    QCOMPARE(model.rowCount(), 4);
    model.setSceneFilter(QStringLiteral("other"));
    QCOMPARE(model.rowCount(), 0);
    model.setSceneFilter(QString());
    doc.resetContents(LabelSchema(), {});
    QCOMPARE(model.rowCount(), 0);
}

static QString wktFor(int epsg)
{
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    char *wkt = nullptr;
    srs.exportToWkt(&wkt);
    const QString out = QString::fromUtf8(wkt);
    CPLFree(wkt);
    return out;
}

void TestAnnotations::geoJsonExportReadBackThroughOgr()
{
    AnnotationDocument doc;
    fillDocument(doc);
    GeoTransform gt;
    gt.c = test::utmTransform();
    GeoMeasure scene(gt, wktFor(32633));
    const QString path = m_dir.filePath(QStringLiteral("export-utm.geojson"));
    Status s = GeoJsonInterchange::exportFile(doc.annotations(), doc.schema(), scene, path, false);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().toString().c_str());

    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.toUtf8().constData(), GDAL_OF_VECTOR));
    QVERIFY(ds);
    OGRLayer *layer = ds->GetLayer(0);
    QCOMPARE(int(layer->GetFeatureCount()), doc.count());
    QVERIFY(layer->GetSpatialRef());
    QCOMPARE(layer->GetSpatialRef()->GetEPSGGeogCS(), 4326);
    QVERIFY(QString::fromUtf8(layer->GetSpatialRef()->GetName()).contains(QLatin1String("33N")));
    const QVector<Annotation> all = doc.annotations();
    int i = 0;
    for (auto &f : *layer) {
        const Annotation &a = all[i++];
        QCOMPARE(QString::fromUtf8(f->GetFieldAsString("class")), doc.schema().nameOf(a.classId));
        QCOMPARE(QString::fromUtf8(f->GetFieldAsString("caption")), a.caption);
        const QJsonArray qa = QJsonDocument::fromJson(f->GetFieldAsString("qa")).array();
        QCOMPARE(qa.size(), a.qa.size());
        if (!a.qa.isEmpty())
            QCOMPARE(qa[0].toObject().value(QLatin1String("type")).toString(), a.qa[0].type);
        QCOMPARE(QJsonDocument::fromJson(f->GetFieldAsString("attributes")).object(), a.attributes);
        const OGRGeometry *g = f->GetGeometryRef();
        if (a.isPoint()) {
            QCOMPARE(wkbFlatten(g->getGeometryType()), wkbPoint);
            QCOMPARE(g->toPoint()->getX(), scene.pixelToMap(a.geometry[0]).x());
            QCOMPARE(g->toPoint()->getY(), scene.pixelToMap(a.geometry[0]).y());
        } else {
            QCOMPARE(wkbFlatten(g->getGeometryType()), wkbPolygon);
            const OGRLinearRing *ring = g->toPolygon()->getExteriorRing();
            QCOMPARE(ring->getNumPoints(), int(a.geometry.size()) + 1);
            for (int v = 0; v < a.geometry.size(); ++v) {
                const QPointF m = scene.pixelToMap(a.geometry[v]);
                QVERIFY(qAbs(ring->getX(v) - m.x()) < 1e-6 && qAbs(ring->getY(v) - m.y()) < 1e-6);
            }
        }
    }
}

void TestAnnotations::geoJsonWgs84MatchesGdaltransform()
{
    const QString gdaltransform = QStandardPaths::findExecutable(QStringLiteral("gdaltransform"));
    if (gdaltransform.isEmpty())
        QSKIP("gdaltransform is not installed");
    AnnotationDocument doc;
    fillDocument(doc);
    GeoTransform gt;
    gt.c = test::utmTransform();
    GeoMeasure scene(gt, wktFor(32633));
    const QString path = m_dir.filePath(QStringLiteral("export-4326.geojson"));
    Status s = GeoJsonInterchange::exportFile(doc.annotations(), doc.schema(), scene, path, true);
    QVERIFY(s.ok());

    // Independent reference: gdaltransform maps the scene's pixel/line straight to lon/lat.
    QString input;
    for (const Annotation &a : doc.annotations())
        for (const QPointF &p : a.geometry)
            input += QStringLiteral("%1 %2\n").arg(p.x(), 0, 'g', 17).arg(p.y(), 0, 'g', 17);
    QProcess proc;
    proc.start(gdaltransform, {m_utmScene, QStringLiteral("-t_srs"), QStringLiteral("EPSG:4326"), QStringLiteral("-output_xy")});
    QVERIFY(proc.waitForStarted());
    proc.write(input.toUtf8());
    proc.closeWriteChannel();
    QVERIFY(proc.waitForFinished(30000));
    const QStringList lines = QString::fromUtf8(proc.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);

    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(!root.contains(QLatin1String("crs"))); // RFC 7946: WGS84 implied, no crs member
    int line = 0;
    for (const QJsonValue &feature : root.value(QLatin1String("features")).toArray()) {
        const QJsonObject geom = feature.toObject().value(QLatin1String("geometry")).toObject();
        QVector<QJsonArray> coords;
        if (geom.value(QLatin1String("type")).toString() == QLatin1String("Point")) {
            coords.append(geom.value(QLatin1String("coordinates")).toArray());
        } else {
            const QJsonArray ring = geom.value(QLatin1String("coordinates")).toArray().first().toArray();
            for (int i = 0; i + 1 < ring.size(); ++i) // the closing vertex repeats the first
                coords.append(ring[i].toArray());
        }
        QSet<QString> seen;
        for (const QJsonArray &c : coords) {
            QVERIFY(line < lines.size());
            const QStringList ref = lines[line++].split(QLatin1Char(' '), Qt::SkipEmptyParts);
            QVERIFY(ref.size() >= 2);
            // RFC 7946 rings are counter-clockwise, so vertex order may be reversed: compare as sets below.
            seen.insert(QStringLiteral("%1 %2").arg(ref[0].toDouble(), 0, 'f', 6).arg(ref[1].toDouble(), 0, 'f', 6));
            Q_UNUSED(c)
        }
        for (const QJsonArray &c : coords) {
            bool matched = false;
            for (int back = 1; back <= coords.size(); ++back) {
                const QStringList ref = lines[line - back].split(QLatin1Char(' '), Qt::SkipEmptyParts);
                if (qAbs(ref[0].toDouble() - c[0].toDouble()) < 1e-6 && qAbs(ref[1].toDouble() - c[1].toDouble()) < 1e-6)
                    matched = true;
            }
            QVERIFY2(matched, qPrintable(QStringLiteral("%1 %2 has no gdaltransform match within 1e-6 degrees")
                                             .arg(c[0].toDouble(), 0, 'f', 9)
                                             .arg(c[1].toDouble(), 0, 'f', 9)));
        }
    }
    QCOMPARE(line, lines.size());
}

void TestAnnotations::geoJsonImportRoundTrip()
{
    AnnotationDocument source;
    fillDocument(source);
    GeoTransform gt;
    gt.c = test::utmTransform();
    GeoMeasure scene(gt, wktFor(32633));
    const QString path = m_dir.filePath(QStringLiteral("roundtrip.geojson"));
    QVERIFY(GeoJsonInterchange::exportFile(source.annotations(), source.schema(), scene, path, true).ok());

    AnnotationDocument target;
    target.addClass(QStringLiteral("WATER")); // matched by name, case-insensitively
    Result<GeoJsonInterchange::ImportResult> imported =
        GeoJsonInterchange::importFile(path, scene, QStringLiteral("s9"), target.schema());
    QVERIFY2(imported.ok(), imported.ok() ? "" : imported.error().toString().c_str());
    QCOMPARE(imported->newClasses, 1); // "building"
    const int before = target.undoStack()->count();
    target.importAnnotations(imported->schema, imported->annotations, QStringLiteral("Import"));
    QCOMPARE(target.undoStack()->count(), before + 1);
    QCOMPARE(target.count(), source.count());
    const QVector<Annotation> a = source.annotations(), b = target.annotations();
    for (int i = 0; i < a.size(); ++i) {
        QCOMPARE(b[i].sceneId, QStringLiteral("s9"));
        QCOMPARE(b[i].shape, a[i].shape);
        QCOMPARE(b[i].caption, a[i].caption);
        QCOMPARE(b[i].qa, a[i].qa);
        QCOMPARE(b[i].attributes, a[i].attributes);
        QCOMPARE(target.schema().nameOf(b[i].classId).toLower(), source.schema().nameOf(a[i].classId).toLower());
        QCOMPARE(b[i].geometry.size(), a[i].geometry.size());
        // Compare vertex sets (RFC 7946 may reverse ring orientation) to 1e-3 px (9 decimals of a degree).
        for (const QPointF &p : a[i].geometry) {
            bool found = false;
            for (const QPointF &q : b[i].geometry)
                found = found || (qAbs(p.x() - q.x()) < 1e-3 && qAbs(p.y() - q.y()) < 1e-3);
            QVERIFY(found);
        }
    }
    target.undoStack()->undo();
    QCOMPARE(target.count(), 0);
    QCOMPARE(target.schema().size(), 1);
}

void TestAnnotations::geoJsonImportErrorsLeaveDocumentUntouched_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    const QByteArray ok = R"({"type":"Feature","properties":{"class":"x"},"geometry":{"type":"Polygon","coordinates":[[[15.0,41.99],[15.001,41.99],[15.001,41.991],[15.0,41.99]]]}})";
    QTest::newRow("malformed") << QByteArray("{\"type\": \"FeatureCollection\", \"features\": [") << QStringLiteral("GeoJSON");
    QTest::newRow("unknown-crs")
        << QByteArray(R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:999999"}},"features":[)" + ok + "]}")
        << QStringLiteral("coordinate reference system");
    QTest::newRow("bowtie")
        << QByteArray(R"({"type":"FeatureCollection","features":[)" + ok
                      + R"(,{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[15.0,41.99],[15.001,41.991],[15.001,41.99],[15.0,41.991],[15.0,41.99]]]}}]})")
        << QStringLiteral("Feature 2 has an invalid geometry");
    QTest::newRow("linestring")
        << QByteArray(R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[15.0,41.99],[15.001,41.99]]}}]})")
        << QStringLiteral("unsupported geometry type");
    QTest::newRow("bad-qa")
        << QByteArray(R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"qa":"not json"},"geometry":{"type":"Point","coordinates":[15.0,41.99]}}]})")
        << QStringLiteral("\"qa\"");
}

void TestAnnotations::geoJsonImportErrorsLeaveDocumentUntouched()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(QStringLiteral("bad-%1.geojson").arg(QString::fromLatin1(QTest::currentDataTag())));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    AnnotationDocument doc;
    fillDocument(doc);
    const Snapshot before = snapshot(doc);
    const int commands = doc.undoStack()->count();
    GeoTransform gt;
    gt.c = test::utmTransform();
    GeoMeasure scene(gt, wktFor(32633));
    Result<GeoJsonInterchange::ImportResult> r = GeoJsonInterchange::importFile(path, scene, QStringLiteral("s1"), doc.schema());
    QVERIFY(!r.ok());
    const QString message = QString::fromStdString(r.error().toString());
    QVERIFY2(message.contains(path), qPrintable(message));
    QVERIFY2(message.contains(expected, Qt::CaseInsensitive), qPrintable(message));
    QVERIFY(snapshot(doc) == before);
    QCOMPARE(doc.undoStack()->count(), commands);
}

void TestAnnotations::cocoExportIsValid()
{
    AnnotationDocument doc;
    fillDocument(doc);
    doc.addAnnotation(makeRect(QStringLiteral("s2"), 2, QRectF(5, 5, 10, 20)));
    const QString path = m_dir.filePath(QStringLiteral("coco.json"));
    int skipped = -1;
    Result<int> n = AnnotationExporter::exportCoco(
        doc.annotations(), doc.schema(),
        {{QStringLiteral("s1"), m_utmScene, 256, 192}, {QStringLiteral("s2"), m_geoScene, 128, 128}}, path, &skipped);
    QVERIFY2(n.ok(), n.ok() ? "" : n.error().toString().c_str());
    QCOMPARE(n.value(), 4);
    QCOMPARE(skipped, 1);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonArray images = root.value(QLatin1String("images")).toArray();
    const QJsonArray anns = root.value(QLatin1String("annotations")).toArray();
    const QJsonArray cats = root.value(QLatin1String("categories")).toArray();
    QCOMPARE(images.size(), 2);
    QSet<int> imageIds, catIds;
    for (const QJsonValue &v : images)
        imageIds.insert(v.toObject().value(QLatin1String("id")).toInt());
    for (const QJsonValue &v : cats)
        catIds.insert(v.toObject().value(QLatin1String("id")).toInt());
    QCOMPARE(imageIds.size(), 2);
    QCOMPARE(catIds.size(), int(cats.size()));
    QVERIFY(catIds.contains(0)); // the unclassified freehand polygon
    QSet<qint64> annIds;
    for (const QJsonValue &v : anns) {
        const QJsonObject a = v.toObject();
        annIds.insert(a.value(QLatin1String("id")).toInteger());
        QVERIFY(imageIds.contains(a.value(QLatin1String("image_id")).toInt()));
        QVERIFY(catIds.contains(a.value(QLatin1String("category_id")).toInt()));
        QCOMPARE(a.value(QLatin1String("iscrowd")).toInt(), 0);
        const QJsonArray bbox = a.value(QLatin1String("bbox")).toArray();
        QCOMPARE(bbox.size(), 4);
        const QJsonArray seg = a.value(QLatin1String("segmentation")).toArray().first().toArray();
        QVERIFY(seg.size() >= 6 && seg.size() % 2 == 0);
        double minX = 1e9, minY = 1e9, maxX = -1e9, maxY = -1e9;
        QPolygonF ring;
        for (int i = 0; i < seg.size(); i += 2) {
            minX = std::min(minX, seg[i].toDouble());
            maxX = std::max(maxX, seg[i].toDouble());
            minY = std::min(minY, seg[i + 1].toDouble());
            maxY = std::max(maxY, seg[i + 1].toDouble());
            ring << QPointF(seg[i].toDouble(), seg[i + 1].toDouble());
        }
        // bbox is [x, y, width, height], not corners.
        QCOMPARE(bbox[0].toDouble(), minX);
        QCOMPARE(bbox[1].toDouble(), minY);
        QCOMPARE(bbox[2].toDouble(), maxX - minX);
        QCOMPARE(bbox[3].toDouble(), maxY - minY);
        Annotation tmp;
        tmp.geometry = ring;
        QCOMPARE(a.value(QLatin1String("area")).toDouble(), tmp.pixelArea());
        QVERIFY(a.value(QLatin1String("area")).toDouble() > 0);
    }
    QCOMPARE(annIds.size(), int(anns.size()));
    // The rectangle 10,20 30x40.
    QCOMPARE(anns[0].toObject().value(QLatin1String("area")).toDouble(), 1200.0);
}

void TestAnnotations::yoloExport()
{
    AnnotationDocument doc;
    fillDocument(doc);
    // Spans the tile boundary at x=128: appears in two tiles, clipped.
    doc.addAnnotation(makeRect(QStringLiteral("s1"), 2, QRectF(120, 10, 16, 8)));
    const QString dir = m_dir.filePath(QStringLiteral("yolo"));
    Result<int> n = AnnotationExporter::exportYolo(doc.annotations(), doc.schema(), {{QStringLiteral("s1"), m_utmScene, 256, 192}},
                                                   dir, 128);
    QVERIFY2(n.ok(), n.ok() ? "" : n.error().toString().c_str());
    QFile classes(dir + QStringLiteral("/classes.txt"));
    QVERIFY(classes.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(classes.readAll()), QStringLiteral("building\nwater\n"));
    auto hasBox = [&](const QString &file, int cls, double cx, double cy, double w, double h) {
        QFile f(dir + QStringLiteral("/labels/") + file);
        if (!f.open(QIODevice::ReadOnly))
            return false;
        for (const QString &line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QStringList v = line.split(QLatin1Char(' '));
            if (v.size() == 5 && v[0].toInt() == cls && qAbs(v[1].toDouble() - cx) < 1e-5 && qAbs(v[2].toDouble() - cy) < 1e-5
                && qAbs(v[3].toDouble() - w) < 1e-5 && qAbs(v[4].toDouble() - h) < 1e-5)
                return true;
        }
        return false;
    };
    // building rect 10,20 30x40 -> centre (25,40) in a 128 px tile.
    QVERIFY(hasBox(QStringLiteral("s1_0_0.txt"), 0, 25.0 / 128, 40.0 / 128, 30.0 / 128, 40.0 / 128));
    // The crossing rect, clipped to 120..128 and 128..136.
    QVERIFY(hasBox(QStringLiteral("s1_0_0.txt"), 1, 124.0 / 128, 14.0 / 128, 8.0 / 128, 8.0 / 128));
    QVERIFY(hasBox(QStringLiteral("s1_1_0.txt"), 1, 4.0 / 128, 14.0 / 128, 8.0 / 128, 8.0 / 128));
    // Points and unclassified annotations are not YOLO boxes: 0_0 has building, crossing rect, water part.
    QFile t00(dir + QStringLiteral("/labels/s1_0_0.txt"));
    QVERIFY(t00.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(t00.readAll()).count(QLatin1Char('\n')), 3);
    std::unique_ptr<GDALDataset> png(GDALDataset::Open((dir + QStringLiteral("/images/s1_0_0.png")).toUtf8().constData()));
    QVERIFY(png);
    QCOMPARE(png->GetRasterXSize(), 128);
    QCOMPARE(png->GetRasterCount(), 3);
    for (const QString &label : QDir(dir + QStringLiteral("/labels")).entryList(QDir::Files))
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/images/") + QFileInfo(label).completeBaseName() + QStringLiteral(".png")));
    QCOMPARE(QDir(dir + QStringLiteral("/labels")).entryList(QDir::Files).size(), n.value());
}

void TestAnnotations::chipsPngAndGeoTiff()
{
    AnnotationDocument doc;
    fillDocument(doc);
    const QVector<AnnotationExporter::Scene> scenes{{QStringLiteral("s1"), m_utmScene, 256, 192}};
    const QString pngDir = m_dir.filePath(QStringLiteral("chips-png"));
    Result<int> n = AnnotationExporter::exportChips(doc.annotations(), doc.schema(), scenes, pngDir, 64, 0.25);
    QVERIFY2(n.ok(), n.ok() ? "" : n.error().toString().c_str());
    QCOMPARE(n.value(), doc.count());
    const QString tifDir = m_dir.filePath(QStringLiteral("chips-tif"));
    n = AnnotationExporter::exportChips(doc.annotations(), doc.schema(), scenes, tifDir, 64, 0.25,
                                        AnnotationExporter::ChipFormat::GeoTiff);
    QVERIFY(n.ok());
    QFile manifestFile(tifDir + QStringLiteral("/chips.json"));
    QVERIFY(manifestFile.open(QIODevice::ReadOnly));
    const QJsonArray manifest = QJsonDocument::fromJson(manifestFile.readAll()).array();
    QCOMPARE(manifest.size(), doc.count());
    // The rectangle 10,20 30x40 with 25% padding: 60 px square centred on (25,40), shifted inside.
    const QJsonObject first = manifest[0].toObject();
    QCOMPARE(first.value(QLatin1String("window")).toArray(), (QJsonArray{0, 10, 60, 60}));
    QCOMPARE(first.value(QLatin1String("class")).toString(), QStringLiteral("building"));
    std::unique_ptr<GDALDataset> chip(GDALDataset::Open((tifDir + QLatin1Char('/') + first.value(QLatin1String("file")).toString()).toUtf8().constData()));
    QVERIFY(chip);
    QCOMPARE(chip->GetRasterXSize(), 64);
    double gt[6];
    QCOMPARE(chip->GetGeoTransform(gt), CE_None);
    QCOMPARE(gt[0], 500000.0);                // x = 0
    QCOMPARE(gt[3], 4650000.0 - 10 * 10.0);   // y = 10 pixels down
    QCOMPARE(gt[1], 10.0 * 60 / 64);          // 60 px resampled to 64
    QVERIFY(chip->GetSpatialRef() && chip->GetSpatialRef()->GetUTMZone() == 33);
    std::unique_ptr<GDALDataset> png(GDALDataset::Open((pngDir + QLatin1Char('/') + first.value(QLatin1String("file")).toString().replace(QLatin1String(".tif"), QLatin1String(".png"))).toUtf8().constData()));
    QVERIFY(png);
    QCOMPARE(png->GetRasterBand(1)->GetRasterDataType(), GDT_Byte);
}

QTEST_MAIN(TestAnnotations)
#include "tst_annotations.moc"
