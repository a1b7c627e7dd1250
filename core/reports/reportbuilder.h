// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"
#include "core/reports/reportdata.h"
#include "core/reports/reportdocument.h"
#include "core/reports/reportoptions.h"

#include <QCoreApplication>

#include <functional>

namespace satgpt {

/// Assembles a ReportDocument from a project snapshot: opens the scenes (quick looks, chips),
/// reads heatmap GeoTIFFs, model folders, training logs and computes ground measures. Sections
/// without data say so in one line instead of disappearing. Reads files: run it on a worker
/// (ReportJob) or in the CLI. Every user string is escaped into the markup.
class ReportBuilder final
{
    Q_DECLARE_TR_FUNCTIONS(ReportBuilder)
public:
    ReportBuilder(ReportData data, ReportOptions options);

    /// `progress` gets (fraction, what is being done); `keepGoing` returning false cancels
    /// (the result is then an Error "Canceled"). Unreadable scenes or heatmaps do not fail the
    /// report; their place names the file and the reason.
    Result<ReportDocument> build(const std::function<void(double, const QString &)> &progress = {},
                                 const std::function<bool()> &keepGoing = {});

private:
    ReportData m_data;
    ReportOptions m_options;
};

} // namespace satgpt
