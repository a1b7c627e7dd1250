// SPDX-License-Identifier: GPL-3.0-or-later
// Map canvas: tile pyramid selection, LRU cache, stale results, view maths and an end-to-end
// render of a generated GeoTIFF into the widget.

#include "tests/common/testsupport.h"

#include "core/raster/syntheticscene.h"
#include "core/raster/tilecache.h"
#include "core/raster/tilegrid.h"
#include "core/raster/tilerenderer.h"
#include "widgets/mapcanvas/mapcanvas.h"
#include "widgets/mapcanvas/maptool.h"

#include <QMouseEvent>
#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>

using namespace satgpt;

Q_DECLARE_METATYPE(satgpt::TileKey)

namespace {

/// Writes a small generated scene (tiled, overviews, UTM georeferencing) and prepares it.
PreparedLayer makeLayer(const QTemporaryDir &dir, const QString &name, QSize size)
{
    const QString path = dir.filePath(name);
    SyntheticSceneSpec spec;
    spec.size = size;
    spec.zlevel = 1;
    const Status written = writeSyntheticScene(path, spec);
    if (!written)
        qFatal("cannot write %s: %s", qPrintable(path), written.error().toString().c_str());
    auto prepared = prepareLayer(path);
    if (!prepared)
        qFatal("cannot prepare %s: %s", qPrintable(path), prepared.error().toString().c_str());
    return std::move(prepared.value());
}

QImage tileImage() { return QImage(256, 256, QImage::Format_ARGB32_Premultiplied); }

/// Records what the canvas forwards to a tool.
class RecordingTool : public MapTool
{
public:
    bool mousePressEvent(QMouseEvent *, QPointF pixel) override
    {
        pressedAt = pixel;
        return consume;
    }
    void paint(QPainter *painter, const MapView &view) override
    {
        ++paints;
        painter->fillRect(QRectF(10, 10, 4, 4), Qt::magenta); // scene pixels
        lastScale = view.scale();
    }
    QPointF pressedAt{-1, -1};
    bool consume = true;
    int paints = 0;
    double lastScale = 0;
};

} // namespace

class TestMapCanvas : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void levelForScale_data();
    void levelForScale();
    void tilesForViewport_data();
    void tilesForViewport();
    void edgeTiles();
    void lruEviction();
    void staleGenerationDropped();
    void zoomAroundCursorKeepsPixel();
    void fitToWindow();
    void zoomToRectAndNative();
    void endToEndRender();
    void swipeShowsTopLayerLeftOnly();
    void toolReceivesScenePixels();

private:
    QTemporaryDir m_dir;
};

void TestMapCanvas::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qRegisterMetaType<TileKey>();
}

void TestMapCanvas::levelForScale_data()
{
    QTest::addColumn<double>("scale");
    QTest::addColumn<int>("level");
    QTest::newRow("magnified 4x") << 4.0 << 0;
    QTest::newRow("1:1") << 1.0 << 0;
    QTest::newRow("0.85: level 0 shrunk") << 0.85 << 0;
    QTest::newRow("0.65: level 0 shrunk") << 0.65 << 0;
    // Below 1/1.25 of a level's own scale the coarser level is magnified by up to 1.25 instead.
    QTest::newRow("0.6: level 1 magnified 1.2x") << 0.6 << 1;
    QTest::newRow("1:2") << 0.5 << 1;
    QTest::newRow("0.35: level 1 shrunk") << 0.35 << 1;
    QTest::newRow("0.3: level 2 magnified 1.2x") << 0.3 << 2;
    QTest::newRow("1:4") << 0.25 << 2;
    QTest::newRow("1:100") << 0.01 << 6;
    QTest::newRow("whole scene in a speck") << 1e-6 << 7;
}

void TestMapCanvas::levelForScale()
{
    QFETCH(double, scale);
    QFETCH(int, level);
    const TileGrid grid(QSize(20000, 20000));
    QCOMPARE(grid.maxLevel(), 7); // 256 * 2^7 = 32768 >= 20000 > 16384
    QCOMPARE(grid.levelForScale(scale), level);
}

