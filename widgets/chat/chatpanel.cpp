// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/chat/chatpanel.h"

#include "core/chat/chathistory.h"
#include "core/chat/chatjob.h"
#include "core/chat/evidencejob.h"
#include "core/chat/regioncut.h"
#include "core/project/project.h"
#include "core/raster/rasterdataset.h"
#include "core/raster/tilerenderer.h"
#include "widgets/chat/questionboxtool.h"
#include "widgets/heatmap/heatmapcontrols.h"
#include "widgets/heatmap/heatmapoverlay.h"
#include "widgets/mapcanvas/mapcanvas.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace satgpt {

namespace {

constexpr int kThumbSide = 96;
const QString kModelKey = QStringLiteral("chat/model");
const QString kMaxTokensKey = QStringLiteral("chat/maxNewTokens");

bool isCompare(const QString &prompt) { return prompt.trimmed().startsWith(QLatin1String("What changed"), Qt::CaseInsensitive); }

QString samePath(const QString &p)
{
    const QString c = QFileInfo(p).canonicalFilePath();
    return c.isEmpty() ? QDir::cleanPath(p) : c;
}

QString methodTitle(const QString &method)
{
    if (method == QLatin1String("gradcam++"))
        return QStringLiteral("Grad-CAM++");
    if (method == QLatin1String("rollout"))
        return QStringLiteral("Rollout");
    if (method == QLatin1String("cross-attention"))
        return QStringLiteral("Cross-attention");
    return QStringLiteral("Grad-CAM");
}

} // namespace

ChatPanel::ChatPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("chatPanel"));
    m_boxTool = new QuestionBoxTool(this);
    m_overlay = new HeatmapOverlay(this);
    m_chain.setOverlay(m_overlay);
    buildUi();
    connect(m_boxTool, &QuestionBoxTool::boxDrawn, this, [this](const QRect &r) {
        restoreToolAfterBox();
        setBox(r);
        setContext(Context::Box);
    });
    connect(m_boxTool, &QuestionBoxTool::canceled, this, &ChatPanel::restoreToolAfterBox);
    m_quickPrompts = QSettings().value(QStringLiteral("chat/quickPrompts"), defaultQuickPrompts()).toStringList();
    rebuildPromptButtons();
    refreshModels();
    updateEnabled();
}

ChatPanel::~ChatPanel()
{
    if (m_chatJob) {
        m_chatJob->cancel();
        m_chatJob->waitForFinished();
    }
    if (m_evidenceJob) {
        m_evidenceJob->cancel();
        m_evidenceJob->waitForFinished();
    }
    if (m_canvas) {
        if (m_canvas->mapTool() == &m_chain)
            m_canvas->setMapTool(m_chain.inner());
        else if (m_canvas->mapTool() == m_boxTool)
            m_canvas->setMapTool(m_toolBeforeBox == &m_chain ? m_chain.inner() : m_toolBeforeBox);
    }
}

QStringList ChatPanel::defaultQuickPrompts()
{
    return {tr("Describe this view"), tr("What is the land cover?"), tr("How many buildings are there?"),
            tr("What changed?")};
}

