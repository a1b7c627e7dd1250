// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

#include <vector>

namespace satgpt::cli {

/// One CLI verb ("info") or verb pair ("bench canvas"). `run` receives the arguments after the
/// verb and returns the process exit code. Each cmd_*.cpp registers its verbs with
/// SATGPT_CLI_COMMAND, so adding a verb never touches a shared file.
struct Command
{
    const char *name;
    const char *summary;
    int (*run)(const QStringList &args);
};

void registerCommand(const Command &command);
const std::vector<Command> &commands();

struct Registrar
{
    explicit Registrar(const Command &command) { registerCommand(command); }
};

/// Prints a message naming what failed to stderr and returns the exit code for errors (1).
int fail(const QString &message);

} // namespace satgpt::cli

#define SATGPT_CLI_CONCAT_(a, b) a##b
#define SATGPT_CLI_CONCAT(a, b) SATGPT_CLI_CONCAT_(a, b)
#define SATGPT_CLI_COMMAND(name, summary, fn) \
    static const satgpt::cli::Registrar SATGPT_CLI_CONCAT(s_registrar_, __LINE__){satgpt::cli::Command{name, summary, fn}};
