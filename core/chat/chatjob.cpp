// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/chat/chatjob.h"

#include "core/chat/modelcache.h"
#include "core/chat/regioncut.h"
#include "core/common/modelregistry.h"
#include "core/ml/countinghead.h"
#include "core/ml/visionlanguagemodel.h"
#include "core/raster/rasterdataset.h"

namespace satgpt {

ChatJob::ChatJob(ChatRequest request, QObject *parent)
    : Job(tr("Ask: %1").arg(request.question), parent)
    , m_request(std::move(request))
{
    m_entry = ChatEntry::create();
    m_entry.sceneId = m_request.source.sceneId;
    m_entry.scenePath = m_request.source.scenePath;
    m_entry.question = m_request.question;
    m_entry.modelPath = m_request.modelPath;
    m_entry.modelId = ModelRegistry::modelIdFor(m_request.modelPath);
    m_entry.region.kind = m_request.regionKind;
    m_entry.region.annotationId = m_request.annotationId;
    m_entry.region.pixel = m_request.source.window;
    if (m_request.compare) {
        m_entry.compareSceneId = m_request.compare->sceneId;
        m_entry.compareScenePath = m_request.compare->scenePath;
    }
    if (m_request.generation)
        m_entry.generation = *m_request.generation;
}

ChatJob::~ChatJob()
{
    // run() uses members; the base destructor would wait too late.
    cancel();
    waitForFinished();
}

ChatEntry ChatJob::entry() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_entry;
}

QImage ChatJob::image() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_image;
}

Result<QImage> ChatJob::cut(const ChatSource &source, ChatRegion *region) const
{
    auto ds = RasterDataset::open(source.scenePath);
    if (!ds)
        return ds.error();
    const RasterInfo &info = ds.value()->info();
    const QRect window = source.window.intersected(QRect(0, 0, info.width, info.height));
    if (region)
        *region = describeRegion(info, window, m_request.regionKind, m_request.annotationId);
    return renderRegion(*ds.value(), window, source.render, regionReadSize(window.size(), m_request.maxReadSide));
}

Status ChatJob::run()
{
    if (m_request.question.trimmed().isEmpty())
        return makeError("the question is empty");
    setStatusText(tr("Reading the region"));
    ChatRegion region;
    auto image = cut(m_request.source, &region);
    if (!image)
        return image.error();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_image = image.value();
        m_entry.region = region;
    }
    Q_EMIT regionReady(image.value());
    setProgress(0.05);
    auto stopped = [this] {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_entry.canceled = true;
        return Status{};
    };
    if (isCanceled())
        return stopped();

    // A counting question about a class the model has a counting head for is answered by the
    // head (verified against the analyst's annotations); everything else by the decoder.
    if (!m_request.compare) {
        if (auto counter = ml::counterForQuestion(m_request.modelPath.toStdString(), m_request.question.toStdString())) {
            setStatusText(tr("Counting"));
            ml::CountOptions options;
            options.scenePixelsPerImagePixel = double(region.pixel.width()) / double(std::max(1, image->width()));
            auto counted = ml::countObjects(counter->dir, toImageRGB8(image.value()), options, [this](double f) {
                setProgress(0.05 + 0.9 * f);
                return !isCanceled();
            });
            if (isCanceled())
                return stopped();
            if (counted) {
                const QString text = QStringLiteral("%1 %2").arg(counted->count).arg(QString::fromStdString(counted->className));
                {
                    std::lock_guard<std::mutex> lock(m_mutex);
                    m_entry.answer = text;
                    m_entry.method = QString::fromLatin1(ChatEntry::kMethodCountingHead);
                    m_entry.verified = true;
                    m_entry.countEstimate = counted->estimate;
                    m_entry.countValidationMae = counted->validationMae;
                    // Image pixels -> scene pixels, so the panel can mark each object on the map.
                    const double sx = double(region.pixel.width()) / double(std::max(1, image->width()));
                    const double sy = double(region.pixel.height()) / double(std::max(1, image->height()));
                    for (const ml::CountedObject &o : counted->objects)
                        m_entry.countedObjects.append(QPointF(region.pixel.x() + o.x * sx, region.pixel.y() + o.y * sy));
                }
                Q_EMIT tokenGenerated(0, -1, text);
                setProgress(1.0);
                return {};
            }
            // A broken head must not cost the analyst the answer: the decoder answers, unverified.
        }
    }

    setStatusText(tr("Loading the model"));
    auto model = ModelCache::instance().languageModel(m_request.modelPath);
    if (!model)
        return model.error();
    ml::GenerationSettings settings = m_request.generation.value_or(model.value()->defaultSettings());
    if (m_request.maxNewTokens > 0)
        settings.maxNewTokens = m_request.maxNewTokens;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_entry.generation = settings;
    }
    setProgress(0.1);
    if (isCanceled())
        return stopped();

    setStatusText(tr("Generating"));
    const int maxTokens = std::max(1, settings.maxNewTokens);
    int index = 0;
    ml::TokenCallback onToken = [&](int64_t id, const std::string &piece) {
        const QString text = QString::fromStdString(piece);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_entry.tokenIds.push_back(id);
            m_entry.tokens.push_back(text);
            m_entry.answer += text;
        }
        Q_EMIT tokenGenerated(index++, id, text);
        setProgress(0.1 + 0.9 * std::min(1.0, double(index) / double(maxTokens)));
        // The model checks this before computing the next token: a stop costs at most the token
        // being generated when the user pressed it.
        return !isCanceled();
    };
    auto generated = model.value()->generate(toImageRGB8(image.value()), ChatEntry::modelPrompt(m_request.question).toStdString(), settings,
                                             onToken);
    if (!generated)
        return generated.error();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        // The streamed pieces are raw; the final text has special tokens removed and is trimmed.
        m_entry.answer = QString::fromStdString(generated->text);
        m_entry.canceled = generated->canceled || isCanceled();
        m_entry.method = QString::fromLatin1(ChatEntry::kMethodDecoder);
        m_entry.verified = false;
    }
    if (isCanceled())
        return {};

    if (m_request.compare) {
        setStatusText(tr("Asking about the other scene"));
        auto other = cut(*m_request.compare, nullptr);
        if (!other)
            return other.error();
        auto answer = model.value()->generate(toImageRGB8(other.value()), ChatEntry::modelPrompt(m_request.question).toStdString(), settings,
                                              [this](int64_t, const std::string &) { return !isCanceled(); });
        if (!answer)
            return answer.error();
        std::lock_guard<std::mutex> lock(m_mutex);
        m_entry.compareAnswer = QString::fromStdString(answer->text);
        m_entry.canceled = answer->canceled;
    }
    setProgress(1.0);
    return {};
}

} // namespace satgpt
