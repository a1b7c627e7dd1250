// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/chat/chatentry.h"
#include "core/common/modelregistry.h"
#include "core/ml/explain.h"
#include "widgets/chat/chainedmaptool.h"

#include <QHash>
#include <QImage>
#include <QPointer>
#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTextBrowser;
class QToolButton;
class QHBoxLayout;

namespace satgpt {

class ChatJob;
class EvidenceJob;
class HeatmapControls;
class HeatmapOverlay;
class MapCanvas;
class Project;
class QuestionBoxTool;
struct ChatSource;

/// "Ask about what you see": a conversation about the scene on the canvas. The question is about
/// the current viewport, the selected annotation or a box drawn for it; the region is cut with
/// the bands and stretch on screen and answered by the chosen model off the GUI thread (ChatJob),
/// with the tokens streamed into the answer and a Stop button. Each exchange goes into the
/// project's chat history; the history list re-runs an exchange with another model. Clicking a
/// word of an answer (or "Show evidence") computes where the model looked (EvidenceJob) and draws
/// the map over the region on the canvas, stored beside the project as a GeoTIFF.
///
/// The model picker lists the ModelRegistry's models (bundled, user folders, fine-tuned); a
/// missing bundled model is explained in the panel. The panel never opens dialogs: it asks the
/// app through addModelFolderRequested() and editQuickPromptsRequested(), and reports problems
/// with messageRaised().
///
/// GUI thread only. Does not own the canvas or the project (the provider returns the current
/// one, which may change); owns its jobs, which it cancels and waits for when destroyed.
class ChatPanel final : public QWidget
{
    Q_OBJECT
public:
    enum class Context { Viewport, Annotation, Box };
    Q_ENUM(Context)

    explicit ChatPanel(QWidget *parent = nullptr);
    ~ChatPanel() override;

    void setCanvas(MapCanvas *canvas);
    MapCanvas *canvas() const { return m_canvas; }
    /// Returns the open project (or null); called whenever the panel needs it.
    void setProjectProvider(std::function<Project *()> provider);
    Project *project() const;

    ModelRegistry &registry() { return m_registry; }
    /// Rebuilds the model picker from the registry (and the project's training jobs).
    void refreshModels();
    /// Adds a user model folder (persisted); a message when it is no model folder.
    void addModelFolder(const QString &folder);
    /// The chosen model's folder (empty when there is none).
    QString currentModelPath() const;
    void setCurrentModelPath(const QString &path);

    static QStringList defaultQuickPrompts();
    /// The quick prompt buttons. A prompt starting with "What changed" asks about the top two
    /// scenes and is enabled only while two scenes are open.
    void setQuickPrompts(const QStringList &prompts);
    QStringList quickPrompts() const { return m_quickPrompts; }

    void setContext(Context context);
    Context context() const { return m_context; }
    /// The annotation the "selected annotation" context uses (id empty: none selected).
    void setSelectedAnnotation(const QString &id, const QRect &pixelRect);
    /// The box the "drawn box" context uses (reference-layer scene pixels).
    void setBox(const QRect &pixelRect);
    QRect box() const { return m_box; }
    /// Installs the question-box tool on the canvas until a box is drawn or Escape is pressed.
    void startBoxDrawing();
    QuestionBoxTool *boxTool() const { return m_boxTool; }

    /// The region the next question is about, in reference-layer pixels (empty when none).
    QRect contextRect() const;

    // Asking
    void ask(const QString &question);
    /// "What changed?": the question about the top two scenes.
    void askCompare(const QString &question);
    /// Re-runs an exchange (same scene, region, question and settings) with another model.
    void rerun(const QString &entryId, const QString &modelPath);
    void stop();
    bool isBusy() const;

    // History and evidence
    /// Reloads the conversation from the project's chat history.
    void reloadHistory();
    QVector<ChatEntry> entries() const { return m_entries; }
    QString currentEntryId() const { return m_currentId; }
    void selectEntry(const QString &id);
    /// Computes the map for `token` of the current answer (-1: the whole answer).
    void showEvidence(int token = -1);
    /// Shows the map of `token` of entry `id` (what clicking a word does).
    void activateToken(const QString &entryId, int token);
    void clearEvidence();
    HeatmapOverlay *overlay() const { return m_overlay; }
    /// The token the shown map explains (-1: the whole answer or none).
    int evidenceToken() const { return m_evidenceToken; }
    QString evidenceEntryId() const { return m_evidenceEntry; }
    static QUrl tokenUrl(const QString &entryId, int token);

