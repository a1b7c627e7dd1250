// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt train` and `satgpt eval`: the training worker of the Jobs panel (protocol in
// docs/training.md) and a metric report for a model folder.

#include "command.h"

#include "core/common/trainingimages.h"
#include "core/ml/runtime.h"
#include "core/ml/trainer.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include <unistd.h>

namespace satgpt::cli {

namespace {

std::atomic<bool> s_cancel{false};

extern "C" void onCancelSignal(int) { s_cancel.store(true); }

/// The GUI writes "cancel" on stdin (portable); SIGTERM/SIGINT do the same. The reader thread is
/// detached because a blocking read cannot be interrupted portably; it ends with the process.
void installCancelHandlers(bool watchStdin)
{
    std::signal(SIGTERM, onCancelSignal);
    std::signal(SIGINT, onCancelSignal);
    if (!watchStdin)
        return;
    std::thread([] {
        std::string line;
        while (std::getline(std::cin, line)) {
            while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
                line.pop_back();
            if (line == "cancel") {
                s_cancel.store(true);
                return;
            }
        }
    }).detach();
}

QString formatDuration(double seconds)
{
    const qint64 s = qint64(seconds + 0.5);
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

int runTrain(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Fine-tune the vision-language model (caption, vqa, classify)."));
    p.addHelpOption();
    const QCommandLineOption config(QStringLiteral("config"), QStringLiteral("Job file (JSON, keys as in DIR/job.json)."), QStringLiteral("JOB.json"));
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("HF model folder or small config JSON."), QStringLiteral("DIR_OR_CONFIG"));
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("Data set folder or file."), QStringLiteral("DIR"));
    const QCommandLineOption task(QStringLiteral("task"), QStringLiteral("caption | vqa | classify."), QStringLiteral("TASK"));
    const QCommandLineOption epochs(QStringLiteral("epochs"), QStringLiteral("Epochs."), QStringLiteral("N"));
    const QCommandLineOption maxSteps(QStringLiteral("max-steps"), QStringLiteral("Optimizer steps (overrides --epochs)."), QStringLiteral("N"));
    const QCommandLineOption batch(QStringLiteral("batch-size"), QStringLiteral("Batch size."), QStringLiteral("N"));
    const QCommandLineOption accum(QStringLiteral("grad-accum"), QStringLiteral("Gradient accumulation steps."), QStringLiteral("N"));
    const QCommandLineOption lr(QStringLiteral("lr"), QStringLiteral("Peak learning rate."), QStringLiteral("X"));
    const QCommandLineOption wd(QStringLiteral("weight-decay"), QStringLiteral("AdamW weight decay."), QStringLiteral("X"));
    const QCommandLineOption warmup(QStringLiteral("warmup-steps"), QStringLiteral("Linear warm-up steps."), QStringLiteral("N"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed."), QStringLiteral("N"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Output folder."), QStringLiteral("DIR"));
    const QCommandLineOption resume(QStringLiteral("resume"), QStringLiteral("Continue from the newest checkpoint in DIR."), QStringLiteral("DIR"));
    const QCommandLineOption events(QStringLiteral("events"), QStringLiteral("JSON events on stdout, one per line."));
    const QCommandLineOption freeze(QStringLiteral("freeze-encoder"), QStringLiteral("Freeze the whole ViT encoder."));
    const QCommandLineOption freezeBlocks(QStringLiteral("freeze-encoder-blocks"), QStringLiteral("Freeze embeddings and the first N ViT blocks."), QStringLiteral("N"));
    const QCommandLineOption evalSteps(QStringLiteral("eval-steps"), QStringLiteral("Validate every N steps (default: every epoch)."), QStringLiteral("N"));
    const QCommandLineOption saveSteps(QStringLiteral("save-steps"), QStringLiteral("Checkpoint every N steps."), QStringLiteral("N"));
    const QCommandLineOption metric(QStringLiteral("early-stopping-metric"), QStringLiteral("Metric for best model / early stopping."), QStringLiteral("NAME"));
    const QCommandLineOption patience(QStringLiteral("patience"), QStringLiteral("Evaluations without improvement before stopping."), QStringLiteral("N"));
    const QCommandLineOption workers(QStringLiteral("workers"), QStringLiteral("Data loader threads."), QStringLiteral("N"));
    const QCommandLineOption device(QStringLiteral("device"), QStringLiteral("auto | cpu | cuda."), QStringLiteral("DEV"));
    const QCommandLineOption maxEval(QStringLiteral("max-eval-samples"), QStringLiteral("Cap on validation samples."), QStringLiteral("N"));
    const QCommandLineOption noAugment(QStringLiteral("no-augment"), QStringLiteral("Disable flips/rotations/colour jitter."));
    // Data parallelism (docs/distributed.md): torchrun's RANK, WORLD_SIZE, LOCAL_RANK,
    // MASTER_ADDR and MASTER_PORT, overridden by these flags.
    const QCommandLineOption rank(QStringLiteral("rank"), QStringLiteral("This process's rank in a data-parallel job (RANK)."), QStringLiteral("N"));
    const QCommandLineOption worldSize(QStringLiteral("world-size"), QStringLiteral("Number of processes (WORLD_SIZE)."), QStringLiteral("N"));
    const QCommandLineOption localRank(QStringLiteral("local-rank"), QStringLiteral("GPU index on this node (LOCAL_RANK)."), QStringLiteral("N"));
    const QCommandLineOption masterAddr(QStringLiteral("master-addr"), QStringLiteral("Host of rank 0 (MASTER_ADDR)."), QStringLiteral("HOST"));
    const QCommandLineOption masterPort(QStringLiteral("master-port"), QStringLiteral("Rendezvous port on rank 0 (MASTER_PORT)."), QStringLiteral("PORT"));
    const QCommandLineOption distBackend(QStringLiteral("dist-backend"), QStringLiteral("auto | gloo | nccl."), QStringLiteral("NAME"));
    for (const auto *o : {&config, &model, &data, &task, &epochs, &maxSteps, &batch, &accum, &lr, &wd, &warmup, &seed, &out, &resume,
                          &events, &freeze, &freezeBlocks, &evalSteps, &saveSteps, &metric, &patience, &workers, &device, &maxEval,
                          &noAugment, &rank, &worldSize, &localRank, &masterAddr, &masterPort, &distBackend})
        p.addOption(*o);
    p.process(args);
    // A training process is a dedicated worker whose steps all reach the same peak.
    ml::keepAllFreedMemory();

