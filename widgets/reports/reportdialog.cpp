// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/reports/reportdialog.h"

#include "core/reports/reportjob.h"
#include "widgets/reports/qcustomplotchartrenderer.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

namespace satgpt {

namespace {

constexpr int kPreviewPages = 8;
constexpr double kPreviewDpi = 40;

} // namespace

ReportDialog::ReportDialog(ReportData data, QWidget *parent) : QDialog(parent), m_data(std::move(data))
{
    setWindowTitle(tr("Export Report"));
    m_data.renderCharts(&renderChartWithQCustomPlot);

    auto *controls = new QWidget(this);
    auto *left = new QVBoxLayout(controls);
    auto *form = new QFormLayout;
    m_title = new QLineEdit(m_data.projectName, controls);
    m_author = new QLineEdit(QSettings().value(QStringLiteral("report/author")).toString(), controls);
    m_author->setPlaceholderText(tr("Name on the title page"));
    m_paper = new QComboBox(controls);
    m_paper->addItem(tr("A4"), int(QPageSize::A4));
    m_paper->addItem(tr("Letter"), int(QPageSize::Letter));
    m_paper->setCurrentIndex(QSettings().value(QStringLiteral("report/paper")).toString() == QLatin1String("letter") ? 1 : 0);
    form->addRow(tr("Title:"), m_title);
    form->addRow(tr("Author:"), m_author);
    form->addRow(tr("Paper:"), m_paper);
    left->addLayout(form);

    auto *sectionsBox = new QGroupBox(tr("Sections"), controls);
    auto *sectionsLayout = new QVBoxLayout(sectionsBox);
    const QVector<QPair<ReportOptions::Section, QString>> sections{
        {ReportOptions::TitlePage, tr("Title page and scene list")},
        {ReportOptions::OverviewMaps, tr("Overview maps")},
        {ReportOptions::Questions, tr("Questions and answers")},
        {ReportOptions::Regions, tr("Region pages")},
        {ReportOptions::AnnotationTable, tr("Annotation table")},
        {ReportOptions::Models, tr("Models and training")},
        {ReportOptions::Appendix, tr("Appendix (reproducibility)")}};
    for (const auto &s : sections) {
        auto *box = new QCheckBox(s.second, sectionsBox);
        box->setChecked(true);
        sectionsLayout->addWidget(box);
        m_sections.append({s.first, box});
        connect(box, &QCheckBox::toggled, this, &ReportDialog::schedulePreview);
    }
    left->addWidget(sectionsBox);

    left->addWidget(new QLabel(tr("Questions:"), controls));
    m_questions = new QListWidget(controls);
    for (const QJsonValue &v : m_data.chat) {
        const QJsonObject e = v.toObject();
        auto *item = new QListWidgetItem(e.value(QLatin1String("question")).toString(), m_questions);
        item->setData(Qt::UserRole, e.value(QLatin1String("id")).toString());
        item->setToolTip(e.value(QLatin1String("answer")).toString());
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    if (m_data.chat.isEmpty())
        new QListWidgetItem(tr("(no questions in this project)"), m_questions);
    left->addWidget(m_questions, 1);

    left->addWidget(new QLabel(tr("Regions:"), controls));
    m_regions = new QListWidget(controls);
    for (const Annotation &a : m_data.annotations) {
        const QString cls = a.classId ? m_data.schema.nameOf(a.classId) : tr("Unclassified");
        auto *item = new QListWidgetItem(tr("#%1 %2 %3").arg(a.id).arg(cls, a.caption.left(60)), m_regions);
        item->setData(Qt::UserRole, a.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(a.qa.isEmpty() ? Qt::Unchecked : Qt::Checked);
    }
    if (m_data.annotations.isEmpty())
        new QListWidgetItem(tr("(no annotations in this project)"), m_regions);
    left->addWidget(m_regions, 1);
    connect(m_questions, &QListWidget::itemChanged, this, &ReportDialog::schedulePreview);
    connect(m_regions, &QListWidget::itemChanged, this, &ReportDialog::schedulePreview);
    connect(m_title, &QLineEdit::textChanged, this, &ReportDialog::schedulePreview);
    connect(m_author, &QLineEdit::textChanged, this, &ReportDialog::schedulePreview);
    connect(m_paper, &QComboBox::currentIndexChanged, this, &ReportDialog::schedulePreview);

    m_html = new QCheckBox(tr("Also write a self-contained HTML file"), controls);
    m_html->setChecked(QSettings().value(QStringLiteral("report/html"), true).toBool());
    left->addWidget(m_html);
    m_progress = new QProgressBar(controls);
    m_progress->setRange(0, 1000);
    m_progress->setVisible(false);
    left->addWidget(m_progress);
    m_status = new QLabel(controls);
    m_status->setWordWrap(true);
    left->addWidget(m_status);

    // Preview: the first pages, stacked.
    auto *previewSide = new QWidget(this);
    auto *right = new QVBoxLayout(previewSide);
    m_pagesLabel = new QLabel(tr("Preparing the preview..."), previewSide);
    right->addWidget(m_pagesLabel);
    auto *scroll = new QScrollArea(previewSide);
    scroll->setWidgetResizable(true);
    auto *pages = new QWidget(scroll);
    pages->setBackgroundRole(QPalette::Dark);
    pages->setAutoFillBackground(true);
    m_previewLayout = new QVBoxLayout(pages);
    m_previewLayout->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    scroll->setWidget(pages);
    right->addWidget(scroll, 1);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(controls);
    splitter->addWidget(previewSide);
    splitter->setStretchFactor(1, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_export = buttons->addButton(tr("Export PDF..."), QDialogButtonBox::AcceptRole);
    connect(m_export, &QPushButton::clicked, this, &ReportDialog::chooseAndExport);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    disconnect(buttons, &QDialogButtonBox::accepted, this, nullptr);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addWidget(buttons);
    resize(1100, 760);

    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(400);
    connect(m_previewTimer, &QTimer::timeout, this, &ReportDialog::startPreview);
    m_previewTimer->start(0);
}

ReportDialog::~ReportDialog()
{
    // The jobs read our snapshot copy only, but they are our children: stop them first.
    for (ReportJob *job : {m_previewJob.data(), m_exportJob.data()})
        if (job) {
            job->cancel();
            job->waitForFinished();
        }
}

ReportOptions ReportDialog::options() const
{
    ReportOptions o;
    o.sections = 0;
    for (const auto &s : m_sections)
        if (s.second->isChecked())
            o.sections |= s.first;
    o.paper = QPageSize::PageSizeId(m_paper->currentData().toInt());
    o.title = m_title->text().trimmed();
    o.author = m_author->text().trimmed();
    o.allQuestions = false;
    for (int i = 0; i < m_questions->count(); ++i) {
        const QListWidgetItem *item = m_questions->item(i);
        if (item->checkState() == Qt::Checked && item->data(Qt::UserRole).isValid())
            o.questionIds << item->data(Qt::UserRole).toString();
    }
    o.regions = ReportOptions::RegionSelection::Listed;
    for (int i = 0; i < m_regions->count(); ++i) {
        const QListWidgetItem *item = m_regions->item(i);
        if (item->checkState() == Qt::Checked && item->data(Qt::UserRole).isValid())
            o.regionIds << item->data(Qt::UserRole).toLongLong();
    }
    // Preview maps need less raster than print.
    return o;
}

void ReportDialog::schedulePreview() { m_previewTimer->start(); }

void ReportDialog::startPreview()
{
    if (m_previewJob)
        m_previewJob->cancel(); // its late result is ignored below
    ReportOptions o = options();
    o.overviewPixels = 800;
    auto *job = new ReportJob(m_data, o, this);
    job->setPreview(kPreviewPages, kPreviewDpi);
    m_previewJob = job;
    m_pagesLabel->setText(tr("Updating the preview..."));
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job != m_previewJob)
            return;
        m_previewJob.clear();
        if (job->state() != Job::State::Succeeded) {
            if (job->state() == Job::State::Failed)
                m_pagesLabel->setText(tr("Preview failed: %1").arg(job->errorText()));
            return;
        }
        while (QLayoutItem *item = m_previewLayout->takeAt(0)) {
            delete item->widget();
            delete item;
        }
        for (const QImage &page : job->previewImages()) {
            auto *label = new QLabel;
            label->setPixmap(QPixmap::fromImage(page));
            label->setFrameShape(QFrame::Box);
            m_previewLayout->addWidget(label);
        }
        m_previewPages = job->pageCount();
        m_pagesLabel->setText(job->pageCount() > kPreviewPages
                                  ? tr("%n page(s); the first %1 are shown.", nullptr, job->pageCount()).arg(kPreviewPages)
                                  : tr("%n page(s).", nullptr, job->pageCount()));
        Q_EMIT previewUpdated(job->pageCount());
    });
    job->start();
}

void ReportDialog::chooseAndExport()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("report/lastDir")).toString();
    const QString suggested = QFileInfo(dir, (m_title->text().isEmpty() ? QStringLiteral("report") : m_title->text()) + QStringLiteral(".pdf"))
                                  .filePath();
    const QString pdf = QFileDialog::getSaveFileName(this, tr("Export Report"), suggested, tr("PDF files (*.pdf)"));
    if (pdf.isEmpty())
        return;
    settings.setValue(QStringLiteral("report/lastDir"), QFileInfo(pdf).absolutePath());
    const QFileInfo fi(pdf);
    exportTo(pdf, m_html->isChecked() ? fi.absolutePath() + QLatin1Char('/') + fi.completeBaseName() + QStringLiteral(".html") : QString());
}

