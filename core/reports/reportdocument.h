// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"

#include <QPicture>
#include <QSizeF>
#include <QString>
#include <QVector>

namespace satgpt {

/// A figure of a report (map, chip, chart) recorded as painter commands, so it stays vector
/// graphics (with embedded rasters) in the PDF. `size` is in CSS pixels (96 per inch).
struct ReportFigure
{
    QPicture picture;
    QSizeF size;
};

/// An assembled report: XHTML body markup in which every figure appears as
/// `<img src="fig:N" .../>`, plus the figures. The markup is the subset QTextDocument lays out
/// (tables, headings, page-break-before), and it is well-formed XML, every user string escaped.
/// Plain value type, any thread. ReportLayout paginates it for PDF and preview; toHtml() gives
/// the self-contained HTML file.
struct ReportDocument
{
    QString title;
    QString body;
    QVector<ReportFigure> figures;

    /// A complete XHTML page: own style sheet, figures as embedded PNG (data: URIs, drawn at
    /// `figureScale` times their CSS size), so the file needs nothing beside it.
    QString toHtml(double figureScale = 2.0) const;
    /// toHtml() written atomically to `path`.
    Status writeHtml(const QString &path) const;
    /// A figure rendered to an image at `scale` (white background).
    QImage figureImage(int index, double scale) const;
};

} // namespace satgpt
