// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "annotationintegration.h"
#include "chatdock.h"
#include "jobsdock.h"
#include "messagebar.h"

#include "core/raster/overviewbuildjob.h"
#include "core/raster/tilerenderer.h"
#include "widgets/layers/layerpanel.h"
#include "widgets/mapcanvas/mapcanvas.h"
#include "widgets/reports/reportdialog.h"
#include "core/project/project.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QMenuBar>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace satgpt {

namespace {

constexpr int kMaxRecent = 10;

/// What a background open hands back to the GUI thread.
struct OpenOutcome
{
    std::optional<PreparedLayer> layer;
    QString error;
};

QString formatNumber(double v)
{
    if (std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 1e12)
        return QString::number(qint64(std::llround(v)));
    return QString::number(v, 'g', 6);
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("SatGPT Workbench"));
    setObjectName(QStringLiteral("mainWindow"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_messageBar = new MessageBar(central);
    m_canvas = new MapCanvas(central);
    m_canvas->setObjectName(QStringLiteral("mapCanvas"));
    layout->addWidget(m_messageBar);
    layout->addWidget(m_canvas, 1);
    setCentralWidget(central);

    m_layerPanel = new LayerPanel(this);
    m_layerPanel->setCanvas(m_canvas);
    auto *dock = new QDockWidget(tr("Layers"), this);
    dock->setObjectName(QStringLiteral("layersDock"));
    dock->setWidget(m_layerPanel);
    addDockWidget(Qt::RightDockWidgetArea, dock);

    createActions();
    createMenus();
    auto *viewMenu = menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu"));
    QAction *toggleLayers = dock->toggleViewAction();
    toggleLayers->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    if (viewMenu) {
        viewMenu->addSeparator();
        viewMenu->addAction(toggleLayers);
    }
    createStatusBar();

    connect(m_canvas, &MapCanvas::messageRaised, this, &MainWindow::showMessage);
    connect(m_canvas, &MapCanvas::cursorPositionChanged, this, &MainWindow::showCursor);
    connect(m_canvas, &MapCanvas::pixelValuesChanged, this, &MainWindow::showPixelValues);
    connect(m_canvas, &MapCanvas::viewChanged, this, [this] {
        m_scaleLabel->setText(tr("Zoom %1%").arg(m_canvas->scale() * devicePixelRatioF() * 100.0, 0, 'f', 1));
    });
    connect(m_canvas, &MapCanvas::swipeChanged, this, [this](bool on) { m_swipeAction->setChecked(on); });
    connect(m_layerPanel, &LayerPanel::renderSettingsEdited, this, [](int, const RenderSettings &s) {
        QSettings settings;
        settings.setValue(QStringLiteral("render/stretchKind"), int(s.stretch.kind));
        settings.setValue(QStringLiteral("render/lowPercent"), s.stretch.lowPercent);
        settings.setValue(QStringLiteral("render/highPercent"), s.stretch.highPercent);
        settings.setValue(QStringLiteral("render/stdDevs"), s.stretch.stdDevs);
        settings.setValue(QStringLiteral("render/gamma"), s.stretch.gamma);
    });
    connect(m_layerPanel, &LayerPanel::removeRequested, m_canvas, &MapCanvas::removeLayer);

    // Fine-tuning jobs (app/workbench/jobsdock.h): before readSettings so the dock's place is restored.
    auto *jobsDock = new JobsDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, jobsDock);
    connect(jobsDock, &JobsDock::messageRaised, this, &MainWindow::showMessage);
    if (viewMenu)
        viewMenu->addAction(jobsDock->toggleViewAction());

    // Annotations and projects (app/workbench/annotationintegration.h): docks, tools, File > Project.
    m_annotations = new AnnotationIntegration(this, m_canvas);
    connect(this, &MainWindow::sceneOpened, m_annotations, &AnnotationIntegration::onSceneOpened);
    connect(m_annotations, &AnnotationIntegration::openScenesRequested, this, &MainWindow::openScenes);
    // The Fine-tune dialog offers the open project's annotations as training data.
    jobsDock->setProjectProvider([this] { return m_annotations->project(); });

    // Chat about the scene (app/workbench/chatdock.h): a dock on the right, under View.
    auto *chatDock = new ChatDock(this, m_canvas, m_annotations);
    addDockWidget(Qt::RightDockWidgetArea, chatDock);
    connect(chatDock, &ChatDock::messageRaised, this, &MainWindow::showMessage);
    connect(jobsDock, &JobsDock::activeModelRequested, chatDock, &ChatDock::useModel);
    tabifyDockWidget(dock, chatDock); // the conversation needs the height; a saved layout overrides this
    chatDock->raise();
    if (viewMenu)
        viewMenu->addAction(chatDock->toggleViewAction());

    // Reports (widgets/reports/reportdialog.h): File > Export Report..., over a snapshot of the project.
    auto *reportAction = new QAction(tr("Export &Report..."), this);
    reportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    connect(reportAction, &QAction::triggered, this, [this] {
        Project *project = m_annotations->project();
        if (!project) {
            showMessage(tr("No project"), tr("Open or create a project before exporting a report."), QtWarningMsg);
            return;
        }
        auto *dialog = new ReportDialog(ReportData::fromProject(*project), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &ReportDialog::messageRaised, this, &MainWindow::showMessage);
        dialog->show();
    });
    if (QMenu *fileMenu = menuBar()->actions().isEmpty() ? nullptr : menuBar()->actions().first()->menu()) {
        fileMenu->insertAction(m_quitAction, reportAction);
        fileMenu->insertSeparator(m_quitAction);
    }
    readSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    m_openAction = new QAction(tr("&Open Scene..."), this);
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openDialog);

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_zoomInAction = new QAction(tr("Zoom &In"), this);
    m_zoomInAction->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal)});
    connect(m_zoomInAction, &QAction::triggered, m_canvas, &MapCanvas::zoomIn);

    m_zoomOutAction = new QAction(tr("Zoom &Out"), this);
    m_zoomOutAction->setShortcuts({QKeySequence::ZoomOut, QKeySequence(Qt::Key_Minus)});
    connect(m_zoomOutAction, &QAction::triggered, m_canvas, &MapCanvas::zoomOut);

    m_fitAction = new QAction(tr("&Fit to Window"), this);
    m_fitAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_0), QKeySequence(Qt::Key_Home)});
    connect(m_fitAction, &QAction::triggered, m_canvas, &MapCanvas::fitToWindow);

    m_nativeAction = new QAction(tr("&Actual Pixels (1:1)"), this);
    m_nativeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(m_nativeAction, &QAction::triggered, m_canvas, &MapCanvas::zoomToNativeResolution);

    m_swipeAction = new QAction(tr("&Swipe Compare"), this);
    m_swipeAction->setCheckable(true);
    m_swipeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_swipeAction->setToolTip(tr("Show the top layer left of a draggable divider"));
    connect(m_swipeAction, &QAction::toggled, m_canvas, &MapCanvas::setSwipeEnabled);

    m_scaleBarAction = new QAction(tr("Scale &Bar"), this);
    m_scaleBarAction->setCheckable(true);
    m_scaleBarAction->setChecked(true);
    connect(m_scaleBarAction, &QAction::toggled, m_canvas, &MapCanvas::setScaleBarVisible);

    m_removeLayerAction = new QAction(tr("&Remove Layer"), this);
    m_removeLayerAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Delete));
    connect(m_removeLayerAction, &QAction::triggered, this, [this] {
        if (const int id = m_layerPanel->selectedLayer())
            m_canvas->removeLayer(id);
    });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openAction);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    file->addAction(m_removeLayerAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    view->addAction(m_zoomInAction);
    view->addAction(m_zoomOutAction);
    view->addAction(m_fitAction);
    view->addAction(m_nativeAction);
    view->addSeparator();
    view->addAction(m_swipeAction);
    view->addAction(m_scaleBarAction);
}

