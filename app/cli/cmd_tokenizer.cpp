// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt tokenizer train`: learn a GPT-2 byte-level BPE tokenizer from caption text.
// `satgpt tokenizer encode`: show how a tokenizer splits a text.

#include "command.h"

#include "core/ml/bpetrainer.h"
#include "core/ml/tokenizer.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTextStream>

namespace satgpt::cli {

namespace {

int runTokenizerTrain(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Learn byte-level BPE merges (GPT-2 pre-tokenisation, greedy by pair count, ties broken by the pair's "
        "strings) from caption text: plain text files (one text per line) or caption JSON (image -> [captions], "
        "or records with a \"captions\" list). Writes vocab.json + merges.txt in GPT-2 format."));
    parser.addHelpOption();
    const QCommandLineOption inputOption(QStringLiteral("input"),
                                         QStringLiteral("Training file or directory (.txt/.json, recursive); repeatable"),
                                         QStringLiteral("path"));
    const QCommandLineOption vocabOption(QStringLiteral("vocab-size"),
                                         QStringLiteral("Total vocabulary: 256 byte tokens + merges + <|endoftext|>"),
                                         QStringLiteral("n"), QStringLiteral("8192"));
    const QCommandLineOption minFreqOption(QStringLiteral("min-frequency"),
                                           QStringLiteral("Never merge a pair seen fewer times (default 2)"),
                                           QStringLiteral("n"), QStringLiteral("2"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("Output directory"), QStringLiteral("dir"));
    const QCommandLineOption excludeSplitOption(
        QStringLiteral("exclude-split"),
        QStringLiteral("Skip JSON records whose split/original_split is this (e.g. test); repeatable"), QStringLiteral("split"));
    parser.addOption(excludeSplitOption);
    parser.addOption(inputOption);
    parser.addOption(vocabOption);
    parser.addOption(minFreqOption);
    parser.addOption(outOption);
    parser.process(args);

    const QStringList inputs = parser.values(inputOption) + parser.positionalArguments();
    if (inputs.isEmpty())
        return fail(QStringLiteral("tokenizer train: give at least one --input"));
    if (!parser.isSet(outOption))
        return fail(QStringLiteral("tokenizer train: --out DIR is required"));
    bool ok = false;
    const qlonglong vocabSize = parser.value(vocabOption).toLongLong(&ok);
    if (!ok || vocabSize < 257)
        return fail(QStringLiteral("tokenizer train: --vocab-size must be an integer >= 257"));
    const qlonglong minFreq = parser.value(minFreqOption).toLongLong(&ok);
    if (!ok || minFreq < 1)
        return fail(QStringLiteral("tokenizer train: --min-frequency must be a positive integer"));

    QTextStream out(stdout);
    QElapsedTimer timer;
    timer.start();
    ml::BpeTrainer trainer;
    std::vector<std::string> excluded;
    for (const QString &split : parser.values(excludeSplitOption))
        excluded.push_back(split.toStdString());
    trainer.setExcludedSplits(excluded);
    for (const QString &input : inputs) {
        const Status s = trainer.addPath(input.toStdString());
        if (!s)
            return fail(QString::fromStdString(s.error().toString()));
    }
    out << "Read " << trainer.textCount() << " texts, " << trainer.distinctWordCount() << " distinct pre-tokens";
    if (trainer.skippedRecords() > 0)
        out << ", skipped " << trainer.skippedRecords() << " records of excluded splits";
    out << "\n";
    out.flush();

    ml::BpeTrainerOptions options;
    options.vocabSize = vocabSize;
    options.minPairFrequency = minFreq;
    auto trained = trainer.train(options);
    if (!trained)
        return fail(QString::fromStdString(trained.error().toString()));
    const QString dir = parser.value(outOption);
    if (const Status s = trained->save(dir.toStdString()); !s)
        return fail(QString::fromStdString(s.error().toString()));
    out << "Wrote " << dir << "/vocab.json and merges.txt: vocabulary " << trained->vocabSize() << " ("
        << trained->mergeCount() << " merges";
    if (trained->vocabSize() < vocabSize)
        out << "; stopped early, no pair occurs " << minFreq << "+ times";
    out << ") in " << timer.elapsed() << " ms\n";
    return 0;
}

int runTokenizerEncode(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Encode text with a GPT-2 tokenizer directory and print ids and tokens."));
    parser.addHelpOption();
    const QCommandLineOption tokOption(QStringLiteral("tokenizer"),
                                       QStringLiteral("Directory with vocab.json + merges.txt (or tokenizer.json)"),
                                       QStringLiteral("dir"));
    parser.addOption(tokOption);
    parser.addPositionalArgument(QStringLiteral("text"), QStringLiteral("Text to encode"));
    parser.process(args);
    if (!parser.isSet(tokOption) || parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("tokenizer encode: --tokenizer DIR and a text are required"));
    auto tok = ml::Gpt2Tokenizer::load(parser.value(tokOption).toStdString());
    if (!tok)
        return fail(QString::fromStdString(tok.error().toString()));
    const std::string text = parser.positionalArguments().join(QLatin1Char(' ')).toStdString();
    QTextStream out(stdout);
    const auto ids = tok->encode(text);
    for (int64_t id : ids)
        out << id << '\t' << QString::fromStdString(tok->tokenString(id)) << '\n';
    out << ids.size() << " tokens for " << text.size() << " bytes; decodes to: "
        << QString::fromStdString(tok->decode(ids)) << '\n';
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("tokenizer train", "Learn a GPT-2 byte-level BPE tokenizer from caption text", runTokenizerTrain)
SATGPT_CLI_COMMAND("tokenizer encode", "Show how a tokenizer splits a text into ids", runTokenizerEncode)

} // namespace satgpt::cli
