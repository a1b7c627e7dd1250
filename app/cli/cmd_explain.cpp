// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt explain`: answer a question about a scene region and write where the model looked as
// a georeferenced heatmap.

#include "app/cli/cliargs.h"
#include "command.h"

#include "core/explain/heatmapexport.h"
#include "core/ml/explainsession.h"
#include "core/raster/rasterdataset.h"
#include "core/raster/rendering.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QImage>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace {

using satgpt::cli::fail;
using satgpt::cli::openSceneWindow;

/// The region rendered as the analyst sees it (default composition and stretch), RGB8. Large
/// regions are read reduced to at most `maxSide` px a side: the model sees 224 px anyway.
satgpt::Result<satgpt::ml::ImageRGB8> regionImage(const satgpt::RasterDataset &ds, const QRect &region, int maxSide)
{
    using namespace satgpt;
    RenderSettings settings;
    settings.composition = BandComposition::defaultFor(ds.info());
    auto stretches = channelStretches(ds, settings);
    if (!stretches)
        return stretches.error();
    QSize out = region.size();
    if (out.width() > maxSide || out.height() > maxSide)
        out.scale(maxSide, maxSide, Qt::KeepAspectRatio);
    auto block = ds.read(region, out, settings.composition.bands);
    if (!block)
        return block.error();
    const QImage img = renderBlock(block.value(), stretches.value(), settings.composition.colorMap)
                           .convertToFormat(QImage::Format_RGB888);
    if (img.isNull())
        return makeError("Could not render the region", ds.info().path.toStdString());
    ml::ImageRGB8 rgb;
    rgb.width = img.width();
    rgb.height = img.height();
    rgb.pixels.resize(size_t(rgb.width) * size_t(rgb.height) * 3);
    for (int y = 0; y < img.height(); ++y)
        std::memcpy(rgb.pixels.data() + size_t(y) * size_t(rgb.width) * 3, img.constScanLine(y), size_t(rgb.width) * 3);
    return rgb;
}