void ChatPanel::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(new QLabel(tr("Model:"), this));
    m_modelBox = new QComboBox(this);
    m_modelBox->setObjectName(QStringLiteral("modelBox"));
    m_modelBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modelBox->setMinimumContentsLength(12);
    modelRow->addWidget(m_modelBox, 1);
    m_addModelButton = new QToolButton(this);
    m_addModelButton->setText(tr("Add..."));
    m_addModelButton->setToolTip(tr("Add a model folder (Hugging Face VisionEncoderDecoder layout)"));
    modelRow->addWidget(m_addModelButton);
    layout->addLayout(modelRow);
    m_modelMessage = new QLabel(this);
    m_modelMessage->setObjectName(QStringLiteral("modelMessage"));
    m_modelMessage->setWordWrap(true);
    m_modelMessage->setStyleSheet(QStringLiteral("color: #b36b00;"));
    m_modelMessage->hide();
    layout->addWidget(m_modelMessage);

    auto *contextRow = new QHBoxLayout;
    contextRow->addWidget(new QLabel(tr("About:"), this));
    m_contextBox = new QComboBox(this);
    m_contextBox->setObjectName(QStringLiteral("contextBox"));
    m_contextBox->addItem(tr("Current view"), int(Context::Viewport));
    m_contextBox->addItem(tr("Selected annotation"), int(Context::Annotation));
    m_contextBox->addItem(tr("Drawn box"), int(Context::Box));
    contextRow->addWidget(m_contextBox, 1);
    m_drawBoxButton = new QToolButton(this);
    m_drawBoxButton->setText(tr("Draw box"));
    m_drawBoxButton->setToolTip(tr("Drag a box on the map for the next question (Esc cancels)"));
    contextRow->addWidget(m_drawBoxButton);
    layout->addLayout(contextRow);

    m_promptRow = new QHBoxLayout;
    m_promptRow->setSpacing(2);
    m_editPromptsButton = new QToolButton(this);
    m_editPromptsButton->setText(QStringLiteral("…"));
    m_editPromptsButton->setToolTip(tr("Edit the quick prompts"));
    layout->addLayout(m_promptRow);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_conversation = new QTextBrowser(splitter);
    m_conversation->setObjectName(QStringLiteral("conversation"));
    m_conversation->setOpenLinks(false);
    m_conversation->setOpenExternalLinks(false);
    m_conversation->setPlaceholderText(tr("Ask about the view, a selected annotation or a box you draw."));
    auto *historyBox = new QWidget(splitter);
    auto *historyLayout = new QVBoxLayout(historyBox);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    auto *historyHeader = new QHBoxLayout;
    historyHeader->addWidget(new QLabel(tr("History"), historyBox), 1);
    m_rerunButton = new QPushButton(tr("Re-run with model"), historyBox);
    m_rerunButton->setObjectName(QStringLiteral("rerunButton"));
    m_rerunButton->setToolTip(tr("Ask the selected question again, same region and settings, with the model chosen above"));
    historyHeader->addWidget(m_rerunButton);
    historyLayout->addLayout(historyHeader);
    m_history = new QListWidget(historyBox);
    m_history->setObjectName(QStringLiteral("historyList"));
    historyLayout->addWidget(m_history);
    splitter->addWidget(m_conversation);
    splitter->addWidget(historyBox);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({360, 90}); // the conversation is what is read; the list only indexes it
    layout->addWidget(splitter, 1);

    auto *askRow = new QHBoxLayout;
    m_question = new QLineEdit(this);
    m_question->setObjectName(QStringLiteral("questionEdit"));
    m_question->setPlaceholderText(tr("Ask a question..."));
    m_question->setClearButtonEnabled(true);
    askRow->addWidget(m_question, 1);
    m_maxTokens = new QSpinBox(this);
    m_maxTokens->setRange(1, 512);
    m_maxTokens->setValue(QSettings().value(kMaxTokensKey, 32).toInt());
    m_maxTokens->setToolTip(tr("Longest answer, in tokens"));
    askRow->addWidget(m_maxTokens);
    m_askButton = new QPushButton(tr("Ask"), this);
    m_askButton->setObjectName(QStringLiteral("askButton"));
    m_askButton->setDefault(true);
    askRow->addWidget(m_askButton);
    m_stopButton = new QPushButton(tr("Stop"), this);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    askRow->addWidget(m_stopButton);
    layout->addLayout(askRow);

    auto *evidenceRow = new QHBoxLayout;
    m_methodBox = new QComboBox(this);
    m_methodBox->setObjectName(QStringLiteral("methodBox"));
    m_methodBox->addItem(tr("Grad-CAM"), QStringLiteral("gradcam"));
    m_methodBox->addItem(tr("Grad-CAM++"), QStringLiteral("gradcam++"));
    m_methodBox->addItem(tr("Attention rollout"), QStringLiteral("rollout"));
    m_methodBox->addItem(tr("Cross-attention"), QStringLiteral("cross-attention"));
    m_methodBox->setToolTip(tr("How the map of where the model looked is computed"));
    evidenceRow->addWidget(m_methodBox, 1);
    m_evidenceButton = new QPushButton(tr("Show evidence"), this);
    m_evidenceButton->setObjectName(QStringLiteral("evidenceButton"));
    m_evidenceButton->setToolTip(tr("Map where the model looked for the whole answer; click a word for that word's map"));
    evidenceRow->addWidget(m_evidenceButton);
    m_clearEvidenceButton = new QPushButton(tr("Hide map"), this);
    evidenceRow->addWidget(m_clearEvidenceButton);
    layout->addLayout(evidenceRow);
    m_heatmapControls = new HeatmapControls(m_overlay, this);
    layout->addWidget(m_heatmapControls);

    connect(m_addModelButton, &QToolButton::clicked, this, &ChatPanel::addModelFolderRequested);
    connect(m_modelBox, qOverload<int>(&QComboBox::activated), this, [this] {
        QSettings().setValue(kModelKey, currentModelPath());
    });
    connect(m_contextBox, qOverload<int>(&QComboBox::activated), this,
            [this](int i) { setContext(Context(m_contextBox->itemData(i).toInt())); });
    connect(m_drawBoxButton, &QToolButton::clicked, this, &ChatPanel::startBoxDrawing);
    connect(m_editPromptsButton, &QToolButton::clicked, this, &ChatPanel::editQuickPromptsRequested);
    connect(m_askButton, &QPushButton::clicked, this, [this] { ask(m_question->text()); });
    connect(m_question, &QLineEdit::returnPressed, this, [this] { ask(m_question->text()); });
    connect(m_stopButton, &QPushButton::clicked, this, &ChatPanel::stop);
    connect(m_maxTokens, qOverload<int>(&QSpinBox::valueChanged), this,
            [](int v) { QSettings().setValue(kMaxTokensKey, v); });
    connect(m_evidenceButton, &QPushButton::clicked, this, [this] { showEvidence(-1); });
    connect(m_clearEvidenceButton, &QPushButton::clicked, this, &ChatPanel::clearEvidence);
    connect(m_conversation, &QTextBrowser::anchorClicked, this, &ChatPanel::onAnchorClicked);
    connect(m_history, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_history->count())
            selectEntry(m_history->item(row)->data(Qt::UserRole).toString());
    });
    connect(m_rerunButton, &QPushButton::clicked, this, [this] {
        if (!m_currentId.isEmpty())
            rerun(m_currentId, currentModelPath());
    });
}

