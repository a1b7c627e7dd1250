// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt caption IMAGE_OR_SCENE` and `satgpt ask IMAGE_OR_SCENE --question "..."`: run the
// vision-language model on a picture or a (Geo)TIFF scene, streaming tokens as they come.

#include "app/cli/cliargs.h"
#include "app/cli/command.h"

#include "core/chat/chatrecorder.h"
#include "core/ml/visionlanguagemodel.h"
#include "core/raster/rasterdataset.h"
#include "core/raster/rendering.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>

namespace {

using namespace satgpt;
using satgpt::cli::parseRegion;

// Scenes are read at most this large (long side); the model resizes to its input size anyway.
constexpr int kMaxSceneSide = 1024;

bool intOptionValue(const QString &text, int minimum, int *out)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < minimum)
        return false;
    *out = v;
    return true;
}

bool looksLikeRaster(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    static const QStringList rasterSuffixes{QStringLiteral("tif"), QStringLiteral("tiff"), QStringLiteral("vrt"),
                                            QStringLiteral("jp2"), QStringLiteral("img"), QStringLiteral("nc"),
                                            QStringLiteral("hdf"), QStringLiteral("ntf")};
    return rasterSuffixes.contains(suffix) || QImageReader::imageFormat(path).isEmpty();
}

/// A scene: the region (whole scene by default) with the default band composition and stretch.
Result<QImage> readScene(const QString &path, const std::optional<QRect> &region)
{
    auto opened = RasterDataset::open(path);
    if (!opened)
        return opened.error();
    const RasterDataset &ds = *opened.value();
    const RasterInfo &info = ds.info();
    QRect window = region.value_or(QRect(0, 0, info.width, info.height)).intersected(QRect(0, 0, info.width, info.height));
    if (window.isEmpty())
        return makeError("--region lies outside the scene", path.toStdString());
    QSize out = window.size();
    if (std::max(out.width(), out.height()) > kMaxSceneSide)
        out.scale(kMaxSceneSide, kMaxSceneSide, Qt::KeepAspectRatio);
    out = out.expandedTo(QSize(1, 1));
    RenderSettings settings;
    settings.composition = BandComposition::defaultFor(info);
    auto block = ds.read(window, out, settings.composition.bands);
    if (!block)
        return block.error();
    QVector<ChannelStretch> channels;
    for (int band : settings.composition.bands) {
        auto stats = ds.statistics(band);
        if (!stats)
            return stats.error();
        channels.push_back(ChannelStretch::fromStatistics(stats.value(), settings.stretch));
    }
    QImage img = renderBlock(block.value(), channels, settings.composition.colorMap);
    if (img.isNull())
        return makeError("cannot render the scene", path.toStdString());
    // Transparent (nodata) pixels become black, as the analyst sees them on a dark canvas.
    QImage rgb(img.size(), QImage::Format_RGB888);
    rgb.fill(Qt::black);
    {
        QImage argb = img.convertToFormat(QImage::Format_ARGB32_Premultiplied);
        for (int y = 0; y < argb.height(); ++y) {
            const QRgb *src = reinterpret_cast<const QRgb *>(argb.constScanLine(y));
            uchar *dst = rgb.scanLine(y);
            for (int x = 0; x < argb.width(); ++x) {
                dst[x * 3 + 0] = uchar(qRed(src[x]));
                dst[x * 3 + 1] = uchar(qGreen(src[x]));
                dst[x * 3 + 2] = uchar(qBlue(src[x]));
            }
        }
    }
    return rgb;
}

Result<ml::ImageRGB8> loadInput(const QString &path, const std::optional<QRect> &region)
{
    if (!QFileInfo::exists(path))
        return makeError("file not found", path.toStdString());
    QImage img;
    if (!looksLikeRaster(path)) {
        QImageReader reader(path);
        img = reader.read();
        if (img.isNull())
            return makeError("cannot read image", path.toStdString(), reader.errorString().toStdString());
        if (region) {
            const QRect r = region->intersected(img.rect());
            if (r.isEmpty())
                return makeError("--region lies outside the image", path.toStdString());
            img = img.copy(r);
        }
    } else {
        auto scene = readScene(path, region);
        if (!scene)
            return scene.error();
        img = scene.value();
    }
    img = img.convertToFormat(QImage::Format_RGB888);
    ml::ImageRGB8 out;
    out.width = img.width();
    out.height = img.height();
    out.pixels.resize(size_t(out.width) * size_t(out.height) * 3);
    for (int y = 0; y < out.height; ++y)
        std::copy_n(img.constScanLine(y), size_t(out.width) * 3, out.pixels.data() + size_t(y) * size_t(out.width) * 3);
    return out;
}

