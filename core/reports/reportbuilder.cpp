// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/reports/reportbuilder.h"

#include "core/annotations/geomeasure.h"
#include "core/explain/heatmapexport.h"
#include "core/jobs/trainingdatasummary.h"
#include "core/raster/georeference.h"
#include "core/raster/rasterdataset.h"
#include "core/raster/rendering.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QJsonDocument>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QRegularExpression>
#include <QSet>

#include <gdal.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

namespace satgpt {

namespace {

constexpr double kPageWidth = 680.0; // CSS px that fit between the margins of A4 and Letter

QString esc(const QString &s) { return s.toHtmlEscaped(); }

QString errorText(const Error &e) { return QString::fromStdString(e.toString()); }

double niceNumber(double v)
{
    if (!(v > 0))
        return 1.0;
    const double mag = std::pow(10.0, std::floor(std::log10(v)));
    const double f = v / mag;
    return (f < 2 ? 1.0 : f < 5 ? 2.0 : 5.0) * mag;
}

QString formatNumber(double v, int decimals)
{
    return QLocale::c().toString(v, 'f', decimals);
}

QString formatLength(double metres)
{
    if (metres >= 1000)
        return QStringLiteral("%1 km").arg(QLocale::c().toString(metres / 1000.0, 'g', 4));
    return QStringLiteral("%1 m").arg(QLocale::c().toString(metres, 'g', 4));
}

QString formatDegrees(double v, double step, bool latitude)
{
    const int decimals = std::max(0, int(std::ceil(-std::log10(step) - 1e-9)));
    const QChar hemisphere = latitude ? (v < 0 ? QLatin1Char('S') : QLatin1Char('N')) : (v < 0 ? QLatin1Char('W') : QLatin1Char('E'));
    return QStringLiteral("%1°%2").arg(QString::number(std::abs(v), 'f', decimals)).arg(hemisphere);
}

QString sensorOf(const RasterInfo &info)
{
    for (const char *key : {"SENSOR", "SENSOR_ID", "SPACECRAFT_ID", "SATELLITEID", "MISSION", "PLATFORM"}) {
        const QString v = info.metadata.value(QLatin1String(key));
        if (!v.isEmpty())
            return v;
    }
    return {};
}

QString crsLabel(const RasterInfo &info)
{
    if (info.crsWkt.isEmpty())
        return {};
    QString s = info.crsName;
    if (info.epsg > 0)
        s += QStringLiteral(" (EPSG:%1)").arg(info.epsg);
    return s.trimmed();
}

QString fileSha256(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&f)) {
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return {};
    }
    return QString::fromLatin1(hash.result().toHex());
}

QString modelWeightsFile(const QString &folder)
{
    if (folder.isEmpty())
        return {};
    const QDir dir(folder);
    for (const char *name : {"model.safetensors", "pytorch_model.bin"})
        if (dir.exists(QLatin1String(name)))
            return dir.filePath(QLatin1String(name));
    const QStringList any = dir.entryList({QStringLiteral("*.safetensors")}, QDir::Files, QDir::Name);
    return any.isEmpty() ? QString() : dir.filePath(any.first());
}

/// One scene opened for the report: dataset, display stretch, coordinates. Owned by the worker.
struct SceneCache
{
    ProjectScene scene;
    std::unique_ptr<RasterDataset> dataset;
    QString error;
    RenderSettings settings;
    QVector<ChannelStretch> stretches;
    std::unique_ptr<Georeference> geo;
    std::unique_ptr<GeoMeasure> measure;
};

class Assembler
{
    Q_DECLARE_TR_FUNCTIONS(ReportBuilder)
public:
    Assembler(const ReportData &data, const ReportOptions &options) : m_data(data), m_options(options) {}

    Result<ReportDocument> run(const std::function<void(double, const QString &)> &progress,
                               const std::function<bool()> &keepGoing);

private:
    QString addFigure(const QPicture &picture, const QSizeF &size)
    {
        m_doc.figures.append(ReportFigure{picture, size});
        return QStringLiteral("<img src=\"fig:%1\" width=\"%2\" height=\"%3\"/>")
            .arg(m_doc.figures.size() - 1)
            .arg(qRound(size.width()))
            .arg(qRound(size.height()));
    }
    /// A top-level heading; `newPage` starts it on a fresh page unless it is the first thing.
    QString section(const QString &title, bool newPage = true)
    {
        const bool first = m_sectionCount++ == 0;
        const bool breakBefore = newPage && (!first || m_options.has(ReportOptions::TitlePage));
        return QStringLiteral("<h1%1>%2</h1>\n")
            .arg(breakBefore ? QStringLiteral(" style=\"page-break-before: always\"") : QString(), esc(title));
    }
    static QString note(const QString &text) { return QStringLiteral("<p class=\"note\">%1</p>\n").arg(esc(text)); }
    static QString row(const QString &key, const QString &valueEscaped)
    {
        return QStringLiteral("<tr><th>%1</th><td>%2</td></tr>\n").arg(esc(key), valueEscaped);
    }

    SceneCache *scene(const QString &id);
    SceneCache *sceneForEntry(const QJsonObject &entry);
    QString className(int classId) const
    {
        return classId == 0 ? tr("Unclassified") : m_data.schema.nameOf(classId);
    }
    QColor classColor(int classId) const
    {
        const QColor c = m_data.schema.colorOf(classId);
        return c.isValid() && classId != 0 ? c : QColor(128, 128, 128);
    }
    QImage chip(SceneCache &s, const QRect &window, int maxSide);

    void titlePage();
    void overviewMaps();
    QPicture overviewMap(SceneCache &s, QSizeF *size);
    void questions();
    void regions();
    void annotationTable();
    void models();
    void appendix();

    const ReportData &m_data;
    const ReportOptions &m_options;
    ReportDocument m_doc;
    QString m_html;
    int m_sectionCount = 0;
    std::map<QString, std::unique_ptr<SceneCache>> m_scenes;
    std::function<bool()> m_keepGoing;
    std::function<void(double, const QString &)> m_progress;
    QHash<QString, QString> m_hashes;
    bool m_canceled = false;

    bool canceled()
    {
        if (!m_canceled && m_keepGoing && !m_keepGoing())
            m_canceled = true;
        return m_canceled;
    }
    void report(double fraction, const QString &what)
    {
        if (m_progress)
            m_progress(fraction, what);
    }
    QString modelHash(const QString &folder)
    {
        const QString file = modelWeightsFile(folder);
        if (file.isEmpty())
            return {};
        auto it = m_hashes.constFind(file);
        if (it != m_hashes.constEnd())
            return it.value();
        QString error;
        QString h = fileSha256(file, &error);
        if (h.isEmpty())
            h = tr("unreadable (%1)").arg(error);
        else
            h = QStringLiteral("sha256:") + h;
        m_hashes.insert(file, h);
        return h;
    }
    QVector<QJsonObject> selectedQuestions() const
    {
        QVector<QJsonObject> out;
        for (const QJsonValue &v : m_data.chat) {
            const QJsonObject e = v.toObject();
            if (m_options.allQuestions || m_options.questionIds.contains(e.value(QLatin1String("id")).toString()))
                out.append(e);
        }
        return out;
    }
    QVector<Annotation> selectedRegions() const
    {
        QVector<Annotation> out;
        for (const Annotation &a : m_data.annotations) {
            switch (m_options.regions) {
            case ReportOptions::RegionSelection::None:
                break;
            case ReportOptions::RegionSelection::WithQa:
                if (!a.qa.isEmpty())
                    out.append(a);
                break;
            case ReportOptions::RegionSelection::All:
                out.append(a);
                break;
            case ReportOptions::RegionSelection::Listed:
                if (m_options.regionIds.contains(a.id))
                    out.append(a);
                break;
            }
        }
        return out;
    }
};

