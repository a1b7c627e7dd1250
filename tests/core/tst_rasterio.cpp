// SPDX-License-Identifier: GPL-3.0-or-later
// Raster I/O: opening, reading, statistics, stretches, rendering and georeferencing, on GeoTIFFs
// generated here and on the team's real scenes and edge-case corpus.

#include "core/jobs/job.h"
#include "core/raster/georeference.h"
#include "core/raster/rasterdataset.h"
#include "core/raster/rendering.h"

#include "tests/common/testsupport.h"

#include <QFile>
#include <QSet>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>
#include <QtTest>

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <cmath>
#include <cstdio>
#include <functional>

using namespace satgpt;

namespace {

/// How a generated fixture looks. Pixel values come from `value(band, x, y)`.
struct FixtureSpec
{
    int width = 64;
    int height = 48;
    int bands = 1;
    GDALDataType type = GDT_Byte;
    bool signedByte = false;
    std::optional<double> noData;
    double scale = 1.0;
    double offset = 0.0;
    int epsg = 32633;
    std::array<double, 6> gt{500000.0, 30.0, 0.0, 4500000.0, 0.0, -30.0};
    bool georeferenced = true;
    QStringList options;
    std::function<double(int band, int x, int y)> value = [](int b, int x, int y) { return double((b * 7 + x + 3 * y) % 100); };
};

QString writeFixture(const QString &path, const FixtureSpec &s)
{
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    QList<QByteArray> opts;
    for (const QString &o : s.options)
        opts << o.toUtf8();
    if (s.signedByte)
        opts << "PIXELTYPE=SIGNEDBYTE";
    std::vector<char *> optPtrs;
    for (QByteArray &o : opts)
        optPtrs.push_back(o.data());
    optPtrs.push_back(nullptr);
    GDALDatasetH ds = GDALCreate(drv, path.toUtf8().constData(), s.width, s.height, s.bands, s.type, optPtrs.data());
    if (!ds)
        return {};
    if (s.georeferenced) {
        double gt[6];
        std::copy(s.gt.begin(), s.gt.end(), gt);
        GDALSetGeoTransform(ds, gt);
        OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
        OSRImportFromEPSG(srs, s.epsg);
        GDALSetSpatialRef(ds, srs);
        OSRDestroySpatialReference(srs);
    }
    std::vector<double> buf(size_t(s.width) * s.height);
    for (int b = 1; b <= s.bands; ++b) {
        GDALRasterBandH h = GDALGetRasterBand(ds, b);
        for (int y = 0; y < s.height; ++y)
            for (int x = 0; x < s.width; ++x)
                buf[size_t(y) * s.width + x] = s.value(b, x, y);
        if (s.signedByte) {
            // Signed bytes are stored as their two's complement bit pattern.
            for (double &v : buf)
                v = v < 0 ? v + 256.0 : v;
        }
        if (GDALRasterIO(h, GF_Write, 0, 0, s.width, s.height, buf.data(), s.width, s.height, GDT_Float64, 0, 0) != CE_None)
            return {};
        if (s.noData)
            GDALSetRasterNoDataValue(h, *s.noData);
        if (s.scale != 1.0)
            GDALSetRasterScale(h, s.scale);
        if (s.offset != 0.0)
            GDALSetRasterOffset(h, s.offset);
    }
    GDALClose(ds);
    return path;
}

/// index.csv rows as maps from header to value (quoted fields may contain commas).
QVector<QMap<QString, QString>> readCsv(const QString &path)
{
    QFile f(path);
    QVector<QMap<QString, QString>> rows;
    if (!f.open(QIODevice::ReadOnly))
        return rows;
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    auto split = [](const QString &line) {
        QStringList fields;
        QString cur;
        bool quoted = false;
        for (int i = 0; i < line.size(); ++i) {
            const QChar c = line[i];
            if (quoted) {
                if (c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                    cur += c;
                    ++i;
                } else if (c == QLatin1Char('"')) {
                    quoted = false;
                } else {
                    cur += c;
                }
            } else if (c == QLatin1Char('"')) {
                quoted = true;
            } else if (c == QLatin1Char(',')) {
                fields << cur;
                cur.clear();
            } else {
                cur += c;
            }
        }
        fields << cur;
        return fields;
    };
    if (lines.isEmpty())
        return rows;
    const QStringList header = split(lines.first().trimmed());
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList fields = split(lines[i].trimmed());
        QMap<QString, QString> row;
        for (int c = 0; c < header.size(); ++c)
            row.insert(header[c], c < fields.size() ? fields[c] : QString());
        rows << row;
    }
    return rows;
}

bool isUniform(const QImage &image)
{
    const QRgb first = image.pixel(0, 0);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (image.pixel(x, y) != first)
                return false;
    return true;
}

/// Open, describe and read one file; the answer as one JSON object.
QJsonObject probeFile(const QString &path)
{
    QJsonObject o;
    auto ds = RasterDataset::open(path);
    o[QStringLiteral("open")] = ds.ok();
    if (!ds) {
        o[QStringLiteral("error")] = QString::fromStdString(ds.error().toString());
        o[QStringLiteral("errorPath")] = QString::fromStdString(ds.error().path);
        return o;
    }
    const RasterInfo &info = ds.value()->info();
    o[QStringLiteral("width")] = info.width;
    o[QStringLiteral("height")] = info.height;
    o[QStringLiteral("bands")] = info.bandCount();
    o[QStringLiteral("driver")] = info.driver;
    o[QStringLiteral("type")] = pixelTypeName(info.bands.front().type);
    o[QStringLiteral("epsg")] = info.epsg;
    const QRect window(0, 0, std::min(info.width, 64), std::min(info.height, 64));
    QVector<int> bands;
    for (int b = 1; b <= std::min(info.bandCount(), 3); ++b)
        bands << b;
    auto block = ds.value()->read(window, window.size(), bands);
    o[QStringLiteral("read")] = block.ok();
    if (!block) {
        o[QStringLiteral("readError")] = QString::fromStdString(block.error().toString());
        o[QStringLiteral("readErrorPath")] = QString::fromStdString(block.error().path);
    }
    // Georeferencing must not crash either, even for odd CRSs.
    if (auto geo = Georeference::fromInfo(info); geo && geo->hasLonLat())
        o[QStringLiteral("lonlat")] = geo->pixelToLonLat(QPointF(0, 0)).ok();
    return o;
}

/// Child-process mode (`--probe-list FILE...`): "BEGIN i" before each file, then its JSON, so
/// the parent knows which file a crash or hang belongs to.
int probeMain(const QStringList &files)
{
    for (int i = 0; i < files.size(); ++i) {
        std::printf("BEGIN %d\n", i);
        std::fflush(stdout);
        const QByteArray json = QJsonDocument(probeFile(files[i])).toJson(QJsonDocument::Compact);
        std::printf("%s\n", json.constData());
        std::fflush(stdout);
    }
    return 0;
}

