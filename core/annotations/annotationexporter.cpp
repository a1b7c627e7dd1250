// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/annotationexporter.h"

#include "core/jobs/job.h"
#include "core/project/atomicfile.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRect>
#include <QSaveFile>
#include <QTextStream>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <gdal_utils.h>

#include <algorithm>
#include <cmath>

namespace satgpt {

namespace {

Error err(const QString &path, const QString &message, const QString &detail = QString())
{
    return makeError(message.toStdString(), path.toStdString(), detail.toStdString());
}

const AnnotationExporter::Scene *findScene(const QVector<AnnotationExporter::Scene> &scenes, const QString &id)
{
    for (const auto &s : scenes)
        if (s.id == id)
            return &s;
    return nullptr;
}

QString safeName(QString s)
{
    for (QChar &c : s)
        if (!c.isLetterOrNumber() && c != QLatin1Char('-') && c != QLatin1Char('_'))
            c = QLatin1Char('_');
    return s;
}

/// Cuts `window` out of `source` into `target`, resampled to `outSize`. PNG output is
/// converted to 8 bits (min/max of the window) with at most three bands, as viewers expect.
Status cutWindow(const QString &source, const QRect &window, const QSize &outSize, const QString &target,
                 AnnotationExporter::ChipFormat format)
{
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    struct PopHandler { ~PopHandler() { CPLPopErrorHandler(); } } pop;
    // PNGs carry no georeferencing; no .aux.xml sidecars beside them.
    CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", format == AnnotationExporter::ChipFormat::Png ? "NO" : nullptr);
    std::unique_ptr<GDALDataset> src(GDALDataset::Open(source.toUtf8().constData(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!src) {
        CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", nullptr);
        return err(source, QStringLiteral("Cannot open the scene"), QString::fromUtf8(CPLGetLastErrorMsg()));
    }
    QStringList args{QStringLiteral("-srcwin"), QString::number(window.x()), QString::number(window.y()),
                     QString::number(window.width()), QString::number(window.height()), QStringLiteral("-outsize"),
                     QString::number(outSize.width()), QString::number(outSize.height()), QStringLiteral("-r"),
                     QStringLiteral("bilinear")};
    if (format == AnnotationExporter::ChipFormat::Png) {
        args << QStringLiteral("-of") << QStringLiteral("PNG");
        const int bands = src->GetRasterCount();
        if (bands >= 3)
            args << QStringLiteral("-b") << QStringLiteral("1") << QStringLiteral("-b") << QStringLiteral("2")
                 << QStringLiteral("-b") << QStringLiteral("3");
        else
            args << QStringLiteral("-b") << QStringLiteral("1");
        if (src->GetRasterBand(1)->GetRasterDataType() != GDT_Byte)
            args << QStringLiteral("-ot") << QStringLiteral("Byte") << QStringLiteral("-scale");
    } else {
        args << QStringLiteral("-of") << QStringLiteral("GTiff") << QStringLiteral("-co") << QStringLiteral("COMPRESS=DEFLATE");
    }
    QVector<QByteArray> storage;
    std::vector<char *> argv;
    for (const QString &a : args)
        storage.append(a.toUtf8());
    for (QByteArray &b : storage)
        argv.push_back(b.data());
    argv.push_back(nullptr);
    GDALTranslateOptions *options = GDALTranslateOptionsNew(argv.data(), nullptr);
    int usageError = 0;
    GDALDatasetH out = GDALTranslate(target.toUtf8().constData(), GDALDataset::ToHandle(src.get()), options, &usageError);
    GDALTranslateOptionsFree(options);
    const QString gdalMessage = QString::fromUtf8(CPLGetLastErrorMsg());
    if (out)
        GDALClose(out);
    CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", nullptr);
    if (!out || usageError)
        return err(target, QStringLiteral("Cannot write the image chip"), gdalMessage);
    return {};
}

Status writeJson(const QString &path, const QJsonDocument &doc)
{
    return AtomicFile::write(path, doc.toJson(QJsonDocument::Indented));
}

} // namespace

Result<int> AnnotationExporter::exportCoco(const QVector<Annotation> &annotations, const LabelSchema &schema,
                                           const QVector<Scene> &scenes, const QString &path, int *skipped)
{
    QJsonArray images, cocoAnnotations, categories;
    QHash<QString, int> imageIds;
    for (const Scene &s : scenes) {
        const int id = int(images.size()) + 1;
        imageIds.insert(s.id, id);
        images.append(QJsonObject{{QStringLiteral("id"), id},
                                  {QStringLiteral("file_name"), QFileInfo(s.path).fileName()},
                                  {QStringLiteral("width"), s.width},
                                  {QStringLiteral("height"), s.height},
                                  {QStringLiteral("satgpt_scene"), s.id}});
    }
    bool needUnclassified = false;
    int skippedPoints = 0;
    for (const Annotation &a : annotations) {
        if (a.isPoint() || a.geometry.size() < 3) {
            ++skippedPoints;
            continue;
        }
        if (!imageIds.contains(a.sceneId))
            return err(path, QStringLiteral("Annotation %1 refers to scene '%2', which is not exported").arg(a.id).arg(a.sceneId));
        const QRectF b = a.boundingRect();
        QJsonArray seg;
        for (const QPointF &p : a.geometry) {
            seg.append(p.x());
            seg.append(p.y());
        }
        if (a.classId == 0 || !schema.classById(a.classId))
            needUnclassified = true;
        cocoAnnotations.append(QJsonObject{{QStringLiteral("id"), a.id},
                                           {QStringLiteral("image_id"), imageIds.value(a.sceneId)},
                                           {QStringLiteral("category_id"), schema.classById(a.classId) ? a.classId : 0},
                                           {QStringLiteral("bbox"), QJsonArray{b.x(), b.y(), b.width(), b.height()}},
                                           {QStringLiteral("segmentation"), QJsonArray{seg}},
                                           {QStringLiteral("area"), a.pixelArea()},
                                           {QStringLiteral("iscrowd"), 0},
                                           {QStringLiteral("caption"), a.caption}});
    }
    if (needUnclassified)
        categories.append(QJsonObject{{QStringLiteral("id"), 0}, {QStringLiteral("name"), QStringLiteral("unclassified")},
                                      {QStringLiteral("supercategory"), QString()}});
    for (const LabelClass &c : schema.classes())
        categories.append(QJsonObject{{QStringLiteral("id"), c.id}, {QStringLiteral("name"), c.name},
                                      {QStringLiteral("supercategory"), QString()},
                                      {QStringLiteral("color"), c.color.name()}});
    const QJsonObject root{{QStringLiteral("info"), QJsonObject{{QStringLiteral("description"), QStringLiteral("SatGPT Workbench annotations")},
                                                                {QStringLiteral("version"), QStringLiteral(SATGPT_VERSION)}}},
                           {QStringLiteral("licenses"), QJsonArray()},
                           {QStringLiteral("images"), images},
                           {QStringLiteral("annotations"), cocoAnnotations},
                           {QStringLiteral("categories"), categories}};
    Status s = writeJson(path, QJsonDocument(root));
    if (!s)
        return s.error();
    if (skipped)
        *skipped = skippedPoints;
    return int(cocoAnnotations.size());
}

Result<int> AnnotationExporter::exportYolo(const QVector<Annotation> &annotations, const LabelSchema &schema,
                                           const QVector<Scene> &scenes, const QString &dir, int tileSize,
                                           Feedback *feedback)
{
    if (tileSize < 8)
        return err(dir, QStringLiteral("The tile size must be at least 8 pixels"));
    QDir out(dir);
    if (!out.mkpath(QStringLiteral("images")) || !out.mkpath(QStringLiteral("labels")))
        return err(dir, QStringLiteral("Cannot create the output folders"));
    {
        QString classes;
        for (const LabelClass &c : schema.classes())
            classes += c.name + QLatin1Char('\n');
        Status s = AtomicFile::write(out.filePath(QStringLiteral("classes.txt")), classes.toUtf8());
        if (!s)
            return s.error();
    }
    int tiles = 0;
    for (int si = 0; si < scenes.size(); ++si) {
        const Scene &scene = scenes[si];
        QHash<QPair<int, int>, QVector<const Annotation *>> byTile;
        for (const Annotation &a : annotations) {
            if (a.sceneId != scene.id || a.isPoint() || schema.indexOf(a.classId) < 0)
                continue;
            const QRectF b = a.boundingRect() & QRectF(0, 0, scene.width, scene.height);
            if (b.isEmpty())
                continue;
            for (int ty = int(b.top()) / tileSize; ty <= int(std::ceil(b.bottom())) / tileSize; ++ty)
                for (int tx = int(b.left()) / tileSize; tx <= int(std::ceil(b.right())) / tileSize; ++tx)
                    if (tx * tileSize < scene.width && ty * tileSize < scene.height)
                        byTile[{tx, ty}].append(&a);
        }
        if (byTile.isEmpty())
            continue;
        for (auto it = byTile.cbegin(); it != byTile.cend(); ++it) {
            if (feedback && feedback->isCanceled())
                return err(dir, QStringLiteral("Export canceled"));
            const QRect tile(it.key().first * tileSize, it.key().second * tileSize,
                             std::min(tileSize, scene.width - it.key().first * tileSize),
                             std::min(tileSize, scene.height - it.key().second * tileSize));
            QStringList lines;
            for (const Annotation *a : it.value()) {
                const QRectF b = a->boundingRect() & QRectF(tile);
                if (b.width() <= 0 || b.height() <= 0)
                    continue;
                lines << QStringLiteral("%1 %2 %3 %4 %5")
                             .arg(schema.indexOf(a->classId))
                             .arg((b.center().x() - tile.x()) / tile.width(), 0, 'f', 6)
                             .arg((b.center().y() - tile.y()) / tile.height(), 0, 'f', 6)
                             .arg(b.width() / tile.width(), 0, 'f', 6)
                             .arg(b.height() / tile.height(), 0, 'f', 6);
            }
            if (lines.isEmpty())
                continue;
            const QString base = QStringLiteral("%1_%2_%3").arg(safeName(scene.id)).arg(it.key().first).arg(it.key().second);
            Status s = cutWindow(scene.path, tile, tile.size(), out.filePath(QStringLiteral("images/") + base + QStringLiteral(".png")),
                                 ChipFormat::Png);
            if (!s)
                return s.error();
            s = AtomicFile::write(out.filePath(QStringLiteral("labels/") + base + QStringLiteral(".txt")),
                                  (lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
            if (!s)
                return s.error();
            ++tiles;
        }
        if (feedback)
            feedback->setProgress(double(si + 1) / scenes.size());
    }
    return tiles;
}

QRect AnnotationExporter::chipWindow(const Annotation &a, int sceneWidth, int sceneHeight, int size, double padding)
{
    // A square around the bounding box grown by `padding` of its size on each side (points: a
    // `size` window), shifted to stay inside the scene.
    const QRectF b = a.boundingRect();
    const QPointF c = a.isPoint() ? a.geometry.first() : b.center();
    double side = a.isPoint() ? size : std::max(b.width(), b.height()) * (1.0 + 2.0 * std::max(0.0, padding));
    side = std::max(side, 8.0);
    const int w = std::min(int(std::ceil(side)), sceneWidth);
    const int h = std::min(int(std::ceil(side)), sceneHeight);
    const int x = std::clamp(int(std::floor(c.x() - w / 2.0)), 0, sceneWidth - w);
    const int y = std::clamp(int(std::floor(c.y() - h / 2.0)), 0, sceneHeight - h);
    return QRect(x, y, w, h);
}

Result<int> AnnotationExporter::exportChips(const QVector<Annotation> &annotations, const LabelSchema &schema,
                                            const QVector<Scene> &scenes, const QString &dir, int size, double padding,
                                            ChipFormat format, Feedback *feedback)
{
    if (size < 8 || size > 8192)
        return err(dir, QStringLiteral("The chip size must be between 8 and 8192 pixels"));
    QDir out(dir);
    if (!out.mkpath(QStringLiteral(".")))
        return err(dir, QStringLiteral("Cannot create the output folder"));
    QJsonArray manifest;
    int n = 0;
    for (const Annotation &a : annotations) {
        if (feedback && feedback->isCanceled())
            return err(dir, QStringLiteral("Export canceled"));
        const Scene *scene = findScene(scenes, a.sceneId);
        if (!scene)
            return err(dir, QStringLiteral("Annotation %1 refers to scene '%2', which is not available").arg(a.id).arg(a.sceneId));
        const QRect window = chipWindow(a, scene->width, scene->height, size, padding);
        const QString file = QStringLiteral("%1_%2.%3")
                                 .arg(safeName(a.sceneId))
                                 .arg(a.id)
                                 .arg(format == ChipFormat::Png ? QStringLiteral("png") : QStringLiteral("tif"));
        Status s = cutWindow(scene->path, window, QSize(size, size), out.filePath(file), format);
        if (!s)
            return s.error();
        QJsonArray qa;
        for (const QaPair &p : a.qa)
            qa.append(QJsonObject{{QStringLiteral("question"), p.question}, {QStringLiteral("answer"), p.answer},
                                  {QStringLiteral("type"), p.type}});
        manifest.append(QJsonObject{{QStringLiteral("file"), file},
                                    {QStringLiteral("annotation"), a.id},
                                    {QStringLiteral("scene"), a.sceneId},
                                    {QStringLiteral("class"), schema.nameOf(a.classId)},
                                    {QStringLiteral("caption"), a.caption},
                                    {QStringLiteral("qa"), qa},
                                    {QStringLiteral("window"), QJsonArray{window.x(), window.y(), window.width(), window.height()}}});
        ++n;
        if (feedback)
            feedback->setProgress(double(n) / annotations.size());
    }
    Status s = writeJson(out.filePath(QStringLiteral("chips.json")), QJsonDocument(manifest));
    if (!s)
        return s.error();
    return n;
}

} // namespace satgpt
