// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/reports/reportjob.h"

#include "core/reports/reportbuilder.h"
#include "core/reports/reportlayout.h"

namespace satgpt {

ReportJob::ReportJob(ReportData data, ReportOptions options, QObject *parent)
    : Job(tr("Report"), parent), m_data(std::move(data)), m_options(std::move(options))
{
    // Copies of a QPicture share one private buffer, and play() seeks and reads in it: the
    // dialog's preview job and an export job playing the same training chart on their threads
    // at once corrupted each other's reads (one hung in CI, allocating gigabytes). Each job plays
    // pictures of its own, copied here on the creating thread.
    for (auto it = m_data.chartPictures.begin(); it != m_data.chartPictures.end(); ++it) {
        QPicture own;
        own.setData(it->data(), it->size());
        *it = own;
    }
}

Status ReportJob::run()
{
    const auto keepGoing = [this] { return !isCanceled(); };
    ReportBuilder builder(m_data, m_options);
    auto doc = builder.build(
        [this](double f, const QString &what) {
            setProgress(f * 0.8);
            setStatusText(what);
        },
        keepGoing);
    // Job reports a canceled run by its flag, not by an error.
    if (!doc)
        return isCanceled() ? Status() : Status(doc.error());
    setStatusText(tr("Laying out pages"));
    ReportLayout layout(doc.value(), m_options.paper);
    m_pageCount = layout.pageCount();
    for (int i = 0; i < std::min(m_previewPages, m_pageCount); ++i) {
        if (isCanceled())
            return {};
        m_preview.append(layout.renderPage(i, m_previewDpi));
    }
    if (!m_htmlPath.isEmpty() && !isCanceled()) {
        setStatusText(tr("Writing %1").arg(m_htmlPath));
        auto st = doc->writeHtml(m_htmlPath);
        if (!st)
            return st;
    }
    if (!m_pdfPath.isEmpty()) {
        setStatusText(tr("Writing %1").arg(m_pdfPath));
        auto st = layout.writePdf(m_pdfPath, [this](double f) { setProgress(0.85 + 0.15 * f); }, keepGoing);
        if (!st)
            return isCanceled() ? Status() : st;
    }
    setProgress(1.0);
    return {};
}

} // namespace satgpt