/// Probes `files` in child processes: one child walks the list; when it crashes or goes quiet
/// for `stallMs`, the file it was on is recorded as "crashed"/"hung" and a new child resumes
/// after it. One process for the whole corpus keeps this fast; isolation is kept per file.
struct ProbeResults
{
    QHash<QString, QJsonObject> results;
    QHash<QString, QString> failures;
};

ProbeResults probeInChildren(const QStringList &files, int stallMs)
{
    ProbeResults out;
    int next = 0;
    while (next < files.size()) {
        const QStringList batch = files.mid(next);
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(), QStringList{QStringLiteral("--probe-list")} + batch);
        if (!child.waitForStarted(30000)) {
            out.failures.insert(files[next], QStringLiteral("could not start the probe process"));
            ++next;
            continue;
        }
        int current = -1;
        bool hung = false;
        auto drain = [&] {
            while (child.canReadLine()) {
                const QByteArray line = child.readLine().trimmed();
                if (line.startsWith("BEGIN ")) {
                    current = line.mid(6).toInt();
                } else if (line.startsWith('{') && current >= 0) {
                    out.results.insert(batch[current], QJsonDocument::fromJson(line).object());
                    current = -1;
                }
            }
        };
        for (;;) {
            drain();
            if (child.state() == QProcess::NotRunning)
                break;
            if (!child.waitForReadyRead(stallMs)) {
                if (child.state() != QProcess::NotRunning) {
                    hung = true;
                    child.kill();
                    child.waitForFinished(10000);
                }
                drain();
                break;
            }
        }
        int done = 0;
        while (done < batch.size() && out.results.contains(batch[done]))
            ++done;
        if (done == batch.size())
            break;
        out.failures.insert(batch[done], hung ? QStringLiteral("hung (no answer for %1 ms)").arg(stallMs)
                                              : QStringLiteral("crashed: %1").arg(QString::fromUtf8(child.readAllStandardError().right(500))));
        next += done + 1;
    }
    return out;
}

} // namespace