void MainWindow::createStatusBar()
{
    m_pixelLabel = new QLabel(this);
    m_mapLabel = new QLabel(this);
    m_lonLatLabel = new QLabel(this);
    m_valuesLabel = new QLabel(this);
    m_scaleLabel = new QLabel(this);
    m_jobProgress = new QProgressBar(this);
    m_jobProgress->setMaximumWidth(160);
    m_jobProgress->setRange(0, 100);
    m_jobProgress->hide();
    for (QLabel *l : {m_pixelLabel, m_mapLabel, m_lonLatLabel})
        l->setMinimumWidth(150);
    statusBar()->addWidget(m_pixelLabel);
    statusBar()->addWidget(m_mapLabel);
    statusBar()->addWidget(m_lonLatLabel);
    statusBar()->addWidget(m_valuesLabel, 1);
    statusBar()->addPermanentWidget(m_jobProgress);
    statusBar()->addPermanentWidget(m_scaleLabel);
}

void MainWindow::openDialog()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("files/lastDir")).toString();
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open Scene"), dir,
        tr("Raster scenes (*.tif *.tiff *.TIF *.jp2 *.img *.vrt *.nc *.hdf *.h5 *.png *.jpg);;All files (*)"));
    if (paths.isEmpty())
        return;
    settings.setValue(QStringLiteral("files/lastDir"), QFileInfo(paths.first()).absolutePath());
    openScenes(paths);
}