SceneCache *Assembler::scene(const QString &id)
{
    auto it = m_scenes.find(id);
    if (it != m_scenes.end())
        return it->second.get();
    auto cache = std::make_unique<SceneCache>();
    const auto found = std::find_if(m_data.scenes.begin(), m_data.scenes.end(), [&](const ProjectScene &s) { return s.id == id; });
    if (found == m_data.scenes.end())
        return nullptr;
    cache->scene = *found;
    auto ds = RasterDataset::open(found->path);
    if (!ds) {
        cache->error = errorText(ds.error());
    } else {
        cache->dataset = std::move(ds.value());
        cache->settings.composition = BandComposition::defaultFor(cache->dataset->info());
        auto st = channelStretches(*cache->dataset, cache->settings);
        if (st)
            cache->stretches = st.value();
        else
            cache->error = errorText(st.error());
        auto geo = Georeference::fromInfo(cache->dataset->info());
        if (geo)
            cache->geo = std::make_unique<Georeference>(std::move(geo.value()));
    }
    if (found->hasGeoTransform)
        cache->measure = std::make_unique<GeoMeasure>(found->geoTransform, found->crsWkt);
    SceneCache *raw = cache.get();
    m_scenes.emplace(id, std::move(cache));
    return raw;
}

SceneCache *Assembler::sceneForEntry(const QJsonObject &entry)
{
    const QString id = entry.value(QLatin1String("sceneId")).toString();
    if (!id.isEmpty())
        if (SceneCache *s = scene(id))
            return s;
    const QString path = entry.value(QLatin1String("scenePath")).toString();
    for (const ProjectScene &s : m_data.scenes)
        if (!path.isEmpty() && QFileInfo(s.path) == QFileInfo(path))
            return scene(s.id);
    return nullptr;
}

QImage Assembler::chip(SceneCache &s, const QRect &window, int maxSide)
{
    if (!s.dataset || s.stretches.isEmpty() || window.isEmpty())
        return {};
    const double f = double(maxSide) / std::max(window.width(), window.height());
    const QSize out(std::max(1, qRound(window.width() * f)), std::max(1, qRound(window.height() * f)));
    auto block = s.dataset->read(window, out, s.settings.composition.bands);
    if (!block)
        return {};
    return renderBlock(block.value(), s.stretches, s.settings.composition.colorMap);
}

void Assembler::titlePage()
{
    const QString title = m_options.title.isEmpty() ? m_data.projectName : m_options.title;
    // A styled paragraph rather than <h1>: QTextDocument keeps its own heading sizes.
    m_html += QStringLiteral("<p class=\"title\" style=\"margin-top: 150px; margin-bottom: 6px\"><span style=\"font-size: 28pt; "
                             "font-weight: bold; color: #1d2f45\">%1</span></p>\n")
                  .arg(esc(title));
    m_html += QStringLiteral("<p style=\"margin-bottom: 40px\"><span style=\"font-size: 14pt; color: #555555\">%1</span></p>\n")
                  .arg(esc(tr("Analysis report")));
    m_html += QStringLiteral("<table class=\"data\" border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n");
    if (!m_options.author.isEmpty())
        m_html += row(tr("Author"), esc(m_options.author));
    m_html += row(tr("Date"), esc(QLocale::c().toString(QDate::currentDate(), QStringLiteral("yyyy-MM-dd"))));
    m_html += row(tr("Project"), esc(QDir::toNativeSeparators(m_data.projectPath)));
    m_html += QStringLiteral("</table>\n");

    m_html += QStringLiteral("<h2>%1</h2>\n").arg(esc(tr("Scenes")));
    if (m_data.scenes.isEmpty()) {
        m_html += note(tr("The project has no scenes."));
        return;
    }
    m_html += QStringLiteral("<table class=\"data\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\">\n<thead><tr>");
    for (const QString &h : {tr("Scene"), tr("File"), tr("Size (px)"), tr("Acquired"), tr("Sensor"), tr("CRS")})
        m_html += QStringLiteral("<th>%1</th>").arg(esc(h));
    m_html += QStringLiteral("</tr></thead>\n");
    for (const ProjectScene &ps : m_data.scenes) {
        SceneCache *s = scene(ps.id);
        QString acquired, sensor, crs;
        if (s && s->dataset) {
            const RasterInfo &info = s->dataset->info();
            acquired = info.acquisitionDate;
            sensor = sensorOf(info);
            crs = crsLabel(info);
        }
        const QString missing = s && !s->error.isEmpty() ? tr("not readable: %1").arg(s->error) : QString();
        m_html += QStringLiteral("<tr><td>%1</td><td>%2%3</td><td>%4 × %5</td><td>%6</td><td>%7</td><td>%8</td></tr>\n")
                      .arg(esc(ps.id), esc(QFileInfo(ps.path).fileName()),
                           missing.isEmpty() ? QString() : QStringLiteral("<br/><i>%1</i>").arg(esc(missing)))
                      .arg(ps.width)
                      .arg(ps.height)
                      .arg(esc(acquired.isEmpty() ? tr("unknown") : acquired), esc(sensor.isEmpty() ? tr("unknown") : sensor),
                           esc(crs.isEmpty() ? tr("none") : crs));
    }
    m_html += QStringLiteral("</table>\n");
}