int runExplain(const QStringList &args)
{
    using namespace satgpt;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Answers a question about a region of a scene with a vision-language model and writes where the model "
        "looked as a Float32 GeoTIFF lying exactly over the region (and optionally a colour-mapped PNG)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("scene"), QStringLiteral("The scene (any GDAL raster)."));
    QCommandLineOption regionOpt(QStringLiteral("region"), QStringLiteral("Pixel region x,y,w,h (default: whole scene)."),
                                 QStringLiteral("x,y,w,h"));
    QCommandLineOption questionOpt(QStringLiteral("question"), QStringLiteral("Question (default: caption the region)."),
                                   QStringLiteral("text"));
    QCommandLineOption modelOpt(QStringLiteral("model"), QStringLiteral("HF VisionEncoderDecoder folder (or $SATGPT_MODEL)."),
                                QStringLiteral("dir"));
    QCommandLineOption methodOpt(QStringLiteral("method"),
                                 QStringLiteral("gradcam | gradcam++ | rollout | cross-attention (default gradcam)."),
                                 QStringLiteral("method"), QStringLiteral("gradcam"));
    QCommandLineOption targetOpt(QStringLiteral("target"),
                                 QStringLiteral("Grad-CAM target: lnf (encoder output, default) | block (last block)."),
                                 QStringLiteral("target"), QStringLiteral("lnf"));
    QCommandLineOption layersOpt(QStringLiteral("layers"),
                                 QStringLiteral("Cross-attention layers: mean (default) | last."), QStringLiteral("which"),
                                 QStringLiteral("mean"));
    QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("Output GeoTIFF."), QStringLiteral("heat.tif"));
    QCommandLineOption pngOpt(QStringLiteral("png"), QStringLiteral("Also write a colour-mapped PNG."), QStringLiteral("heat.png"));
    QCommandLineOption cmapOpt(QStringLiteral("colormap"), QStringLiteral("PNG colours: viridis | inferno | jet."),
                               QStringLiteral("name"), QStringLiteral("inferno"));
    QCommandLineOption tokenOpt(QStringLiteral("token"),
                                QStringLiteral("Explain only answer token N (0-based) instead of the whole answer."),
                                QStringLiteral("N"));
    QCommandLineOption maxOpt(QStringLiteral("max-tokens"), QStringLiteral("Longest answer (default 20)."),
                              QStringLiteral("n"), QStringLiteral("20"));
    parser.addOptions({regionOpt, questionOpt, modelOpt, methodOpt, targetOpt, layersOpt, outOpt, pngOpt, cmapOpt,
                       tokenOpt, maxOpt});
    parser.process(args);

    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("explain needs exactly one scene (see --help)"));
    if (!parser.isSet(outOpt))
        return fail(QStringLiteral("explain needs --out heat.tif"));
    const auto method = ml::explainMethodFromName(parser.value(methodOpt).toStdString());
    if (!method)
        return fail(QStringLiteral("unknown method '%1' (gradcam, gradcam++, rollout, cross-attention)")
                        .arg(parser.value(methodOpt)));
    const auto cmap = colorMapFromName(parser.value(cmapOpt));
    if (!cmap)
        return fail(QStringLiteral("unknown colour map '%1' (viridis, inferno, jet)").arg(parser.value(cmapOpt)));
    QString modelDir = parser.value(modelOpt);
    if (modelDir.isEmpty())
        modelDir = qEnvironmentVariable("SATGPT_MODEL");
    if (modelDir.isEmpty())
        return fail(QStringLiteral("explain needs --model DIR (or SATGPT_MODEL)"));

    const QString scenePath = parser.positionalArguments().first();
    auto scene = openSceneWindow(scenePath, parser.value(regionOpt));
    if (!scene)
        return fail(QString::fromStdString(scene.error().toString()));
    const RasterDataset &ds = *scene->dataset;
    const RasterInfo &info = ds.info();
    const QRect region = scene->region;

    ml::ExplainOptions options;
    options.method = *method;
    options.target = parser.value(targetOpt) == QLatin1String("block") ? ml::CamTarget::LastBlock : ml::CamTarget::FinalNorm;
    options.crossLayers = parser.value(layersOpt) == QLatin1String("last") ? ml::CrossAttentionLayers::Last
                                                                          : ml::CrossAttentionLayers::Mean;
    if (parser.isSet(tokenOpt)) {
        bool ok = false;
        options.tokenIndex = parser.value(tokenOpt).toInt(&ok);
        if (!ok || *options.tokenIndex < 0)
            return fail(QStringLiteral("--token must be a non-negative integer"));
    }

    QElapsedTimer timer;
    timer.start();
    auto session = ml::ExplainSession::load(modelDir.toStdString());
    if (!session)
        return fail(QString::fromStdString(session.error().toString()));
    const qint64 loadMs = timer.restart();
    auto image = regionImage(ds, region, 4 * session.value()->imageSize());
    if (!image)
        return fail(QString::fromStdString(image.error().toString()));
    auto answer = session.value()->answer(image.value(), parser.value(questionOpt).toStdString(),
                                          parser.value(maxOpt).toInt());
    if (!answer)
        return fail(QString::fromStdString(answer.error().toString()));
    const qint64 answerMs = timer.restart();
    // The map is written at the region's resolution when that is no larger than the model
    // input, else at the model input size; the geotransform scales it onto the region.
    const int side = session.value()->imageSize();
    options.outputWidth = std::min(region.width(), side);
    options.outputHeight = std::min(region.height(), side);
    auto e = session.value()->explain(image.value(), answer.value(), options);
    if (!e)
        return fail(QString::fromStdString(e.error().toString()));
    const qint64 explainMs = timer.restart();

    QMap<QString, QString> meta{
        {QStringLiteral("SATGPT_METHOD"), QString::fromStdString(ml::explainMethodName(*method))},
        {QStringLiteral("SATGPT_SCENE"), scenePath},
        {QStringLiteral("SATGPT_MODEL"), modelDir},
        {QStringLiteral("SATGPT_QUESTION"), parser.value(questionOpt)},
        {QStringLiteral("SATGPT_ANSWER"), QString::fromStdString(answer->text)},
    };
    const QString out = parser.value(outOpt);
    if (auto st = writeHeatmapGeoTiff(out, e->map, info, region, meta); !st)
        return fail(QString::fromStdString(st.error().toString()));
    if (parser.isSet(pngOpt)) {
        HeatmapStyle style;
        style.colorMap = *cmap;
        if (auto st = writeHeatmapPng(parser.value(pngOpt), e->map, style); !st)
            return fail(QString::fromStdString(st.error().toString()));
    }

    QTextStream so(stdout);
    so << "answer: " << QString::fromStdString(answer->text) << '\n' << "ids:";
    for (auto id : answer->answerIds())
        so << ' ' << id;
    so << "\nmethod: " << QString::fromStdString(ml::explainMethodName(*method)) << ", explained tokens: "
       << e->tokens.size();
    if (!e->pickedLogits.empty())
        so << ", score " << e->score;
    so << "\ngrid " << e->grid.width << 'x' << e->grid.height << ", map " << e->map.width << 'x' << e->map.height
       << " over region " << region.x() << ',' << region.y() << ',' << region.width() << ',' << region.height() << '\n'
       << "wrote " << out << (parser.isSet(pngOpt) ? QStringLiteral(" and ") + parser.value(pngOpt) : QString()) << '\n'
       << "time: load " << loadMs << " ms, answer " << answerMs << " ms, map " << explainMs << " ms\n";
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("explain", "Answer about a scene region and map where the model looked", runExplain)