void TestMapCanvas::tilesForViewport_data()
{
    QTest::addColumn<QRectF>("rect");
    QTest::addColumn<int>("level");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("firstCol");
    QTest::addColumn<int>("firstRow");
    QTest::newRow("full HD at 1:1, origin") << QRectF(0, 0, 1920, 1080) << 0 << 8 << 5 << 0 << 0;
    QTest::newRow("full HD at 1:1, unaligned") << QRectF(300, 700, 1920, 1080) << 0 << 8 << 5 << 1 << 2;
    QTest::newRow("1:4 view") << QRectF(1000, 1000, 7680, 4320) << 2 << 9 << 6 << 0 << 0;
    QTest::newRow("clipped at the scene's far corner") << QRectF(19000, 19500, 1920, 1080) << 0 << 5 << 3 << 74 << 76;
    QTest::newRow("outside the scene") << QRectF(-5000, -5000, 1000, 1000) << 0 << 0 << 0 << 0 << 0;
}

void TestMapCanvas::tilesForViewport()
{
    QFETCH(QRectF, rect);
    QFETCH(int, level);
    QFETCH(int, cols);
    QFETCH(int, rows);
    QFETCH(int, firstCol);
    QFETCH(int, firstRow);
    const TileGrid grid(QSize(20000, 20000));
    const QVector<TileKey> tiles = grid.tilesFor(rect, level);
    QCOMPARE(tiles.size(), cols * rows);
    if (tiles.isEmpty())
        return;
    int minCol = INT_MAX, minRow = INT_MAX, maxCol = -1, maxRow = -1;
    QSet<QPair<int, int>> unique;
    for (const TileKey &k : tiles) {
        QCOMPARE(k.level, level);
        QVERIFY(grid.isValid(k));
        QVERIFY(grid.tilePixelRect(k).intersects(rect.toAlignedRect()));
        minCol = std::min(minCol, k.col);
        minRow = std::min(minRow, k.row);
        maxCol = std::max(maxCol, k.col);
        maxRow = std::max(maxRow, k.row);
        unique.insert({k.col, k.row});
    }
    QCOMPARE(unique.size(), tiles.size());
    QCOMPARE(minCol, firstCol);
    QCOMPARE(minRow, firstRow);
    QCOMPARE(maxCol - minCol + 1, cols);
    QCOMPARE(maxRow - minRow + 1, rows);
    // The centre of the view fills first.
    const QPointF centre = rect.intersected(QRectF(0, 0, 20000, 20000)).center();
    const int span = 256 << level;
    QVERIFY(QRectF(grid.tilePixelRect(tiles.first())).adjusted(-span, -span, span, span).contains(centre));
}

void TestMapCanvas::edgeTiles()
{
    const TileGrid grid(QSize(20000, 10000));
    QCOMPARE(grid.columns(0), 79);
    QCOMPARE(grid.rows(0), 40);
    QCOMPARE(grid.tilePixelRect({0, 78, 39}), QRect(19968, 9984, 32, 16));
    QCOMPARE(grid.tileImageSize({0, 78, 39}), QSize(32, 16));
    QCOMPARE(grid.tilePixelRect({1, 39, 19}), QRect(19968, 9728, 32, 272));
    QCOMPARE(grid.tileImageSize({1, 39, 19}), QSize(16, 136));
    QCOMPARE(grid.tileImageSize({7, 0, 0}), QSize(157, 79));
    QCOMPARE(TileGrid::parentAt({0, 78, 39}, 3), (TileKey{3, 9, 4}));
    QVERIFY(!grid.isValid({0, 79, 0}));
}

void TestMapCanvas::lruEviction()
{
    const qint64 tileBytes = tileImage().sizeInBytes();
    TileCache cache(3 * tileBytes);
    const TileKey a{0, 0, 0}, b{0, 1, 0}, c{0, 2, 0}, d{0, 3, 0};
    cache.insert(a, tileImage());
    cache.insert(b, tileImage());
    cache.insert(c, tileImage());
    QCOMPARE(cache.count(), 3);
    QCOMPARE(cache.bytes(), 3 * tileBytes);
    QVERIFY(!cache.find(a).isNull()); // a is now the most recently used; b the least
    cache.insert(d, tileImage());
    QCOMPARE(cache.count(), 3);
    QVERIFY(cache.contains(a));
    QVERIFY(!cache.contains(b));
    QVERIFY(cache.contains(c));
    QVERIFY(cache.contains(d));
    QCOMPARE(cache.evictions(), 1);
    QVERIFY(cache.bytes() <= cache.capacity());

    // peek() does not refresh: c stays the least recently used and goes next.
    QVERIFY(!cache.peek(c).isNull());
    cache.insert(b, tileImage());
    QVERIFY(!cache.contains(c));

    // Shrinking the cap evicts down to it; an image larger than the cap is refused.
    cache.setCapacity(tileBytes);
    QCOMPARE(cache.count(), 1);
    QVERIFY(cache.contains(b)); // the most recent survives
    cache.insert(TileKey{1, 0, 0}, QImage(1024, 1024, QImage::Format_ARGB32_Premultiplied));
    QVERIFY(!cache.contains(TileKey{1, 0, 0}));
    QVERIFY(cache.bytes() <= cache.capacity());
}

