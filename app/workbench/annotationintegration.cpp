// SPDX-License-Identifier: GPL-3.0-or-later
#include "annotationintegration.h"

#include "core/annotations/annotationdocument.h"
#include "core/project/project.h"
#include "core/project/projectautosave.h"
#include "core/raster/tilerenderer.h"
#include "widgets/annotations/annotationeditor.h"
#include "widgets/annotations/annotationlistpanel.h"
#include "widgets/annotations/annotationtool.h"
#include "widgets/annotations/labelschemapanel.h"
#include "widgets/mapcanvas/mapcanvas.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QColorDialog>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoView>

namespace satgpt {

AnnotationIntegration::AnnotationIntegration(QMainWindow *window, MapCanvas *canvas)
    : QObject(window), m_window(window), m_canvas(canvas)
{
    m_tool = new AnnotationTool(nullptr, this);
    m_labels = new LabelSchemaPanel(nullptr, window);
    m_list = new AnnotationListPanel(nullptr, window);
    m_editor = new AnnotationEditor(nullptr, window);
    m_history = new QUndoView(window);
    m_history->setEmptyLabel(tr("<opened>"));

    auto addDock = [window](const QString &title, const QString &name, QWidget *w, Qt::DockWidgetArea area) {
        auto *dock = new QDockWidget(title, window);
        dock->setObjectName(name);
        dock->setWidget(w);
        window->addDockWidget(area, dock);
        if (auto *view = window->menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu")))
            view->addAction(dock->toggleViewAction());
        return dock;
    };
    addDock(tr("Label Classes"), QStringLiteral("labelClassesDock"), m_labels, Qt::LeftDockWidgetArea);
    addDock(tr("Annotations"), QStringLiteral("annotationsDock"), m_list, Qt::LeftDockWidgetArea);
    QDockWidget *editorDock = addDock(tr("Annotation Editor"), QStringLiteral("annotationEditorDock"), m_editor, Qt::RightDockWidgetArea);
    QDockWidget *historyDock = addDock(tr("History"), QStringLiteral("historyDock"), m_history, Qt::RightDockWidgetArea);
    window->tabifyDockWidget(editorDock, historyDock);
    editorDock->raise();

    // Annotate toolbar: one exclusive mode at a time; Select also lets empty-space drags pan.
    auto *toolbar = window->addToolBar(tr("Annotate"));
    toolbar->setObjectName(QStringLiteral("annotateToolbar"));
    m_modes = new QActionGroup(this);
    const struct { AnnotationTool::Mode mode; QString text; QKeySequence key; } modes[] = {
        {AnnotationTool::Mode::Select, tr("Select"), QKeySequence(Qt::Key_S)},
        {AnnotationTool::Mode::Rectangle, tr("Rectangle"), QKeySequence(Qt::Key_R)},
        {AnnotationTool::Mode::Polygon, tr("Polygon"), QKeySequence(Qt::Key_P)},
        {AnnotationTool::Mode::Point, tr("Point"), QKeySequence(Qt::Key_O)},
        {AnnotationTool::Mode::Freehand, tr("Freehand"), QKeySequence(Qt::Key_F)},
    };
    for (const auto &m : modes) {
        QAction *a = toolbar->addAction(m.text);
        a->setCheckable(true);
        a->setShortcut(m.key);
        a->setChecked(m.mode == AnnotationTool::Mode::Select);
        m_modes->addAction(a);
        const AnnotationTool::Mode mode = m.mode;
        connect(a, &QAction::triggered, this, [this, mode] { m_tool->setMode(mode); });
    }
    toolbar->addSeparator();
    m_undo = toolbar->addAction(tr("Undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_redo = toolbar->addAction(tr("Redo"));
    m_redo->setShortcut(QKeySequence::Redo);
    connect(m_undo, &QAction::triggered, this, [this] { m_project->document()->undoStack()->undo(); });
    connect(m_redo, &QAction::triggered, this, [this] { m_project->document()->undoStack()->redo(); });

    // File menu: project actions above Quit.
    QMenu *file = nullptr;
    for (QAction *a : window->menuBar()->actions())
        if (a->menu() && !file)
            file = a->menu();
    auto *openProject = new QAction(tr("Open &Project..."), this);
    openProject->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    auto *saveProject = new QAction(tr("&Save Project"), this);
    saveProject->setShortcut(QKeySequence::Save);
    auto *saveProjectAs = new QAction(tr("Save Project &As..."), this);
    saveProjectAs->setShortcut(QKeySequence::SaveAs);
    connect(openProject, &QAction::triggered, this, [this] {
        if (!confirmDiscard())
            return;
        const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Project"), QString(),
                                                          tr("SatGPT projects (*.satgpt);;All files (*)"));
        if (!path.isEmpty())
            this->openProject(path);
    });
    connect(saveProject, &QAction::triggered, this, &AnnotationIntegration::saveProject);
    connect(saveProjectAs, &QAction::triggered, this, &AnnotationIntegration::saveProjectAs);
    if (file) {
        QAction *last = file->actions().isEmpty() ? nullptr : file->actions().last();
        file->insertAction(last, openProject);
        file->insertAction(last, saveProject);
        file->insertAction(last, saveProjectAs);
        file->insertSeparator(last);
    }

    connect(m_tool, &AnnotationTool::selectionChanged, this, [this](const QVector<qint64> &ids) {
        m_list->setSelection(ids);
        m_editor->setAnnotation(ids.size() == 1 ? ids.first() : 0);
    });
    connect(m_list, &AnnotationListPanel::selectionChanged, this, [this](const QVector<qint64> &ids) {
        m_tool->setSelection(ids);
    });
    connect(m_list, &AnnotationListPanel::zoomToRequested, this, [this](const QString &scene, const QRectF &rect) {
        if (scene == m_tool->sceneId())
            m_canvas->zoomToPixelRect(rect);
    });
    connect(m_labels, &LabelSchemaPanel::currentClassChanged, m_tool, &AnnotationTool::setCurrentClass);
    connect(m_tool, &AnnotationTool::currentClassChanged, m_labels, &LabelSchemaPanel::setCurrentClass);
    connect(m_labels, &LabelSchemaPanel::colorChangeRequested, this, [this](int id, const QColor &current) {
        const QColor c = QColorDialog::getColor(current, m_window, tr("Class Colour"));
        if (c.isValid())
            m_labels->setClassColor(id, c);
    });
    canvas->setMapTool(m_tool);
    window->installEventFilter(this);

    setProject(std::make_unique<Project>());
}

AnnotationIntegration::~AnnotationIntegration()
{
    if (m_canvas)
        m_canvas->setMapTool(nullptr);
}

void AnnotationIntegration::setProject(std::unique_ptr<Project> project)
{
    delete m_autosave;
    m_autosave = nullptr;
    // Views let go of the old document before it is destroyed.
    AnnotationDocument *doc = project->document();
    m_tool->setDocument(doc);
    m_labels->setDocument(doc);
    m_list->setDocument(doc);
    m_editor->setDocument(doc);
    m_history->setStack(doc->undoStack());
    m_project = std::move(project);
    connect(m_project.get(), &Project::changed, this, &AnnotationIntegration::updateTitle);
    connect(m_project.get(), &Project::saved, this, &AnnotationIntegration::updateTitle);
    m_autosave = new ProjectAutosave(m_project.get(), this);
    m_autosave->setIntervalSeconds(QSettings().value(QStringLiteral("annotations/autosaveSeconds"), 60).toInt());
    connect(m_autosave, &ProjectAutosave::autosaveFailed, this, [this](const QString &message) {
        m_window->statusBar()->showMessage(tr("Autosave failed: %1").arg(message), 10000);
    });
    m_autosave->start();
    bindReferenceScene();
    updateTitle();
}

bool AnnotationIntegration::openProject(const QString &path)
{
    Result<std::unique_ptr<Project>> loaded = Project::load(path);
    if (ProjectAutosave::hasRecovery(path)) {
        const auto answer = QMessageBox::question(
            m_window, tr("Recover Project"),
            tr("%1 has autosaved changes newer than the saved project. Recover them?").arg(QFileInfo(path).fileName()),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
        if (answer == QMessageBox::Yes) {
            Result<std::unique_ptr<Project>> recovered = ProjectAutosave::recover(path);
            if (recovered)
                loaded = std::move(recovered);
            else
                warn(tr("Cannot recover the autosave"), QString::fromStdString(recovered.error().toString()));
        } else {
            ProjectAutosave::discardRecovery(path);
        }
    }
    if (!loaded) {
        warn(tr("Cannot open the project"), QString::fromStdString(loaded.error().toString()));
        return false;
    }
    std::unique_ptr<Project> project = std::move(loaded.value());
    QStringList scenes, missing;
    for (const ProjectScene &s : project->scenes())
        (s.missing ? missing : scenes) << s.path;
    setProject(std::move(project));
    m_canvas->clearLayers();
    Q_EMIT openScenesRequested(scenes);
    if (!missing.isEmpty())
        warn(tr("Missing scenes"), tr("These scenes were not found; their annotations are kept:\n%1").arg(missing.join(QLatin1Char('\n'))));
    return true;
}

bool AnnotationIntegration::saveProject()
{
    if (m_project->path().isEmpty())
        return saveProjectAs();
    const Status s = m_project->save();
    if (!s)
        warn(tr("Cannot save the project"), QString::fromStdString(s.error().toString()));
    else
        m_window->statusBar()->showMessage(tr("Saved %1").arg(m_project->path()), 5000);
    return s.ok();
}

bool AnnotationIntegration::saveProjectAs()
{
    QString path = QFileDialog::getSaveFileName(m_window, tr("Save Project"), m_project->path(),
                                                tr("SatGPT projects (*.satgpt)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".satgpt");
    const Status s = m_project->save(path);
    if (!s)
        warn(tr("Cannot save the project"), QString::fromStdString(s.error().toString()));
    return s.ok();
}

void AnnotationIntegration::onSceneOpened(const QString &path, bool ok)
{
    if (!ok)
        return;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    bool known = false;
    for (const ProjectScene &s : m_project->scenes())
        known = known || s.path == absolute;
    if (!known) {
        Result<QString> added = m_project->addScene(absolute);
        if (!added)
            warn(tr("Cannot add the scene to the project"), QString::fromStdString(added.error().toString()));
    }
    bindReferenceScene();
}

void AnnotationIntegration::bindReferenceScene()
{
    // Annotations are drawn in the pixels of the canvas's reference (first) layer.
    MapCanvas *canvas = m_canvas;
    QString sceneId;
    if (canvas && canvas->layerCount() > 0) {
        if (TileRenderer *r = canvas->layerRenderer(canvas->layerIds().first())) {
            const QString path = QFileInfo(r->info().path).absoluteFilePath();
            for (const ProjectScene &s : m_project->scenes())
                if (s.path == path)
                    sceneId = s.id;
        }
    }
    m_tool->setSceneId(sceneId);
    m_list->setSceneFilter(sceneId);
}

void AnnotationIntegration::updateTitle()
{
    if (!m_window)
        return;
    const QString name = m_project->path().isEmpty() ? tr("Untitled project") : QFileInfo(m_project->path()).fileName();
    m_window->setWindowTitle(tr("%1%2 — SatGPT Workbench").arg(name, m_project->isModified() ? QStringLiteral(" *") : QString()));
}

bool AnnotationIntegration::confirmDiscard()
{
    if (!m_project->isModified() || m_project->document()->count() == 0)
        return true;
    const auto answer = QMessageBox::question(m_window, tr("Unsaved Changes"), tr("Save the changes to the project first?"),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                              QMessageBox::Save);
    if (answer == QMessageBox::Cancel)
        return false;
    if (answer == QMessageBox::Save)
        return saveProject();
    if (!m_project->path().isEmpty())
        ProjectAutosave::discardRecovery(m_project->path());
    return true;
}

bool AnnotationIntegration::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window && event->type() == QEvent::Close && !confirmDiscard()) {
        event->ignore();
        return true;
    }
    return QObject::eventFilter(watched, event);
}

void AnnotationIntegration::warn(const QString &title, const QString &text)
{
    // Non-modal: the user keeps working while the message is shown.
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace satgpt