void MainWindow::openPaths(const QStringList &paths)
{
    QStringList scenes;
    for (const QString &path : paths) {
        if (path.endsWith(QLatin1String(".satgpt"), Qt::CaseInsensitive))
            m_annotations->openProject(path);
        else
            scenes << path;
    }
    openScenes(scenes);
}

void MainWindow::openScenes(const QStringList &paths)
{
    for (const QString &p : paths)
        openScene(p);
}

Stretch MainWindow::lastStretch() const
{
    QSettings settings;
    Stretch s;
    s.kind = StretchKind(settings.value(QStringLiteral("render/stretchKind"), int(s.kind)).toInt());
    s.lowPercent = settings.value(QStringLiteral("render/lowPercent"), s.lowPercent).toDouble();
    s.highPercent = settings.value(QStringLiteral("render/highPercent"), s.highPercent).toDouble();
    s.stdDevs = settings.value(QStringLiteral("render/stdDevs"), s.stdDevs).toDouble();
    s.gamma = settings.value(QStringLiteral("render/gamma"), s.gamma).toDouble();
    return s;
}

void MainWindow::openScene(const QString &path, const std::optional<RenderSettings> &given)
{
    // An empty composition makes prepareLayer pick the scene's default bands.
    RenderSettings settings;
    settings.stretch = lastStretch();
    if (given)
        settings = *given;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    ++m_pendingOpens;
    statusBar()->showMessage(tr("Opening %1...").arg(QFileInfo(path).fileName()));
    auto *watcher = new QFutureWatcher<OpenOutcome>(this);
    connect(watcher, &QFutureWatcher<OpenOutcome>::finished, this, [this, watcher, absolute] {
        watcher->deleteLater();
        --m_pendingOpens;
        statusBar()->clearMessage();
        OpenOutcome outcome = watcher->result();
        if (!outcome.layer) {
            showMessage(tr("Cannot open %1").arg(QFileInfo(absolute).fileName()), outcome.error, QtCriticalMsg);
            Q_EMIT sceneOpened(absolute, false);
            return;
        }
        const bool needsOverviews = outcome.layer->needsOverviews;
        const int id = m_canvas->addLayer(std::move(*outcome.layer), QFileInfo(absolute).fileName());
        m_layerPanel->selectLayer(id);
        addRecentFile(absolute);
        if (needsOverviews)
            offerOverviews(id);
        Q_EMIT sceneOpened(absolute, true);
    });
    watcher->setFuture(QtConcurrent::run([absolute, settings] {
        OpenOutcome outcome;
        try {
            auto prepared = prepareLayer(absolute, settings);
            if (prepared)
                outcome.layer = std::move(prepared.value());
            else
                outcome.error = QString::fromStdString(prepared.error().toString());
        } catch (const std::exception &e) {
            outcome.error = QStringLiteral("%1: %2").arg(absolute, QString::fromUtf8(e.what()));
        }
        return outcome;
    }));
}

void MainWindow::offerOverviews(int layerId)
{
    TileRenderer *r = m_canvas->layerRenderer(layerId);
    if (!r)
        return;
    const QString path = r->info().path;
    m_messageBar->showMessage(
        tr("%1 has no overviews").arg(QFileInfo(path).fileName()),
        tr("Zoomed-out views of this %2 x %3 scene are slow until overviews are built (into %1.ovr, in the background).")
            .arg(QFileInfo(path).fileName())
            .arg(r->info().width)
            .arg(r->info().height),
        QtInfoMsg, tr("Build Overviews"), [this, path] { startOverviewBuild(path); });
}

