// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/chat/evidencejob.h"

#include "core/chat/modelcache.h"
#include "core/chat/regioncut.h"
#include "core/explain/heatmapexport.h"
#include "core/ml/explainsession.h"
#include "core/raster/rasterdataset.h"

#include <QDir>
#include <QFileInfo>

namespace satgpt {

EvidenceJob::EvidenceJob(EvidenceRequest request, QObject *parent)
    : Job(tr("Evidence: %1").arg(request.entry.question), parent)
    , m_request(std::move(request))
{
}

EvidenceJob::~EvidenceJob()
{
    cancel();
    waitForFinished();
}

ml::HeatMap EvidenceJob::map() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_map;
}

Result<ml::HeatMap> EvidenceJob::readHeatmap(const QString &path)
{
    auto ds = RasterDataset::open(path);
    if (!ds)
        return ds.error();
    const RasterInfo &info = ds.value()->info();
    auto block = ds.value()->read(QRect(0, 0, info.width, info.height), QSize(info.width, info.height), {1},
                                  Resampling::Nearest);
    if (!block)
        return block.error();
    ml::HeatMap map;
    map.width = info.width;
    map.height = info.height;
    map.values.assign(block->plane(0), block->plane(0) + size_t(info.width) * size_t(info.height));
    return map;
}

Status EvidenceJob::run()
{
    auto map = compute(m_request, feedback().get());
    if (!map)
        return isCanceled() ? Status{} : Status(map.error());
    std::lock_guard<std::mutex> lock(m_mutex);
    m_map = std::move(map).value();
    return {};
}

Result<ml::HeatMap> EvidenceJob::compute(const EvidenceRequest &request, Feedback *feedback)
{
    auto isCanceled = [feedback] { return feedback && feedback->isCanceled(); };
    const Error canceled = makeError("Canceled");
    if (!request.loadPath.isEmpty())
        return readHeatmap(request.loadPath);
    const ChatEntry &entry = request.entry;
    auto ds = RasterDataset::open(entry.scenePath);
    if (!ds)
        return ds.error();
    const RasterInfo &info = ds.value()->info();
    const QRect region = entry.region.pixel.intersected(QRect(0, 0, info.width, info.height));
    if (region.isEmpty())
        return makeError("the entry's region lies outside the scene", info.path.toStdString());
    QImage image = request.image;
    if (image.isNull()) {
        auto cut = renderRegion(*ds.value(), region, request.render, regionReadSize(region.size(), request.maxReadSide));
        if (!cut)
            return cut.error();
        image = cut.value();
    }
    const ml::ImageRGB8 rgb = toImageRGB8(image);
    if (isCanceled())
        return canceled;

    auto handle = ModelCache::instance().explainSession(entry.modelPath);
    if (!handle)
        return handle.error();
    ml::ExplainSession &session = *handle->session;
    if (isCanceled())
        return canceled;

    // The prompt (start token + question ids) comes from the session itself; the answer is the
    // one the user saw, so that the map explains those words even when they were sampled.
    auto answer = session.answer(rgb, ChatEntry::modelPrompt(entry.question).toStdString(),
                                 entry.tokenIds.isEmpty() ? std::max(1, entry.generation.maxNewTokens) : 1);
    if (!answer)
        return answer.error();
    ml::ExplainedAnswer explained = answer.value();
    if (!entry.tokenIds.isEmpty()) {
        explained.sequence.resize(size_t(explained.promptLength));
        for (qint64 id : entry.tokenIds)
            explained.sequence.push_back(id);
        explained.text = entry.answer.toStdString();
    }
    const int generated = int(explained.sequence.size() - size_t(explained.promptLength));
    if (generated <= 0)
        return makeError("the answer has no tokens to explain");
    ml::ExplainOptions options;
    options.method = request.method;
    if (request.token >= 0) {
        if (request.token >= generated)
            return makeError("the answer has no token " + std::to_string(request.token));
        options.tokenIndex = request.token;
    }
    const int side = session.imageSize();
    options.outputWidth = std::min(region.width(), side);
    options.outputHeight = std::min(region.height(), side);
    auto e = session.explain(rgb, explained, options);
    if (!e)
        return e.error();

    if (!request.outputPath.isEmpty()) {
        QDir().mkpath(QFileInfo(request.outputPath).absolutePath());
        const QMap<QString, QString> meta{
            {QStringLiteral("SATGPT_METHOD"), QString::fromStdString(ml::explainMethodName(request.method))},
            {QStringLiteral("SATGPT_SCENE"), entry.scenePath},
            {QStringLiteral("SATGPT_MODEL"), entry.modelPath},
            {QStringLiteral("SATGPT_QUESTION"), entry.question},
            {QStringLiteral("SATGPT_ANSWER"), entry.answer},
            {QStringLiteral("SATGPT_TOKEN"), QString::number(request.token)},
            {QStringLiteral("SATGPT_CHAT_ENTRY"), entry.id}};
        if (auto st = writeHeatmapGeoTiff(request.outputPath, e->map, info, region, meta); !st)
            return st.error();
    }
    return e->map;
}

} // namespace satgpt
