// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt convert`: a pytorch_model.bin state dict to safetensors, without running pickle code.

#include "command.h"

#include "core/ml/checkpointconvert.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace satgpt::cli {

namespace {

int runConvert(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Convert a checkpoint (torch.save zip such as pytorch_model.bin, or safetensors) to safetensors. Only a "
        "weights-only state dict is read (nothing in the pickle is executed). Drops lm_head.weight when it equals "
        "the tied transformer.wte.weight, and GPT-2's attn.bias/masked_bias buffers."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("input"), QStringLiteral("Checkpoint to read"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("safetensors file to write"),
                                       QStringLiteral("file"));
    const QCommandLineOption quietOption(QStringLiteral("quiet"), QStringLiteral("Print nothing on success"));
    const QCommandLineOption dtypeOption(QStringLiteral("dtype"),
                                         QStringLiteral("Cast floating-point tensors: f16, bf16 or f32 (default: keep)"),
                                         QStringLiteral("type"));
    parser.addOption(outOption);
    parser.addOption(quietOption);
    parser.addOption(dtypeOption);
    parser.process(args);
    if (parser.positionalArguments().size() != 1 || !parser.isSet(outOption))
        return fail(QStringLiteral("convert: usage: satgpt convert IN.bin --out model.safetensors"));

    auto result = ml::convertCheckpointToSafetensors(parser.positionalArguments().first().toStdString(),
                                                     parser.value(outOption).toStdString(),
                                                     parser.value(dtypeOption).toStdString());
    if (!result)
        return fail(QString::fromStdString(result.error().toString()));
    if (!parser.isSet(quietOption)) {
        QTextStream out(stdout);
        out << "Wrote " << result->tensorsWritten << " tensors to " << parser.value(outOption) << '\n';
        for (const std::string &d : result->dropped)
            out << "  dropped " << QString::fromStdString(d) << '\n';
    }
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("convert", "Convert a pytorch_model.bin state dict to safetensors (safe, weights only)", runConvert)

} // namespace satgpt::cli
