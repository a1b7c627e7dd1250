// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt bench model [--threads N] [--json]`: full-size ViT-B/16 + GPT-2 small timings beside
// this machine's bounds (see docs/model.md).

#include "app/cli/command.h"

#include "core/ml/modelbench.h"
#include "core/ml/runtime.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace {

using namespace satgpt;

int runBenchModel(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Benchmark the full-size vision-language model (random weights)."));
    parser.addHelpOption();
    const QCommandLineOption threadsOpt(QStringLiteral("threads"), QStringLiteral("Intra-op threads (default 2)"), QStringLiteral("n"), QStringLiteral("2"));
    const QCommandLineOption repeatsOpt(QStringLiteral("repeats"), QStringLiteral("Timed runs per figure (default 5)"), QStringLiteral("n"), QStringLiteral("5"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print JSON"));
    parser.addOptions({threadsOpt, repeatsOpt, jsonOpt});
    parser.process(args);
    ml::ModelBenchOptions o;
    bool ok = false;
    o.threads = parser.value(threadsOpt).toInt(&ok);
    if (!ok || o.threads < 1)
        return cli::fail(QStringLiteral("--threads must be a positive integer"));
    o.repeats = parser.value(repeatsOpt).toInt(&ok);
    if (!ok || o.repeats < 1)
        return cli::fail(QStringLiteral("--repeats must be a positive integer"));
    const bool json = parser.isSet(jsonOpt);
    QTextStream err(stderr);
    auto r = ml::runModelBenchmark(o, [&](const std::string &line) {
        err << "  " << QString::fromStdString(line) << Qt::endl;
    });
    if (!r)
        return cli::fail(QString::fromStdString(r.error().toString()));
    const auto &res = r.value();
    QTextStream out(stdout);
    if (json) {
        QJsonArray figures;
        for (const auto &f : res.figures) {
            QJsonObject o{{QStringLiteral("key"), QString::fromStdString(f.key)},
                          {QStringLiteral("label"), QString::fromStdString(f.label)},
                          {QStringLiteral("value"), f.value},
                          {QStringLiteral("unit"), QString::fromStdString(f.unit)}};
            if (f.bound > 0) {
                o.insert(QStringLiteral("bound"), f.bound);
                o.insert(QStringLiteral("bound_basis"), QString::fromStdString(f.boundBasis));
                o.insert(QStringLiteral("ratio_to_bound"), f.value / f.bound);
            }
            if (f.target > 0) {
                o.insert(QStringLiteral("target"), f.target);
                o.insert(QStringLiteral("meets_target"), f.lowerIsBetter ? f.value <= f.target : f.value >= f.target);
            }
            figures.append(o);
        }
        QJsonObject o{{QStringLiteral("config"), QString::fromStdString(res.config)},
                      {QStringLiteral("threads"), res.threads},
                      {QStringLiteral("blas"), QString::fromStdString(ml::blasDescription())},
                      {QStringLiteral("parameters"), res.parameterCount},
                      {QStringLiteral("matmul_gflops"), res.matmulGflops},
                      {QStringLiteral("blas_matmul_gflops"), res.blasMatmulGflops},
                      {QStringLiteral("onednn_matmul_gflops"), res.oneDnnMatmulGflops},
                      {QStringLiteral("read_bandwidth_gbs"), res.readBandwidthGBs},
                      {QStringLiteral("encode_gflop"), res.encodeGflop},
                      {QStringLiteral("decode_bytes_per_token"), res.decodeBytesPerToken},
                      {QStringLiteral("figures"), figures}};
        out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << QString::fromStdString(res.config) << '\n'
        << "BLAS: " << QString::fromStdString(ml::blasDescription()) << '\n'
        << QStringLiteral("threads %1, %2 M parameters; fp32 1024^2 matmul %3 GFLOP/s alongside the encodes (at start: "
                          "BLAS %4, oneDNN %5), 256 MB read %6 GB/s alongside the decode steps\n")
               .arg(res.threads)
               .arg(res.parameterCount / 1e6, 0, 'f', 1)
               .arg(res.matmulGflops, 0, 'f', 1)
               .arg(res.blasMatmulGflops, 0, 'f', 1)
               .arg(res.oneDnnMatmulGflops > 0 ? QString::number(res.oneDnnMatmulGflops, 'f', 1) : QStringLiteral("absent"))
               .arg(res.readBandwidthGBs, 0, 'f', 2)
        << QStringLiteral("encode %1 GFLOP; decode reads %2 MB of weights per token\n\n")
               .arg(res.encodeGflop, 0, 'f', 2)
               .arg(res.decodeBytesPerToken / 1e6, 0, 'f', 1);
    for (const auto &f : res.figures) {
        out << QString::fromStdString(f.label).leftJustified(46) << QString::number(f.value, 'f', 1).rightJustified(9) << ' '
            << QString::fromStdString(f.unit);
        if (f.bound > 0)
            out << QStringLiteral("   bound %1 %2 (%3x; %4)")
                       .arg(f.bound, 0, 'f', 1)
                       .arg(QString::fromStdString(f.unit))
                       .arg(f.value / f.bound, 0, 'f', 2)
                       .arg(QString::fromStdString(f.boundBasis));
        if (f.target > 0)
            out << QStringLiteral("   target %1 %2 %3 [%4]")
                       .arg(f.lowerIsBetter ? QStringLiteral("<=") : QStringLiteral(">="))
                       .arg(f.target, 0, 'f', 1)
                       .arg(QString::fromStdString(f.unit))
                       .arg((f.lowerIsBetter ? f.value <= f.target : f.value >= f.target) ? QStringLiteral("met") : QStringLiteral("NOT met"));
        out << '\n';
    }
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("bench model", "Benchmark the full-size vision-language model", runBenchModel)
