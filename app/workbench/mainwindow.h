// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/raster/rendering.h"

#include <QMainWindow>
#include <QPointer>

#include <optional>

class QAction;
class QLabel;
class QMenu;
class QProgressBar;

namespace satgpt {

class AnnotationIntegration;
class LayerPanel;
class MapCanvas;
class MessageBar;
class OverviewBuildJob;
struct CursorPosition;

/// The workbench window: map canvas in the centre, dockable layer panel, menus and shortcuts,
/// a status bar with the cursor's coordinates and band values, recent files and persisted
/// settings. Scenes open on a worker thread; failures and offers appear in a non-modal message
/// bar. GUI thread only.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens scenes in the background, each added as a layer on top when ready.
    void openScenes(const QStringList &paths);
    /// Command-line paths: `.satgpt` files open as the project, everything else as scenes.
    void openPaths(const QStringList &paths);
    MapCanvas *canvas() const { return m_canvas; }
    int pendingOpens() const { return m_pendingOpens; }

Q_SIGNALS:
    /// A scene finished opening (ok) or failed (message shown in the bar).
    void sceneOpened(const QString &path, bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    AnnotationIntegration *m_annotations = nullptr;
    void createActions();
    void createMenus();
    void createStatusBar();
    void openDialog();
    void openScene(const QString &path, const std::optional<RenderSettings> &settings = std::nullopt);
    void addRecentFile(const QString &path);
    void rebuildRecentMenu();
    void showCursor(const CursorPosition &pos);
    void showPixelValues(int layerId, QPoint pixel, const QVector<double> &values, bool valid);
    void offerOverviews(int layerId);
    void startOverviewBuild(const QString &path);
    void showMessage(const QString &title, const QString &text, QtMsgType severity);
    void readSettings();
    void writeSettings();
    Stretch lastStretch() const;

    MapCanvas *m_canvas = nullptr;
    LayerPanel *m_layerPanel = nullptr;
    MessageBar *m_messageBar = nullptr;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_pixelLabel = nullptr;
    QLabel *m_mapLabel = nullptr;
    QLabel *m_lonLatLabel = nullptr;
    QLabel *m_valuesLabel = nullptr;
    QLabel *m_scaleLabel = nullptr;
    QProgressBar *m_jobProgress = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_zoomInAction = nullptr;
    QAction *m_zoomOutAction = nullptr;
    QAction *m_fitAction = nullptr;
    QAction *m_nativeAction = nullptr;
    QAction *m_swipeAction = nullptr;
    QAction *m_scaleBarAction = nullptr;
    QAction *m_removeLayerAction = nullptr;
    QStringList m_recentFiles;
    QPointer<OverviewBuildJob> m_overviewJob;
    int m_pendingOpens = 0;
};

} // namespace satgpt
