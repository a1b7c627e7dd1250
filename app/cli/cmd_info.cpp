// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt info SCENE [--json]`: what the layer panel knows about a scene, for scripts and bug reports.

#include "app/cli/command.h"

#include "core/raster/georeference.h"
#include "core/raster/rasterdataset.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>

namespace {

using namespace satgpt;

QString number(double v) { return QString::number(v, 'g', 12); }

QJsonArray rectJson(const QRectF &r) { return {r.left(), r.top(), r.right(), r.bottom()}; }

int runInfo(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Describe a raster scene: size, bands, CRS, bounds, pixel size, "
                                                    "nodata, overviews and metadata."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("scene"), QStringLiteral("Raster file to describe"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON instead of text"));
    parser.addOption(jsonOption);
    parser.process(args);
    if (parser.positionalArguments().size() != 1)
        return cli::fail(QStringLiteral("info: expected exactly one SCENE argument"));
    const QString path = parser.positionalArguments().first();

    auto opened = RasterDataset::open(path);
    if (!opened)
        return cli::fail(QString::fromStdString(opened.error().toString()));
    const RasterInfo &info = opened.value()->info();
    auto geo = Georeference::fromInfo(info);

    std::optional<QRectF> lonLatBounds;
    std::optional<QSizeF> metres;
    QString lonLatProblem;
    if (geo && geo->hasLonLat()) {
        auto footprint = geo->footprintLonLat(8);
        if (footprint)
            lonLatBounds = footprint->boundingRect();
        else
            lonLatProblem = QString::fromStdString(footprint.error().toString());
        auto ground = geo->groundPixelSize();
        if (ground)
            metres = ground.value();
    } else if (!geo) {
        lonLatProblem = QString::fromStdString(geo.error().toString());
    }

    if (parser.isSet(jsonOption)) {
        QJsonObject o;
        o[QStringLiteral("path")] = info.path;
        o[QStringLiteral("driver")] = info.driver;
        o[QStringLiteral("width")] = info.width;
        o[QStringLiteral("height")] = info.height;
        QJsonArray bands;
        for (const BandInfo &b : info.bands) {
            QJsonObject jb;
            jb[QStringLiteral("index")] = b.index;
            jb[QStringLiteral("type")] = pixelTypeName(b.type);
            jb[QStringLiteral("color")] = b.colorInterpretation;
            if (b.noData)
                jb[QStringLiteral("nodata")] = std::isfinite(*b.noData) ? QJsonValue(*b.noData) : QJsonValue(number(*b.noData));
            jb[QStringLiteral("scale")] = b.scale;
            jb[QStringLiteral("offset")] = b.offset;
            jb[QStringLiteral("overviews")] = b.overviewCount;
            jb[QStringLiteral("mask")] = b.hasMask;
            if (!b.description.isEmpty())
                jb[QStringLiteral("description")] = b.description;
            if (!b.colorTable.isEmpty())
                jb[QStringLiteral("colorTableEntries")] = b.colorTable.size();
            bands.append(jb);
        }
        o[QStringLiteral("bands")] = bands;
        o[QStringLiteral("epsg")] = info.epsg;
        o[QStringLiteral("crsName")] = info.crsName;
        o[QStringLiteral("hasGeoTransform")] = info.hasGeoTransform;
        o[QStringLiteral("hasGcps")] = info.hasGcps;
        o[QStringLiteral("boundsMap")] = rectJson(info.mapBounds());
        if (lonLatBounds)
            o[QStringLiteral("boundsLonLat")] = rectJson(*lonLatBounds);
        o[QStringLiteral("pixelSizeMap")] = QJsonArray{info.pixelSize().width(), info.pixelSize().height()};
        if (metres)
            o[QStringLiteral("pixelSizeMetres")] = QJsonArray{metres->width(), metres->height()};
        QJsonArray ovs;
        for (const QSize &s : info.overviews)
            ovs.append(QJsonArray{s.width(), s.height()});
        o[QStringLiteral("overviews")] = ovs;
        if (!info.acquisitionDate.isEmpty())
            o[QStringLiteral("acquisitionDate")] = info.acquisitionDate;
        QJsonObject md;
        for (auto it = info.metadata.cbegin(); it != info.metadata.cend(); ++it)
            md[it.key()] = it.value();
        o[QStringLiteral("metadata")] = md;
        QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return 0;
    }

    QTextStream out(stdout);
    out << "File:        " << info.path << '\n';
    out << "Driver:      " << info.driver << " (" << info.driverLong << ")\n";
    out << "Size:        " << info.width << " x " << info.height << " pixels, " << info.bandCount() << " band(s)\n";
    for (const BandInfo &b : info.bands) {
        out << "  Band " << b.index << ": " << pixelTypeName(b.type) << ", " << b.colorInterpretation;
        if (b.noData)
            out << ", nodata " << number(*b.noData);
        if (b.scale != 1.0 || b.offset != 0.0)
            out << ", scale " << number(b.scale) << " offset " << number(b.offset);
        if (b.hasMask)
            out << ", mask";
        if (!b.colorTable.isEmpty())
            out << ", colour table (" << b.colorTable.size() << " entries)";
        if (b.overviewCount)
            out << ", " << b.overviewCount << " overview(s)";
        if (!b.description.isEmpty())
            out << ", \"" << b.description << '"';
        out << '\n';
    }
    if (info.crsWkt.isEmpty())
        out << "CRS:         none" << (info.hasGcps ? " (GCPs only)" : "") << '\n';
    else
        out << "CRS:         " << (info.epsg ? QStringLiteral("EPSG:%1 ").arg(info.epsg) : QString()) << info.crsName
            << '\n';
    const QRectF b = info.mapBounds();
    out << "Bounds:      " << number(b.left()) << ", " << number(b.top()) << " - " << number(b.right()) << ", "
        << number(b.bottom()) << (info.hasGeoTransform ? " (map units)" : " (pixels; no georeferencing)") << '\n';
    if (lonLatBounds)
        out << "Lon/lat:     " << QString::number(lonLatBounds->left(), 'f', 6) << ", "
            << QString::number(lonLatBounds->top(), 'f', 6) << " - " << QString::number(lonLatBounds->right(), 'f', 6)
            << ", " << QString::number(lonLatBounds->bottom(), 'f', 6) << '\n';
    else if (!lonLatProblem.isEmpty())
        out << "Lon/lat:     unavailable: " << lonLatProblem << '\n';
    out << "Pixel size:  " << number(info.pixelSize().width()) << " x " << number(info.pixelSize().height())
        << " map units";
    if (metres)
        out << " (" << QString::number(metres->width(), 'f', 3) << " x " << QString::number(metres->height(), 'f', 3)
            << " m on the ground)";
    out << '\n';
    QStringList ovs;
    for (const QSize &s : info.overviews)
        ovs << QStringLiteral("%1x%2").arg(s.width()).arg(s.height());
    out << "Overviews:   " << (ovs.isEmpty() ? QStringLiteral("none") : ovs.join(QStringLiteral(", "))) << '\n';
    out << "Acquired:    " << (info.acquisitionDate.isEmpty() ? QStringLiteral("unknown") : info.acquisitionDate) << '\n';
    if (!info.metadata.isEmpty()) {
        out << "Metadata:\n";
        for (auto it = info.metadata.cbegin(); it != info.metadata.cend(); ++it)
            out << "  " << it.key() << '=' << it.value().left(200) << '\n';
    }
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("info", "Describe a raster scene (size, bands, CRS, bounds, overviews)", runInfo)
