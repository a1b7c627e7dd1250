// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>

#include <memory>

class QAction;
class QActionGroup;
class QDockWidget;
class QMainWindow;
class QUndoView;

namespace satgpt {

class AnnotationEditor;
class AnnotationListPanel;
class AnnotationTool;
class LabelSchemaPanel;
class MapCanvas;
class Project;
class ProjectAutosave;

/// Wires annotations and projects into the main window without the window knowing their
/// details: the annotation tool on the canvas, docks (label classes, annotation list, editor,
/// history), an Annotate toolbar, File > Open/Save/Save As Project, the autosave timer with
/// recovery on open, and the unsaved-changes question on close. Owns the open Project; a
/// project that fails to load leaves the open one in place. GUI thread; child of the window.
///
/// Wiring in the main window (two connections, nothing else):
///     auto *annotations = new AnnotationIntegration(this, m_canvas);
///     connect(this, &MainWindow::sceneOpened, annotations, &AnnotationIntegration::onSceneOpened);
///     connect(annotations, &AnnotationIntegration::openScenesRequested, this, &MainWindow::openScenes);
class AnnotationIntegration final : public QObject
{
    Q_OBJECT
public:
    AnnotationIntegration(QMainWindow *window, MapCanvas *canvas);
    ~AnnotationIntegration() override;

    Project *project() const { return m_project.get(); }
    AnnotationTool *tool() const { return m_tool; }
    LabelSchemaPanel *labelPanel() const { return m_labels; }
    AnnotationListPanel *listPanel() const { return m_list; }
    AnnotationEditor *editor() const { return m_editor; }

    /// Opens a project (offering autosave recovery); false and a message when it cannot.
    bool openProject(const QString &path);
    bool saveProject();
    bool saveProjectAs();

public Q_SLOTS:
    /// A scene finished opening on the canvas: adds it to the project if new, rebinds the tool.
    void onSceneOpened(const QString &path, bool ok);

Q_SIGNALS:
    /// The opened project's scenes should be opened on the canvas (MainWindow::openScenes).
    void openScenesRequested(const QStringList &paths);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setProject(std::unique_ptr<Project> project);
    void bindReferenceScene();
    void updateTitle();
    bool confirmDiscard();
    void warn(const QString &title, const QString &text);

    QPointer<QMainWindow> m_window;
    QPointer<MapCanvas> m_canvas;
    std::unique_ptr<Project> m_project;
    ProjectAutosave *m_autosave = nullptr;
    AnnotationTool *m_tool = nullptr;
    LabelSchemaPanel *m_labels = nullptr;
    AnnotationListPanel *m_list = nullptr;
    AnnotationEditor *m_editor = nullptr;
    QUndoView *m_history = nullptr;
    QActionGroup *m_modes = nullptr;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
};

} // namespace satgpt