// --- canvas, project, models ------------------------------------------------------------------

void ChatPanel::setCanvas(MapCanvas *canvas)
{
    if (m_canvas)
        disconnect(m_canvas, nullptr, this, nullptr);
    m_canvas = canvas;
    if (m_canvas) {
        connect(m_canvas, &MapCanvas::layersChanged, this, [this] {
            updateEnabled();
            if (m_thumbnails.size() < m_entries.size())
                makeThumbnails();
        });
    }
    updateEnabled();
}

void ChatPanel::setProjectProvider(std::function<Project *()> provider)
{
    m_projectProvider = std::move(provider);
    reloadHistory();
}

Project *ChatPanel::project() const { return m_projectProvider ? m_projectProvider() : nullptr; }

void ChatPanel::refreshModels()
{
    if (Project *p = project())
        m_registry.setTrainingJobs(p->trainingJobs());
    const QString previous = m_modelBox->count() ? currentModelPath() : QSettings().value(kModelKey).toString();
    m_modelBox->clear();
    const auto models = m_registry.models();
    for (const ModelEntry &m : models) {
        m_modelBox->addItem(m.displayName, m.path);
        m_modelBox->setItemData(m_modelBox->count() - 1, QDir::toNativeSeparators(m.path), Qt::ToolTipRole);
    }
    setCurrentModelPath(previous);
    if (m_modelBox->currentIndex() < 0 && m_modelBox->count() > 0)
        m_modelBox->setCurrentIndex(0); // the bundled model when there is one
    QString message = m_registry.bundledProblem();
    if (models.isEmpty())
        message = tr("No model to ask: %1").arg(message);
    m_modelMessage->setText(message);
    m_modelMessage->setVisible(!message.isEmpty());
    updateEnabled();
}

void ChatPanel::addModelFolder(const QString &folder)
{
    const QString problem = m_registry.addUserFolder(folder);
    if (!problem.isEmpty()) {
        Q_EMIT messageRaised(tr("Model"), problem, QtWarningMsg);
        return;
    }
    refreshModels();
    setCurrentModelPath(folder);
    QSettings().setValue(kModelKey, currentModelPath());
}

QString ChatPanel::currentModelPath() const { return m_modelBox->currentData().toString(); }

void ChatPanel::setCurrentModelPath(const QString &path)
{
    if (path.isEmpty())
        return;
    const QString want = samePath(path);
    for (int i = 0; i < m_modelBox->count(); ++i)
        if (samePath(m_modelBox->itemData(i).toString()) == want)
            m_modelBox->setCurrentIndex(i);
}

// --- prompts and context ----------------------------------------------------------------------

void ChatPanel::setQuickPrompts(const QStringList &prompts)
{
    m_quickPrompts = prompts;
    rebuildPromptButtons();
    updateEnabled();
}

void ChatPanel::rebuildPromptButtons()
{
    for (QToolButton *b : std::as_const(m_promptButtons))
        delete b;
    m_promptButtons.clear();
    m_promptRow->removeWidget(m_editPromptsButton);
    for (const QString &prompt : std::as_const(m_quickPrompts)) {
        if (prompt.trimmed().isEmpty())
            continue;
        auto *b = new QToolButton(this);
        b->setText(prompt);
        b->setToolTip(isCompare(prompt) ? tr("Asks about the top two scenes over the same ground") : prompt);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        connect(b, &QToolButton::clicked, this, [this, prompt] {
            if (isCompare(prompt))
                askCompare(prompt);
            else
                ask(prompt);
        });
        m_promptRow->addWidget(b);
        m_promptButtons << b;
    }
    m_promptRow->addStretch(1);
    m_promptRow->addWidget(m_editPromptsButton);
}

void ChatPanel::setContext(Context context)
{
    m_context = context;
    m_contextBox->setCurrentIndex(m_contextBox->findData(int(context)));
    m_chain.setOutline(context == Context::Box ? QRectF(m_box)
                       : context == Context::Annotation ? QRectF(m_annotationRect)
                                                        : QRectF());
    if (context != Context::Viewport)
        attachOverlay();
    updateEnabled();
}

void ChatPanel::setSelectedAnnotation(const QString &id, const QRect &pixelRect)
{
    m_annotationId = id;
    m_annotationRect = id.isEmpty() ? QRect() : pixelRect;
    if (m_context == Context::Annotation)
        m_chain.setOutline(QRectF(m_annotationRect));
    updateEnabled();
}

void ChatPanel::setBox(const QRect &pixelRect)
{
    m_box = pixelRect;
    if (m_context == Context::Box)
        m_chain.setOutline(QRectF(m_box));
    updateEnabled();
}

void ChatPanel::startBoxDrawing()
{
    if (!m_canvas || m_canvas->layerCount() == 0)
        return;
    if (m_canvas->mapTool() != m_boxTool)
        m_toolBeforeBox = m_canvas->mapTool();
    m_boxTool->setBounds(QRect(QPoint(0, 0), m_canvas->sceneSize()));
    m_canvas->setMapTool(m_boxTool);
    m_canvas->setFocus();
}