QPicture Assembler::overviewMap(SceneCache &s, QSizeF *figureSize)
{
    const ProjectScene &ps = s.scene;
    const double marginL = 56, marginR = 12, marginT = 16, marginB = 24;
    double mapW = kPageWidth - marginL - marginR;
    double mapH = mapW * ps.height / std::max(1, ps.width);
    const double maxH = 640;
    if (mapH > maxH) {
        mapW = mapW * maxH / mapH;
        mapH = maxH;
    }
    const QRectF mapRect(marginL, marginT, mapW, mapH);
    const double scale = mapW / std::max(1, ps.width); // figure px per scene px

    // Classes drawn on this scene, for the legend.
    QVector<Annotation> anns;
    QMap<int, int> counts;
    for (const Annotation &a : m_data.annotations)
        if (a.sceneId == ps.id) {
            anns.append(a);
            counts[a.classId]++;
        }
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(7.5);
    const QFontMetricsF fm(font);
    // Legend rows: wrap entries across the figure width.
    QVector<QPair<int, QRectF>> legend;
    double lx = marginL, ly = mapRect.bottom() + marginB + 4;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        const QString text = QStringLiteral("%1 (%2)").arg(className(it.key())).arg(it.value());
        const double w = 16 + fm.horizontalAdvance(text) + 14;
        if (lx + w > kPageWidth && lx > marginL) {
            lx = marginL;
            ly += fm.height() + 5;
        }
        legend.append({it.key(), QRectF(lx, ly, w, fm.height())});
        lx += w;
    }
    const double height = counts.isEmpty() ? ly : ly + fm.height() + 6;
    *figureSize = QSizeF(kPageWidth, height);

    QPicture picture;
    QPainter p(&picture);
    p.setRenderHint(QPainter::Antialiasing);
    p.setFont(font);
    const QImage image = s.dataset ? [&] {
        // Never upsample: a small scene keeps its own pixels (the PDF scales them).
        const int side = std::min(m_options.overviewPixels, std::max(ps.width, ps.height));
        auto r = renderOverview(*s.dataset, s.settings, QSize(side, side));
        return r ? r.value() : QImage();
    }()
                                   : QImage();
    if (!image.isNull())
        p.drawImage(mapRect, image);
    else
        p.fillRect(mapRect, QColor(235, 235, 235));

    // Annotation outlines in class colours.
    p.save();
    p.setClipRect(mapRect);
    p.translate(mapRect.topLeft());
    for (const Annotation &a : anns) {
        const QColor c = classColor(a.classId);
        QPolygonF poly;
        for (const QPointF &pt : a.geometry)
            poly << pt * scale;
        if (a.isPoint()) {
            p.setPen(QPen(Qt::white, 0.8));
            p.setBrush(c);
            if (!poly.isEmpty())
                p.drawEllipse(poly.first(), 3, 3);
        } else {
            QColor fill = c;
            fill.setAlpha(50);
            p.setBrush(fill);
            p.setPen(QPen(c, 1.3));
            p.drawPolygon(poly);
        }
    }
    p.restore();
    p.setBrush(Qt::NoBrush);

    // Graticule with lon/lat labels outside the frame.
    if (s.geo && s.geo->hasLonLat()) {
        auto footprint = s.geo->footprintLonLat(8);
        if (footprint) {
            const QRectF ll = footprint->boundingRect();
            const double span = std::max(1e-9, std::min(ll.width(), ll.height()));
            const double step = niceNumber(span / 3.0);
            const auto toFig = [&](QPointF lonLat) -> std::optional<QPointF> {
                auto px = s.geo->lonLatToPixel(lonLat);
                if (!px)
                    return std::nullopt;
                return mapRect.topLeft() + px.value() * scale;
            };
            p.save();
            QPen gridPen(QColor(255, 255, 255, 170), 0.6, Qt::DashLine);
            for (int pass = 0; pass < 2; ++pass) {
                const bool lonLines = pass == 0;
                const double from = lonLines ? ll.left() : ll.top();
                const double to = lonLines ? ll.right() : ll.bottom();
                for (double v = std::ceil(from / step) * step; v <= to + 1e-12; v += step) {
                    QPolygonF line;
                    const double a0 = lonLines ? ll.top() : ll.left();
                    const double a1 = lonLines ? ll.bottom() : ll.right();
                    for (int i = 0; i <= 32; ++i) {
                        const double t = a0 + (a1 - a0) * i / 32.0;
                        if (auto q = toFig(lonLines ? QPointF(v, t) : QPointF(t, v)))
                            line << *q;
                    }
                    if (line.size() < 2)
                        continue;
                    p.save();
                    p.setClipRect(mapRect);
                    p.setPen(gridPen);
                    p.drawPolyline(line);
                    p.restore();
                    // Label where the line leaves the frame: bottom edge for meridians, left
                    // edge for parallels.
                    for (int i = 1; i < line.size(); ++i) {
                        const QPointF a = line[i - 1], b = line[i];
                        p.setPen(Qt::black);
                        if (lonLines && (a.y() - mapRect.bottom()) * (b.y() - mapRect.bottom()) <= 0 && a.y() != b.y()) {
                            const double x = a.x() + (b.x() - a.x()) * (mapRect.bottom() - a.y()) / (b.y() - a.y());
                            if (x >= mapRect.left() && x <= mapRect.right()) {
                                p.drawLine(QPointF(x, mapRect.bottom()), QPointF(x, mapRect.bottom() + 3));
                                p.drawText(QRectF(x - 40, mapRect.bottom() + 3, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                                           formatDegrees(v, step, false));
                            }
                            break;
                        }
                        if (!lonLines && (a.x() - mapRect.left()) * (b.x() - mapRect.left()) <= 0 && a.x() != b.x()) {
                            const double y = a.y() + (b.y() - a.y()) * (mapRect.left() - a.x()) / (b.x() - a.x());
                            if (y >= mapRect.top() && y <= mapRect.bottom()) {
                                p.drawLine(QPointF(mapRect.left() - 3, y), QPointF(mapRect.left(), y));
                                p.drawText(QRectF(0, y - fm.height() / 2, mapRect.left() - 5, fm.height()),
                                           Qt::AlignRight | Qt::AlignVCenter, formatDegrees(v, step, true));
                            }
                            break;
                        }
                    }
                }
            }
            p.restore();

            // North arrow: the direction of north at the scene centre.
            const QPointF centrePx(ps.width / 2.0, ps.height / 2.0);
            auto centreLl = s.geo->pixelToLonLat(centrePx);
            if (centreLl) {
                auto northPx = s.geo->lonLatToPixel(centreLl.value() + QPointF(0, span / 20.0));
                if (northPx) {
                    const QPointF d = northPx.value() - centrePx;
                    const double angle = std::atan2(d.x(), -d.y()) * 180.0 / M_PI;
                    p.save();
                    p.translate(mapRect.right() - 26, mapRect.top() + 28);
                    p.setPen(Qt::NoPen);
                    p.setBrush(QColor(255, 255, 255, 210));
                    p.drawEllipse(QPointF(0, 0), 21, 21);
                    p.rotate(angle);
                    QPolygonF arrow;
                    arrow << QPointF(0, -7) << QPointF(6, 15) << QPointF(0, 11) << QPointF(-6, 15);
                    p.setBrush(Qt::black);
                    p.drawPolygon(arrow);
                    p.setPen(Qt::black);
                    QFont bold = font;
                    bold.setBold(true);
                    p.setFont(bold);
                    p.drawText(QRectF(-8, -20, 16, 12), Qt::AlignCenter, QStringLiteral("N"));
                    p.setFont(font);
                    p.restore();
                }
            }
        }
    }

    // Scale bar, bottom left inside the map.
    if (s.geo) {
        auto gsd = s.geo->groundPixelSize();
        if (gsd && gsd->width() > 0) {
            const double metresPerFigPx = gsd->width() / scale;
            const double length = niceNumber(mapW * 0.25 * metresPerFigPx);
            const double barW = length / metresPerFigPx;
            const QRectF box(mapRect.left() + 8, mapRect.bottom() - 30, barW + 24 + fm.horizontalAdvance(formatLength(length)), 24);
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(255, 255, 255, 210));
            p.drawRect(box);
            const QPointF o(box.left() + 8, box.bottom() - 8);
            p.setPen(QPen(Qt::black, 0.6));
            p.setBrush(Qt::black);
            p.drawRect(QRectF(o.x(), o.y() - 4, barW / 2, 4));
            p.setBrush(Qt::white);
            p.drawRect(QRectF(o.x() + barW / 2, o.y() - 4, barW / 2, 4));
            p.drawText(QRectF(o.x() - 10, o.y() - 18, 20, fm.height()), Qt::AlignCenter, QStringLiteral("0"));
            p.drawText(QRectF(o.x() + barW - 4, o.y() - 18, 200, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                       formatLength(length));
        }
    }
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(Qt::black, 0.8));
    p.drawRect(mapRect);

    // Legend.
    for (const auto &entry : legend) {
        const QRectF r = entry.second;
        p.setPen(QPen(classColor(entry.first), 1.3));
        QColor fill = classColor(entry.first);
        fill.setAlpha(90);
        p.setBrush(fill);
        p.drawRect(QRectF(r.left(), r.top() + 1, 12, r.height() - 2));
        p.setPen(Qt::black);
        p.drawText(QRectF(r.left() + 16, r.top(), r.width() - 16, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("%1 (%2)").arg(className(entry.first)).arg(counts.value(entry.first)));
    }
    p.end();
    picture.setBoundingRect(QRect(QPoint(0, 0), figureSize->toSize()));
    return picture;
}

