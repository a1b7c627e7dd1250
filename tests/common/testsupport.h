// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared by every test executable: where the source tree and ../shared are.

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QtTest>

namespace satgpt::test {

inline QString sourceDir() { return QStringLiteral(SATGPT_SOURCE_DIR); }

/// ../shared beside the checkout, or $SATGPT_SHARED_DIR. Empty when absent.
inline QString sharedDir()
{
    QString dir = qEnvironmentVariable("SATGPT_SHARED_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral(SATGPT_SHARED_DIR);
    return QFileInfo(dir).isDir() ? QDir(dir).canonicalPath() : QString();
}

inline QString sharedPath(const QString &relative)
{
    const QString root = sharedDir();
    return root.isEmpty() ? QString() : root + QLatin1Char('/') + relative;
}

} // namespace satgpt::test

/// Skips the current test with a clear reason when ../shared (or a path inside it) is missing.
#define SATGPT_REQUIRE_SHARED(relative)                                                           \
    do {                                                                                          \
        const QString p_ = satgpt::test::sharedPath(QStringLiteral(relative));                    \
        if (p_.isEmpty() || !QFileInfo::exists(p_))                                               \
            QSKIP("../shared/" relative " is not present (set SATGPT_SHARED_DIR); skipping "      \
                  "tests that need the team's real data");                                        \
    } while (0)
