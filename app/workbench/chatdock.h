// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDockWidget>
#include <QPointer>

namespace satgpt {

class AnnotationIntegration;
class ChatPanel;
class MapCanvas;
class Project;

/// The app's wiring of the chat panel ("Ask about what you see"): a dock holding the ChatPanel
/// over the map canvas and the open project (through AnnotationIntegration), the selected
/// annotation as the question's context, the app-side answers to the panel's requests (the
/// model folder chooser, the quick prompts editor stored in QSettings "chat/quickPrompts") and
/// messages passed on for the main window's message bar. GUI thread only.
///
/// Wiring in the main window:
///     auto *chat = new ChatDock(this, m_canvas, m_annotations);
///     addDockWidget(Qt::RightDockWidgetArea, chat);
///     connect(chat, &ChatDock::messageRaised, this, &MainWindow::showMessage);
class ChatDock final : public QDockWidget
{
    Q_OBJECT
public:
    ChatDock(QWidget *parent, MapCanvas *canvas, AnnotationIntegration *annotations);
    ~ChatDock() override;

    ChatPanel *panel() const { return m_panel; }

public Q_SLOTS:
    /// A model folder to offer and choose (e.g. a fine-tuned job's "use as active model").
    void useModel(const QString &modelDir);
    /// Reloads the conversation when the open project was replaced.
    void projectMayHaveChanged();

Q_SIGNALS:
    void messageRaised(const QString &title, const QString &text, QtMsgType severity);

private:
    void chooseModelFolder();
    void editQuickPrompts();
    void updateSelection();

    ChatPanel *m_panel = nullptr;
    QPointer<MapCanvas> m_canvas;
    QPointer<AnnotationIntegration> m_annotations;
    QPointer<Project> m_project;
};

} // namespace satgpt
