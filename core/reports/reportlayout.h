// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"
#include "core/reports/reportdocument.h"

#include <QCoreApplication>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>

#include <functional>
#include <memory>

class QPainter;
class QTextDocument;

namespace satgpt {

/// Lays a ReportDocument out on pages of a paper size with QTextDocument (vector text, figures
/// drawn from their QPictures through a custom text object) and paints the pages: into a PDF
/// (writePdf) or an image (renderPage, for the preview). Each page gets a footer with the report
/// title and "Page i of n". Owns a QTextDocument, so it belongs to the thread that created it;
/// build and use it on one worker thread. Non-copyable.
class ReportLayout final
{
    Q_DECLARE_TR_FUNCTIONS(ReportLayout)
public:
    ReportLayout(const ReportDocument &document, QPageSize::PageSizeId paper);
    ~ReportLayout();
    ReportLayout(const ReportLayout &) = delete;
    ReportLayout &operator=(const ReportLayout &) = delete;

    int pageCount() const;
    /// The page in points-free CSS pixels (96 per inch), margins included.
    QSizeF pageSize() const;
    /// Paints page `index` (0-based) with the painter's origin at the page's top-left corner,
    /// in CSS pixels.
    void paintPage(QPainter *painter, int index) const;
    /// One page as an image, `dpi` dots per inch.
    QImage renderPage(int index, double dpi) const;
    /// Writes every page to `path` (QSaveFile: a failed export leaves an older file alone).
    /// `progress` gets the fraction done; returning false from `keepGoing` cancels.
    Status writePdf(const QString &path, const std::function<void(double)> &progress = {},
                    const std::function<bool()> &keepGoing = {}) const;

private:
    QPageLayout pageLayout() const;
    ReportDocument m_report;
    QPageSize::PageSizeId m_paper;
    std::unique_ptr<QTextDocument> m_text;
    std::unique_ptr<QObject> m_figureHandler;
    QRectF m_body; ///< text area on the page, CSS pixels
};

} // namespace satgpt