void ReportDialog::exportTo(const QString &pdfPath, const QString &htmlPath)
{
    if (m_exportJob)
        return;
    QSettings settings;
    settings.setValue(QStringLiteral("report/author"), m_author->text().trimmed());
    settings.setValue(QStringLiteral("report/paper"), ReportOptions::paperName(QPageSize::PageSizeId(m_paper->currentData().toInt())));
    settings.setValue(QStringLiteral("report/html"), m_html->isChecked());

    auto *job = new ReportJob(m_data, options(), this);
    job->setPdfPath(pdfPath);
    job->setHtmlPath(htmlPath);
    m_exportJob = job;
    setBusy(true);
    connect(job, &Job::progressChanged, this, [this](double f) { m_progress->setValue(int(f * 1000)); });
    connect(job, &Job::statusTextChanged, m_status, &QLabel::setText);
    connect(job, &Job::finished, this, [this, job, pdfPath, htmlPath] {
        job->deleteLater();
        m_exportJob.clear();
        setBusy(false);
        const bool ok = job->state() == Job::State::Succeeded;
        if (ok) {
            const QString files = htmlPath.isEmpty() ? pdfPath : tr("%1 and %2").arg(pdfPath, htmlPath);
            m_status->setText(tr("Written: %1 (%n page(s))", nullptr, job->pageCount()).arg(files));
            Q_EMIT messageRaised(tr("Report exported"), files, QtInfoMsg);
        } else if (job->state() == Job::State::Failed) {
            m_status->setText(tr("Export failed: %1").arg(job->errorText()));
            Q_EMIT messageRaised(tr("Cannot export the report"), job->errorText(), QtCriticalMsg);
        } else {
            m_status->setText(tr("Export canceled."));
        }
        Q_EMIT exportFinished(ok, pdfPath);
    });
    job->start();
}

void ReportDialog::setBusy(bool busy)
{
    m_export->setEnabled(!busy);
    m_progress->setVisible(busy);
    if (busy)
        m_progress->setValue(0);
}

} // namespace satgpt
