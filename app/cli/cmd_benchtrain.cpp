// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt bench train`: training throughput (samples/s) and peak RSS on synthetic batches.

#include "command.h"

#include "core/ml/runtime.h"
#include "core/ml/trainer.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <sys/resource.h>

namespace satgpt::cli {

namespace {

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // kilobytes on Linux
}

int runBenchTrain(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Measure training throughput and peak memory."));
    p.addHelpOption();
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("full | small | config JSON."), QStringLiteral("M"), QStringLiteral("full"));
    const QCommandLineOption batch(QStringLiteral("batch-size"), QStringLiteral("Batch size."), QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption tokens(QStringLiteral("tokens"), QStringLiteral("Caption length in tokens."), QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption steps(QStringLiteral("steps"), QStringLiteral("Timed steps."), QStringLiteral("N"), QStringLiteral("3"));
    // Two: the first two steps of a training process still fault in its working set.
    const QCommandLineOption warmup(QStringLiteral("warmup"), QStringLiteral("Untimed steps first."), QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Intra-op threads."), QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption device(QStringLiteral("device"), QStringLiteral("cpu | cuda | auto."), QStringLiteral("DEV"), QStringLiteral("cpu"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    for (const auto *o : {&model, &batch, &tokens, &steps, &warmup, &threads, &device, &json})
        p.addOption(*o);
    p.process(args);
    ml::configureRuntime(p.value(threads).toInt());
    ml::keepAllFreedMemory(); // as `satgpt train` runs
    ml::TrainBenchConfig c;
    c.model = p.value(model).toStdString();
    c.batchSize = std::max(1LL, p.value(batch).toLongLong());
    c.tokens = std::max(1LL, p.value(tokens).toLongLong());
    c.steps = std::max(1LL, p.value(steps).toLongLong());
    c.warmupSteps = std::max(1LL, p.value(warmup).toLongLong());
    c.device = p.value(device).toStdString();
    auto r = ml::benchmarkTraining(c);
    if (!r)
        return fail(QString::fromStdString(r.error().toString()));
    const double rss = peakRssMiB();
    QTextStream out(stdout);
    if (p.isSet(json)) {
        QJsonObject o{{"model", p.value(model)},           {"device", QString::fromStdString(r->device)},
                      {"threads", ml::runtimeThreads()},     {"batch_size", qint64(c.batchSize)},
                      {"tokens", qint64(c.tokens)},          {"parameters", qint64(r->parameters)},
                      {"samples_per_s", r->samplesPerSecond}, {"seconds_per_step", r->secondsPerStep},
                      {"first_step_s", r->firstStepSeconds},  {"peak_rss_mib", rss},
                      {"blas", QString::fromStdString(ml::blasDescription())}};
        out << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
        return 0;
    }
    out << "model " << p.value(model) << " (" << QString::number(double(r->parameters) / 1e6, 'f', 1) << " M parameters), "
        << QString::fromStdString(r->device) << ", " << ml::runtimeThreads() << " threads, batch " << c.batchSize << ", "
        << c.tokens << " tokens\n"
        << "  BLAS: " << QString::fromStdString(ml::blasDescription()) << '\n'
        << "  " << QString::number(r->samplesPerSecond, 'f', 3) << " samples/s (" << QString::number(r->secondsPerStep, 'f', 2)
        << " s/step over " << c.steps << " steps; first step " << QString::number(r->firstStepSeconds, 'f', 2) << " s)\n"
        << "  peak RSS " << QString::number(rss, 'f', 0) << " MiB\n";
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("bench train", "Training throughput (samples/s) and peak RSS on synthetic batches", runBenchTrain)

} // namespace satgpt::cli