void ChatPanel::restoreToolAfterBox()
{
    if (m_canvas && m_canvas->mapTool() == m_boxTool)
        m_canvas->setMapTool(m_toolBeforeBox);
    m_toolBeforeBox = nullptr;
}

void ChatPanel::attachOverlay()
{
    if (!m_canvas || m_canvas->mapTool() == &m_chain)
        return;
    if (m_canvas->mapTool() == m_boxTool) {
        // Drawing a box: the chain goes in when the box tool leaves.
        if (m_toolBeforeBox != &m_chain) {
            m_chain.setInner(m_toolBeforeBox);
            m_toolBeforeBox = &m_chain;
        }
        return;
    }
    m_chain.setInner(m_canvas->mapTool());
    m_canvas->setMapTool(&m_chain);
}

void ChatPanel::detachOverlay()
{
    if (m_canvas && m_canvas->mapTool() == &m_chain && m_chain.outline().isEmpty() && !m_overlay->hasHeatmap())
        m_canvas->setMapTool(m_chain.inner());
}

QRect ChatPanel::contextRect() const
{
    if (!m_canvas || m_canvas->layerCount() == 0)
        return {};
    const QRect scene(QPoint(0, 0), m_canvas->sceneSize());
    switch (m_context) {
    case Context::Annotation:
        return m_annotationId.isEmpty() ? QRect() : m_annotationRect.intersected(scene);
    case Context::Box:
        return m_box.intersected(scene);
    case Context::Viewport:
        break;
    }
    const QRectF v = m_canvas->visiblePixelRect();
    const QRect r(QPoint(int(std::floor(v.left())), int(std::floor(v.top()))),
                  QPoint(int(std::ceil(v.right())) - 1, int(std::ceil(v.bottom())) - 1));
    return r.intersected(scene);
}

int ChatPanel::questionLayer() const
{
    if (!m_canvas || m_canvas->layerCount() == 0)
        return 0;
    const int current = m_canvas->currentLayer();
    if (current && m_canvas->isLayerVisible(current))
        return current;
    const QVector<int> ids = m_canvas->layerIds();
    for (int i = ids.size() - 1; i >= 0; --i)
        if (m_canvas->isLayerVisible(ids[i]))
            return ids[i];
    return ids.last();
}

bool ChatPanel::sourceFor(int layerId, const QRect &referenceRect, ChatSource *source) const
{
    TileRenderer *layer = m_canvas ? m_canvas->layerRenderer(layerId) : nullptr;
    TileRenderer *reference = m_canvas && m_canvas->layerCount() ? m_canvas->layerRenderer(m_canvas->layerIds().first())
                                                                  : nullptr;
    if (!layer || !reference)
        return false;
    source->scenePath = layer->info().path;
    source->sceneId = sceneIdFor(source->scenePath);
    source->render = layer->renderSettings();
    source->window = layer == reference ? referenceRect : regionInScene(reference->info(), referenceRect, layer->info());
    return !source->window.isEmpty();
}

QString ChatPanel::sceneIdFor(const QString &path) const
{
    Project *p = project();
    if (!p)
        return {};
    const QString want = samePath(path);
    for (const ProjectScene &s : p->scenes())
        if (samePath(s.path) == want)
            return s.id;
    return {};
}

void ChatPanel::updateEnabled()
{
    const bool busy = isBusy();
    const bool haveModel = m_modelBox->count() > 0;
    const bool haveScene = m_canvas && m_canvas->layerCount() > 0;
    const bool haveRegion = haveScene && !contextRect().isEmpty();
    const bool canAsk = haveModel && haveRegion && !busy;
    m_askButton->setEnabled(canAsk);
    m_stopButton->setEnabled(busy);
    m_drawBoxButton->setEnabled(haveScene);
    const int visibleLayers = m_canvas ? m_canvas->layerCount() : 0;
    for (QToolButton *b : std::as_const(m_promptButtons))
        b->setEnabled(canAsk && (!isCompare(b->text()) || visibleLayers >= 2));
    const ChatEntry *current = findEntry(m_currentId);
    // A counting head's answer has no decoder tokens to explain.
    m_evidenceButton->setEnabled(current && !current->answer.isEmpty() && !busy
                                 && current->method != QLatin1String(ChatEntry::kMethodCountingHead));
    m_rerunButton->setEnabled(current && haveModel && !busy);
    m_clearEvidenceButton->setEnabled(m_overlay->hasHeatmap());
}

// --- asking -------------------------------------------------------------------------------------

void ChatPanel::ask(const QString &question)
{
    const QString q = question.trimmed();
    if (q.isEmpty() || isBusy())
        return;
    if (currentModelPath().isEmpty()) {
        Q_EMIT messageRaised(tr("Chat"), m_modelMessage->text().isEmpty() ? tr("No model is chosen.") : m_modelMessage->text(),
                             QtWarningMsg);
        return;
    }
    const QRect rect = contextRect();
    ChatRequest request;
    if (rect.isEmpty() || !sourceFor(questionLayer(), rect, &request.source)) {
        Q_EMIT messageRaised(tr("Chat"),
                             m_context == Context::Annotation ? tr("Select an annotation to ask about it.")
                             : m_context == Context::Box      ? tr("Draw a box on the map to ask about it.")
                                                              : tr("Open a scene to ask about it."),
                             QtInfoMsg);
        return;
    }
    request.regionKind = m_context == Context::Annotation ? ChatRegion::Kind::Annotation
                       : m_context == Context::Box        ? ChatRegion::Kind::Box
                                                          : ChatRegion::Kind::Viewport;
    request.annotationId = m_context == Context::Annotation ? m_annotationId : QString();
    request.question = q;
    request.modelPath = currentModelPath();
    request.maxNewTokens = m_maxTokens->value();
    startChat(std::move(request));
}

