// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt bench explain`: the cost of one explanation map on the full-size model.

#include "command.h"

#include "core/ml/explainbench.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace {

int runBenchExplain(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Times Grad-CAM, Grad-CAM++, rollout and cross-attention maps on ViT-B/16 (224) + GPT-2 small "
        "with cross-attention (random weights) against a plain forward+backward, and the first-token latency."));
    parser.addHelpOption();
    QCommandLineOption tokensOpt(QStringLiteral("tokens"), QStringLiteral("Answer tokens (default 20)."), QStringLiteral("n"),
                                 QStringLiteral("20"));
    QCommandLineOption questionOpt(QStringLiteral("question-tokens"), QStringLiteral("Question tokens (default 12)."),
                                   QStringLiteral("n"), QStringLiteral("12"));
    QCommandLineOption repeatsOpt(QStringLiteral("repeats"), QStringLiteral("Timed runs per figure (default 5)."),
                                  QStringLiteral("n"), QStringLiteral("5"));
    QCommandLineOption tinyOpt(QStringLiteral("tiny"), QStringLiteral("Use a tiny model (smoke test)."));
    parser.addOptions({tokensOpt, questionOpt, repeatsOpt, tinyOpt});
    parser.process(args);

    satgpt::ml::ExplainBenchOptions options;
    options.answerTokens = parser.value(tokensOpt).toInt();
    options.questionTokens = parser.value(questionOpt).toInt();
    options.repeats = parser.value(repeatsOpt).toInt();
    options.fullSize = !parser.isSet(tinyOpt);
    if (options.answerTokens < 1 || options.questionTokens < 0 || options.repeats < 1)
        return satgpt::cli::fail(QStringLiteral("--tokens and --repeats must be positive"));

    const auto r = satgpt::ml::runExplainBench(options);
    if (!r)
        return satgpt::cli::fail(QString::fromStdString(r.error().toString()));
    QTextStream out(stdout);
    auto ms = [](const satgpt::ml::ExplainBenchFigure &f) {
        return QStringLiteral("%1 ms wall, %2 ms cpu").arg(f.wall * 1000.0, 8, 'f', 1).arg(f.cpu * 1000.0, 8, 'f', 1);
    };
    out << "model: " << (options.fullSize ? "ViT-B/16 224 + GPT-2 small (cross-attention), random weights" : "tiny")
        << ", device " << QString::fromStdString(r->device) << ", " << r->threads << " threads\n"
        << "answer tokens: " << options.answerTokens << ", question tokens: " << options.questionTokens
        << ", median of " << options.repeats << "\n"
        << "grad-cam map:                 " << ms(r->gradCam) << '\n'
        << "grad-cam++ map:               " << ms(r->gradCamPlusPlus) << '\n'
        << "rollout map:                  " << ms(r->rollout) << '\n'
        << "cross-attention map:          " << ms(r->crossAttention) << '\n'
        << "plain forward+backward:       " << ms(r->plainForwardBackward) << '\n'
        << "naive forward+backward (ViT): " << ms(r->naiveForwardBackward) << '\n'
        << "first-token latency:          " << ms(r->firstTokenLatency) << '\n'
        << "full answer (" << options.answerTokens << " tokens):      " << ms(r->fullAnswerLatency) << '\n'
        << "grad-cam / plain:             " << QString::number(r->wallRatio(), 'f', 2) << "x wall, "
        << QString::number(r->cpuRatio(), 'f', 2) << "x cpu\n";
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("bench explain", "Time explanation maps on the full-size model", runBenchExplain)