int runModel(const QStringList &args, bool ask)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(ask ? QStringLiteral("Answer a question about an image or a scene region.")
                                         : QStringLiteral("Caption an image or a scene region."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("image"), QStringLiteral("A picture (PNG, JPEG, ...) or a raster scene (GeoTIFF, ...)"));
    const QCommandLineOption questionOpt(QStringLiteral("question"), QStringLiteral("The question to answer"), QStringLiteral("text"));
    const QCommandLineOption regionOpt(QStringLiteral("region"), QStringLiteral("Pixel window x,y,w,h"), QStringLiteral("x,y,w,h"));
    const QCommandLineOption modelOpt(QStringLiteral("model"),
                                      QStringLiteral("HF VisionEncoderDecoder folder (default: $SATGPT_MODEL_DIR)"),
                                      QStringLiteral("dir"));
    const QCommandLineOption maxOpt(QStringLiteral("max-new-tokens"), QStringLiteral("Tokens to generate at most"), QStringLiteral("n"));
    const QCommandLineOption beamsOpt(QStringLiteral("num-beams"), QStringLiteral("Beam search width (1: greedy)"), QStringLiteral("n"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object instead of streaming text"));
    // ask: record the exchange in a project's chat history, as the workbench's chat panel does (docs/chat.md).
    const QCommandLineOption projectOpt(QStringLiteral("project"),
                                        QStringLiteral("Record the exchange in this project's chat history (created if missing)"),
                                        QStringLiteral("P.satgpt"));
    const QCommandLineOption evidenceOpt(QStringLiteral("evidence"),
                                         QStringLiteral("With --project: also store where the model looked "
                                                        "(gradcam, gradcam++, rollout, cross-attention)"),
                                         QStringLiteral("method"));
    const QCommandLineOption tokenOpt(QStringLiteral("evidence-token"),
                                      QStringLiteral("With --evidence: map answer token N (0-based) instead of the whole answer"),
                                      QStringLiteral("N"));
    if (ask)
        parser.addOptions({questionOpt, projectOpt, evidenceOpt, tokenOpt});
    parser.addOptions({regionOpt, modelOpt, maxOpt, beamsOpt, jsonOpt});
    parser.process(args);
    const QString verb = ask ? QStringLiteral("ask") : QStringLiteral("caption");
    if (parser.positionalArguments().size() != 1)
        return cli::fail(verb + QStringLiteral(": expected exactly one IMAGE_OR_SCENE argument"));
    const QString question = ask ? parser.value(questionOpt).trimmed() : QString();
    if (ask && question.isEmpty())
        return cli::fail(QStringLiteral("ask: --question \"...\" is required"));

    std::optional<QRect> region;
    if (parser.isSet(regionOpt)) {
        auto r = parseRegion(parser.value(regionOpt));
        if (!r)
            return cli::fail(QString::fromStdString(r.error().toString()));
        region = r.value();
    }
    QString modelDir = parser.value(modelOpt);
    if (modelDir.isEmpty())
        modelDir = qEnvironmentVariable("SATGPT_MODEL_DIR");
    if (modelDir.isEmpty())
        return cli::fail(verb + QStringLiteral(": no model was given: pass --model DIR (an HF VisionEncoderDecoder folder) "
                                               "or set SATGPT_MODEL_DIR; no default model is bundled yet"));

    const QString projectPath = ask ? parser.value(projectOpt) : QString();
    std::optional<ml::ExplainMethod> evidence;
    int evidenceToken = -1;
    if (!projectPath.isEmpty()) {
        if (!looksLikeRaster(parser.positionalArguments().first()))
            return cli::fail(QStringLiteral("ask: --project needs a raster scene (GeoTIFF, ...), not a picture"));
        if (parser.isSet(evidenceOpt)) {
            evidence = ml::explainMethodFromName(parser.value(evidenceOpt).toStdString());
            if (!evidence)
                return cli::fail(QStringLiteral("ask: unknown --evidence method '%1' (gradcam, gradcam++, rollout, cross-attention)")
                                     .arg(parser.value(evidenceOpt)));
        }
        if (parser.isSet(tokenOpt) && !intOptionValue(parser.value(tokenOpt), 0, &evidenceToken))
            return cli::fail(QStringLiteral("ask: --evidence-token must be a non-negative integer"));
    } else if (parser.isSet(evidenceOpt)) {
        return cli::fail(QStringLiteral("ask: --evidence needs --project"));
    }

    auto image = loadInput(parser.positionalArguments().first(), region);
    if (!image)
        return cli::fail(QString::fromStdString(image.error().toString()));
    auto model = ml::VisionLanguageModel::load(modelDir.toStdString());
    if (!model)
        return cli::fail(QString::fromStdString(model.error().toString()));

    ml::GenerationSettings settings = model.value()->defaultSettings();
    auto intOption = [&](const QCommandLineOption &o, int &out, int minimum) {
        if (!parser.isSet(o))
            return true;
        bool ok = false;
        const int v = parser.value(o).toInt(&ok);
        if (!ok || v < minimum)
            return false;
        out = v;
        return true;
    };
    if (!intOption(maxOpt, settings.maxNewTokens, 1))
        return cli::fail(QStringLiteral("--max-new-tokens must be a positive integer"));
    if (!intOption(beamsOpt, settings.numBeams, 1))
        return cli::fail(QStringLiteral("--num-beams must be a positive integer"));

    const bool json = parser.isSet(jsonOpt);
    QTextStream out(stdout);
    ml::TokenCallback stream;
    QVector<qint64> tokenIds;
    QStringList tokens;
    stream = [&](int64_t id, const std::string &piece) {
        tokenIds << id;
        tokens << QString::fromStdString(piece);
        if (!json) {
            out << QString::fromStdString(piece);
            out.flush();
        }
        return true;
    };
    auto result = model.value()->generate(image.value(), question.toStdString(), settings, stream);
    if (!result)
        return cli::fail(QString::fromStdString(result.error().toString()));
    const ml::Generation &g = result.value();
    if (json) {
        QJsonArray ids;
        for (auto id : g.tokenIds)
            ids.append(qint64(id));
        QJsonObject o{{QStringLiteral("text"), QString::fromStdString(g.text)},
                      {QStringLiteral("token_ids"), ids},
                      {QStringLiteral("model"), QString::fromStdString(model.value()->info().modelId)},
                      {QStringLiteral("image_width"), image->width},
                      {QStringLiteral("image_height"), image->height},
                      {QStringLiteral("timing_ms"), QJsonObject{{QStringLiteral("preprocess"), g.timing.preprocessMs},
                                                                {QStringLiteral("encode"), g.timing.encodeMs},
                                                                {QStringLiteral("decode"), g.timing.decodeMs},
                                                                {QStringLiteral("total"), g.timing.totalMs}}}};
        if (ask)
            o.insert(QStringLiteral("question"), question);
        out << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
    } else {
        if (!model.value()->info().hasTokenizer) {
            QStringList ids;
            for (auto id : g.tokenIds)
                ids << QString::number(id);
            out << QStringLiteral("[no tokenizer in the model folder; token ids: %1]").arg(ids.join(QLatin1Char(' ')));
        }
        out << Qt::endl;
    }
    if (!projectPath.isEmpty()) {
        AskRecord record;
        record.projectPath = projectPath;
        record.scenePath = parser.positionalArguments().first();
        auto info = inspectRaster(record.scenePath);
        if (!info)
            return cli::fail(QString::fromStdString(info.error().toString()));
        record.wholeScene = !region;
        record.window = region.value_or(QRect(0, 0, info->width, info->height));
        record.question = question;
        record.answer = QString::fromStdString(g.text);
        record.tokenIds = tokenIds;
        record.tokens = tokens;
        record.modelPath = modelDir;
        record.generation = settings;
        record.image = QImage(image->pixels.data(), image->width, image->height, image->width * 3, QImage::Format_RGB888).copy();
        record.evidence = evidence;
        record.evidenceToken = evidenceToken;
        auto entry = recordAskInProject(record);
        if (!entry)
            return cli::fail(QString::fromStdString(entry.error().toString()));
        QTextStream(stderr) << "recorded exchange " << entry->id << " in " << projectPath
                            << (entry->heatmap.isEmpty() ? QString() : QStringLiteral(" (map: %1)").arg(entry->heatmap.path))
                            << Qt::endl;
    }
    return 0;
}

int runCaption(const QStringList &args) { return runModel(args, false); }
int runAsk(const QStringList &args) { return runModel(args, true); }

} // namespace

SATGPT_CLI_COMMAND("caption", "Caption an image or scene region with the vision-language model", runCaption)
SATGPT_CLI_COMMAND("ask", "Answer a question about an image or scene region", runAsk)