void ChatPanel::askCompare(const QString &question)
{
    if (!m_canvas || m_canvas->layerCount() < 2) {
        Q_EMIT messageRaised(tr("Chat"), tr("Open two scenes of the same place to ask what changed."), QtInfoMsg);
        return;
    }
    const QString q = question.trimmed();
    if (q.isEmpty() || isBusy() || currentModelPath().isEmpty())
        return;
    const QVector<int> ids = m_canvas->layerIds();
    const QRect rect = contextRect();
    ChatRequest request;
    ChatSource older;
    // The top scene is the newer one ("after"), the one below it the older one ("before").
    if (rect.isEmpty() || !sourceFor(ids[ids.size() - 1], rect, &request.source) || !sourceFor(ids[ids.size() - 2], rect, &older)) {
        Q_EMIT messageRaised(tr("Chat"), tr("The region does not cover both scenes."), QtInfoMsg);
        return;
    }
    request.compare = older;
    request.regionKind = m_context == Context::Box ? ChatRegion::Kind::Box
                       : m_context == Context::Annotation ? ChatRegion::Kind::Annotation
                                                          : ChatRegion::Kind::Viewport;
    request.annotationId = m_context == Context::Annotation ? m_annotationId : QString();
    request.question = q;
    request.modelPath = currentModelPath();
    request.maxNewTokens = m_maxTokens->value();
    startChat(std::move(request));
}

void ChatPanel::rerun(const QString &entryId, const QString &modelPath)
{
    const ChatEntry *e = findEntry(entryId);
    if (!e || isBusy() || modelPath.isEmpty())
        return;
    ChatRequest request;
    request.source.scenePath = e->scenePath;
    request.source.sceneId = e->sceneId;
    request.source.window = e->region.pixel;
    // The scene's bands and stretch as on screen now when it is open, else its defaults.
    if (m_canvas) {
        for (int id : m_canvas->layerIds()) {
            TileRenderer *r = m_canvas->layerRenderer(id);
            if (r && samePath(r->info().path) == samePath(e->scenePath))
                request.source.render = r->renderSettings();
        }
    }
    if (!e->compareScenePath.isEmpty()) {
        ChatSource older;
        older.scenePath = e->compareScenePath;
        older.sceneId = e->compareSceneId;
        older.window = e->region.pixel;
        request.compare = older;
    }
    request.regionKind = e->region.kind;
    request.annotationId = e->region.annotationId;
    request.question = e->question;
    request.modelPath = modelPath;
    request.generation = e->generation;
    startChat(std::move(request));
}

void ChatPanel::startChat(ChatRequest request)
{
    auto *job = new ChatJob(std::move(request), this);
    m_chatJob = job;
    m_streaming = job->entry();
    m_streamingActive = true;
    m_currentId = m_streaming.id;
    connect(job, &ChatJob::regionReady, this, [this, job](const QImage &image) {
        if (job != m_chatJob)
            return;
        m_images.insert(m_streaming.id, image);
        m_thumbnails.insert(m_streaming.id, image.scaled(kThumbSide, kThumbSide, Qt::KeepAspectRatio, Qt::SmoothTransformation));
        renderConversation(true);
    });
    connect(job, &ChatJob::tokenGenerated, this, [this, job](int, qint64 id, const QString &piece) {
        if (job != m_chatJob)
            return;
        m_streaming.tokenIds << id;
        m_streaming.tokens << piece;
        m_streaming.answer += piece;
        renderConversation(true);
    });
    connect(job, &Job::finished, this, [this, job] { onChatFinished(job); });
    job->start();
    m_question->clear();
    renderConversation(true);
    updateEnabled();
    Q_EMIT busyChanged(true);
}

void ChatPanel::stop()
{
    if (m_chatJob)
        m_chatJob->cancel();
}

bool ChatPanel::isBusy() const { return m_chatJob && !m_chatJob->isFinished(); }

void ChatPanel::onChatFinished(ChatJob *job)
{
    job->deleteLater();
    if (job != m_chatJob)
        return;
    m_streamingActive = false;
    const ChatEntry entry = job->entry();
    if (job->state() == Job::State::Failed) {
        m_currentId.clear();
        Q_EMIT messageRaised(tr("Chat"), tr("The question could not be answered: %1").arg(job->errorText()), QtWarningMsg);
    } else {
        m_images.insert(entry.id, job->image());
        storeEntry(entry, true);
    }
    m_chatJob = nullptr;
    renderConversation(true);
    rebuildHistoryList();
    updateEnabled();
    Q_EMIT busyChanged(false);
    if (job->state() != Job::State::Failed)
        Q_EMIT answerFinished(entry.id);
}