void Assembler::overviewMaps()
{
    m_html += section(tr("Overview maps"));
    if (m_data.scenes.isEmpty()) {
        m_html += note(tr("The project has no scenes to map."));
        return;
    }
    for (int i = 0; i < m_data.scenes.size(); ++i) {
        if (canceled())
            return;
        const ProjectScene &ps = m_data.scenes[i];
        report(0.05 + 0.25 * i / m_data.scenes.size(), tr("Drawing the map of %1").arg(ps.id));
        SceneCache *s = scene(ps.id);
        if (i > 0)
            m_html += QStringLiteral("<h2 style=\"page-break-before: always\">%1</h2>\n").arg(esc(ps.id));
        else
            m_html += QStringLiteral("<h2>%1</h2>\n").arg(esc(ps.id));
        m_html += QStringLiteral("<p>%1</p>\n").arg(esc(QFileInfo(ps.path).fileName()));
        if (!s || !s->error.isEmpty())
            m_html += note(tr("The scene could not be read: %1").arg(s ? s->error : ps.path));
        QSizeF size;
        const QPicture map = overviewMap(*s, &size);
        m_html += QStringLiteral("<p>%1</p>\n").arg(addFigure(map, size));
        if (!s->geo || !s->geo->hasLonLat())
            m_html += note(tr("The scene has no coordinate reference system: no graticule, scale bar or north arrow."));
    }
}

