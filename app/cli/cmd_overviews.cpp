// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt overviews SCENE`: builds the external pyramid the canvas needs to roam a large scene.

#include "app/cli/command.h"

#include "core/raster/overviewbuildjob.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QTextStream>

namespace {

using namespace satgpt;

int runOverviews(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Build external overviews (SCENE.ovr, DEFLATE, average) "
                                                    "so large scenes display quickly."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("scene"), QStringLiteral("Raster file"));
    parser.process(args);
    if (parser.positionalArguments().size() != 1)
        return cli::fail(QStringLiteral("overviews: expected exactly one SCENE argument"));

    OverviewBuildJob job(parser.positionalArguments().first());
    QTextStream err(stderr);
    auto bar = [&err](double fraction) {
        const int width = 40;
        const int filled = int(fraction * width + 0.5);
        err << "\r[" << QString(filled, QLatin1Char('#')) << QString(width - filled, QLatin1Char(' ')) << "] "
            << QString::number(int(fraction * 100.0 + 0.5)).rightJustified(3) << '%';
        err.flush();
    };
    QObject::connect(&job, &Job::progressChanged, &job, bar);
    QEventLoop loop;
    QObject::connect(&job, &Job::finished, &loop, &QEventLoop::quit);
    bar(0.0);
    job.start();
    loop.exec();
    err << '\n';
    if (job.state() != Job::State::Succeeded)
        return cli::fail(job.errorText().isEmpty() ? QStringLiteral("overviews: canceled") : job.errorText());
    QTextStream(stdout) << job.statusText() << '\n';
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("overviews", "Build external overviews (.ovr pyramid) for a scene", runOverviews)