void ChatPanel::storeEntry(const ChatEntry &entry, bool isNew)
{
    bool replaced = false;
    for (ChatEntry &e : m_entries) {
        if (e.id == entry.id) {
            e = entry;
            replaced = true;
        }
    }
    if (!replaced)
        m_entries.push_back(entry);
    if (isNew)
        m_chain.setMarkers(entry.countedObjects); // a counting head's objects, marked on the map
    if (Project *p = project()) {
        if (isNew || !ChatHistory::update(*p, entry))
            ChatHistory::append(*p, entry);
        m_lastProject = p;
    }
}

const ChatEntry *ChatPanel::findEntry(const QString &id) const
{
    if (id.isEmpty())
        return nullptr;
    for (const ChatEntry &e : m_entries)
        if (e.id == id)
            return &e;
    return nullptr;
}

// --- conversation -------------------------------------------------------------------------------

QUrl ChatPanel::tokenUrl(const QString &entryId, int token)
{
    QUrl url;
    url.setScheme(QStringLiteral("token"));
    url.setPath(entryId);
    url.setQuery(QStringLiteral("i=%1").arg(token));
    return url;
}

void ChatPanel::onAnchorClicked(const QUrl &url)
{
    if (url.scheme() == QLatin1String("token")) {
        activateToken(url.path(), QUrlQuery(url).queryItemValue(QStringLiteral("i")).toInt());
    } else if (url.scheme() == QLatin1String("entry")) {
        selectEntry(url.path());
    }
}

QString ChatPanel::entryHtml(const ChatEntry &e, bool streaming) const
{
    const bool current = e.id == m_currentId;
    QString html = QStringLiteral("<a name=\"%1\"></a><table width=\"100%\" cellspacing=\"0\" cellpadding=\"4\" "
                                  "style=\"background-color:%2;\"><tr>")
                       .arg(e.id, current ? QStringLiteral("#eef4ff") : QStringLiteral("#ffffff"));
    if (m_thumbnails.contains(e.id))
        html += QStringLiteral("<td width=\"%1\" valign=\"top\"><a href=\"entry:%2\"><img src=\"thumb://%2\"></a></td>")
                    .arg(kThumbSide + 8)
                    .arg(e.id);
    html += QStringLiteral("<td valign=\"top\">");
    html += QStringLiteral("<p style=\"margin:0\"><b>%1</b></p>").arg(e.question.toHtmlEscaped());
    html += QStringLiteral("<p style=\"margin-top:4px; margin-bottom:2px\">");
    if (!e.tokens.isEmpty() && e.compareAnswer.isEmpty()) {
        // Each token is a link: clicking a word shows where the model looked for it.
        const bool hl = e.id == m_evidenceEntry;
        for (int i = 0; i < e.tokens.size(); ++i) {
            QString piece = e.tokens[i];
            if (piece.isEmpty())
                continue;
            // GPT-2 pieces carry their leading space; keep it outside the link.
            const bool lead = piece.at(0).isSpace();
            const QString word = lead ? piece.mid(1) : piece;
            if (lead)
                html += QLatin1Char(' ');
            if (word.isEmpty())
                continue;
            const bool selected = hl && i == m_evidenceToken;
            html += QStringLiteral("<a href=\"%1\" style=\"text-decoration:none; color:%2;%3\">%4</a>")
                        .arg(tokenUrl(e.id, i).toString(),
                             selected ? QStringLiteral("#ffffff") : QStringLiteral("#1a1a1a"),
                             selected ? QStringLiteral(" background-color:#c0392b;") : QString(),
                             word.toHtmlEscaped());
        }
    } else if (!e.compareAnswer.isEmpty()) {
        html += tr("Before (%1): %2").arg(QFileInfo(e.compareScenePath).fileName().toHtmlEscaped(),
                                           e.compareAnswer.toHtmlEscaped());
        html += QStringLiteral("<br>");
        html += tr("After (%1): %2").arg(QFileInfo(e.scenePath).fileName().toHtmlEscaped(), e.answer.toHtmlEscaped());
    } else {
        html += e.answer.toHtmlEscaped();
    }
    if (streaming)
        html += QStringLiteral(" <span style=\"color:#888\">▌</span>");
    html += QStringLiteral("</p>");

    QStringList meta;
    meta << QStringLiteral("%1 · %2").arg(e.modelId.toHtmlEscaped(), ChatRegion::kindName(e.region.kind));
    meta << QStringLiteral("%1×%2 px").arg(e.region.pixel.width()).arg(e.region.pixel.height());
    if (e.canceled)
        meta << tr("stopped");
    html += QStringLiteral("<p style=\"margin:0; color:#777; font-size:small\">%1</p>").arg(meta.join(QStringLiteral(" · ")));
    if (!streaming && e.isUnverifiedCount())
        html += QStringLiteral("<p style=\"margin:0; color:#b36b00; font-size:small\">%1</p>")
                    .arg(tr("Unverified: the language decoder gave this count; no counter exists for “%1”.")
                             .arg(ChatEntry::countedClass(e.question).toHtmlEscaped()));
    else if (!streaming && e.verified)
        html += QStringLiteral("<p style=\"margin:0; color:#2e7d32; font-size:small\">%1</p>")
                    .arg(e.countValidationMae >= 0.0
                             ? tr("Verified: counted by the %1 (validation MAE %2)")
                                   .arg(e.method.toHtmlEscaped())
                                   .arg(e.countValidationMae, 0, 'f', 2)
                             : tr("Verified: counted by the %1").arg(e.method.toHtmlEscaped()));
    if (!e.heatmap.isEmpty())
        html += QStringLiteral("<p style=\"margin:0; color:#777; font-size:small\">%1</p>")
                    .arg(tr("Map: %1%2").arg(methodTitle(e.heatmap.method),
                                             e.heatmap.token >= 0 ? tr(", word %1").arg(e.heatmap.token + 1) : QString()));
    html += QStringLiteral("</td></tr></table><hr>");
    return html;
}

