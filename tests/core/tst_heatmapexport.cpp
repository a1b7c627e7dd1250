// SPDX-License-Identifier: GPL-3.0-or-later
// Heatmap export: the GeoTIFF lies exactly over the scene region it explains; the PNG carries
// the colour map and the threshold.

#include "core/explain/heatmapexport.h"

#include "tests/common/testsupport.h"

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <cmath>

using namespace satgpt;

namespace {

/// A 64x64 UTM 33N scene description, as RasterDataset would report it (the export only needs
/// the geotransform and the CRS).
RasterInfo utmScene(const GeoTransform &gt)
{
    RasterInfo info;
    info.width = 64;
    info.height = 64;
    info.hasGeoTransform = true;
    info.geoTransform = gt;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 32633);
    char *wkt = nullptr;
    OSRExportToWkt(srs, &wkt);
    info.crsWkt = QString::fromUtf8(wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(srs);
    return info;
}

ml::HeatMap ramp(int w, int h)
{
    ml::HeatMap m;
    m.width = w;
    m.height = h;
    for (int i = 0; i < w * h; ++i)
        m.values.push_back(float(i) / float(w * h - 1));
    return m;
}

bool near(double a, double b, double tol = 1e-9) { return std::abs(a - b) <= tol * std::max(1.0, std::abs(b)); }

} // namespace

class TestHeatmapExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { GDALAllRegister(); }

    void regionTransformMapsCornersOntoRegion_data()
    {
        QTest::addColumn<QVector<double>>("gt");
        QTest::addColumn<QRect>("region");
        QTest::addColumn<QSize>("mapSize");
        QTest::newRow("north-up") << QVector<double>{500000, 30, 0, 4000000, 0, -30} << QRect(16, 8, 32, 24) << QSize(4, 3);
        QTest::newRow("upsampled map") << QVector<double>{500000, 10, 0, 4000000, 0, -10} << QRect(5, 7, 40, 20)
                                       << QSize(224, 224);
        QTest::newRow("rotated") << QVector<double>{1000, 2, 0.5, 2000, 0.25, -3} << QRect(3, 9, 12, 6) << QSize(7, 5);
    }

    void regionTransformMapsCornersOntoRegion()
    {
        QFETCH(QVector<double>, gt);
        QFETCH(QRect, region);
        QFETCH(QSize, mapSize);
        GeoTransform scene;
        std::copy(gt.begin(), gt.end(), scene.c.begin());
        const GeoTransform g = regionGeoTransform(scene, region, mapSize);
        const std::pair<QPointF, QPointF> corners[] = {
            {{0, 0}, QPointF(region.x(), region.y())},
            {{double(mapSize.width()), 0}, QPointF(region.x() + region.width(), region.y())},
            {{0, double(mapSize.height())}, QPointF(region.x(), region.y() + region.height())},
            {{double(mapSize.width()), double(mapSize.height())},
             QPointF(region.x() + region.width(), region.y() + region.height())},
            // A map pixel centre lies on the centre of the scene patch it summarises.
            {{0.5, 0.5}, QPointF(region.x() + 0.5 * region.width() / mapSize.width(),
                                 region.y() + 0.5 * region.height() / mapSize.height())},
        };
        for (const auto &[mapPixel, scenePixel] : corners) {
            const QPointF a = g.pixelToMap(mapPixel);
            const QPointF b = scene.pixelToMap(scenePixel);
            QVERIFY2(near(a.x(), b.x()) && near(a.y(), b.y()),
                     qPrintable(QStringLiteral("(%1,%2) vs (%3,%4)").arg(a.x()).arg(a.y()).arg(b.x()).arg(b.y())));
        }
    }

    void geoTiffCoversTheRegion()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const RasterInfo scene = utmScene(GeoTransform{{500000, 30, 0, 4000000, 0, -30}});
        const QRect region(16, 8, 32, 24);
        const ml::HeatMap map = ramp(4, 3);
        const QString path = dir.filePath(QStringLiteral("heat.tif"));
        const Status st = writeHeatmapGeoTiff(path, map, scene, region, {{QStringLiteral("SATGPT_METHOD"), QStringLiteral("gradcam")}});
        QVERIFY2(st.ok(), st ? "" : st.error().toString().c_str());

        GDALDatasetH ds = GDALOpen(path.toUtf8().constData(), GA_ReadOnly);
        QVERIFY(ds);
        QCOMPARE(GDALGetRasterXSize(ds), 4);
        QCOMPARE(GDALGetRasterYSize(ds), 3);
        QCOMPARE(GDALGetRasterCount(ds), 1);
        GDALRasterBandH band = GDALGetRasterBand(ds, 1);
        QCOMPARE(int(GDALGetRasterDataType(band)), int(GDT_Float32));
        double gt[6];
        QCOMPARE(int(GDALGetGeoTransform(ds, gt)), int(CE_None));
        // Origin at the region's corner (16*30 m east, 8*30 m south of the scene's), pixels of
        // 32/4 x 24/3 scene pixels.
        QCOMPARE(gt[0], 500000.0 + 16 * 30);
        QCOMPARE(gt[1], 30.0 * 32 / 4);
        QCOMPARE(gt[2], 0.0);
        QCOMPARE(gt[3], 4000000.0 - 8 * 30);
        QCOMPARE(gt[4], 0.0);
        QCOMPARE(gt[5], -30.0 * 24 / 3);
        // Its far corner is the region's far corner in the scene.
        QCOMPARE(gt[0] + 4 * gt[1], scene.geoTransform.pixelToMap(QPointF(48, 32)).x());
        QCOMPARE(gt[3] + 3 * gt[5], scene.geoTransform.pixelToMap(QPointF(48, 32)).y());

        OGRSpatialReferenceH written = OSRNewSpatialReference(GDALGetProjectionRef(ds));
        OGRSpatialReferenceH expected = OSRNewSpatialReference(scene.crsWkt.toUtf8().constData());
        QVERIFY(OSRIsSame(written, expected));
        OSRDestroySpatialReference(written);
        OSRDestroySpatialReference(expected);
        QCOMPARE(QString::fromUtf8(GDALGetMetadataItem(ds, "SATGPT_METHOD", nullptr)), QStringLiteral("gradcam"));

        std::vector<float> values(12);
        QCOMPARE(int(GDALRasterIO(band, GF_Read, 0, 0, 4, 3, values.data(), 4, 3, GDT_Float32, 0, 0)), int(CE_None));
        for (size_t i = 0; i < values.size(); ++i)
            QCOMPARE(values[i], map.values[i]);
        GDALClose(ds);
        // Nothing but the result is left in the folder (the temporary file was renamed).
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("heat.tif")});
    }

    void sceneWithoutGeoreferenceGivesPixelCoordinates()
    {
        QTemporaryDir dir;
        RasterInfo scene;
        scene.width = 100;
        scene.height = 80;
        const QString path = dir.filePath(QStringLiteral("pix.tif"));
        QVERIFY(writeHeatmapGeoTiff(path, ramp(10, 10), scene, QRect(20, 30, 50, 40)).ok());
        GDALDatasetH ds = GDALOpen(path.toUtf8().constData(), GA_ReadOnly);
        QVERIFY(ds);
        double gt[6];
        GDALGetGeoTransform(ds, gt);
        QCOMPARE(gt[0], 20.0);
        QCOMPARE(gt[1], 5.0);
        QCOMPARE(gt[3], 30.0);
        QCOMPARE(gt[5], 4.0);
        QCOMPARE(QString::fromUtf8(GDALGetProjectionRef(ds)), QString());
        GDALClose(ds);
    }

    void badInputsAreErrorsNamingTheFile()
    {
        QTemporaryDir dir;
        const RasterInfo scene = utmScene(GeoTransform{});
        const QString missingDir = dir.filePath(QStringLiteral("no/such/dir/heat.tif"));
        const Status st = writeHeatmapGeoTiff(missingDir, ramp(4, 4), scene, QRect(0, 0, 8, 8));
        QVERIFY(!st.ok());
        QCOMPARE(QString::fromStdString(st.error().path), missingDir);
        QVERIFY(!writeHeatmapGeoTiff(dir.filePath(QStringLiteral("e.tif")), ml::HeatMap{}, scene, QRect(0, 0, 8, 8)).ok());
        QVERIFY(!writeHeatmapGeoTiff(dir.filePath(QStringLiteral("r.tif")), ramp(4, 4), scene, QRect()).ok());
        QVERIFY(!writeHeatmapPng(dir.filePath(QStringLiteral("no/such/heat.png")), ramp(4, 4), HeatmapStyle{}).ok());
    }

    void pngUsesColourMapAndThreshold_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("viridis") << QStringLiteral("viridis");
        QTest::newRow("inferno") << QStringLiteral("inferno");
        QTest::newRow("jet") << QStringLiteral("jet");
    }

    void pngUsesColourMapAndThreshold()
    {
        QFETCH(QString, name);
        QTemporaryDir dir;
        HeatmapStyle style;
        style.colorMap = colorMapFromName(name).value();
        style.threshold = 0.5;
        const ml::HeatMap map = ramp(8, 4); // 0 .. 1 in 32 steps
        const QString path = dir.filePath(QStringLiteral("heat.png"));
        const Status st = writeHeatmapPng(path, map, style);
        QVERIFY2(st.ok(), st ? "" : st.error().toString().c_str());
        const QImage img(path);
        QCOMPARE(img.size(), QSize(8, 4));
        for (int y = 0; y < 4; ++y) {
            for (int x = 0; x < 8; ++x) {
                const float v = map.at(x, y);
                const QRgb px = img.pixel(x, y);
                if (v < 0.5f) {
                    QCOMPARE(qAlpha(px), 0);
                } else {
                    const QRgb c = colorMapValue(style.colorMap, std::round(v * 255.0) / 255.0);
                    QCOMPARE(qAlpha(px), 255);
                    QCOMPARE(qRgb(qRed(px), qGreen(px), qBlue(px)), c);
                }
            }
        }
        // The colour maps differ from each other at the top of the scale.
        QVERIFY(colorMapValue(ColorMap::Viridis, 1.0) != colorMapValue(ColorMap::Inferno, 1.0));
        QVERIFY(!colorMapFromName(QStringLiteral("rainbow")));
    }
};

QTEST_GUILESS_MAIN(TestHeatmapExport)
#include "tst_heatmapexport.moc"