void Assembler::questions()
{
    m_html += section(tr("Questions and answers"));
    const QVector<QJsonObject> entries = selectedQuestions();
    if (entries.isEmpty()) {
        m_html += note(m_data.chat.isEmpty() ? tr("No questions have been asked about this project yet.")
                                             : tr("No questions were selected for this report."));
        return;
    }
    for (int n = 0; n < entries.size(); ++n) {
        if (canceled())
            return;
        report(0.3 + 0.3 * n / entries.size(), tr("Question %1 of %2").arg(n + 1).arg(entries.size()));
        const QJsonObject e = entries[n];
        const QJsonObject region = e.value(QLatin1String("region")).toObject();
        const QJsonObject gen = e.value(QLatin1String("generation")).toObject();
        const QJsonObject heat = e.value(QLatin1String("heatmap")).toObject();
        SceneCache *s = sceneForEntry(e);

        m_html += QStringLiteral("<h2>%1</h2>\n").arg(esc(tr("Question %1").arg(n + 1)));
        m_html += QStringLiteral("<table class=\"data\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\">\n");
        m_html += row(tr("Question"), esc(e.value(QLatin1String("question")).toString()));
        m_html += row(tr("Answer"), QStringLiteral("<b>%1</b>").arg(esc(e.value(QLatin1String("answer")).toString())));
        QString method = e.value(QLatin1String("method")).toString();
        if (e.contains(QLatin1String("verified")))
            method += e.value(QLatin1String("verified")).toBool() ? tr(" (verified)") : tr(" (not verified)");
        m_html += row(tr("Method"), esc(method.isEmpty() ? tr("unknown") : method));
        m_html += row(tr("Model"), esc(e.value(QLatin1String("modelId")).toString()));
        QStringList genText;
        for (auto it = gen.constBegin(); it != gen.constEnd(); ++it)
            genText << QStringLiteral("%1 = %2").arg(it.key(), it.value().isDouble() ? QLocale::c().toString(it.value().toDouble(), 'g', 6)
                                                                                 : it.value().toVariant().toString());
        m_html += row(tr("Generation settings"), esc(genText.isEmpty() ? tr("not recorded") : genText.join(QStringLiteral(", "))));
        m_html += row(tr("Scene"), esc(s ? s->scene.id : e.value(QLatin1String("scenePath")).toString()));
        m_html += row(tr("Asked"), esc(e.value(QLatin1String("time")).toString()));

        // The region in scene pixels: as recorded, else the annotation's box, else the map box.
        QRect window;
        const QJsonArray pixel = region.value(QLatin1String("pixel")).toArray();
        if (pixel.size() == 4)
            window = QRect(pixel[0].toInt(), pixel[1].toInt(), pixel[2].toInt(), pixel[3].toInt());
        if (window.isEmpty()) {
            const qint64 annId = region.value(QLatin1String("annotationId")).toVariant().toLongLong();
            for (const Annotation &a : m_data.annotations)
                if (a.id == annId && annId != 0)
                    window = a.boundingRect().toAlignedRect();
        }
        if (window.isEmpty() && s && s->measure) {
            const QJsonArray m = region.value(QLatin1String("map")).toArray();
            if (m.size() == 4) {
                auto a = s->measure->mapToPixel(QPointF(m[0].toDouble(), m[1].toDouble()));
                auto b = s->measure->mapToPixel(QPointF(m[2].toDouble(), m[3].toDouble()));
                if (a && b)
                    window = QRectF(*a, *b).normalized().toAlignedRect();
            }
        }
        m_html += row(tr("Region"), esc(window.isEmpty() ? tr("not recorded")
                                                         : tr("%1, x %2, y %3, %4 × %5 px")
                                                               .arg(region.value(QLatin1String("kind")).toString())
                                                               .arg(window.x())
                                                               .arg(window.y())
                                                               .arg(window.width())
                                                               .arg(window.height())));
        m_html += QStringLiteral("</table>\n");

        QImage image = s && !window.isEmpty() ? chip(*s, window, 360) : QImage();
        if (image.isNull()) {
            m_html += note(s && !s->error.isEmpty() ? tr("No image chip: the scene could not be read (%1).").arg(s->error)
                                                    : tr("No image chip: the question has no readable scene region."));
            continue;
        }
        // Heatmap: a Float32 GeoTIFF over exactly the question's region.
        ml::HeatMap map;
        QString heatError;
        const QString heatPath = heat.value(QLatin1String("path")).toString();
        if (!heatPath.isEmpty()) {
            const QString abs = QFileInfo(heatPath).isAbsolute() ? heatPath : QDir(m_data.projectFolder()).filePath(heatPath);
            auto ds = RasterDataset::open(abs);
            if (!ds) {
                heatError = errorText(ds.error());
            } else {
                const RasterInfo &hi = ds.value()->info();
                auto block = ds.value()->read(QRect(0, 0, hi.width, hi.height), QSize(hi.width, hi.height), {1});
                if (!block) {
                    heatError = errorText(block.error());
                } else {
                    map.width = hi.width;
                    map.height = hi.height;
                    map.values.assign(block->data.begin(), block->data.end());
                    for (size_t i = 0; i < map.values.size(); ++i)
                        if (!block->valid[i] || !std::isfinite(map.values[i]))
                            map.values[i] = 0.0f;
                }
            }
        }
        const double boxSide = 300;
        const QSizeF chipSize = QSizeF(image.size()).scaled(QSizeF(boxSide, boxSide), Qt::KeepAspectRatio);
        const bool withHeat = !map.isEmpty();
        const double figH = chipSize.height() + 20 + (withHeat ? 44 : 0);
        const QSizeF figSize(kPageWidth, figH);
        QPicture picture;
        QPainter p(&picture);
        p.setRenderHint(QPainter::Antialiasing);
        QFont font(QStringLiteral("DejaVu Sans"));
        font.setPointSizeF(7.5);
        p.setFont(font);
        const QRectF left(10, 16, chipSize.width(), chipSize.height());
        p.drawText(QRectF(left.left(), 0, left.width(), 14), Qt::AlignLeft | Qt::AlignVCenter, tr("Image chip"));
        p.drawImage(left, image);
        p.setPen(QPen(Qt::black, 0.6));
        p.drawRect(left);
        if (withHeat) {
            const ColorMap cmap = colorMapFromName(heat.value(QLatin1String("colorMap")).toString()).value_or(ColorMap::Viridis);
            HeatmapStyle style;
            style.colorMap = cmap;
            style.low = map.minimum();
            style.high = map.maximum() > style.low ? map.maximum() : style.low + 1.0;
            const QImage overlay = renderHeatmap(map, style);
            const QRectF right(left.right() + 30, 16, chipSize.width(), chipSize.height());
            const QString method = heat.value(QLatin1String("method")).toString();
            p.drawText(QRectF(right.left(), 0, right.width() + 60, 14), Qt::AlignLeft | Qt::AlignVCenter,
                       tr("Heatmap overlay (%1)").arg(method.isEmpty() ? tr("unknown method") : method));
            p.drawImage(right, image);
            p.setOpacity(0.6);
            p.drawImage(right, overlay);
            p.setOpacity(1.0);
            p.drawRect(right);
            // Colour bar under the overlay, drawn as vector rectangles.
            const QRectF bar(right.left(), right.bottom() + 10, right.width(), 10);
            const int steps = 64;
            p.setPen(Qt::NoPen);
            for (int k = 0; k < steps; ++k) {
                p.setBrush(QColor::fromRgb(colorMapValue(cmap, (k + 0.5) / steps)));
                p.drawRect(QRectF(bar.left() + bar.width() * k / steps, bar.top(), bar.width() / steps + 0.3, bar.height()));
            }
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(Qt::black, 0.5));
            p.drawRect(bar);
            for (int k = 0; k <= 2; ++k) {
                const double v = style.low + (style.high - style.low) * k / 2.0;
                const double x = bar.left() + bar.width() * k / 2.0;
                p.drawLine(QPointF(x, bar.bottom()), QPointF(x, bar.bottom() + 3));
                p.drawText(QRectF(x - 40, bar.bottom() + 3, 80, 14), Qt::AlignHCenter | Qt::AlignTop,
                           QLocale::c().toString(v, 'g', 3));
            }
        }
        p.end();
        picture.setBoundingRect(QRect(QPoint(0, 0), figSize.toSize()));
        m_html += QStringLiteral("<p>%1</p>\n").arg(addFigure(picture, figSize));
        if (!heatPath.isEmpty() && !heatError.isEmpty())
            m_html += note(tr("The heatmap could not be read: %1").arg(heatError));
        else if (heatPath.isEmpty())
            m_html += note(tr("No heatmap was computed for this question."));
    }
}

void Assembler::regions()
{
    m_html += section(tr("Regions"), false);
    const QVector<Annotation> list = selectedRegions();
    if (list.isEmpty()) {
        m_html += note(m_options.regions == ReportOptions::RegionSelection::WithQa
                           ? tr("No annotated region has questions and answers.")
                           : tr("No regions were selected for this report."));
        return;
    }
    for (int n = 0; n < list.size(); ++n) {
        if (canceled())
            return;
        report(0.6 + 0.1 * n / list.size(), tr("Region %1 of %2").arg(n + 1).arg(list.size()));
        const Annotation &a = list[n];
        SceneCache *s = scene(a.sceneId);
        QString figure;
        if (s && s->dataset) {
            const QRectF box = a.boundingRect();
            const double pad = std::max(16.0, std::max(box.width(), box.height()) * 0.2);
            QRect window = box.adjusted(-pad, -pad, pad, pad).toAlignedRect();
            window &= QRect(0, 0, s->scene.width, s->scene.height);
            const QImage image = chip(*s, window, 320);
            if (!image.isNull()) {
                const QSizeF size = QSizeF(image.size()).scaled(QSizeF(300, 190), Qt::KeepAspectRatio);
                QPicture picture;
                QPainter p(&picture);
                p.setRenderHint(QPainter::Antialiasing);
                p.drawImage(QRectF(QPointF(0, 0), size), image);
                const double f = size.width() / window.width();
                QPolygonF poly;
                for (const QPointF &pt : a.geometry)
                    poly << (pt - window.topLeft()) * f;
                p.setPen(QPen(classColor(a.classId), 1.5));
                if (a.isPoint() && !poly.isEmpty())
                    p.drawEllipse(poly.first(), 4, 4);
                else
                    p.drawPolygon(poly);
                p.setPen(QPen(Qt::black, 0.6));
                p.setBrush(Qt::NoBrush);
                p.drawRect(QRectF(QPointF(0, 0), size));
                p.end();
                picture.setBoundingRect(QRect(QPoint(0, 0), size.toSize()));
                figure = addFigure(picture, size);
            }
        }
        if (figure.isEmpty())
            figure = esc(tr("(no image: the scene could not be read)"));
        QString text = QStringLiteral("<h3>%1</h3>\n").arg(esc(tr("Region %1: %2").arg(a.id).arg(className(a.classId))));
        text += QStringLiteral("<p>%1</p>\n").arg(esc(a.caption.isEmpty() ? tr("No caption.") : a.caption));
        for (const QaPair &qa : a.qa)
            text += QStringLiteral("<p><b>%1</b> %2<br/>%3 %4</p>\n")
                        .arg(esc(tr("Q:")), esc(qa.question), esc(tr("A:")), esc(qa.answer));
        // Stacked, not side by side: QTextDocument splits a table row across pages, which would
        // put a chip on one page and its caption on the next.
        const int headEnd = text.indexOf(QLatin1String("</h3>\n")) + 6;
        m_html += text.left(headEnd) + QStringLiteral("<p>%1</p>\n").arg(figure) + text.mid(headEnd);
    }
}