void TestMapCanvas::staleGenerationDropped()
{
    TileRenderer renderer(makeLayer(m_dir, QStringLiteral("stale.tif"), QSize(2048, 2048)));
    QSignalSpy ready(&renderer, &TileRenderer::tileReady);
    const QVector<TileKey> first{{0, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 1, 1}};
    const QVector<TileKey> second{{0, 6, 6}, {0, 7, 6}, {0, 6, 7}, {0, 7, 7}};
    renderer.request(first);
    const quint64 g1 = renderer.generation();
    // Results reach this thread only through its event loop, so nothing of `first` can be
    // accepted before the view moves on.
    renderer.request(second);
    QVERIFY(renderer.generation() > g1);
    QTRY_VERIFY_WITH_TIMEOUT(renderer.isIdle(), 20000);
    for (const TileKey &k : second)
        QVERIFY2(renderer.cache().contains(k), "a tile of the current generation is missing");
    for (const TileKey &k : first)
        QVERIFY2(!renderer.cache().contains(k), "a stale tile was cached");
    QCOMPARE(renderer.staleDropped() + renderer.staleSkipped(), qint64(first.size()));
    QCOMPARE(ready.count(), second.size());
    for (const auto &args : ready)
        QVERIFY(second.contains(args.at(0).value<TileKey>()));

    // A tile wanted by both generations is read once and kept.
    renderer.cache().clear();
    renderer.request({{0, 2, 2}, {0, 3, 3}});
    renderer.request({{0, 3, 3}, {0, 4, 4}});
    QTRY_VERIFY_WITH_TIMEOUT(renderer.isIdle(), 20000);
    QVERIFY(renderer.cache().contains({0, 3, 3}));
    QVERIFY(renderer.cache().contains({0, 4, 4}));
    QVERIFY(!renderer.cache().contains({0, 2, 2}));
}

