// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace satgpt {

/// Loads the workbench's translation (embedded under :/i18n) and Qt's own for the chosen
/// language: `languageOverride` (e.g. from --lang), else the "ui/language" setting, else
/// $SATGPT_LANG, else the system locale. Returns the language actually used ("en" when no
/// translation matched). Call once after the QApplication exists.
QString installTranslations(const QString &languageOverride = {});

} // namespace satgpt
