// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/reports/reportdocument.h"

#include "core/project/atomicfile.h"

#include <QBuffer>
#include <QImage>
#include <QPainter>
#include <QRegularExpression>

namespace satgpt {

namespace {

const char kHtmlStyle[] = R"(
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #222; max-width: 960px; margin: 24px auto; }
h1 { font-size: 18pt; border-bottom: 2px solid #345; padding-bottom: 4px; margin-top: 36px; }
h1.title { font-size: 26pt; border: none; margin-top: 80px; }
h2 { font-size: 13pt; margin-top: 22px; }
h3 { font-size: 11pt; }
table { border-collapse: collapse; margin: 6px 0; }
table.data td, table.data th { border: 1px solid #999; padding: 3px 6px; vertical-align: top; }
table.data th { background: #e4e9ef; text-align: left; }
td.num { text-align: right; }
p.note { color: #666; font-style: italic; }
pre { font-size: 8pt; background: #f4f4f4; padding: 6px; white-space: pre-wrap; }
)";

} // namespace

QImage ReportDocument::figureImage(int index, double scale) const
{
    if (index < 0 || index >= figures.size())
        return {};
    const ReportFigure &f = figures[index];
    QImage image((f.size * scale).toSize(), QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.scale(scale, scale);
    p.drawPicture(0, 0, f.picture);
    p.end();
    return image;
}

QString ReportDocument::toHtml(double figureScale) const
{
    QString body = this->body;
    // Replace from the back so earlier match positions stay valid.
    static const QRegularExpression re(QStringLiteral("src=\"fig:(\\d+)\""));
    QVector<QRegularExpressionMatch> matches;
    for (auto it = re.globalMatch(body); it.hasNext();)
        matches.append(it.next());
    for (int i = matches.size() - 1; i >= 0; --i) {
        const QRegularExpressionMatch &m = matches[i];
        const QImage image = figureImage(m.captured(1).toInt(), figureScale);
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, "PNG");
        body.replace(m.capturedStart(), m.capturedLength(),
                     QStringLiteral("src=\"data:image/png;base64,") + QString::fromLatin1(png.toBase64()) + QLatin1Char('"'));
    }
    QString html;
    html += QStringLiteral("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
                           "<meta charset=\"utf-8\"/>\n<title>");
    html += title.toHtmlEscaped();
    html += QStringLiteral("</title>\n<style>");
    html += QLatin1String(kHtmlStyle);
    html += QStringLiteral("</style>\n</head>\n<body>\n");
    html += body;
    html += QStringLiteral("\n</body>\n</html>\n");
    return html;
}

Status ReportDocument::writeHtml(const QString &path) const
{
    return AtomicFile::write(path, toHtml().toUtf8());
}

} // namespace satgpt
