// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/reports/reportchart.h"

namespace satgpt {

/// Draws a report chart with QCustomPlot (the same look as the job panel's curves) into a
/// QPicture, so it stays vector graphics in the PDF. QCustomPlot is a QWidget: call this on the
/// GUI thread only, before the report job starts (ReportData::renderCharts). Without
/// QCustomPlot in the build it falls back to ReportChart::paint.
QPicture renderChartWithQCustomPlot(const ReportChart &chart, const QSizeF &size);

} // namespace satgpt
