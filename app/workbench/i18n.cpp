// SPDX-License-Identifier: GPL-3.0-or-later
#include "i18n.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace satgpt {

QString installTranslations(const QString &languageOverride)
{
    QString language = languageOverride;
    if (language.isEmpty())
        language = QSettings().value(QStringLiteral("ui/language")).toString();
    if (language.isEmpty())
        language = qEnvironmentVariable("SATGPT_LANG");
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);

    auto *appTranslator = new QTranslator(QCoreApplication::instance());
    // uiLanguages() order: "th-TH", "th", ...; QTranslator::load tries each.
    if (appTranslator->load(locale, QStringLiteral("satgpt"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        QCoreApplication::installTranslator(appTranslator);
    } else {
        delete appTranslator;
        return QStringLiteral("en");
    }
    auto *qtTranslator = new QTranslator(QCoreApplication::instance());
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    else
        delete qtTranslator;
    return locale.name().section(QLatin1Char('_'), 0, 0);
}

} // namespace satgpt
