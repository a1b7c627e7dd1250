// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/jobs/job.h"
#include "core/reports/reportdata.h"
#include "core/reports/reportoptions.h"

#include <QImage>
#include <QVector>

namespace satgpt {

/// Builds a report off the GUI thread and writes it (PDF and/or HTML) or renders preview pages.
/// Created and started on the GUI thread with a ReportData snapshot; results (page count,
/// preview images) are read there after `succeeded`. Progress covers assembly, layout and
/// writing; cancel() stops between sections and pages, leaving any existing output untouched.
class ReportJob final : public Job
{
    Q_OBJECT
public:
    ReportJob(ReportData data, ReportOptions options, QObject *parent = nullptr);

    /// Output files; an empty path skips that format.
    void setPdfPath(const QString &path) { m_pdfPath = path; }
    void setHtmlPath(const QString &path) { m_htmlPath = path; }
    /// Also render the first `pages` pages as images at `dpi` (the dialog's preview).
    void setPreview(int pages, double dpi)
    {
        m_previewPages = pages;
        m_previewDpi = dpi;
    }

    // Results, valid after succeeded().
    int pageCount() const { return m_pageCount; }
    const QVector<QImage> &previewImages() const { return m_preview; }

protected:
    Status run() override;

private:
    ReportData m_data;
    ReportOptions m_options;
    QString m_pdfPath;
    QString m_htmlPath;
    int m_previewPages = 0;
    double m_previewDpi = 48;
    int m_pageCount = 0;
    QVector<QImage> m_preview;
};

} // namespace satgpt