void ChatPanel::renderConversation(bool scrollToEnd)
{
    QTextDocument *doc = m_conversation->document();
    for (auto it = m_thumbnails.cbegin(); it != m_thumbnails.cend(); ++it)
        doc->addResource(QTextDocument::ImageResource, QUrl(QStringLiteral("thumb://") + it.key()), it.value());
    QString html;
    for (const ChatEntry &e : std::as_const(m_entries))
        html += entryHtml(e, false);
    if (m_streamingActive)
        html += entryHtml(m_streaming, true);
    QScrollBar *bar = m_conversation->verticalScrollBar();
    const int keep = bar->value();
    m_conversation->setHtml(html);
    if (scrollToEnd)
        bar->setValue(bar->maximum());
    else
        bar->setValue(keep);
}

void ChatPanel::rebuildHistoryList()
{
    const QSignalBlocker block(m_history);
    m_history->clear();
    for (const ChatEntry &e : std::as_const(m_entries)) {
        auto *item = new QListWidgetItem(QStringLiteral("%1  %2 — %3")
                                             .arg(e.time.toLocalTime().toString(QStringLiteral("MM-dd HH:mm")), e.question,
                                                  e.modelId),
                                         m_history);
        item->setData(Qt::UserRole, e.id);
        item->setToolTip(e.answer);
        if (e.id == m_currentId)
            m_history->setCurrentItem(item);
    }
}

void ChatPanel::reloadHistory()
{
    Project *p = project();
    m_lastProject = p;
    m_entries = p ? ChatHistory::entries(*p) : QVector<ChatEntry>{};
    m_currentId = m_entries.isEmpty() ? QString() : m_entries.last().id;
    clearEvidence();
    refreshModels();
    rebuildHistoryList();
    renderConversation(true);
    makeThumbnails();
    // The last exchange's stored map comes back with it.
    if (const ChatEntry *e = findEntry(m_currentId); e && !e->heatmap.isEmpty() && p)
        runEvidence(*e, e->heatmap.token, ChatHistory::resolvePath(*p, e->heatmap.path));
    updateEnabled();
}

void ChatPanel::makeThumbnails()
{
    if (m_thumbnailsPending)
        return;
    struct Want
    {
        QString id;
        QString path;
        QRect rect;
        RenderSettings render;
    };
    QVector<Want> wants;
    for (const ChatEntry &e : std::as_const(m_entries)) {
        if (m_thumbnails.contains(e.id) || e.region.pixel.isEmpty() || !QFileInfo::exists(e.scenePath))
            continue;
        Want w{e.id, e.scenePath, e.region.pixel, {}};
        if (m_canvas)
            for (int id : m_canvas->layerIds())
                if (TileRenderer *r = m_canvas->layerRenderer(id); r && samePath(r->info().path) == samePath(e.scenePath))
                    w.render = r->renderSettings();
        wants << w;
    }
    if (wants.isEmpty())
        return;
    m_thumbnailsPending = true;
    auto *watcher = new QFutureWatcher<QHash<QString, QImage>>(this);
    connect(watcher, &QFutureWatcher<QHash<QString, QImage>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_thumbnailsPending = false;
        const auto result = watcher->result();
        for (auto it = result.cbegin(); it != result.cend(); ++it)
            m_thumbnails.insert(it.key(), it.value());
        renderConversation(false);
    });
    watcher->setFuture(QtConcurrent::run([wants] {
        QHash<QString, QImage> out;
        for (const Want &w : wants) {
            auto ds = RasterDataset::open(w.path);
            if (!ds)
                continue;
            auto img = renderRegion(*ds.value(), w.rect, w.render, regionReadSize(w.rect.size(), kThumbSide));
            if (img)
                out.insert(w.id, img.value());
        }
        return out;
    }));
}

void ChatPanel::selectEntry(const QString &id)
{
    const ChatEntry *e = findEntry(id);
    if (!e)
        return;
    m_currentId = id;
    m_chain.setMarkers(e->countedObjects);
    renderConversation(false);
    m_conversation->scrollToAnchor(id);
    for (int i = 0; i < m_history->count(); ++i)
        if (m_history->item(i)->data(Qt::UserRole).toString() == id) {
            const QSignalBlocker block(m_history);
            m_history->setCurrentRow(i);
        }
    Project *p = project();
    if (!e->heatmap.isEmpty() && p)
        runEvidence(*e, e->heatmap.token, ChatHistory::resolvePath(*p, e->heatmap.path));
    updateEnabled();
}