void Assembler::annotationTable()
{
    m_html += section(tr("Annotations"));
    if (m_data.annotations.isEmpty()) {
        m_html += note(tr("The project has no annotations."));
        return;
    }
    report(0.7, tr("Measuring annotations"));
    const bool manyScenes = m_data.scenes.size() > 1;
    struct Totals
    {
        int count = 0;
        double area = 0;
        bool areaKnown = false;
    };
    QMap<int, Totals> perClass;
    QString rows;
    QVector<Annotation> sorted = m_data.annotations;
    std::sort(sorted.begin(), sorted.end(), [](const Annotation &a, const Annotation &b) { return a.id < b.id; });
    for (const Annotation &a : sorted) {
        SceneCache *s = scene(a.sceneId);
        const GeoMeasure *gm = s ? s->measure.get() : nullptr;
        std::optional<double> area;
        if (gm && !a.isPoint())
            area = gm->areaSquareMeters(a.geometry);
        std::optional<QPointF> ll;
        if (gm)
            ll = gm->pixelToLonLat(a.pixelCentroid());
        Totals &t = perClass[a.classId];
        t.count++;
        if (area) {
            t.area += *area;
            t.areaKnown = true;
        }
        const QString dash = QStringLiteral("–");
        rows += QStringLiteral("<tr><td class=\"num\">%1</td><td>%2</td>").arg(a.id).arg(esc(className(a.classId)));
        if (manyScenes)
            rows += QStringLiteral("<td>%1</td>").arg(esc(a.sceneId));
        rows += QStringLiteral("<td class=\"num\">%1</td><td class=\"num\">%2</td><td class=\"num\">%3</td><td class=\"num\">%4</td><td>%5</td></tr>\n")
                    .arg(area ? formatNumber(*area, 0) : dash, area ? formatNumber(*area / 1e4, 2) : dash,
                         ll ? QString::number(ll->y(), 'f', 5) : dash, ll ? QString::number(ll->x(), 'f', 5) : dash,
                         esc(a.caption));
    }
    m_html += QStringLiteral("<h2>%1</h2>\n").arg(esc(tr("Per class")));
    m_html += QStringLiteral("<table class=\"data\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\">\n<thead><tr>");
    for (const QString &h : {tr("Class"), tr("Count"), tr("Area (m²)"), tr("Area (ha)")})
        m_html += QStringLiteral("<th>%1</th>").arg(esc(h));
    m_html += QStringLiteral("</tr></thead>\n");
    for (auto it = perClass.cbegin(); it != perClass.cend(); ++it)
        m_html += QStringLiteral("<tr><td><font color=\"%1\">■</font> %2</td><td class=\"num\">%3</td><td class=\"num\">%4</td><td class=\"num\">%5</td></tr>\n")
                      .arg(classColor(it.key()).name(), esc(className(it.key())))
                      .arg(it->count)
                      .arg(it->areaKnown ? formatNumber(it->area, 0) : QStringLiteral("–"),
                           it->areaKnown ? formatNumber(it->area / 1e4, 2) : QStringLiteral("–"));
    m_html += QStringLiteral("</table>\n");

    m_html += QStringLiteral("<h2>%1</h2>\n").arg(esc(tr("All annotations")));
    m_html += QStringLiteral("<table class=\"data\" border=\"1\" cellspacing=\"0\" cellpadding=\"2\" width=\"100%\">\n<thead><tr>");
    QStringList heads{tr("ID"), tr("Class")};
    if (manyScenes)
        heads << tr("Scene");
    heads << tr("Area (m²)") << tr("Area (ha)") << tr("Centroid lat") << tr("Centroid lon") << tr("Caption");
    for (const QString &h : heads)
        m_html += QStringLiteral("<th>%1</th>").arg(esc(h));
    m_html += QStringLiteral("</tr></thead>\n");
    m_html += rows;
    m_html += QStringLiteral("</table>\n");
    bool anyMissing = false;
    for (const auto &t : perClass)
        anyMissing = anyMissing || !t.areaKnown;
    if (anyMissing)
        m_html += note(tr("Areas and centroids need a scene with a coordinate reference system; points have no area."));
}

/// Steps and evaluations from `metrics.jsonl` of the job's output folder, for records that
/// were imported without them.
void fillFromMetricsLog(TrainingJobRecord &job)
{
    if (job.outputDir.isEmpty() || !job.steps.isEmpty() || !job.evals.isEmpty())
        return;
    QFile f(QDir(job.outputDir).filePath(QStringLiteral("metrics.jsonl")));
    if (!f.open(QIODevice::ReadOnly))
        return;
    while (!f.atEnd()) {
        const QJsonObject o = QJsonDocument::fromJson(f.readLine()).object();
        const QString ev = o.value(QLatin1String("event")).toString();
        if (ev == QLatin1String("step")) {
            TrainingJobRecord::StepPoint p;
            p.step = o.value(QLatin1String("step")).toVariant().toLongLong();
            p.epoch = o.value(QLatin1String("epoch")).toDouble();
            p.loss = o.value(QLatin1String("loss")).toDouble(NAN);
            p.lr = o.value(QLatin1String("lr")).toDouble();
            p.samplesPerSecond = o.value(QLatin1String("samples_per_s")).toDouble();
            job.steps.append(p);
        } else if (ev == QLatin1String("eval")) {
            TrainingJobRecord::EvalPoint e;
            e.step = o.value(QLatin1String("step")).toVariant().toLongLong();
            e.epoch = o.value(QLatin1String("epoch")).toDouble();
            e.split = o.value(QLatin1String("split")).toString();
            const QJsonObject m = o.value(QLatin1String("metrics")).toObject();
            for (auto it = m.constBegin(); it != m.constEnd(); ++it)
                if (it.value().isDouble())
                    e.metrics.insert(it.key(), it.value().toDouble());
            job.evals.append(e);
        }
    }
}

