// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/reports/reportoptions.h"

namespace satgpt {

QPageSize::PageSizeId ReportOptions::paperFromName(const QString &name, bool *ok)
{
    const QString n = name.trimmed().toLower();
    if (ok)
        *ok = true;
    if (n == QLatin1String("a4"))
        return QPageSize::A4;
    if (n == QLatin1String("letter"))
        return QPageSize::Letter;
    if (ok)
        *ok = false;
    return QPageSize::A4;
}

QString ReportOptions::paperName(QPageSize::PageSizeId id)
{
    return id == QPageSize::Letter ? QStringLiteral("letter") : QStringLiteral("a4");
}

} // namespace satgpt
