// SPDX-License-Identifier: GPL-3.0-or-later
#include "command.h"

#include "core/ml/runtime.h"
#include "core/raster/rasterdataset.h"

#include <QApplication>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

namespace satgpt::cli {

static std::vector<Command> &registry()
{
    static std::vector<Command> s_commands;
    return s_commands;
}

void registerCommand(const Command &command) { registry().push_back(command); }
const std::vector<Command> &commands() { return registry(); }

int fail(const QString &message)
{
    QTextStream(stderr) << "satgpt: " << message << Qt::endl;
    return 1;
}

static void printUsage()
{
    QTextStream out(stdout);
    out << "Usage: satgpt <command> [options]\n\nCommands:\n";
    auto sorted = commands();
    std::sort(sorted.begin(), sorted.end(), [](const Command &a, const Command &b) { return qstrcmp(a.name, b.name) < 0; });
    for (const Command &c : sorted)
        out << "  " << QString::fromUtf8(c.name).leftJustified(22) << c.summary << '\n';
    out << "\nRun 'satgpt <command> --help' for a command's options.\n";
}

} // namespace satgpt::cli

int main(int argc, char **argv)
{
    using namespace satgpt::cli;
    // The CLI renders images and reports but never shows a window: it must run on a server.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // QApplication (not QGuiApplication) because reports draw their training curves with
    // QCustomPlot, a widget, exactly as the workbench does; offscreen, it needs no display.
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("satgpt"));
    QApplication::setOrganizationName(QStringLiteral("SatGPT"));
    QApplication::setApplicationVersion(QStringLiteral(SATGPT_VERSION));
    satgpt::registerGdalDrivers();
    satgpt::ml::configureRuntime();
    satgpt::ml::keepFreedMemoryForReuse();

    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")
        || args.first() == QLatin1String("help")) {
        printUsage();
        return args.isEmpty() ? 2 : 0;
    }
    if (args.first() == QLatin1String("--version")) {
        QTextStream(stdout) << "satgpt " << SATGPT_VERSION << Qt::endl;
        return 0;
    }
    // Two-word verbs ("bench canvas") win over one-word ones ("bench").
    for (int words = 2; words >= 1; --words) {
        if (args.size() < words)
            continue;
        const QString name = args.mid(0, words).join(QLatin1Char(' '));
        for (const Command &c : commands()) {
            if (name == QString::fromUtf8(c.name)) {
                QStringList rest = args.mid(words);
                rest.prepend(QStringLiteral("satgpt ") + name);
                return c.run(rest);
            }
        }
    }
    fail(QStringLiteral("unknown command '%1'").arg(args.first()));
    printUsage();
    return 2;
}