void MainWindow::startOverviewBuild(const QString &path)
{
    if (m_overviewJob && !m_overviewJob->isFinished()) {
        showMessage(tr("Overviews"), tr("Overviews for another scene are being built; try again when it is done."),
                    QtInfoMsg);
        return;
    }
    auto *job = new OverviewBuildJob(path, this);
    m_overviewJob = job;
    m_jobProgress->setValue(0);
    m_jobProgress->setFormat(tr("Overviews %p%"));
    m_jobProgress->show();
    connect(job, &Job::progressChanged, this, [this](double f) { m_jobProgress->setValue(int(f * 100)); });
    connect(job, &Job::failed, this, [this, path](const QString &message) {
        showMessage(tr("Cannot build overviews for %1").arg(QFileInfo(path).fileName()), message, QtWarningMsg);
    });
    connect(job, &Job::succeeded, this, [this, path] {
        // Renderers opened the scene before the .ovr existed: reopen it, keeping its look.
        for (int id : m_canvas->layerIds()) {
            TileRenderer *r = m_canvas->layerRenderer(id);
            if (r && r->info().path == path) {
                const RenderSettings settings = r->renderSettings();
                m_canvas->removeLayer(id);
                openScene(path, settings);
            }
        }
        showMessage(tr("Overviews built"), QFileInfo(path).fileName(), QtInfoMsg);
    });
    connect(job, &Job::finished, this, [this, job] {
        m_jobProgress->hide();
        job->deleteLater();
    });
    job->start();
}

void MainWindow::showMessage(const QString &title, const QString &text, QtMsgType severity)
{
    m_messageBar->showMessage(title, text, severity);
}

void MainWindow::showCursor(const CursorPosition &pos)
{
    if (!pos.insideScene) {
        m_pixelLabel->clear();
        m_mapLabel->clear();
        m_lonLatLabel->clear();
        m_valuesLabel->clear();
        return;
    }
    m_pixelLabel->setText(tr("Pixel %1, %2").arg(int(std::floor(pos.pixel.x()))).arg(int(std::floor(pos.pixel.y()))));
    m_mapLabel->setText(pos.hasMap ? tr("Map %1, %2").arg(pos.map.x(), 0, 'f', 2).arg(pos.map.y(), 0, 'f', 2) : QString());
    if (pos.hasLonLat) {
        const QChar ns = pos.lonLat.y() >= 0 ? QLatin1Char('N') : QLatin1Char('S');
        const QChar ew = pos.lonLat.x() >= 0 ? QLatin1Char('E') : QLatin1Char('W');
        m_lonLatLabel->setText(tr("%1\u00b0%2 %3\u00b0%4")
                                   .arg(std::abs(pos.lonLat.y()), 0, 'f', 5)
                                   .arg(ns)
                                   .arg(std::abs(pos.lonLat.x()), 0, 'f', 5)
                                   .arg(ew));
    } else {
        m_lonLatLabel->clear();
    }
}

void MainWindow::showPixelValues(int layerId, QPoint, const QVector<double> &values, bool valid)
{
    if (values.isEmpty()) {
        m_valuesLabel->clear();
        return;
    }
    QStringList parts;
    for (int i = 0; i < values.size(); ++i)
        parts << tr("B%1 %2").arg(i + 1).arg(formatNumber(values[i]));
    QString text = parts.join(QStringLiteral("  "));
    if (!valid)
        text += tr(" (nodata)");
    m_valuesLabel->setText(tr("%1: %2").arg(m_canvas->layerName(layerId), text));
}

void MainWindow::addRecentFile(const QString &path)
{
    m_recentFiles.removeAll(path);
    m_recentFiles.prepend(path);
    while (m_recentFiles.size() > kMaxRecent)
        m_recentFiles.removeLast();
    QSettings().setValue(QStringLiteral("files/recent"), m_recentFiles);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    for (int i = 0; i < m_recentFiles.size(); ++i) {
        const QString path = m_recentFiles[i];
        QAction *a = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg((i + 1) % 10).arg(QFileInfo(path).fileName()));
        a->setToolTip(path);
        a->setStatusTip(path);
        connect(a, &QAction::triggered, this, [this, path] { openScene(path); });
    }
    if (!m_recentFiles.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear Recent Files"), this, [this] {
            m_recentFiles.clear();
            QSettings().setValue(QStringLiteral("files/recent"), m_recentFiles);
            rebuildRecentMenu();
        });
    }
    m_recentMenu->setEnabled(!m_recentFiles.isEmpty());
}

void MainWindow::readSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) {
        const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1400, 900);
        resize(avail.size() * 0.9);
        move(avail.center() - rect().center());
    }
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_recentFiles = settings.value(QStringLiteral("files/recent")).toStringList();
    m_scaleBarAction->setChecked(settings.value(QStringLiteral("view/scaleBar"), true).toBool());
    rebuildRecentMenu();
}

void MainWindow::writeSettings()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("view/scaleBar"), m_scaleBarAction->isChecked());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    writeSettings();
    if (m_overviewJob)
        m_overviewJob->cancel(); // its destructor (with this window) waits for it
    event->accept();
}

} // namespace satgpt