class TestRasterIo : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ProbeResults m_corpus;
    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        GDALAllRegister();
    }

    void dataTypesAndBandCounts_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<bool>("signedByte");
        QTest::addColumn<int>("bands");
        QTest::addColumn<QString>("typeName");
        const QList<std::tuple<GDALDataType, bool, QString>> types = {
            {GDT_Byte, false, QStringLiteral("Byte")},       {GDT_Byte, true, QStringLiteral("Int8")},
            {GDT_UInt16, false, QStringLiteral("UInt16")},   {GDT_Int16, false, QStringLiteral("Int16")},
            {GDT_UInt32, false, QStringLiteral("UInt32")},   {GDT_Int32, false, QStringLiteral("Int32")},
            {GDT_Float32, false, QStringLiteral("Float32")}, {GDT_Float64, false, QStringLiteral("Float64")}};
        for (const auto &[type, signedByte, name] : types)
            for (int bands : {1, 3, 4, 7})
                QTest::newRow(qPrintable(QStringLiteral("%1x%2").arg(name).arg(bands)))
                    << int(type) << signedByte << bands << name;
    }

    void dataTypesAndBandCounts()
    {
        QFETCH(int, type);
        QFETCH(bool, signedByte);
        QFETCH(int, bands);
        QFETCH(QString, typeName);
        FixtureSpec s;
        s.type = GDALDataType(type);
        s.signedByte = signedByte;
        s.bands = bands;
        // Without this GDAL writes a 4-band Byte file as RGBA, turning band 4 into a mask.
        s.options = {QStringLiteral("PHOTOMETRIC=MINISBLACK")};
        const bool isSigned = signedByte || s.type == GDT_Int16 || s.type == GDT_Int32 || s.type == GDT_Float32
            || s.type == GDT_Float64;
        const bool isFloat = s.type == GDT_Float32 || s.type == GDT_Float64;
        s.value = [=](int b, int x, int y) {
            double v = double((b * 7 + x + 3 * y) % 100);
            if (isSigned)
                v -= 50.0;
            if (isFloat)
                v += 0.25;
            return v;
        };
        const QString file = writeFixture(path(QStringLiteral("types_%1_%2.tif").arg(typeName).arg(bands)), s);
        QVERIFY(!file.isEmpty());

        auto ds = RasterDataset::open(file);
        QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().toString().c_str());
        const RasterInfo &info = ds.value()->info();
        QCOMPARE(info.driver, QStringLiteral("GTiff"));
        QCOMPARE(info.width, s.width);
        QCOMPARE(info.height, s.height);
        QCOMPARE(info.bandCount(), bands);
        QCOMPARE(pixelTypeName(info.bands.front().type), typeName);
        QCOMPARE(info.epsg, 32633);
        QVERIFY(info.hasGeoTransform);
        QCOMPARE(info.pixelSize(), QSizeF(30, 30));
        QCOMPARE(info.mapBounds(), QRectF(QPointF(500000, 4500000 - 48 * 30), QPointF(500000 + 64 * 30, 4500000)));

        QVector<int> all;
        for (int b = 1; b <= bands; ++b)
            all << b;
        auto block = ds.value()->read(QRect(0, 0, s.width, s.height), QSize(s.width, s.height), all);
        QVERIFY2(block.ok(), block.ok() ? "" : block.error().toString().c_str());
        QCOMPARE(block->width, s.width);
        QCOMPARE(block->bands, all);
        for (int i = 0; i < bands; ++i)
            for (int y = 0; y < s.height; y += 7)
                for (int x = 0; x < s.width; x += 5) {
                    QCOMPARE(block->plane(i)[y * s.width + x], float(s.value(i + 1, x, y)));
                    QCOMPARE(int(block->valid[size_t(y) * s.width + x]), 1);
                }

        // A sub-window with an odd band order lands where asked.
        if (bands >= 3) {
            auto sub = ds.value()->read(QRect(10, 5, 8, 4), QSize(8, 4), {3, 1});
            QVERIFY(sub.ok());
            QCOMPARE(sub->plane(0)[0], float(s.value(3, 10, 5)));
            QCOMPARE(sub->plane(1)[3 * 8 + 7], float(s.value(1, 17, 8)));
        }
    }

    void noDataScaleOffsetAndNan()
    {
        FixtureSpec s;
        s.type = GDT_Int16;
        s.noData = -9999;
        s.scale = 0.5;
        s.offset = 10.0;
        s.value = [](int, int x, int y) { return x == y ? -9999.0 : double(x * 10 + y); };
        const QString file = writeFixture(path(QStringLiteral("nodata_scale.tif")), s);
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        const BandInfo &band = ds.value()->info().bands.front();
        QCOMPARE(*band.noData, -9999.0);
        QCOMPARE(band.scale, 0.5);
        QCOMPARE(band.offset, 10.0);
        auto block = ds.value()->read(QRect(0, 0, 64, 48), QSize(64, 48), {1});
        QVERIFY(block.ok());
        QCOMPARE(int(block->valid[5 * 64 + 5]), 0);
        QCOMPARE(int(block->valid[5 * 64 + 6]), 1);
        QCOMPARE(block->plane(0)[5 * 64 + 6], float((6 * 10 + 5) * 0.5 + 10.0));

        FixtureSpec f;
        f.type = GDT_Float32;
        f.value = [](int, int x, int y) { return x < 4 && y < 4 ? std::nan("") : 1.5; };
        const QString nanFile = writeFixture(path(QStringLiteral("nan.tif")), f);
        auto nanDs = RasterDataset::open(nanFile);
        QVERIFY(nanDs.ok());
        auto nanBlock = nanDs.value()->read(QRect(0, 0, 8, 8), QSize(8, 8), {1});
        QVERIFY(nanBlock.ok());
        QCOMPARE(int(nanBlock->valid[0]), 0);
        QCOMPARE(int(nanBlock->valid[3 * 8 + 3]), 0);
        QCOMPARE(int(nanBlock->valid[4]), 1);
        QCOMPARE(nanBlock->plane(0)[4], 1.5f);

        // Averaging down ignores nodata instead of mixing -9999 into the mean.
        auto reduced = ds.value()->read(QRect(0, 0, 64, 48), QSize(32, 24), {1});
        QVERIFY(reduced.ok());
        for (size_t i = 0; i < reduced->data.size(); ++i)
            if (reduced->valid[i])
                QVERIFY2(reduced->data[i] > 0.0f, "nodata leaked into an averaged value");
    }

    void maskAndAlphaBands()
    {
        // Per-dataset mask band: the masked quarter must come back invalid.
        FixtureSpec s;
        s.bands = 3;
        const QString file = writeFixture(path(QStringLiteral("masked.tif")), s);
        {
            CPLSetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES");
            GDALDatasetH ds = GDALOpen(file.toUtf8().constData(), GA_Update);
            QVERIFY(ds);
            QCOMPARE(GDALCreateDatasetMaskBand(ds, GMF_PER_DATASET), CE_None);
            GDALRasterBandH mask = GDALGetMaskBand(GDALGetRasterBand(ds, 1));
            std::vector<uint8_t> m(64 * 48, 255);
            for (int y = 0; y < 24; ++y)
                for (int x = 0; x < 32; ++x)
                    m[size_t(y) * 64 + x] = 0;
            QCOMPARE(GDALRasterIO(mask, GF_Write, 0, 0, 64, 48, m.data(), 64, 48, GDT_Byte, 0, 0), CE_None);
            GDALClose(ds);
            CPLSetConfigOption("GDAL_TIFF_INTERNAL_MASK", nullptr);
        }
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        QVERIFY(ds.value()->info().bands.front().hasMask);
        auto block = ds.value()->read(QRect(0, 0, 64, 48), QSize(64, 48), {1, 2, 3});
        QVERIFY(block.ok());
        QCOMPARE(int(block->valid[0]), 0);
        QCOMPARE(int(block->valid[23 * 64 + 31]), 0);
        QCOMPARE(int(block->valid[24 * 64 + 31]), 1);
        QCOMPARE(int(block->valid[10 * 64 + 40]), 1);

        // RGBA: alpha 0 is transparent; the default composition is the three colour bands.
        FixtureSpec rgba;
        rgba.bands = 4;
        rgba.options = {QStringLiteral("PHOTOMETRIC=RGB"), QStringLiteral("ALPHA=YES")};
        rgba.value = [](int b, int x, int y) { return b == 4 ? (x < 10 ? 0.0 : 255.0) : double(b * 40 + x); };
        const QString rgbaFile = writeFixture(path(QStringLiteral("rgba.tif")), rgba);
        auto rds = RasterDataset::open(rgbaFile);
        QVERIFY(rds.ok());
        const RasterInfo &info = rds.value()->info();
        QCOMPARE(info.bands[3].colorInterpretation, QStringLiteral("Alpha"));
        QCOMPARE(BandComposition::defaultFor(info).bands, QVector<int>({1, 2, 3}));
        auto rblock = rds.value()->read(QRect(0, 0, 64, 48), QSize(64, 48), {1, 2, 3});
        QVERIFY(rblock.ok());
        QCOMPARE(int(rblock->valid[5]), 0);
        QCOMPARE(int(rblock->valid[15]), 1);
    }

    void overviewsServeReducedReads()
    {
        FixtureSpec s;
        s.width = 1024;
        s.height = 1024;
        s.type = GDT_UInt16;
        s.options = {QStringLiteral("TILED=YES")};
        s.value = [](int, int, int) { return 10.0; };
        const QString file = writeFixture(path(QStringLiteral("ovr.tif")), s);
        {
            GDALDatasetH ds = GDALOpen(file.toUtf8().constData(), GA_Update);
            int levels[] = {2, 4};
            QCOMPARE(GDALBuildOverviews(ds, "AVERAGE", 2, levels, 0, nullptr, nullptr, nullptr), CE_None);
            // Mark the 1/2 level so a read served from it is recognisable.
            GDALRasterBandH ov = GDALGetOverview(GDALGetRasterBand(ds, 1), 0);
            std::vector<uint16_t> v(512 * 512, 200);
            QCOMPARE(GDALRasterIO(ov, GF_Write, 0, 0, 512, 512, v.data(), 512, 512, GDT_UInt16, 0, 0), CE_None);
            GDALClose(ds);
        }
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        const RasterInfo &info = ds.value()->info();
        QCOMPARE(info.overviews, QVector<QSize>({QSize(512, 512), QSize(256, 256)}));
        QCOMPARE(info.bands.front().overviewCount, 2);
        QVERIFY(!ds.value()->needsOverviews());
        auto half = ds.value()->read(QRect(0, 0, 1024, 1024), QSize(512, 512), {1});
        QVERIFY(half.ok());
        QCOMPARE(half->plane(0)[1000], 200.0f);
        auto full = ds.value()->read(QRect(0, 0, 256, 256), QSize(256, 256), {1});
        QVERIFY(full.ok());
        QCOMPARE(full->plane(0)[1000], 10.0f);
    }

    void windowsOutsideTheScene()
    {
        FixtureSpec s;
        s.value = [](int, int x, int) { return double(x); };
        const QString file = writeFixture(path(QStringLiteral("edges.tif")), s);
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        // A 32x32 tile hanging off the right edge by half keeps its geometry.
        auto block = ds.value()->read(QRect(48, 0, 32, 32), QSize(32, 32), {1});
        QVERIFY(block.ok());
        QCOMPARE(block->width, 32);
        QCOMPARE(block->height, 32);
        QCOMPARE(int(block->valid[15]), 1);
        QCOMPARE(block->plane(0)[15], 63.0f);
        QCOMPARE(int(block->valid[16]), 0);
        // Entirely outside: all invalid, no error.
        auto outside = ds.value()->read(QRect(1000, 1000, 16, 16), QSize(16, 16), {1});
        QVERIFY(outside.ok());
        QVERIFY(std::all_of(outside->valid.begin(), outside->valid.end(), [](uint8_t v) { return v == 0; }));
        // Upsampling is nearest: pixels stay crisp.
        auto up = ds.value()->read(QRect(0, 0, 4, 4), QSize(16, 16), {1});
        QVERIFY(up.ok());
        QCOMPARE(up->plane(0)[0], 0.0f);
        QCOMPARE(up->plane(0)[3], 0.0f);
        QCOMPARE(up->plane(0)[4], 1.0f);

        QVERIFY(!ds.value()->read(QRect(0, 0, 8, 8), QSize(8, 8), {2}).ok());
        QVERIFY(!ds.value()->read(QRect(0, 0, 0, 8), QSize(8, 8), {1}).ok());
        QVERIFY(!ds.value()->read(QRect(0, 0, 8, 8), QSize(0, 8), {1}).ok());
        Feedback canceled;
        canceled.cancel();
        auto c = ds.value()->read(QRect(0, 0, 8, 8), QSize(8, 8), {1}, &canceled);
        QVERIFY(!c.ok());
        QCOMPARE(QString::fromStdString(c.error().message), QStringLiteral("Canceled"));
    }

    void concurrentReadersAgree()
    {
        FixtureSpec s;
        s.width = 600;
        s.height = 500;
        s.bands = 3;
        s.type = GDT_UInt16;
        s.options = {QStringLiteral("TILED=YES"), QStringLiteral("BLOCKXSIZE=128"), QStringLiteral("BLOCKYSIZE=128")};
        s.value = [](int b, int x, int y) { return double((x * 31 + y * 17 + b * 1000) % 4000); };
        const QString file = writeFixture(path(QStringLiteral("threads.tif")), s);
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        auto reference = ds.value()->read(QRect(0, 0, 600, 500), QSize(600, 500), {1, 2, 3});
        QVERIFY(reference.ok());
        const RasterDataset &shared = *ds.value();
        QList<QFuture<int>> futures;
        for (int t = 0; t < 4; ++t) {
            futures << QtConcurrent::run([&shared, &reference, t] {
                auto mine = shared.reopen();
                if (!mine)
                    return -1;
                int mismatches = 0;
                for (int ty = 0; ty < 500; ty += 100)
                    for (int tx = (t * 100) % 600; tx < 600; tx += 100) {
                        auto tile = mine.value()->read(QRect(tx, ty, 100, 100), QSize(100, 100), {1, 2, 3});
                        if (!tile)
                            return -1;
                        for (int i = 0; i < 3; ++i)
                            for (int y = 0; y < 100; y += 9)
                                for (int x = 0; x < 100; x += 7)
                                    if (tile->plane(i)[y * 100 + x] != reference->plane(i)[(ty + y) * 600 + tx + x])
                                        ++mismatches;
                    }
                return mismatches;
            });
        }
        for (auto &f : futures)
            QCOMPARE(f.result(), 0);
    }

    void statisticsAndPercentiles()
    {
        FixtureSpec s;
        s.width = 64;
        s.height = 64;
        s.type = GDT_Float32;
        s.value = [](int, int x, int y) { return double(y * 64 + x); };
        const QString file = writeFixture(path(QStringLiteral("ramp.tif")), s);
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        auto st = ds.value()->statistics(1);
        QVERIFY(st.ok());
        QCOMPARE(st->validCount, qint64(4096));
        QCOMPARE(st->min, 0.0);
        QCOMPARE(st->max, 4095.0);
        QCOMPARE(st->mean, 2047.5);
        QVERIFY(std::abs(st->stdDev - std::sqrt((4096.0 * 4096.0 - 1.0) / 12.0)) < 1e-3);
        QCOMPARE(int(st->histogram.size()), BandStatistics::kBins);
        double total = 0;
        for (double h : st->histogram)
            total += h;
        QCOMPARE(total, 4096.0);
        const double bin = 4095.0 / 1024.0;
        QVERIFY(std::abs(st->percentile(2) - 81.92) <= bin);
        QVERIFY(std::abs(st->percentile(50) - 2048.0) <= bin);
        QVERIFY(std::abs(st->percentile(98) - 4014.08) <= bin);
        QCOMPARE(st->percentile(0), 0.0);
        QCOMPARE(st->percentile(100), 4095.0);
        QVERIFY(!ds.value()->statistics(2).ok());

        // Large scenes: statistics come from a bounded (decimated) read, never the full image.
        FixtureSpec big;
        big.width = 5000;
        big.height = 300;
        big.value = [](int, int x, int) { return double(x % 200); };
        const QString bigFile = writeFixture(path(QStringLiteral("wide.tif")), big);
        auto bds = RasterDataset::open(bigFile);
        QVERIFY(bds.ok());
        QVERIFY(bds.value()->needsOverviews());
        auto bst = bds.value()->statistics(1);
        QVERIFY(bst.ok());
        QVERIFY(bst->validCount < 5000 * 300);
        QVERIFY(bst->validCount > 0);
        QVERIFY(bst->max <= 199.0);
    }

    void stretchesMatchHandComputedValues()
    {
        BandStatistics st;
        st.min = 0.0;
        st.max = 100.0;
        st.mean = 50.0;
        st.stdDev = 10.0;
        st.validCount = 1024 * 10;
        st.histogram.assign(BandStatistics::kBins, 10.0);

        Stretch minMax;
        minMax.kind = StretchKind::MinMax;
        auto c = ChannelStretch::fromStatistics(st, minMax);
        QCOMPARE(c.low, 0.0);
        QCOMPARE(c.high, 100.0);
        QCOMPARE(int(c.apply(0.0f)), 0);
        QCOMPARE(int(c.apply(50.0f)), 128); // round(0.5 * 255)
        QCOMPARE(int(c.apply(100.0f)), 255);
        QCOMPARE(int(c.apply(-5.0f)), 0);
        QCOMPARE(int(c.apply(500.0f)), 255);

        auto p = ChannelStretch::fromStatistics(st, Stretch{}); // percentile 2-98
        QVERIFY(std::abs(p.low - 2.0) < 1e-9);
        QVERIFY(std::abs(p.high - 98.0) < 1e-9);
        QCOMPARE(int(p.apply(26.0f)), 64); // round(0.25 * 255)

        Stretch sd;
        sd.kind = StretchKind::StdDev;
        sd.stdDevs = 2.0;
        auto s = ChannelStretch::fromStatistics(st, sd);
        QCOMPARE(s.low, 30.0);
        QCOMPARE(s.high, 70.0);
        QCOMPARE(int(s.apply(40.0f)), 64); // round(0.25 * 255)

        Stretch gamma;
        gamma.kind = StretchKind::MinMax;
        gamma.gamma = 2.0;
        auto g = ChannelStretch::fromStatistics(st, gamma);
        QCOMPARE(int(g.apply(25.0f)), 128); // round(sqrt(0.25) * 255)

        // Equalisation: all values in the lower half, so the lower half spreads over 0..255.
        BandStatistics half = st;
        half.histogram.assign(BandStatistics::kBins, 0.0);
        for (int i = 0; i < 512; ++i)
            half.histogram[size_t(i)] = 1.0;
        half.validCount = 512;
        Stretch eq;
        eq.kind = StretchKind::HistogramEqualize;
        auto e = ChannelStretch::fromStatistics(half, eq);
        QCOMPARE(int(e.equalized.size()), BandStatistics::kBins);
        QCOMPARE(int(e.equalized[0]), 0);
        QCOMPARE(int(e.equalized[255]), 127); // round((256 - 1) / 511 * 255)
        QCOMPARE(int(e.equalized[511]), 255);
        QCOMPARE(int(e.apply(float(255.5 / 1024.0 * 100.0))), 127);

        // A flat band never divides by zero.
        BandStatistics flat;
        flat.min = flat.max = flat.mean = 7.0;
        flat.validCount = 10;
        flat.histogram.assign(BandStatistics::kBins, 0.0);
        flat.histogram[0] = 10;
        auto f = ChannelStretch::fromStatistics(flat, Stretch{});
        QVERIFY(f.high > f.low);
        QCOMPARE(int(f.apply(7.0f)), 0);
    }

    void colourMaps()
    {
        QCOMPARE(colorMapValue(ColorMap::Gray, 0.0), qRgb(0, 0, 0));
        QCOMPARE(colorMapValue(ColorMap::Gray, 1.0), qRgb(255, 255, 255));
        QCOMPARE(colorMapValue(ColorMap::Viridis, 0.0), qRgb(68, 1, 84));
        QCOMPARE(colorMapValue(ColorMap::Viridis, 1.0), qRgb(253, 231, 37));
        QCOMPARE(colorMapValue(ColorMap::Inferno, 0.0), qRgb(0, 0, 4));
        QCOMPARE(colorMapValue(ColorMap::Jet, 0.5), qRgb(128, 255, 128));
        QCOMPARE(colorMapValue(ColorMap::Jet, 0.0), qRgb(0, 0, 128));
        QCOMPARE(colorMapValue(ColorMap::Terrain, 1.0), qRgb(255, 255, 255));
        QCOMPARE(colorMapValue(ColorMap::Terrain, 0.0), qRgb(51, 51, 153));
        QCOMPARE(colorMapValue(ColorMap::Gray, std::nan("")), qRgb(0, 0, 0));
    }

    void renderBlockColoursAndTransparency()
    {
        RasterBlock block;
        block.width = 3;
        block.height = 1;
        block.bands = {1, 2, 3};
        block.data = {0, 50, 100, /**/ 100, 50, 0, /**/ 50, 50, 50};
        block.valid = {1, 1, 0};
        ChannelStretch c;
        c.low = 0;
        c.high = 100;
        QImage img = renderBlock(block, {c, c, c}, ColorMap::Gray);
        QCOMPARE(img.size(), QSize(3, 1));
        QCOMPARE(img.format(), QImage::Format_ARGB32);
        QCOMPARE(img.pixel(0, 0), qRgb(0, 255, 128));
        QCOMPARE(img.pixel(1, 0), qRgb(128, 128, 128));
        QCOMPARE(qAlpha(img.pixel(2, 0)), 0);

        RasterBlock single = block;
        single.bands = {1};
        single.data = {0, 50, 100};
        QImage v = renderBlock(single, {c}, ColorMap::Viridis);
        QCOMPARE(v.pixel(0, 0), colorMapValue(ColorMap::Viridis, 0.0));
        QCOMPARE(qAlpha(v.pixel(2, 0)), 0);
        QVERIFY(renderBlock(single, {c, c}, ColorMap::Gray).isNull());
    }

    void paletteBands()
    {
        FixtureSpec s;
        s.value = [](int, int x, int) { return double(x % 3); };
        const QString file = writeFixture(path(QStringLiteral("palette.tif")), s);
        {
            GDALDatasetH ds = GDALOpen(file.toUtf8().constData(), GA_Update);
            GDALColorTableH ct = GDALCreateColorTable(GPI_RGB);
            const GDALColorEntry entries[3] = {{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}};
            for (int i = 0; i < 3; ++i)
                GDALSetColorEntry(ct, i, &entries[i]);
            GDALRasterBandH band = GDALGetRasterBand(ds, 1);
            GDALSetRasterColorTable(band, ct);
            GDALSetRasterColorInterpretation(band, GCI_PaletteIndex);
            GDALDestroyColorTable(ct);
            GDALClose(ds);
        }
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        const RasterInfo &info = ds.value()->info();
        QVERIFY(info.bands.front().colorTable.size() >= 3); // GeoTIFF pads tables to 256 entries
        QCOMPARE(info.bands.front().colorTable[1], qRgba(0, 255, 0, 255));
        RenderSettings settings;
        settings.composition = BandComposition::defaultFor(info);
        QVERIFY(settings.composition.usePalette);
        QCOMPARE(settings.composition.bands, QVector<int>({1}));
        auto img = renderOverview(*ds.value(), settings, QSize(64, 48));
        QVERIFY(img.ok());
        QCOMPARE(img->size(), QSize(64, 48));
        QCOMPARE(img->pixel(0, 0), qRgb(255, 0, 0));
        QCOMPARE(img->pixel(1, 0), qRgb(0, 255, 0));
        QCOMPARE(img->pixel(2, 0), qRgb(0, 0, 255));
    }

    void defaultCompositions()
    {
        auto infoWith = [](int bands, const QStringList &interp = {}, const QString &name = QStringLiteral("x.tif")) {
            RasterInfo info;
            info.path = QStringLiteral("/data/") + name;
            for (int b = 1; b <= bands; ++b) {
                BandInfo bi;
                bi.index = b;
                bi.colorInterpretation = b <= interp.size() ? interp[b - 1] : QStringLiteral("Undefined");
                info.bands << bi;
            }
            return info;
        };
        QCOMPARE(BandComposition::defaultFor(infoWith(1)).bands, QVector<int>({1}));
        QCOMPARE(BandComposition::defaultFor(infoWith(2)).bands, QVector<int>({1}));
        QVERIFY(BandComposition::defaultFor(infoWith(2)).isSingleBand());
        QCOMPARE(BandComposition::defaultFor(infoWith(5)).bands, QVector<int>({1, 2, 3}));
        QCOMPARE(BandComposition::defaultFor(infoWith(4, {QStringLiteral("Blue"), QStringLiteral("Green"),
                                                          QStringLiteral("Red"), QStringLiteral("Undefined")}))
                     .bands,
                 QVector<int>({3, 2, 1}));
        QCOMPARE(BandComposition::defaultFor(infoWith(6, {}, QStringLiteral("L7_ETMs.tif"))).bands, QVector<int>({3, 2, 1}));
        QCOMPARE(BandComposition::defaultFor(infoWith(11, {}, QStringLiteral("LC08_L1TP_stack.tif"))).bands,
                 QVector<int>({4, 3, 2}));
    }

    void georeferenceMatchesGdaltransform_data()
    {
        QTest::addColumn<int>("epsg");
        QTest::addColumn<QVector<double>>("gt");
        QTest::newRow("utm33n") << 32633 << QVector<double>{500000.0, 30.0, 0.0, 4500000.0, 0.0, -30.0};
        QTest::newRow("wgs84") << 4326 << QVector<double>{10.0, 0.001, 0.0, 45.0, 0.0, -0.001};
        QTest::newRow("webmercator") << 3857 << QVector<double>{1113194.9, 10.0, 0.0, 5621521.5, 0.0, -10.0};
        QTest::newRow("utm59s") << 32759 << QVector<double>{300000.0, 0.6, 0.0, 7840000.0, 0.0, -0.6};
        QTest::newRow("lambert93") << 2154 << QVector<double>{700000.0, 5.0, 0.0, 6600000.0, 0.0, -5.0};
    }

    void georeferenceMatchesGdaltransform()
    {
        QFETCH(int, epsg);
        QFETCH(QVector<double>, gt);
        FixtureSpec s;
        s.epsg = epsg;
        std::copy(gt.begin(), gt.end(), s.gt.begin());
        const QString file = writeFixture(path(QStringLiteral("geo_%1.tif").arg(epsg)), s);
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        QCOMPARE(ds.value()->info().epsg, epsg);
        auto geo = Georeference::fromInfo(ds.value()->info());
        QVERIFY(geo.ok());
        QVERIFY(geo->hasLonLat());
        QCOMPARE(geo->epsg(), epsg);
        QVERIFY(!geo->crsName().isEmpty());
        QCOMPARE(geo->isGeographic(), epsg == 4326);

        const QList<QPointF> pixels = {{0, 0}, {64, 48}, {10.5, 20.25}, {63, 1}};
        // Round trips hold whatever the external tool says.
        for (const QPointF &p : pixels) {
            auto ll = geo->pixelToLonLat(p);
            QVERIFY(ll.ok());
            auto back = geo->lonLatToPixel(ll.value());
            QVERIFY(back.ok());
            QVERIFY(std::abs(back->x() - p.x()) < 1e-6 && std::abs(back->y() - p.y()) < 1e-6);
        }
        auto footprint = geo->footprintLonLat(4);
        QVERIFY(footprint.ok());
        QCOMPARE(footprint->size(), 17);
        QCOMPARE(footprint->front(), footprint->back());
        QCOMPARE(footprint->front(), geo->pixelToLonLat(QPointF(0, 0)).value());

        auto ground = geo->groundPixelSize();
        QVERIFY(ground.ok());
        const QPointF centreLl = geo->pixelToLonLat(QPointF(32, 24)).value();
        if (epsg == 4326) {
            // 0.001 degree at latitude ~45: 78.7 m east-west, 111.1 m north-south.
            const double lat = centreLl.y() * M_PI / 180.0;
            QVERIFY(std::abs(ground->width() - 111320.0 * std::cos(lat) * 0.001) / ground->width() < 0.005);
            QVERIFY(std::abs(ground->height() - 111132.0 * 0.001) / ground->height() < 0.005);
        } else if (epsg == 3857) {
            // Web Mercator metres shrink by cos(latitude) on the ground.
            const double expected = 10.0 * std::cos(centreLl.y() * M_PI / 180.0);
            QVERIFY2(std::abs(ground->width() - expected) / expected < 0.005, qPrintable(QString::number(ground->width())));
        } else if (epsg == 32633) {
            QVERIFY(std::abs(ground->width() - 30.0) < 0.03);
        }

        const QString tool = QStandardPaths::findExecutable(QStringLiteral("gdaltransform"));
        if (tool.isEmpty())
            QSKIP("gdaltransform is not installed; the internal round trips above still ran");
        QProcess proc;
        proc.start(tool, {QStringLiteral("-t_srs"), QStringLiteral("EPSG:4326"), QStringLiteral("-output_xy"), file});
        QVERIFY(proc.waitForStarted(10000));
        QByteArray input;
        for (const QPointF &p : pixels)
            input += QByteArray::number(p.x(), 'g', 17) + ' ' + QByteArray::number(p.y(), 'g', 17) + '\n';
        proc.write(input);
        proc.closeWriteChannel();
        QVERIFY(proc.waitForFinished(30000));
        const QStringList lines = QString::fromUtf8(proc.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), pixels.size());
        for (int i = 0; i < pixels.size(); ++i) {
            const QStringList parts = lines[i].simplified().split(QLatin1Char(' '));
            QVERIFY(parts.size() >= 2);
            const QPointF ll = geo->pixelToLonLat(pixels[i]).value();
            QVERIFY2(std::abs(ll.x() - parts[0].toDouble()) < 1e-6 && std::abs(ll.y() - parts[1].toDouble()) < 1e-6,
                     qPrintable(QStringLiteral("pixel %1,%2: ours %3 %4, gdaltransform %5")
                                    .arg(pixels[i].x())
                                    .arg(pixels[i].y())
                                    .arg(ll.x(), 0, 'f', 9)
                                    .arg(ll.y(), 0, 'f', 9)
                                    .arg(lines[i])));
        }
    }

    void noCrsMeansNoLonLat()
    {
        FixtureSpec s;
        s.georeferenced = false;
        const QString file = writeFixture(path(QStringLiteral("plain.tif")), s);
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        const RasterInfo &info = ds.value()->info();
        QVERIFY(!info.hasGeoTransform);
        QVERIFY(info.crsWkt.isEmpty());
        QCOMPARE(info.epsg, 0);
        QCOMPARE(info.mapBounds(), QRectF(0, 0, 64, 48));
        auto geo = Georeference::fromInfo(info);
        QVERIFY(geo.ok());
        QVERIFY(!geo->hasLonLat());
        QCOMPARE(geo->pixelToMap(QPointF(3, 4)), QPointF(3, 4));
        auto ll = geo->pixelToLonLat(QPointF(0, 0));
        QVERIFY(!ll.ok());
        QCOMPARE(QString::fromStdString(ll.error().path), file);
    }

    void acquisitionDateFromMetadata()
    {
        FixtureSpec s;
        const QString file = writeFixture(path(QStringLiteral("dated.tif")), s);
        {
            GDALDatasetH ds = GDALOpen(file.toUtf8().constData(), GA_Update);
            GDALSetMetadataItem(ds, "TIFFTAG_DATETIME", "2019:06:21 10:30:00", nullptr);
            GDALClose(ds);
        }
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        QCOMPARE(ds.value()->info().acquisitionDate, QStringLiteral("2019-06-21"));
        QCOMPARE(ds.value()->info().metadata.value(QStringLiteral("TIFFTAG_DATETIME")), QStringLiteral("2019:06:21 10:30:00"));

        const QString landsat = writeFixture(path(QStringLiteral("LC08_L1TP_195025_20130707_20170503_01_T1_B4.TIF")), s);
        auto lds = RasterDataset::open(landsat);
        QVERIFY(lds.ok());
        QCOMPARE(lds.value()->info().acquisitionDate, QStringLiteral("2013-07-07"));
    }

    void badFilesGiveClearErrors()
    {
        const QString missing = path(QStringLiteral("does_not_exist.tif"));
        auto m = RasterDataset::open(missing);
        QVERIFY(!m.ok());
        QCOMPARE(QString::fromStdString(m.error().path), missing);

        const QString empty = path(QStringLiteral("empty.tif"));
        QFile(empty).open(QIODevice::WriteOnly);
        auto e = RasterDataset::open(empty);
        QVERIFY(!e.ok());
        QVERIFY(QString::fromStdString(e.error().toString()).contains(empty));

        const QString garbage = path(QStringLiteral("garbage.tif"));
        {
            QFile f(garbage);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("this is not a GeoTIFF at all, just text pretending to be one\n");
        }
        auto g = RasterDataset::open(garbage);
        QVERIFY(!g.ok());
        QCOMPARE(QString::fromStdString(g.error().path), garbage);
        QVERIFY(!g.error().detail.empty()); // GDAL's reason
    }

    void truncatedFileFailsAtReadTime()
    {
        FixtureSpec s;
        s.width = 256;
        s.height = 256;
        s.type = GDT_UInt16;
        s.value = [](int, int x, int y) { return double(x + y); };
        const QString file = writeFixture(path(QStringLiteral("truncated.tif")), s);
        {
            QFile f(file);
            QVERIFY(f.resize(f.size() / 2));
        }
        auto ds = RasterDataset::open(file);
        if (!ds.ok()) {
            QCOMPARE(QString::fromStdString(ds.error().path), file);
            return;
        }
        auto block = ds.value()->read(QRect(0, 0, 256, 256), QSize(256, 256), {1});
        QVERIFY(!block.ok());
        QCOMPARE(QString::fromStdString(block.error().path), file);
        QVERIFY2(!block.error().detail.empty(), "GDAL's reason should be captured");
    }

    void absurdDimensionsAreRefused()
    {
        // A VRT header declaring 5 million pixels a side.
        const QString vrt = path(QStringLiteral("absurd.vrt"));
        {
            QFile f(vrt);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("<VRTDataset rasterXSize=\"5000000\" rasterYSize=\"5000000\">\n"
                    "  <VRTRasterBand dataType=\"Byte\" band=\"1\"/>\n</VRTDataset>\n");
        }
        auto v = RasterDataset::open(vrt);
        QVERIFY(!v.ok());
        QCOMPARE(QString::fromStdString(v.error().path), vrt);
        QVERIFY(QString::fromStdString(v.error().message).contains(QStringLiteral("absurd")));

        // A hand-made little-endian TIFF whose header claims 3,000,000 x 3,000,000 pixels.
        QByteArray tiff("II*\0\x08\0\0\0", 8);
        auto u16 = [](QByteArray &b, quint16 v) { b.append(char(v & 0xff)).append(char(v >> 8)); };
        auto u32 = [](QByteArray &b, quint32 v) {
            for (int i = 0; i < 4; ++i)
                b.append(char((v >> (8 * i)) & 0xff));
        };
        auto entry = [&](quint16 tag, quint16 type, quint32 count, quint32 value) {
            u16(tiff, tag);
            u16(tiff, type);
            u32(tiff, count);
            u32(tiff, value);
        };
        u16(tiff, 8);
        entry(256, 4, 1, 3000000); // ImageWidth
        entry(257, 4, 1, 3000000); // ImageLength
        entry(258, 3, 1, 8);       // BitsPerSample
        entry(259, 3, 1, 1);       // Compression: none
        entry(262, 3, 1, 1);       // BlackIsZero
        entry(273, 4, 1, 200);     // StripOffsets
        entry(278, 4, 1, 1);       // RowsPerStrip
        entry(279, 4, 1, 3000000); // StripByteCounts
        u32(tiff, 0);
        const QString huge = path(QStringLiteral("absurd.tif"));
        {
            QFile f(huge);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(tiff);
        }
        auto h = RasterDataset::open(huge);
        QVERIFY(!h.ok());
        QCOMPARE(QString::fromStdString(h.error().path), huge);
    }

    void complexBandsShowMagnitude()
    {
        FixtureSpec s;
        s.type = GDT_CFloat32;
        s.bands = 1;
        const QString file = writeFixture(path(QStringLiteral("complex.tif")), s);
        {
            GDALDatasetH ds = GDALOpen(file.toUtf8().constData(), GA_Update);
            std::vector<float> iq(64 * 48 * 2);
            for (size_t i = 0; i < iq.size(); i += 2) {
                iq[i] = 3.0f;
                iq[i + 1] = 4.0f;
            }
            QCOMPARE(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, 64, 48, iq.data(), 64, 48, GDT_CFloat32, 0, 0),
                     CE_None);
            GDALClose(ds);
        }
        auto ds = RasterDataset::open(file);
        QVERIFY(ds.ok());
        QCOMPARE(ds.value()->info().bands.front().type, PixelType::CFloat32);
        auto block = ds.value()->read(QRect(0, 0, 64, 48), QSize(32, 24), {1});
        QVERIFY(block.ok());
        QCOMPARE(block->plane(0)[5], 5.0f);
    }

    void edgeCaseCorpus_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("opens");
        QTest::addColumn<QString>("bands");
        QTest::addColumn<QString>("readable");
        QTest::addColumn<QString>("width");
        QTest::addColumn<QString>("height");
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("dtype");
        const QString index = test::sharedPath(QStringLiteral("datasets/raster_edge_cases/index.csv"));
        if (index.isEmpty() || !QFileInfo::exists(index)) {
            QTest::newRow("no-shared") << QString() << QString() << QString() << QString() << QString() << QString()
                                       << QString() << QString();
            return;
        }
        for (const auto &row : readCsv(index)) {
            if (row.value(QStringLiteral("role")) != QLatin1String("raster"))
                continue;
            QTest::newRow(qPrintable(row.value(QStringLiteral("file"))))
                << row.value(QStringLiteral("file")) << row.value(QStringLiteral("opens"))
                << row.value(QStringLiteral("bands")) << row.value(QStringLiteral("pixels_readable"))
                << row.value(QStringLiteral("width")) << row.value(QStringLiteral("height"))
                << row.value(QStringLiteral("driver")) << row.value(QStringLiteral("dtype"));
        }
    }

    void edgeCaseCorpus()
    {
        SATGPT_REQUIRE_SHARED("datasets/raster_edge_cases/index.csv");
        QFETCH(QString, file);
        QFETCH(QString, opens);
        QFETCH(QString, bands);
        QFETCH(QString, readable);
        QFETCH(QString, width);
        QFETCH(QString, height);
        QFETCH(QString, driver);
        QFETCH(QString, dtype);
        const QString full = test::sharedPath(QStringLiteral("datasets/raster_edge_cases/") + file);
        if (m_corpus.results.isEmpty() && m_corpus.failures.isEmpty()) {
            QStringList all;
            for (const auto &row : readCsv(test::sharedPath(QStringLiteral("datasets/raster_edge_cases/index.csv"))))
                if (row.value(QStringLiteral("role")) == QLatin1String("raster"))
                    all << test::sharedPath(QStringLiteral("datasets/raster_edge_cases/") + row.value(QStringLiteral("file")));
            m_corpus = probeInChildren(all, 60000);
        }
        QVERIFY2(!m_corpus.failures.contains(full), qPrintable(file + QStringLiteral(": ") + m_corpus.failures.value(full)));
        QVERIFY2(m_corpus.results.contains(full), qPrintable(file + QStringLiteral(": no probe result")));
        const QJsonObject o = m_corpus.results.value(full);

        const bool opened = o.value(QStringLiteral("open")).toBool();
        if (!opened) {
            // Refusals are clear: they name the file and say why.
            QCOMPARE(o.value(QStringLiteral("errorPath")).toString(), full);
            QVERIFY(o.value(QStringLiteral("error")).toString().size() > full.size() + 5);
        }
        if (opens == QLatin1String("no")) {
            QVERIFY2(!opened, "GDAL cannot open this file; we should not claim to");
            return;
        }
        if (bands == QLatin1String("0")) {
            // Containers of subdatasets: a clear refusal pointing at the subdatasets.
            QVERIFY(!opened);
            QVERIFY(o.value(QStringLiteral("error")).toString().contains(QStringLiteral("subdataset")));
            return;
        }
        QVERIFY2(opened, qPrintable(o.value(QStringLiteral("error")).toString()));
        QCOMPARE(QString::number(o.value(QStringLiteral("width")).toInt()), width);
        QCOMPARE(QString::number(o.value(QStringLiteral("height")).toInt()), height);
        QCOMPARE(QString::number(o.value(QStringLiteral("bands")).toInt()), bands);
        QCOMPARE(o.value(QStringLiteral("driver")).toString(), driver);
        QCOMPARE(o.value(QStringLiteral("type")).toString(), dtype);
        if (!o.value(QStringLiteral("read")).toBool()) {
            QCOMPARE(o.value(QStringLiteral("readErrorPath")).toString(), full);
            QVERIFY2(readable != QLatin1String("yes"),
                     qPrintable(QStringLiteral("a small read failed on a readable file: ")
                                + o.value(QStringLiteral("readError")).toString()));
        }
    }

    void scenesRenderSensibly_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("bands");
        const QString index = test::sharedPath(QStringLiteral("datasets/scenes/index.csv"));
        if (index.isEmpty() || !QFileInfo::exists(index)) {
            QTest::newRow("no-shared") << QString() << 0 << 0 << 0;
            return;
        }
        for (const auto &row : readCsv(index)) {
            if (row.value(QStringLiteral("opens")) != QLatin1String("yes"))
                continue; // sidecars (world files)
            QTest::newRow(qPrintable(row.value(QStringLiteral("file"))))
                << row.value(QStringLiteral("file")) << row.value(QStringLiteral("width")).toInt()
                << row.value(QStringLiteral("height")).toInt() << row.value(QStringLiteral("bands")).toInt();
        }
    }

    void scenesRenderSensibly()
    {
        SATGPT_REQUIRE_SHARED("datasets/scenes/index.csv");
        QFETCH(QString, file);
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, bands);
        const QString full = test::sharedPath(QStringLiteral("datasets/scenes/") + file);
        auto ds = RasterDataset::open(full);
        QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().toString().c_str());
        const RasterInfo &info = ds.value()->info();
        QCOMPARE(info.width, width);
        QCOMPARE(info.height, height);
        QCOMPARE(info.bandCount(), bands);
        RenderSettings settings;
        settings.composition = BandComposition::defaultFor(info);
        QVERIFY(settings.composition.bands.size() == 1 || settings.composition.bands.size() == 3);
        auto img = renderOverview(*ds.value(), settings, QSize(256, 256));
        QVERIFY2(img.ok(), img.ok() ? "" : img.error().toString().c_str());
        QCOMPARE(std::max(img->width(), img->height()), 256);
        bool constantData = true;
        for (int b : settings.composition.bands) {
            auto st = ds.value()->statistics(b);
            QVERIFY(st.ok());
            constantData &= !(st->max > st->min);
        }
        if (constantData) {
            // e.g. a Landsat QA band holding one value everywhere, or a hillshade whose valid
            // pixels are all 0: every opaque pixel has the same colour, and that is the truth.
            QSet<QRgb> opaque;
            for (int y = 0; y < img->height(); ++y)
                for (int x = 0; x < img->width(); ++x)
                    if (qAlpha(img->pixel(x, y)) == 255)
                        opaque.insert(img->pixel(x, y));
            QVERIFY(opaque.size() <= 1);
            return;
        }
        QVERIFY2(!isUniform(*img), "the default rendering of a scene with varying data is uniform");
    }
};

int main(int argc, char **argv)
{
    if (argc >= 2 && qstrcmp(argv[1], "--probe-list") == 0) {
        QCoreApplication app(argc, argv);
        return probeMain(QCoreApplication::arguments().mid(2));
    }
    QGuiApplication app(argc, argv);
    TestRasterIo test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_rasterio.moc"