    ml::TrainConfig c;
    if (p.isSet(config)) {
        QFile f(p.value(config));
        if (!f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("%1: cannot open the job file (%2)").arg(p.value(config), f.errorString()));
        auto parsed = ml::TrainConfig::fromJson(f.readAll().toStdString(), p.value(config).toStdString());
        if (!parsed)
            return fail(QString::fromStdString(parsed.error().toString()));
        c = parsed.value();
    }
    bool okAll = true;
    auto intOpt = [&](const QCommandLineOption &o, int64_t &field) {
        if (!p.isSet(o))
            return;
        bool ok = false;
        field = p.value(o).toLongLong(&ok);
        if (!ok) {
            fail(QStringLiteral("--%1 expects an integer").arg(o.names().first()));
            okAll = false;
        }
    };
    auto dblOpt = [&](const QCommandLineOption &o, double &field) {
        if (!p.isSet(o))
            return;
        bool ok = false;
        field = p.value(o).toDouble(&ok);
        if (!ok) {
            fail(QStringLiteral("--%1 expects a number").arg(o.names().first()));
            okAll = false;
        }
    };
    if (p.isSet(model))
        c.model = p.value(model).toStdString();
    if (p.isSet(data))
        c.data = p.value(data).toStdString();
    if (p.isSet(task)) {
        const auto t = ml::taskFromString(p.value(task).toStdString());
        if (!t)
            return fail(QStringLiteral("unknown task '%1' (caption, vqa, classify)").arg(p.value(task)));
        c.task = *t;
    }
    if (p.isSet(out))
        c.out = p.value(out).toStdString();
    if (p.isSet(resume))
        c.resume = p.value(resume).toStdString();
    intOpt(epochs, c.epochs);
    intOpt(maxSteps, c.maxSteps);
    intOpt(batch, c.batchSize);
    intOpt(accum, c.gradAccumulation);
    dblOpt(lr, c.learningRate);
    dblOpt(wd, c.weightDecay);
    intOpt(warmup, c.warmupSteps);
    if (p.isSet(seed))
        c.seed = p.value(seed).toULongLong();
    if (p.isSet(freeze))
        c.freezeEncoder = true;
    intOpt(freezeBlocks, c.freezeEncoderBlocks);
    intOpt(evalSteps, c.evalEverySteps);
    intOpt(saveSteps, c.saveEverySteps);
    if (p.isSet(metric))
        c.earlyStoppingMetric = p.value(metric).toStdString();
    intOpt(patience, c.earlyStoppingPatience);
    int64_t w = c.workers;
    intOpt(workers, w);
    c.workers = int(w);
    if (p.isSet(device))
        c.device = p.value(device).toStdString();
    intOpt(maxEval, c.maxEvalSamples);
    if (p.isSet(noAugment))
        c.augment = false;
    auto dist = ml::DistributedConfig::fromEnvironment();
    if (!dist)
        return fail(QString::fromStdString(dist.error().toString()));
    c.distributed = dist.value();
    auto distInt = [&](const QCommandLineOption &o, int &field) {
        int64_t v = field;
        intOpt(o, v);
        field = int(v);
    };
    distInt(rank, c.distributed.rank);
    distInt(worldSize, c.distributed.worldSize);
    distInt(localRank, c.distributed.localRank);
    distInt(masterPort, c.distributed.masterPort);
    if (p.isSet(masterAddr))
        c.distributed.masterAddr = p.value(masterAddr).toStdString();
    if (p.isSet(distBackend))
        c.distributed.backend = p.value(distBackend).toStdString();
    if (!okAll)
        return 1;
    if (auto st = c.distributed.validate(); !st)
        return fail(QString::fromStdString(st.error().toString()));
    if (c.model.empty() || c.data.empty() || c.out.empty())
        return fail(QStringLiteral("--model, --data and --out are required (or a --config job file with them)"));
    if (c.resume.empty() && p.isSet(resume))
        c.resume = c.out;