void TestMapCanvas::zoomAroundCursorKeepsPixel()
{
    MapCanvas canvas;
    canvas.resize(640, 480);
    canvas.addLayer(makeLayer(m_dir, QStringLiteral("zoom.tif"), QSize(1024, 768)));
    const QPointF anchor(123.0, 77.0);
    const QPointF before = canvas.widgetToPixel(anchor);
    const double scale0 = canvas.scale();
    canvas.zoomBy(1.7, anchor);
    QCOMPARE(canvas.scale(), scale0 * 1.7);
    QVERIFY(QLineF(canvas.widgetToPixel(anchor), before).length() < 1e-9);
    QVERIFY(QLineF(canvas.pixelToWidget(before), anchor).length() < 1e-9);

    // The same through the wheel, at another position.
    const QPointF cursor(500.5, 333.25);
    const QPointF under = canvas.widgetToPixel(cursor);
    QWheelEvent wheel(cursor, canvas.mapToGlobal(cursor), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(&canvas, &wheel);
    QVERIFY(canvas.scale() > scale0 * 1.7 * 1.5); // two notches
    QVERIFY(QLineF(canvas.widgetToPixel(cursor), under).length() < 1e-9);

    // Zooming out again is clamped, never flips or collapses.
    for (int i = 0; i < 100; ++i)
        canvas.zoomBy(0.5, cursor);
    QCOMPARE(canvas.scale(), MapCanvas::kMinScale);
}

void TestMapCanvas::fitToWindow()
{
    MapCanvas canvas;
    canvas.resize(400, 300);
    canvas.addLayer(makeLayer(m_dir, QStringLiteral("fit.tif"), QSize(2048, 1024)));
    canvas.zoomBy(3.0, QPointF(10, 10));
    canvas.fitToWindow();
    QCOMPARE(canvas.scale(), std::min(400.0 / 2048.0, 300.0 / 1024.0));
    QCOMPARE(canvas.center(), QPointF(1024, 512));
    const QRectF visible = canvas.visiblePixelRect();
    QVERIFY(visible.contains(QRectF(0, 0, 2048, 1024)));
    QCOMPARE(visible.width(), 2048.0); // width is the limiting side
    QCOMPARE(canvas.pixelToWidget(QPointF(0, 512)).x(), 0.0);
    QCOMPARE(canvas.pixelToWidget(QPointF(2048, 512)).x(), 400.0);
    // The view transform agrees with pixelToWidget.
    QCOMPARE(canvas.viewTransform().map(QPointF(100, 200)), canvas.pixelToWidget(QPointF(100, 200)));
}

void TestMapCanvas::zoomToRectAndNative()
{
    MapCanvas canvas;
    canvas.resize(400, 300);
    canvas.addLayer(makeLayer(m_dir, QStringLiteral("rect.tif"), QSize(1000, 1000)));
    canvas.zoomToPixelRect(QRectF(100, 200, 200, 100));
    QCOMPARE(canvas.scale(), 2.0);
    QCOMPARE(canvas.center(), QPointF(200, 250));
    QVERIFY(canvas.visiblePixelRect().contains(QRectF(100, 200, 200, 100)));
    canvas.zoomToNativeResolution();
    QCOMPARE(canvas.scale() * canvas.devicePixelRatioF(), 1.0);
    QCOMPARE(canvas.center(), QPointF(200, 250));
}

void TestMapCanvas::endToEndRender()
{
    MapCanvas canvas;
    canvas.resize(320, 240);
    QSignalSpy complete(&canvas, &MapCanvas::renderComplete);
    const int id = canvas.addLayer(makeLayer(m_dir, QStringLiteral("e2e.tif"), QSize(3000, 2000)));
    canvas.show();
    QVERIFY(QTest::qWaitForWindowExposed(&canvas));

    // Fitted: the whole scene from overviews.
    QTRY_VERIFY_WITH_TIMEOUT(canvas.isRenderComplete(), 20000);
    QTRY_VERIFY(complete.count() > 0);
    TileRenderer *renderer = canvas.layerRenderer(id);
    QVERIFY(renderer);
    QVERIFY(renderer->cache().count() > 0);
    QImage shot = canvas.grab().toImage();
    // The scene is 3:2 and the window 4:3: background bands above and below the scene.
    QCOMPARE(shot.pixelColor(2, 2).rgb(), canvas.palette().color(QPalette::Dark).rgb());
    QSet<QRgb> colours;
    for (int x = 20; x < 300; x += 7)
        colours.insert(shot.pixel(x, 120));
    QVERIFY2(colours.size() > 10, "the fitted scene looks blank");

    // Magnified 4x: every scene pixel is a 4x4 block with its exact stretched value.
    canvas.zoomToPixelRect(QRectF(1000, 1000, 80, 60));
    QCOMPARE(canvas.scale(), 4.0);
    QTRY_VERIFY_WITH_TIMEOUT(canvas.isRenderComplete(), 20000);
    shot = canvas.grab().toImage();
    QVector<ChannelStretch> channels;
    for (int band : renderer->renderSettings().composition.bands)
        channels.push_back(ChannelStretch::fromStatistics(renderer->statistics().value(band), renderer->renderSettings().stretch));
    QCOMPARE(channels.size(), 3);
    int checked = 0;
    for (const QPoint scenePixel : {QPoint(1010, 1010), QPoint(1030, 1005), QPoint(1070, 1050), QPoint(1024, 1030)}) {
        const QPoint w = canvas.pixelToWidget(QPointF(scenePixel) + QPointF(0.5, 0.5)).toPoint();
        const QColor got = shot.pixelColor(w);
        const int expected[3] = {
            channels[0].apply(syntheticSceneValue(1, scenePixel.x() + 0.5, scenePixel.y() + 0.5)),
            channels[1].apply(syntheticSceneValue(2, scenePixel.x() + 0.5, scenePixel.y() + 0.5)),
            channels[2].apply(syntheticSceneValue(3, scenePixel.x() + 0.5, scenePixel.y() + 0.5)),
        };
        QVERIFY2(std::abs(got.red() - expected[0]) <= 1 && std::abs(got.green() - expected[1]) <= 1
                     && std::abs(got.blue() - expected[2]) <= 1,
                 qPrintable(QStringLiteral("pixel %1,%2: got %3 expected %4,%5,%6")
                                .arg(scenePixel.x()).arg(scenePixel.y()).arg(got.name())
                                .arg(expected[0]).arg(expected[1]).arg(expected[2])));
        ++checked;
    }
    QCOMPARE(checked, 4);

    // Band values under the cursor arrive from a worker.
    QSignalSpy values(&canvas, &MapCanvas::pixelValuesChanged);
    const QPointF cursor = canvas.pixelToWidget(QPointF(1010.5, 1020.5));
    QMouseEvent move(QEvent::MouseMove, cursor, canvas.mapToGlobal(cursor), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(&canvas, &move);
    QTRY_VERIFY_WITH_TIMEOUT(!values.isEmpty(), 10000);
    const QList<QVariant> last = values.last();
    QCOMPARE(last.at(0).toInt(), id);
    QCOMPARE(last.at(1).toPoint(), QPoint(1010, 1020));
    const auto bandValues = last.at(2).value<QVector<double>>();
    QCOMPARE(bandValues.size(), 3);
    for (int b = 0; b < 3; ++b)
        QCOMPARE(bandValues[b], double(syntheticSceneValue(b + 1, 1010.5, 1020.5)));
    QVERIFY(last.at(3).toBool());
}

void TestMapCanvas::swipeShowsTopLayerLeftOnly()
{
    MapCanvas canvas;
    canvas.resize(200, 200);
    const int bottom = canvas.addLayer(makeLayer(m_dir, QStringLiteral("before.tif"), QSize(600, 600)));
    const int top = canvas.addLayer(makeLayer(m_dir, QStringLiteral("after.tif"), QSize(600, 600)));
    // Make the layers look different: the top one single-band in a colour map.
    RenderSettings s = canvas.layerRenderer(top)->renderSettings();
    s.composition.bands = {1};
    s.composition.colorMap = ColorMap::Jet;
    canvas.setLayerRenderSettings(top, s);
    canvas.show();
    QVERIFY(QTest::qWaitForWindowExposed(&canvas));
    canvas.zoomToPixelRect(QRectF(200, 200, 50, 50));
    QTRY_VERIFY_WITH_TIMEOUT(canvas.layerRenderer(top)->isIdle() && canvas.isRenderComplete(), 20000);

    const QImage full = canvas.grab().toImage();
    canvas.setLayerVisible(top, false);
    QTRY_VERIFY_WITH_TIMEOUT(canvas.isRenderComplete(), 20000);
    const QImage bottomOnly = canvas.grab().toImage();
    canvas.setLayerVisible(top, true);
    canvas.setSwipeEnabled(true);
    canvas.setSwipePosition(0.5);
    QTRY_VERIFY_WITH_TIMEOUT(canvas.isRenderComplete(), 20000);
    const QImage swiped = canvas.grab().toImage();
    QVERIFY(full.pixel(150, 60) != bottomOnly.pixel(150, 60));
    QCOMPARE(swiped.pixel(40, 60), full.pixel(40, 60));         // left: the top layer
    QCOMPARE(swiped.pixel(160, 60), bottomOnly.pixel(160, 60)); // right: what lies below
    Q_UNUSED(bottom)
}

void TestMapCanvas::toolReceivesScenePixels()
{
    MapCanvas canvas;
    canvas.resize(300, 300);
    canvas.addLayer(makeLayer(m_dir, QStringLiteral("tool.tif"), QSize(300, 300)));
    canvas.zoomToPixelRect(QRectF(0, 0, 100, 100));
    RecordingTool tool;
    canvas.setMapTool(&tool);
    QCOMPARE(tool.view(), static_cast<MapView *>(&canvas));
    const QPointF at = canvas.pixelToWidget(QPointF(42.5, 17.25));
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, at.toPoint());
    QVERIFY(QLineF(tool.pressedAt, canvas.widgetToPixel(at.toPoint())).length() < 1e-9);
    const QPointF centre = canvas.center();
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, at.toPoint());
    QCOMPARE(canvas.center(), centre); // consumed: no pan
    // The tool paints in scene pixels under the view transform.
    const QImage shot = canvas.grab().toImage();
    QVERIFY(tool.paints > 0);
    QCOMPARE(tool.lastScale, canvas.scale());
    QCOMPARE(shot.pixelColor(canvas.pixelToWidget(QPointF(12, 12)).toPoint()), QColor(Qt::magenta));
    canvas.setMapTool(nullptr);
    QCOMPARE(tool.view(), nullptr);
}

QTEST_MAIN(TestMapCanvas)
#include "tst_mapcanvas.moc"