/// trainer_state.json of the newest checkpoint in the output folder (empty when none).
QJsonObject newestTrainerState(const QString &outputDir, QString *file)
{
    if (outputDir.isEmpty())
        return {};
    QDir dir(outputDir);
    qint64 best = -1;
    QString found;
    for (const QString &name : dir.entryList({QStringLiteral("checkpoint-*")}, QDir::Dirs)) {
        bool ok = false;
        const qint64 step = name.mid(11).toLongLong(&ok);
        if (ok && step > best && QFileInfo::exists(dir.filePath(name + QStringLiteral("/trainer_state.json")))) {
            best = step;
            found = dir.filePath(name + QStringLiteral("/trainer_state.json"));
        }
    }
    if (found.isEmpty())
        return {};
    QFile f(found);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    *file = found;
    return QJsonDocument::fromJson(f.readAll()).object();
}

void Assembler::models()
{
    m_html += section(tr("Models"), false);
    report(0.75, tr("Describing models"));
    const QVector<TrainingJobRecord> jobs = m_data.reportableJobs();
    if (jobs.isEmpty())
        m_html += note(tr("No fine-tuning job of this project has finished."));
    for (TrainingJobRecord job : jobs) {
        if (canceled())
            return;
        fillFromMetricsLog(job);
        const QJsonObject cfg = job.config;
        m_html += QStringLiteral("<h2>%1</h2>\n").arg(esc(tr("Fine-tuned model: %1").arg(job.name.isEmpty() ? job.id : job.name)));
        m_html += QStringLiteral("<table class=\"data\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\">\n");
        const QString modelDir = job.modelDir.isEmpty() ? job.outputDir : job.modelDir;
        m_html += row(tr("Model name"), esc(QFileInfo(modelDir).fileName().isEmpty() ? job.name : QFileInfo(QDir(modelDir).absolutePath()).fileName()));
        m_html += row(tr("Model folder"), esc(QDir::toNativeSeparators(modelDir)));
        const QString hash = modelHash(job.modelDir);
        m_html += row(tr("Model hash"), esc(hash.isEmpty() ? tr("no weights file found") : hash));
        m_html += row(tr("Base model"), esc(cfg.value(QLatin1String("model")).toString()));
        m_html += row(tr("Task"), esc(cfg.value(QLatin1String("task")).toString()));
        const QString data = cfg.value(QLatin1String("data")).toString();
        QString dataText = data;
        if (!data.isEmpty()) {
            auto summary = TrainingDataSummary::scan(data);
            if (summary)
                dataText += QStringLiteral(": ") + tr("%1 captioned images, %2 question/answer pairs, %3 classified images")
                                                       .arg(summary->captionImages)
                                                       .arg(summary->vqaPairs)
                                                       .arg(summary->classifiedImages);
            else
                dataText += QStringLiteral(" (") + tr("not readable now: %1").arg(errorText(summary.error())) + QLatin1Char(')');
        }
        m_html += row(tr("Training data"), esc(dataText.isEmpty() ? tr("not recorded") : dataText));
        if (job.samples > 0)
            m_html += row(tr("Training samples"), QString::number(job.samples));
        m_html += row(tr("Schedule"), esc(tr("%1 epochs, %2 steps, batch size %3, learning rate %4, seed %5")
                                              .arg(cfg.value(QLatin1String("epochs")).toInt())
                                              .arg(job.totalSteps)
                                              .arg(cfg.value(QLatin1String("batch_size")).toInt())
                                              .arg(QLocale::c().toString(cfg.value(QLatin1String("learning_rate")).toDouble(), 'g', 4))
                                              .arg(cfg.value(QLatin1String("seed")).toVariant().toLongLong())));
        m_html += row(tr("Outcome"), esc(TrainingJobRecord::stateKey(job.state) + (job.message.isEmpty() ? QString() : QStringLiteral(": ") + job.message)));
        if (job.finishedAt.isValid())
            m_html += row(tr("Finished"), esc(job.finishedAt.toUTC().toString(Qt::ISODate)));
        QString stateFile;
        const QJsonObject state = newestTrainerState(job.outputDir, &stateFile);
        if (!state.isEmpty()) {
            const QJsonValue bestMetric = state.value(QLatin1String("best_metric"));
            m_html += row(tr("Best checkpoint"), esc(tr("step %1, %2 = %3")
                                                         .arg(state.value(QLatin1String("best_step")).toVariant().toLongLong())
                                                         .arg(state.value(QLatin1String("early_stopping_metric")).toString())
                                                         .arg(bestMetric.isDouble() ? QLocale::c().toString(bestMetric.toDouble(), 'f', 4)
                                                                                    : tr("none"))));
        }
        m_html += QStringLiteral("</table>\n");

        const QVector<ReportChart> charts = ReportChart::forJob(job);
        if (charts.isEmpty())
            m_html += note(tr("The job recorded no training curves."));
        for (int i = 0; i < charts.size(); ++i) {
            const QString key = ReportChart::key(job.id, i);
            const QPicture pic = m_data.chartPictures.contains(key) ? m_data.chartPictures.value(key)
                                                                    : charts[i].paint(ReportChart::defaultSize());
            m_html += QStringLiteral("<p>%1</p>\n").arg(addFigure(pic, ReportChart::defaultSize()));
        }

        // The final validation metrics: the last evaluation.
        const TrainingJobRecord::EvalPoint *last = nullptr;
        for (const auto &e : job.evals)
            if (e.split.isEmpty() || e.split == QLatin1String("validation"))
                last = &e;
        m_html += QStringLiteral("<h3>%1</h3>\n").arg(esc(tr("Final validation metrics")));
        if (!last) {
            m_html += note(tr("The job ran no validation."));
        } else {
            m_html += QStringLiteral("<p>%1</p>\n").arg(esc(tr("Evaluation at step %1 (epoch %2).").arg(last->step).arg(last->epoch)));
            m_html += QStringLiteral("<table class=\"data\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\">\n<thead><tr><th>%1</th><th>%2</th></tr></thead>\n")
                          .arg(esc(tr("Metric")), esc(tr("Value")));
            for (auto it = last->metrics.cbegin(); it != last->metrics.cend(); ++it)
                m_html += QStringLiteral("<tr><td>%1</td><td class=\"num\">%2</td></tr>\n")
                              .arg(esc(it.key()), QLocale::c().toString(it.value(), 'f', 4));
            m_html += QStringLiteral("</table>\n");
        }
    }

    // Models that answered questions, whether or not this project trained them.
    QMap<QString, QString> used; // id -> path
    for (const QJsonObject &e : selectedQuestions()) {
        const QString id = e.value(QLatin1String("modelId")).toString();
        if (!id.isEmpty())
            used.insert(id, e.value(QLatin1String("modelPath")).toString());
    }
    m_html += QStringLiteral("<h2>%1</h2>\n").arg(esc(tr("Models used for answers")));
    if (used.isEmpty()) {
        m_html += note(tr("No answers in this report name a model."));
        return;
    }
    m_html += QStringLiteral("<table class=\"data\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\">\n<thead><tr><th>%1</th><th>%2</th><th>%3</th></tr></thead>\n")
                  .arg(esc(tr("Model id")), esc(tr("Folder")), esc(tr("Hash")));
    for (auto it = used.cbegin(); it != used.cend(); ++it) {
        const QString hash = modelHash(it.value());
        m_html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>\n")
                      .arg(esc(it.key()), esc(it.value()), esc(hash.isEmpty() ? tr("folder not found") : hash));
    }
    m_html += QStringLiteral("</table>\n");
}