// --- evidence -----------------------------------------------------------------------------------

void ChatPanel::showEvidence(int token)
{
    if (const ChatEntry *e = findEntry(m_currentId))
        runEvidence(*e, token, {});
}

void ChatPanel::activateToken(const QString &entryId, int token)
{
    const ChatEntry *e = findEntry(entryId);
    if (!e || token < 0 || token >= e->tokenIds.size())
        return;
    if (m_currentId != entryId) {
        m_currentId = entryId;
        renderConversation(false);
    }
    runEvidence(*e, token, {});
}

void ChatPanel::runEvidence(const ChatEntry &entry, int token, const QString &loadPath)
{
    if (m_evidenceJob)
        m_evidenceJob->cancel(); // stale: the user asked for another map
    EvidenceRequest request;
    request.entry = entry;
    request.token = token;
    request.loadPath = loadPath;
    const QString method = loadPath.isEmpty() ? m_methodBox->currentData().toString() : entry.heatmap.method;
    request.method = ml::explainMethodFromName(method.toStdString()).value_or(ml::ExplainMethod::GradCam);
    request.image = m_images.value(entry.id);
    if (request.image.isNull() && m_canvas)
        for (int id : m_canvas->layerIds())
            if (TileRenderer *r = m_canvas->layerRenderer(id); r && samePath(r->info().path) == samePath(entry.scenePath))
                request.render = r->renderSettings();
    Project *p = project();
    if (loadPath.isEmpty() && p)
        request.outputPath = ChatHistory::heatmapFolder(*p) + QLatin1Char('/') + ChatHistory::heatmapFileName(entry, method, token);
    const quint64 generation = ++m_evidenceGeneration;
    auto *job = new EvidenceJob(std::move(request), this);
    m_evidenceJob = job;
    connect(job, &Job::finished, this, [this, job, generation, method] {
        job->deleteLater();
        if (generation != m_evidenceGeneration)
            return; // a newer request replaced this one
        m_evidenceJob = nullptr;
        if (job->state() == Job::State::Failed) {
            Q_EMIT messageRaised(tr("Evidence"), tr("The map could not be computed: %1").arg(job->errorText()), QtWarningMsg);
            return;
        }
        if (job->state() != Job::State::Succeeded)
            return;
        const EvidenceRequest &r = job->request();
        ChatEntry entry = r.entry;
        if (const ChatEntry *now = findEntry(entry.id))
            entry = *now;
        if (r.loadPath.isEmpty()) {
            entry.heatmap.method = method;
            entry.heatmap.token = r.token;
            entry.heatmap.colorMap = m_overlay->colorMap() == ColorMap::Inferno ? QStringLiteral("inferno")
                                   : m_overlay->colorMap() == ColorMap::Jet     ? QStringLiteral("jet")
                                                                                : QStringLiteral("viridis");
            if (Project *p = project(); p && !r.outputPath.isEmpty()) {
                entry.heatmap.path = ChatHistory::storedPath(*p, r.outputPath);
                storeEntry(entry, false);
            }
        }
        showMap(entry, r.token, job->map());
    });
    job->start();
}

QRect ChatPanel::regionOnCanvas(const ChatEntry &entry) const
{
    if (!m_canvas || m_canvas->layerCount() == 0)
        return entry.region.pixel;
    TileRenderer *reference = m_canvas->layerRenderer(m_canvas->layerIds().first());
    if (!reference || samePath(reference->info().path) == samePath(entry.scenePath))
        return entry.region.pixel;
    for (int id : m_canvas->layerIds())
        if (TileRenderer *r = m_canvas->layerRenderer(id); r && samePath(r->info().path) == samePath(entry.scenePath))
            return regionInScene(r->info(), entry.region.pixel, reference->info());
    return entry.region.pixel;
}

void ChatPanel::showMap(const ChatEntry &entry, int token, const ml::HeatMap &map)
{
    QString title = methodTitle(entry.heatmap.method.isEmpty() ? m_methodBox->currentData().toString() : entry.heatmap.method);
    if (token >= 0 && token < entry.tokens.size())
        title += QStringLiteral(": ") + entry.tokens[token].trimmed();
    else
        title += QStringLiteral(": ") + entry.answer.left(40);
    if (const auto cmap = colorMapFromName(entry.heatmap.colorMap))
        m_overlay->setColorMap(*cmap);
    m_overlay->setHeatmap(map, regionOnCanvas(entry), title);
    m_evidenceEntry = entry.id;
    m_evidenceToken = token;
    attachOverlay();
    if (m_canvas)
        m_canvas->update();
    renderConversation(false);
    updateEnabled();
    Q_EMIT evidenceShown(entry.id, token);
}

void ChatPanel::clearEvidence()
{
    ++m_evidenceGeneration;
    if (m_evidenceJob)
        m_evidenceJob->cancel();
    m_evidenceJob = nullptr;
    m_overlay->clear();
    m_evidenceEntry.clear();
    m_evidenceToken = -1;
    detachOverlay();
    if (m_canvas)
        m_canvas->update();
    updateEnabled();
}

} // namespace satgpt
