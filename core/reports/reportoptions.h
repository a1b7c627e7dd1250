// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPageSize>
#include <QString>
#include <QStringList>
#include <QVector>

namespace satgpt {

/// What goes into a report and on which paper. A plain value type, filled by the report dialog
/// or the CLI and handed to ReportBuilder / ReportJob (any thread).
struct ReportOptions
{
    enum Section {
        TitlePage = 0x01,
        OverviewMaps = 0x02,
        Questions = 0x04,
        Regions = 0x08,
        AnnotationTable = 0x10,
        Models = 0x20,
        Appendix = 0x40,
        AllSections = 0x7f,
    };
    /// Which annotations get a region page (image chip, outline, caption and Q&A pairs).
    enum class RegionSelection { None, WithQa, All, Listed };

    int sections = AllSections;
    QPageSize::PageSizeId paper = QPageSize::A4;
    QString title;  ///< empty: the project file's base name
    QString author; ///< from settings or --author; empty prints nothing
    /// Chat entry ids to include; ignored when allQuestions is set.
    QStringList questionIds;
    bool allQuestions = true;
    RegionSelection regions = RegionSelection::WithQa;
    QVector<qint64> regionIds; ///< for RegionSelection::Listed
    /// Longest side of an overview map raster in pixels (the map is drawn at print size, the
    /// raster inside it keeps this resolution).
    int overviewPixels = 1600;

    bool has(Section s) const { return (sections & s) != 0; }
    /// "a4" / "letter" (anything else: nullopt-like false in ok).
    static QPageSize::PageSizeId paperFromName(const QString &name, bool *ok = nullptr);
    static QString paperName(QPageSize::PageSizeId id);
};

} // namespace satgpt