    // Parts, for the app and tests
    QComboBox *modelBox() const { return m_modelBox; }
    QLabel *modelMessage() const { return m_modelMessage; }
    QComboBox *contextBox() const { return m_contextBox; }
    QComboBox *methodBox() const { return m_methodBox; }
    QTextBrowser *conversation() const { return m_conversation; }
    QLineEdit *questionEdit() const { return m_question; }
    QPushButton *askButton() const { return m_askButton; }
    QPushButton *stopButton() const { return m_stopButton; }
    QPushButton *evidenceButton() const { return m_evidenceButton; }
    QListWidget *historyList() const { return m_history; }
    QPushButton *rerunButton() const { return m_rerunButton; }
    QList<QToolButton *> quickPromptButtons() const { return m_promptButtons; }

Q_SIGNALS:
    void messageRaised(const QString &title, const QString &text, QtMsgType severity);
    void addModelFolderRequested();
    void editQuickPromptsRequested();
    /// An exchange finished (also when stopped) and was stored.
    void answerFinished(const QString &entryId);
    void busyChanged(bool busy);
    /// A map is drawn on the canvas.
    void evidenceShown(const QString &entryId, int token);

private:
    struct Layer
    {
        int id = 0;
        QString path;
        QSize size;
    };
    void buildUi();
    void rebuildPromptButtons();
    void updateEnabled();
    void renderConversation(bool scrollToEnd = false);
    QString entryHtml(const ChatEntry &e, bool streaming) const;
    void rebuildHistoryList();
    void startChat(struct ChatRequest request);
    bool sourceFor(int layerId, const QRect &referenceRect, ChatSource *source) const;
    int questionLayer() const;
    QString sceneIdFor(const QString &path) const;
    const ChatEntry *findEntry(const QString &id) const;
    void storeEntry(const ChatEntry &entry, bool isNew);
    void onChatFinished(ChatJob *job);
    void runEvidence(const ChatEntry &entry, int token, const QString &loadPath);
    void showMap(const ChatEntry &entry, int token, const ml::HeatMap &map);
    void attachOverlay();
    void detachOverlay();
    void restoreToolAfterBox();
    void makeThumbnails();
    QRect regionOnCanvas(const ChatEntry &entry) const;
    void onAnchorClicked(const QUrl &url);

    QPointer<MapCanvas> m_canvas;
    std::function<Project *()> m_projectProvider;
    QPointer<Project> m_lastProject;
    ModelRegistry m_registry;

    QComboBox *m_modelBox = nullptr;
    QToolButton *m_addModelButton = nullptr;
    QLabel *m_modelMessage = nullptr;
    QComboBox *m_contextBox = nullptr;
    QToolButton *m_drawBoxButton = nullptr;
    QHBoxLayout *m_promptRow = nullptr;
    QList<QToolButton *> m_promptButtons;
    QToolButton *m_editPromptsButton = nullptr;
    QTextBrowser *m_conversation = nullptr;
    QLineEdit *m_question = nullptr;
    QSpinBox *m_maxTokens = nullptr;
    QPushButton *m_askButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QComboBox *m_methodBox = nullptr;
    QPushButton *m_evidenceButton = nullptr;
    QPushButton *m_clearEvidenceButton = nullptr;
    QListWidget *m_history = nullptr;
    QPushButton *m_rerunButton = nullptr;
    HeatmapControls *m_heatmapControls = nullptr;

    QStringList m_quickPrompts;
    Context m_context = Context::Viewport;
    QString m_annotationId;
    QRect m_annotationRect;
    QRect m_box;
    QuestionBoxTool *m_boxTool = nullptr;
    MapTool *m_toolBeforeBox = nullptr;
    HeatmapOverlay *m_overlay = nullptr;
    ChainedMapTool m_chain;

    QVector<ChatEntry> m_entries;
    QString m_currentId;
    QHash<QString, QImage> m_images; ///< the region as the model saw it, per entry (this session)
    QHash<QString, QImage> m_thumbnails;
    QPointer<ChatJob> m_chatJob;
    ChatEntry m_streaming;
    bool m_streamingActive = false;
    QPointer<EvidenceJob> m_evidenceJob;
    quint64 m_evidenceGeneration = 0;
    QString m_evidenceEntry;
    int m_evidenceToken = -1;
    bool m_thumbnailsPending = false;
};

} // namespace satgpt