    const bool eventMode = p.isSet(events);
    installCancelHandlers(eventMode || !isatty(STDIN_FILENO));
    const bool bar = !eventMode && isatty(STDERR_FILENO) && c.distributed.isMain();

    ml::Trainer trainer(c, trainingImageLoader());
    std::string doneStatus;
    trainer.setEventSink([&](const ml::TrainEvent &e) {
        if (e.type == "done")
            doneStatus = e.json;
        if (eventMode) {
            std::fwrite(e.json.data(), 1, e.json.size(), stdout);
            std::fputc('\n', stdout);
            std::fflush(stdout);
            return;
        }
        QTextStream err(stderr);
        if (e.type == "step") {
            if (bar) {
                const int width = 30;
                const int filled = int(e.progress * width + 0.5);
                err << '\r' << '[' << QString(filled, QLatin1Char('#')) << QString(width - filled, QLatin1Char('.')) << "] "
                    << e.step << '/' << e.totalSteps << " loss " << QString::number(e.loss, 'f', 4) << " eta "
                    << formatDuration(e.etaSeconds) << "   ";
                err.flush();
            } else if (e.step % 10 == 0 || e.step == e.totalSteps) {
                err << "step " << e.step << '/' << e.totalSteps << " loss " << QString::number(e.loss, 'f', 4) << Qt::endl;
            }
        } else if (e.type != "start") {
            if (bar)
                err << '\n';
            err << QString::fromStdString(e.json) << Qt::endl;
        }
    });
    auto result = trainer.run(&s_cancel);
    if (!result) {
        if (!eventMode)
            fail(QString::fromStdString(result.error().toString()));
        return 1;
    }
    if (!eventMode && c.distributed.isMain())
        QTextStream(stderr) << "model: " << QString::fromStdString(result->modelDir) << Qt::endl;
    return 0;
}

int runEval(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Evaluate a model folder on a data set split."));
    p.addHelpOption();
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("HF model folder."), QStringLiteral("DIR"));
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("Data set folder or file."), QStringLiteral("DIR"));
    const QCommandLineOption task(QStringLiteral("task"), QStringLiteral("caption | vqa | classify."), QStringLiteral("TASK"), QStringLiteral("caption"));
    const QCommandLineOption split(QStringLiteral("split"), QStringLiteral("train | validation | test."), QStringLiteral("SPLIT"), QStringLiteral("test"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print the report as JSON on stdout."));
    const QCommandLineOption outJson(QStringLiteral("out-json"), QStringLiteral("Also write the JSON report to FILE."), QStringLiteral("FILE"));
    const QCommandLineOption outMd(QStringLiteral("out-md"), QStringLiteral("Write a Markdown report to FILE."), QStringLiteral("FILE"));
    const QCommandLineOption batch(QStringLiteral("batch-size"), QStringLiteral("Batch size."), QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption maxSamples(QStringLiteral("max-samples"), QStringLiteral("Cap on samples."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption maxTokens(QStringLiteral("max-new-tokens"), QStringLiteral("Generation length."), QStringLiteral("N"), QStringLiteral("24"));
    const QCommandLineOption device(QStringLiteral("device"), QStringLiteral("auto | cpu | cuda."), QStringLiteral("DEV"), QStringLiteral("auto"));
    for (const auto *o : {&model, &data, &task, &split, &json, &outJson, &outMd, &batch, &maxSamples, &maxTokens, &device})
        p.addOption(*o);
    p.process(args);
    if (!p.isSet(model) || !p.isSet(data))
        return fail(QStringLiteral("--model and --data are required"));
    const auto t = ml::taskFromString(p.value(task).toStdString());
    if (!t)
        return fail(QStringLiteral("unknown task '%1' (caption, vqa, classify)").arg(p.value(task)));
    ml::EvalConfig c;
    c.model = p.value(model).toStdString();
    c.data = p.value(data).toStdString();
    c.task = *t;
    c.split = p.value(split).toStdString();
    c.batchSize = std::max(1LL, p.value(batch).toLongLong());
    c.maxSamples = p.value(maxSamples).toLongLong();
    c.maxNewTokens = std::max(1LL, p.value(maxTokens).toLongLong());
    c.device = p.value(device).toStdString();
    installCancelHandlers(false);
    auto report = ml::evaluateModel(c, trainingImageLoader(), &s_cancel);
    if (!report)
        return fail(QString::fromStdString(report.error().toString()));
    const std::string jsonText = report->toJson();
    auto writeFile = [](const QString &path, const std::string &text) {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        return f.write(text.data(), qint64(text.size())) == qint64(text.size());
    };
    if (p.isSet(outJson) && !writeFile(p.value(outJson), jsonText + "\n"))
        return fail(QStringLiteral("%1: cannot write the JSON report").arg(p.value(outJson)));
    if (p.isSet(outMd) && !writeFile(p.value(outMd), report->toMarkdown()))
        return fail(QStringLiteral("%1: cannot write the Markdown report").arg(p.value(outMd)));
    QTextStream table(p.isSet(json) ? stderr : stdout);
    table << "task " << QString::fromStdString(report->task) << ", split " << QString::fromStdString(report->split) << ", "
          << report->samples << " samples\n";
    for (const auto &kv : report->metrics)
        table << "  " << QString::fromStdString(kv.first).leftJustified(18) << QString::number(kv.second, 'f', 4) << '\n';
    table.flush();
    if (p.isSet(json)) {
        std::fwrite(jsonText.data(), 1, jsonText.size(), stdout);
        std::fputc('\n', stdout);
    }
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("train", "Fine-tune the vision-language model (worker protocol with --events)", runTrain)
SATGPT_CLI_COMMAND("eval", "Evaluate a model on a data set split (metric table, --json, --out-md)", runEval)

} // namespace satgpt::cli