void Assembler::appendix()
{
    m_html += section(tr("Appendix: reproducing this report"), false);
    m_html += QStringLiteral("<table class=\"data\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\">\n");
    m_html += row(tr("Workbench version"), esc(QStringLiteral(SATGPT_VERSION)));
    m_html += row(tr("Libraries"), esc(QStringLiteral("Qt %1, GDAL %2").arg(QString::fromLatin1(qVersion()), QString::fromLatin1(GDALVersionInfo("RELEASE_NAME")))));
    m_html += row(tr("Generated"), esc(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));
    m_html += row(tr("Project file"), esc(QDir::toNativeSeparators(m_data.projectPath)));
    m_html += row(tr("Paper"), esc(ReportOptions::paperName(m_options.paper)));
    m_html += row(tr("Command"), esc(QStringLiteral("satgpt report %1 --out report.pdf --paper %2")
                                         .arg(QFileInfo(m_data.projectPath).fileName(), ReportOptions::paperName(m_options.paper))));
    m_html += QStringLiteral("</table>\n");

    m_html += QStringLiteral("<h2>%1</h2>\n").arg(esc(tr("Scene rendering")));
    if (m_data.scenes.isEmpty())
        m_html += note(tr("No scenes."));
    for (const ProjectScene &ps : m_data.scenes) {
        SceneCache *s = scene(ps.id);
        QStringList bands;
        if (s)
            for (int b : s->settings.composition.bands)
                bands << QString::number(b);
        m_html += QStringLiteral("<p>%1</p>\n")
                      .arg(esc(tr("%1: %2; bands %3, percentile stretch 2–98 %; overview maps at most %4 px")
                                   .arg(ps.id, QDir::toNativeSeparators(ps.path), bands.join(QStringLiteral(", ")))
                                   .arg(m_options.overviewPixels)));
    }

    m_html += QStringLiteral("<h2>%1</h2>\n").arg(esc(tr("Answer generation")));
    const QVector<QJsonObject> entries = m_options.has(ReportOptions::Questions) ? selectedQuestions() : QVector<QJsonObject>();
    if (entries.isEmpty()) {
        m_html += note(tr("No questions in this report."));
    } else {
        const QStringList keys{QStringLiteral("maxNewTokens"), QStringLiteral("numBeams"), QStringLiteral("temperature"),
                               QStringLiteral("topK"), QStringLiteral("topP"), QStringLiteral("repetitionPenalty"),
                               QStringLiteral("seed")};
        m_html += QStringLiteral("<table class=\"data\" border=\"1\" cellspacing=\"0\" cellpadding=\"2\" width=\"100%\">\n<thead><tr><th>%1</th><th>%2</th><th>%3</th>")
                      .arg(esc(tr("Question")), esc(tr("Model")), esc(tr("Heatmap")));
        for (const QString &k : keys)
            m_html += QStringLiteral("<th>%1</th>").arg(esc(k));
        m_html += QStringLiteral("</tr></thead>\n");
        for (int n = 0; n < entries.size(); ++n) {
            const QJsonObject gen = entries[n].value(QLatin1String("generation")).toObject();
            const QJsonObject heat = entries[n].value(QLatin1String("heatmap")).toObject();
            m_html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td>")
                          .arg(n + 1)
                          .arg(esc(entries[n].value(QLatin1String("modelId")).toString()),
                               esc(heat.isEmpty() ? QStringLiteral("–")
                                                  : heat.value(QLatin1String("method")).toString() + QLatin1Char('/')
                                                        + heat.value(QLatin1String("colorMap")).toString()));
            for (const QString &k : keys)
                m_html += QStringLiteral("<td class=\"num\">%1</td>")
                              .arg(gen.contains(k) ? esc(gen.value(k).toVariant().toString()) : QStringLiteral("–"));
            m_html += QStringLiteral("</tr>\n");
        }
        m_html += QStringLiteral("</table>\n");
    }

    m_html += QStringLiteral("<h2>%1</h2>\n").arg(esc(tr("Training configurations")));
    const QVector<TrainingJobRecord> jobs = m_data.reportableJobs();
    if (jobs.isEmpty())
        m_html += note(tr("No fine-tuning jobs."));
    for (const TrainingJobRecord &job : jobs) {
        m_html += QStringLiteral("<h3>%1</h3>\n").arg(esc(job.name.isEmpty() ? job.id : job.name));
        m_html += QStringLiteral("<pre>%1</pre>\n")
                      .arg(esc(QString::fromUtf8(QJsonDocument(job.config).toJson(QJsonDocument::Indented))));
    }
}

Result<ReportDocument> Assembler::run(const std::function<void(double, const QString &)> &progress,
                                      const std::function<bool()> &keepGoing)
{
    m_progress = progress;
    m_keepGoing = keepGoing;
    m_doc.title = m_options.title.isEmpty() ? m_data.projectName : m_options.title;
    report(0.0, tr("Reading the project"));
    const struct
    {
        ReportOptions::Section section;
        void (Assembler::*fn)();
    } parts[] = {{ReportOptions::TitlePage, &Assembler::titlePage},
                 {ReportOptions::OverviewMaps, &Assembler::overviewMaps},
                 {ReportOptions::Questions, &Assembler::questions},
                 {ReportOptions::Regions, &Assembler::regions},
                 {ReportOptions::AnnotationTable, &Assembler::annotationTable},
                 {ReportOptions::Models, &Assembler::models},
                 {ReportOptions::Appendix, &Assembler::appendix}};
    for (const auto &part : parts) {
        if (canceled())
            return makeError("Canceled", m_data.projectPath.toStdString());
        if (m_options.has(part.section))
            (this->*part.fn)();
    }
    if (canceled())
        return makeError("Canceled", m_data.projectPath.toStdString());
    if (m_html.isEmpty())
        m_html = note(tr("No sections were selected."));
    m_doc.body = m_html;
    report(0.8, tr("Report assembled"));
    return m_doc;
}

} // namespace

ReportBuilder::ReportBuilder(ReportData data, ReportOptions options) : m_data(std::move(data)), m_options(std::move(options)) {}

Result<ReportDocument> ReportBuilder::build(const std::function<void(double, const QString &)> &progress,
                                            const std::function<bool()> &keepGoing)
{
    Assembler assembler(m_data, m_options);
    return assembler.run(progress, keepGoing);
}

} // namespace satgpt
