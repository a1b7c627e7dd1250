// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/reports/reportlayout.h"

#include "core/reports/reportfigureobject.h"

#include <QAbstractTextDocumentLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextObjectInterface>

#include <algorithm>

namespace satgpt {

namespace {

constexpr double kCssDpi = 96.0;
constexpr double kFooterHeight = 28.0;

} // namespace

ReportLayout::ReportLayout(const ReportDocument &document, QPageSize::PageSizeId paper)
    : m_report(document), m_paper(paper), m_text(std::make_unique<QTextDocument>())
{
    auto *handler = new ReportFigureObject(&m_report.figures);
    m_figureHandler.reset(handler);
    m_text->documentLayout()->registerHandler(ReportFigureObject::kObjectType, handler);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(9.5);
    m_text->setDefaultFont(font);
    m_text->setDefaultStyleSheet(QStringLiteral(
        "h1 { font-size: 17pt; color: #1d2f45; margin-top: 6px; margin-bottom: 8px; }"
        "h1.title { font-size: 26pt; margin-top: 120px; }"
        "h2 { font-size: 12.5pt; color: #1d2f45; margin-top: 14px; margin-bottom: 4px; }"
        "h3 { font-size: 10.5pt; margin-top: 10px; margin-bottom: 3px; }"
        "th { background-color: #e4e9ef; font-weight: bold; }"
        "td.num { text-align: right; }"
        "p.note { color: #666666; font-style: italic; }"
        "pre { font-size: 7.5pt; }"));
    m_text->setHtml(m_report.body);

    // Swap the figure placeholders (<img src="fig:N">) for figure objects. Collect first,
    // replace from the back: each replacement keeps the length (one object character) anyway.
    struct Hit
    {
        int position;
        int length;
        int index;
        QSizeF size;
    };
    QVector<Hit> hits;
    for (QTextBlock block = m_text->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            const QTextCharFormat format = fragment.charFormat();
            if (!format.isImageFormat())
                continue;
            const QTextImageFormat image = format.toImageFormat();
            if (!image.name().startsWith(QLatin1String("fig:")))
                continue;
            const int index = image.name().mid(4).toInt();
            QSizeF size(image.width(), image.height());
            if (index >= 0 && index < m_report.figures.size() && size.isEmpty())
                size = m_report.figures[index].size;
            hits.append({fragment.position(), fragment.length(), index, size});
        }
    }
    for (int i = hits.size() - 1; i >= 0; --i) {
        QTextCursor cursor(m_text.get());
        cursor.setPosition(hits[i].position);
        cursor.setPosition(hits[i].position + hits[i].length, QTextCursor::KeepAnchor);
        QTextCharFormat f;
        f.setObjectType(ReportFigureObject::kObjectType);
        f.setProperty(ReportFigureObject::kIndexProperty, hits[i].index);
        f.setProperty(ReportFigureObject::kSizeProperty, hits[i].size);
        cursor.insertText(QString(QChar::ObjectReplacementCharacter), f);
    }

    const QPageLayout layout = pageLayout();
    const QRectF paint = layout.paintRectPixels(int(kCssDpi));
    m_body = QRectF(paint.topLeft(), QSizeF(paint.width(), paint.height() - kFooterHeight));
    m_text->setDocumentMargin(0);
    m_text->setPageSize(m_body.size());
}

ReportLayout::~ReportLayout()
{
    // The layout keeps a raw pointer to the handler: drop the document first.
    m_text.reset();
}

QPageLayout ReportLayout::pageLayout() const
{
    return QPageLayout(QPageSize(m_paper), QPageLayout::Portrait, QMarginsF(16, 14, 16, 12), QPageLayout::Millimeter);
}

int ReportLayout::pageCount() const { return m_text->pageCount(); }

QSizeF ReportLayout::pageSize() const { return pageLayout().fullRectPixels(int(kCssDpi)).size(); }

void ReportLayout::paintPage(QPainter *painter, int index) const
{
    painter->save();
    painter->translate(m_body.topLeft());
    const QRectF source(0, index * m_body.height(), m_body.width(), m_body.height());
    painter->save();
    painter->setClipRect(QRectF(QPointF(0, 0), m_body.size()));
    painter->translate(0, -source.top());
    QAbstractTextDocumentLayout::PaintContext context;
    context.clip = source;
    context.palette.setColor(QPalette::Text, Qt::black);
    m_text->documentLayout()->draw(painter, context);
    painter->restore();

    // Footer: title left, page number right, under a hairline.
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(7.5);
    painter->setFont(font);
    painter->setPen(QPen(QColor(120, 120, 120), 0.5));
    const double y = m_body.height() + 8;
    painter->drawLine(QPointF(0, y), QPointF(m_body.width(), y));
    const QRectF footer(0, y + 2, m_body.width(), kFooterHeight - 10);
    painter->drawText(footer, Qt::AlignLeft | Qt::AlignVCenter, m_report.title);
    painter->drawText(footer, Qt::AlignRight | Qt::AlignVCenter, tr("Page %1 of %2").arg(index + 1).arg(pageCount()));
    painter->restore();
}

QImage ReportLayout::renderPage(int index, double dpi) const
{
    const double scale = dpi / kCssDpi;
    QImage image((pageSize() * scale).toSize(), QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.scale(scale, scale);
    paintPage(&p, index);
    p.end();
    return image;
}

Status ReportLayout::writePdf(const QString &path, const std::function<void(double)> &progress,
                              const std::function<bool()> &keepGoing) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(tr("Cannot write the report").toStdString(), path.toStdString(), file.errorString().toStdString());
    {
        QPdfWriter writer(&file);
        writer.setResolution(int(kCssDpi));
        writer.setTitle(m_report.title);
        writer.setCreator(QStringLiteral("SatGPT Workbench " SATGPT_VERSION));
        QPageLayout layout = pageLayout();
        // The painter works on the full page (the footer sits in the bottom margin).
        layout.setMargins(QMarginsF(0, 0, 0, 0));
        layout.setMinimumMargins(QMarginsF(0, 0, 0, 0));
        writer.setPageLayout(layout);
        QPainter painter;
        if (!painter.begin(&writer))
            return makeError(tr("Cannot start the PDF writer").toStdString(), path.toStdString());
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        const int pages = pageCount();
        for (int i = 0; i < pages; ++i) {
            if (keepGoing && !keepGoing()) {
                painter.end();
                file.cancelWriting();
                return makeError("Canceled", path.toStdString());
            }
            if (i > 0)
                writer.newPage();
            paintPage(&painter, i);
            if (progress)
                progress(double(i + 1) / pages);
        }
        painter.end();
    }
    if (!file.commit())
        return makeError(tr("Cannot write the report").toStdString(), path.toStdString(), file.errorString().toStdString());
    return {};
}

} // namespace satgpt

