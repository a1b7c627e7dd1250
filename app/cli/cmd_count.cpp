// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt count train`: a counting head for one class from the project's point/box annotations.
// `satgpt count`: how many objects of that class a scene region holds, and where they are.

#include "app/cli/cliargs.h"
#include "command.h"

#include "core/annotations/annotationdocument.h"
#include "core/annotations/labelschema.h"
#include "core/chat/regioncut.h"
#include "core/common/countingrender.h"
#include "core/ml/countinghead.h"
#include "core/project/project.h"
#include "core/raster/rasterdataset.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>
#include <cstring>
#include <random>

namespace {

using satgpt::cli::fail;
using satgpt::cli::openSceneWindow;

QString modelDirFrom(const QCommandLineParser &parser, const QCommandLineOption &opt)
{
    const QString dir = parser.value(opt);
    return dir.isEmpty() ? qEnvironmentVariable("SATGPT_MODEL") : dir;
}

/// The encoder's input side from config.json (VisionEncoderDecoder or ViT), 0 when unreadable.
int modelImageSize(const QString &modelDir)
{
    QFile f(modelDir + QStringLiteral("/config.json"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonObject enc = o.value(QStringLiteral("encoder")).toObject();
    const int size = enc.value(QStringLiteral("image_size")).toInt(o.value(QStringLiteral("image_size")).toInt(0));
    return size;
}

/// `window` of the scene rendered for counting (countingRenderSettings()), at full resolution,
/// black where it leaves the scene. Counting renders regions the same way.
satgpt::Result<satgpt::ml::ImageRGB8> renderChip(const satgpt::RasterDataset &ds, const QRect &window)
{
    using namespace satgpt;
    ml::ImageRGB8 chip;
    chip.width = window.width();
    chip.height = window.height();
    chip.pixels.assign(size_t(chip.width) * size_t(chip.height) * 3, 0);
    const QRect inside = window.intersected(QRect(0, 0, ds.info().width, ds.info().height));
    if (inside.isEmpty())
        return chip;
    auto img = renderRegion(ds, inside, countingRenderSettings(ds.info()), inside.size());
    if (!img)
        return img.error();
    for (int y = 0; y < inside.height(); ++y)
        std::memcpy(chip.pixels.data() + (size_t(y + inside.y() - window.y()) * chip.width + size_t(inside.x() - window.x())) * 3,
                    img->constScanLine(y), size_t(inside.width()) * 3);
    return chip;
}

QJsonObject reportJson(const satgpt::ml::CountTrainReport &r, const QString &className)
{
    return {{QStringLiteral("class"), className},
            {QStringLiteral("head"), QString::fromStdString(r.headDir)},
            {QStringLiteral("trainingChips"), r.trainingChips},
            {QStringLiteral("validationChips"), r.validationChips},
            {QStringLiteral("validationMae"), r.validationChips ? QJsonValue(r.validationMae) : QJsonValue()},
            {QStringLiteral("validationMaeRaw"), r.validationChips ? QJsonValue(r.validationMaeRaw) : QJsonValue()},
            {QStringLiteral("finalLoss"), r.finalLoss},
            {QStringLiteral("seconds"), r.seconds}};
}

int runCountTrain(const QStringList &args)
{
    using namespace satgpt;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Trains a counting head for one class on the ViT encoder of a model, from the point (or box/polygon: "
        "their centres) annotations of that class in a project. Chips are cut around the annotations and "
        "tiled over their extent: every object of the class inside that extent must be annotated."));
    parser.addHelpOption();
    QCommandLineOption modelOpt(QStringLiteral("model"), QStringLiteral("HF VisionEncoderDecoder folder (or $SATGPT_MODEL)."),
                                QStringLiteral("dir"));
    QCommandLineOption projectOpt(QStringLiteral("project"), QStringLiteral("The .satgpt project."), QStringLiteral("file"));
    QCommandLineOption classOpt(QStringLiteral("class"), QStringLiteral("Label class to count (case-insensitive)."),
                                QStringLiteral("name"));
    QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("Head folder (default <model>/counting/<class>)."),
                              QStringLiteral("dir"));
    QCommandLineOption windowOpt(QStringLiteral("window"),
                                 QStringLiteral("Chip side in scene pixels (default: the model's input size)."),
                                 QStringLiteral("px"));
    QCommandLineOption epochsOpt(QStringLiteral("epochs"), QStringLiteral("Epochs (default 60)."), QStringLiteral("n"),
                                 QStringLiteral("60"));
    QCommandLineOption blocksOpt(QStringLiteral("train-blocks"),
                                 QStringLiteral("Last encoder blocks fine-tuned with the head (0 = frozen encoder, the "
                                                "default; -1 = all)."),
                                 QStringLiteral("n"), QStringLiteral("0"));
    QCommandLineOption perObjectOpt(QStringLiteral("chips-per-object"),
                                    QStringLiteral("Randomly shifted chips around each annotation (default 4)."),
                                    QStringLiteral("n"), QStringLiteral("4"));
    QCommandLineOption lrOpt(QStringLiteral("lr"), QStringLiteral("Learning rate (default 0.001)."), QStringLiteral("x"),
                             QStringLiteral("0.001"));
    QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("n"),
                               QStringLiteral("1"));
    QCommandLineOption threadsOpt(QStringLiteral("threads"), QStringLiteral("Torch threads (default 1)."),
                                  QStringLiteral("n"), QStringLiteral("1"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print the training report as JSON."));
    parser.addOptions({modelOpt, projectOpt, classOpt, outOpt, windowOpt, epochsOpt, blocksOpt, perObjectOpt, lrOpt,
                       seedOpt, threadsOpt, jsonOpt});
    parser.process(args);

    const QString modelDir = modelDirFrom(parser, modelOpt);
    if (modelDir.isEmpty())
        return fail(QStringLiteral("count train needs --model DIR (or SATGPT_MODEL)"));
    if (!parser.isSet(projectOpt) || !parser.isSet(classOpt))
        return fail(QStringLiteral("count train needs --project P.satgpt and --class NAME"));
    const QString className = parser.value(classOpt).trimmed();
    int window = parser.isSet(windowOpt) ? parser.value(windowOpt).toInt() : modelImageSize(modelDir);
    if (window <= 0)
        return fail(QStringLiteral("%1: cannot read the model's image size from config.json; pass --window").arg(modelDir));

    auto project = Project::load(parser.value(projectOpt));
    if (!project)
        return fail(QString::fromStdString(project.error().toString()));
    const AnnotationDocument *doc = project.value()->document();
    int classId = 0;
    QString schemaName;
    for (const LabelClass &c : doc->schema().classes())
        if (c.name.compare(className, Qt::CaseInsensitive) == 0) {
            classId = c.id;
            schemaName = c.name;
        }
    if (!classId)
        return fail(QStringLiteral("%1: no label class named '%2'").arg(parser.value(projectOpt), className));

    std::mt19937_64 rng(parser.value(seedOpt).toULongLong());
    std::uniform_real_distribution<double> jitter(-0.25 * window, 0.25 * window);
    const int perObject = std::max(0, parser.value(perObjectOpt).toInt());
    std::vector<ml::CountSample> samples;
    int objects = 0;
    for (const ProjectScene &scene : project.value()->scenes()) {
        QVector<QPointF> points;
        for (qint64 id : doc->idsForScene(scene.id)) {
            const Annotation *a = doc->annotation(id);
            if (a && a->classId == classId && a->hasValidGeometry())
                points.push_back(a->pixelCentroid());
        }
        if (points.isEmpty())
            continue;
        if (scene.missing)
            return fail(QStringLiteral("%1: scene '%2' is missing (%3)").arg(parser.value(projectOpt), scene.id, scene.path));
        auto ds = RasterDataset::open(scene.path);
        if (!ds)
            return fail(QString::fromStdString(ds.error().toString()));
        objects += points.size();
        QRectF extent(points.front(), QSizeF(0, 0));
        for (const QPointF &p : points)
            extent = extent.united(QRectF(p, QSizeF(0.001, 0.001)));
        extent.adjust(-window / 4.0, -window / 4.0, window / 4.0, window / 4.0);
        extent = extent.intersected(QRectF(0, 0, scene.width, scene.height));
        QVector<QPoint> origins;
        // The annotated extent, tiled with half-window overlap: objects cut by one chip's edge lie
        // whole in the next, and unannotated ground between objects teaches the head "none here".
        for (double y = extent.top(); ; y += window / 2.0) {
            for (double x = extent.left(); ; x += window / 2.0) {
                origins.push_back(QPoint(int(std::floor(x)), int(std::floor(y))));
                if (x + window >= extent.right())
                    break;
            }
            if (y + window >= extent.bottom())
                break;
        }
        for (const QPointF &p : points)
            for (int k = 0; k < perObject; ++k)
                origins.push_back(QPoint(int(std::floor(p.x() - window / 2.0 + jitter(rng))),
                                         int(std::floor(p.y() - window / 2.0 + jitter(rng)))));
        for (const QPoint &o : origins) {
            const QRect chipRect(o, QSize(window, window));
            auto chip = renderChip(*ds.value(), chipRect);
            if (!chip)
                return fail(QString::fromStdString(chip.error().toString()));
            ml::CountSample s;
            s.image = std::move(chip.value());
            for (const QPointF &p : points)
                if (p.x() >= o.x() && p.y() >= o.y() && p.x() < o.x() + window && p.y() < o.y() + window)
                    s.points.emplace_back(p.x() - o.x(), p.y() - o.y());
            samples.push_back(std::move(s));
        }
    }
    if (samples.empty())
        return fail(QStringLiteral("%1: no point or box annotations of class '%2'").arg(parser.value(projectOpt), schemaName));

    ml::CountTrainOptions o;
    o.className = schemaName.toStdString();
    o.epochs = parser.value(epochsOpt).toInt();
    o.trainBlocks = parser.value(blocksOpt).toInt();
    o.learningRate = parser.value(lrOpt).toDouble();
    o.seed = parser.value(seedOpt).toULongLong();
    o.threads = parser.value(threadsOpt).toInt();
    const QString out = parser.isSet(outOpt) ? parser.value(outOpt)
                                             : QString::fromStdString(ml::counterDir(modelDir.toStdString(), o.className));
    QTextStream err(stderr);
    err << "training a counting head for '" << schemaName << "': " << objects << " annotated objects, "
        << samples.size() << " chips of " << window << " px\n";
    err.flush();
    int lastPercent = -1;
    auto r = ml::trainCountingHead(modelDir.toStdString(), samples, o, out.toStdString(),
                                   [&](const ml::CountTrainProgress &p) {
                                       const int percent = int(p.fraction * 100);
                                       if (percent != lastPercent) {
                                           lastPercent = percent;
                                           err << "\r" << QString::fromStdString(p.stage) << " " << percent << "%";
                                           if (p.epoch > 0)
                                               err << " epoch " << p.epoch << "/" << p.epochs << " loss "
                                                   << QString::number(p.loss, 'f', 4);
                                           err << "   ";
                                           err.flush();
                                       }
                                       return true;
                                   });
    err << '\n';
    if (!r)
        return fail(QString::fromStdString(r.error().toString()));
    QTextStream so(stdout);
    if (parser.isSet(jsonOpt)) {
        so << QJsonDocument(reportJson(r.value(), schemaName)).toJson(QJsonDocument::Indented);
    } else {
        so << "wrote " << QString::fromStdString(r->headDir) << " (" << r->trainingChips << " training chips";
        if (r->validationChips)
            so << ", validation MAE " << QString::number(r->validationMae, 'f', 3) << " on " << r->validationChips
               << " chips";
        so << ", " << QString::number(r->seconds, 'f', 1) << " s)\n";
    }
    return 0;
}

int runCount(const QStringList &args)
{
    using namespace satgpt;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Counts the objects of a counting head's class in a scene region (tiled into model-sized windows at "
        "full resolution) and prints the count, the method and the objects' pixel positions."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("scene"), QStringLiteral("The scene (any GDAL raster)."));
    QCommandLineOption regionOpt(QStringLiteral("region"), QStringLiteral("Pixel region x,y,w,h (default: whole scene)."),
                                 QStringLiteral("x,y,w,h"));
    QCommandLineOption headOpt(QStringLiteral("head"), QStringLiteral("Counting head folder."), QStringLiteral("dir"));
    QCommandLineOption modelOpt(QStringLiteral("model"),
                                QStringLiteral("With --class instead of --head: the model whose counting/<class> head to use."),
                                QStringLiteral("dir"));
    QCommandLineOption classOpt(QStringLiteral("class"), QStringLiteral("Class name (with --model)."), QStringLiteral("name"));
    QCommandLineOption maxSideOpt(QStringLiteral("max-side"),
                                  QStringLiteral("Regions larger than this many pixels a side are read reduced (default 8192)."),
                                  QStringLiteral("px"), QStringLiteral("8192"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print the result as JSON."));
    parser.addOptions({regionOpt, headOpt, modelOpt, classOpt, maxSideOpt, jsonOpt});
    parser.process(args);

    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("count needs exactly one scene (see --help)"));
    QString headDir = parser.value(headOpt);
    if (headDir.isEmpty()) {
        const QString modelDir = modelDirFrom(parser, modelOpt);
        if (modelDir.isEmpty() || !parser.isSet(classOpt))
            return fail(QStringLiteral("count needs --head DIR (or --model DIR --class NAME)"));
        headDir = QString::fromStdString(ml::counterDir(modelDir.toStdString(), parser.value(classOpt).toStdString()));
    }

    const QString scenePath = parser.positionalArguments().first();
    auto scene = openSceneWindow(scenePath, parser.value(regionOpt));
    if (!scene)
        return fail(QString::fromStdString(scene.error().toString()));
    const RasterDataset &ds = *scene->dataset;
    const RasterInfo &info = ds.info();
    const QRect region = scene->region;

    auto head = ml::CountingHead::load(headDir.toStdString());
    if (!head)
        return fail(QString::fromStdString(head.error().toString()));
    const QSize readSize = regionReadSize(region.size(), parser.value(maxSideOpt).toInt());
    auto img = renderRegion(ds, region, countingRenderSettings(info), readSize);
    if (!img)
        return fail(QString::fromStdString(img.error().toString()));
    ml::CountOptions options;
    options.scenePixelsPerImagePixel = double(region.width()) / double(readSize.width());
    auto r = head.value()->count(toImageRGB8(img.value()), options);
    if (!r)
        return fail(QString::fromStdString(r.error().toString()));

    const double s = options.scenePixelsPerImagePixel;
    QTextStream so(stdout);
    const QString cls = QString::fromStdString(r->className);
    if (parser.isSet(jsonOpt)) {
        QJsonArray objects;
        for (const auto &o : r->objects)
            objects.append(QJsonObject{{QStringLiteral("x"), region.x() + o.x * s},
                                       {QStringLiteral("y"), region.y() + o.y * s},
                                       {QStringLiteral("mass"), o.mass}});
        const QJsonObject j{{QStringLiteral("class"), cls},
                            {QStringLiteral("count"), r->count},
                            {QStringLiteral("estimate"), r->estimate},
                            {QStringLiteral("method"), QString::fromStdString(r->method)},
                            {QStringLiteral("verified"), true},
                            {QStringLiteral("head"), QString::fromStdString(r->headDir)},
                            {QStringLiteral("validationMae"), r->validationMae >= 0 ? QJsonValue(r->validationMae) : QJsonValue()},
                            {QStringLiteral("windows"), r->windows},
                            {QStringLiteral("region"), QJsonArray{region.x(), region.y(), region.width(), region.height()}},
                            {QStringLiteral("objects"), objects}};
        so << QJsonDocument(j).toJson(QJsonDocument::Indented);
        return 0;
    }
    so << r->count << ' ' << cls << " (method: " << QString::fromStdString(r->method) << ", estimate "
       << QString::number(r->estimate, 'f', 2);
    if (r->validationMae >= 0)
        so << ", validation MAE " << QString::number(r->validationMae, 'f', 2);
    so << ", " << r->windows << " windows)\n";
    for (const auto &o : r->objects)
        so << "  " << QString::number(region.x() + o.x * s, 'f', 1) << ", " << QString::number(region.y() + o.y * s, 'f', 1)
           << '\n';
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("count train", "Train a counting head for a class from a project's point/box annotations", runCountTrain)
SATGPT_CLI_COMMAND("count", "Count a class's objects in a scene region with its counting head", runCount)
