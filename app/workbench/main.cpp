// SPDX-License-Identifier: GPL-3.0-or-later
// satgpt-workbench [SCENE...]: the desktop workbench; opens the given scenes as layers.
#include "i18n.h"
#include "mainwindow.h"

#include "core/ml/runtime.h"
#include "core/raster/rasterdataset.h"
#include "core/raster/tilerenderer.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QThread>
#include <QThreadPool>

#include <algorithm>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("satgpt-workbench"));
    QApplication::setOrganizationName(QStringLiteral("SatGPT"));
    QApplication::setApplicationDisplayName(QStringLiteral("SatGPT Workbench"));
    QApplication::setApplicationVersion(QStringLiteral(SATGPT_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Workbench for satellite scenes"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption langOpt(QStringLiteral("lang"), QApplication::translate("main", "User interface language (e.g. de, th)."),
                               QStringLiteral("code"));
    parser.addOption(langOpt);
    parser.addPositionalArgument(QStringLiteral("scene"), QApplication::translate("main", "Scenes to open as layers."),
                                 QStringLiteral("[SCENE...]"));
    parser.process(app);
    satgpt::installTranslations(parser.value(langOpt));

    // Rendered tiles are cached by the canvas; GDAL's own block cache only bridges reads.
    satgpt::setRasterBlockCacheLimit(qint64(128) << 20);
    satgpt::registerGdalDrivers();
    // Model work runs on workers; leave one core to the GUI thread where there are several.
    satgpt::ml::configureRuntime(std::max(1, QThread::idealThreadCount() - 1));
    satgpt::ml::keepFreedMemoryForReuse(std::size_t(128) << 20);

    satgpt::MainWindow window;
    window.show();
    window.openPaths(parser.positionalArguments());
    const int rc = app.exec();
    satgpt::TileRenderer::threadPool()->waitForDone();
    return rc;
}
