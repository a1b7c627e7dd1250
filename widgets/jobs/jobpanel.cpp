// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/jobs/jobpanel.h"

#include "core/jobs/trainingjobmodel.h"
#include "core/jobs/trainingjobqueue.h"
#include "widgets/jobs/jobprogressdelegate.h"
#include "widgets/jobs/trainingcurvesview.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextCursor>
#include <QVBoxLayout>

namespace satgpt {

JobPanel::JobPanel(QWidget *parent) : QWidget(parent)
{
    m_view = new QTableView(this);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setItemDelegateForColumn(TrainingJobModel::ProgressColumn, new JobProgressDelegate(m_view));
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);

    m_newJob = new QPushButton(tr("Fine-tune..."), this);
    m_newJob->setToolTip(tr("Start a new fine-tuning job"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop the selected job after its current step; it saves a checkpoint you can resume from"));
    m_resume = new QPushButton(tr("Resume"), this);
    m_resume->setToolTip(tr("Continue the selected job from its newest checkpoint"));
    m_useModel = new QPushButton(tr("Use as active model"), this);
    m_useModel->setToolTip(tr("Use the model this job produced for chat, captions and explanations"));
    m_remove = new QPushButton(tr("Remove"), this);
    m_remove->setToolTip(tr("Remove the job from the list (its output folder stays on disk)"));
    m_exportPng = new QPushButton(tr("Export PNG..."), this);
    m_exportPdf = new QPushButton(tr("Export PDF..."), this);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_newJob);
    buttons->addSpacing(12);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_useModel);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_curves = new TrainingCurvesView(this);
    auto *curvesPage = new QWidget(this);
    auto *curvesLayout = new QVBoxLayout(curvesPage);
    curvesLayout->setContentsMargins(0, 0, 0, 0);
    curvesLayout->addWidget(m_curves, 1);
    auto *exportRow = new QHBoxLayout;
    auto *hint = new QLabel(tr("Drag to pan, wheel to zoom, double-click to fit"), curvesPage);
    hint->setEnabled(false);
    exportRow->addWidget(hint);
    exportRow->addStretch(1);
    exportRow->addWidget(m_exportPng);
    exportRow->addWidget(m_exportPdf);
    curvesLayout->addLayout(exportRow);

    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(20000);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *details = new QTabWidget(this);
    details->addTab(curvesPage, tr("Curves"));
    details->addTab(m_log, tr("Log"));

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_view, 1);
    topLayout->addLayout(buttons);
    topLayout->addWidget(m_summary);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    connect(m_newJob, &QPushButton::clicked, this, &JobPanel::newJobRequested);
    connect(m_exportPng, &QPushButton::clicked, this, [this] { Q_EMIT exportRequested(QStringLiteral("png")); });
    connect(m_exportPdf, &QPushButton::clicked, this, [this] { Q_EMIT exportRequested(QStringLiteral("pdf")); });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (!m_queue || selectedRow() < 0)
            return;
        const Status s = m_queue->cancel(selectedJobId());
        if (!s.ok())
            Q_EMIT messageRaised(tr("Cancel job"), QString::fromStdString(s.error().toString()), QtWarningMsg);
        updateButtons();
    });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (!m_queue || selectedRow() < 0)
            return;
        const Status s = m_queue->resume(selectedJobId());
        if (!s.ok())
            Q_EMIT messageRaised(tr("Resume job"), QString::fromStdString(s.error().toString()), QtWarningMsg);
        updateButtons();
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (!m_queue || selectedRow() < 0)
            return;
        const Status s = m_queue->remove(selectedJobId());
        if (!s.ok())
            Q_EMIT messageRaised(tr("Remove job"), QString::fromStdString(s.error().toString()), QtWarningMsg);
    });
    connect(m_useModel, &QPushButton::clicked, this, [this] {
        const int row = selectedRow();
        if (!m_queue || row < 0)
            return;
        const QString dir = m_queue->at(row).modelDir;
        if (!dir.isEmpty())
            Q_EMIT activeModelRequested(dir);
    });
    updateButtons();
}

JobPanel::~JobPanel() = default;

void JobPanel::setQueue(TrainingJobQueue *queue)
{
    for (const auto &c : qAsConst(m_queueConnections))
        disconnect(c);
    m_queueConnections.clear();
    m_queue = queue;
    TrainingJobModel *old = m_model;
    m_model = queue ? new TrainingJobModel(queue, this) : nullptr;
    m_view->setModel(m_model);
    delete old;
    m_shownId.clear();
    m_curves->clear();
    m_log->clear();
    if (m_model) {
        m_view->horizontalHeader()->setSectionResizeMode(TrainingJobModel::NameColumn, QHeaderView::Interactive);
        m_view->setColumnWidth(TrainingJobModel::NameColumn, 180);
        m_view->setColumnWidth(TrainingJobModel::ProgressColumn, 210);
        connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &JobPanel::onCurrentChanged);
        connect(m_model, &QAbstractItemModel::modelReset, this, &JobPanel::onCurrentChanged);
        connect(m_model, &QAbstractItemModel::rowsRemoved, this, &JobPanel::onCurrentChanged);
        m_queueConnections << connect(queue, &TrainingJobQueue::recordChanged, this, &JobPanel::onRecordChanged)
                           << connect(queue, &TrainingJobQueue::logAppended, this, &JobPanel::onLogAppended)
                           << connect(queue, &TrainingJobQueue::jobFinished, this, &JobPanel::onJobFinished)
                           << connect(queue, &TrainingJobQueue::saveFailed, this, [this](const QString &message) {
                                  Q_EMIT messageRaised(tr("Training jobs"), tr("Could not save the job list: %1").arg(message),
                                                       QtWarningMsg);
                              });
        // New jobs are what the user wants to watch.
        connect(m_model, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex &, int first) { m_view->selectRow(first); });
        if (m_model->rowCount() > 0)
            m_view->selectRow(m_model->rowCount() - 1);
    }
    onCurrentChanged();
}

int JobPanel::selectedRow() const
{
    if (!m_queue || !m_view->selectionModel())
        return -1;
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() && current.row() < m_queue->count() ? current.row() : -1;
}

QString JobPanel::selectedJobId() const
{
    const int row = selectedRow();
    return row < 0 ? QString() : m_queue->at(row).id;
}

bool JobPanel::selectJob(const QString &id)
{
    if (!m_queue)
        return false;
    const int row = m_queue->indexOf(id);
    if (row < 0)
        return false;
    m_view->selectRow(row);
    m_view->selectionModel()->setCurrentIndex(m_model->index(row, 0), QItemSelectionModel::Current);
    onCurrentChanged();
    return true;
}

void JobPanel::onCurrentChanged()
{
    showRecord(selectedRow());
    updateButtons();
}

void JobPanel::showRecord(int row)
{
    if (row < 0) {
        m_shownId.clear();
        m_curves->clear();
        m_log->clear();
        m_summary->clear();
        return;
    }
    const TrainingJobRecord &r = m_queue->at(row);
    if (r.id != m_shownId) {
        m_shownId = r.id;
        m_curves->setRecord(r);
        m_log->setPlainText(r.log);
        m_log->verticalScrollBar()->setValue(m_log->verticalScrollBar()->maximum());
    }
    QString summary = QStringLiteral("<b>%1</b> — %2").arg(r.name.toHtmlEscaped(), TrainingJobModel::stateText(int(r.state)));
    if (!r.message.isEmpty())
        summary += QStringLiteral(": ") + r.message.toHtmlEscaped();
    if (!r.outputDir.isEmpty())
        summary += QStringLiteral("<br>") + tr("Output: %1").arg(r.outputDir.toHtmlEscaped());
    m_summary->setText(summary);
}

void JobPanel::onRecordChanged(int row, int changes)
{
    if (row == selectedRow()) {
        const TrainingJobRecord &r = m_queue->at(row);
        if (r.id == m_shownId)
            m_curves->updateRecord(r, changes);
        showRecord(row);
        updateButtons();
    }
}

void JobPanel::onLogAppended(const QString &id, const QString &text)
{
    if (id != m_shownId)
        return;
    QScrollBar *bar = m_log->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    QTextCursor cursor(m_log->document());
    cursor.movePosition(QTextCursor::End);
    QString chunk = text;
    if (chunk.endsWith(QLatin1Char('\n')))
        chunk.chop(1);
    if (!m_log->document()->isEmpty())
        chunk.prepend(QLatin1Char('\n'));
    cursor.insertText(chunk);
    if (atEnd)
        bar->setValue(bar->maximum());
}

void JobPanel::onJobFinished(const QString &id)
{
    const int row = m_queue ? m_queue->indexOf(id) : -1;
    if (row < 0)
        return;
    const TrainingJobRecord &r = m_queue->at(row);
    switch (r.state) {
    case TrainingJobRecord::State::Finished:
        Q_EMIT messageRaised(tr("Fine-tuning finished"), tr("%1: %2").arg(r.name, r.message), QtInfoMsg);
        break;
    case TrainingJobRecord::State::Failed:
        Q_EMIT messageRaised(tr("Fine-tuning failed"), tr("%1: %2").arg(r.name, r.message), QtCriticalMsg);
        break;
    case TrainingJobRecord::State::Canceled:
        Q_EMIT messageRaised(tr("Fine-tuning canceled"), tr("%1: %2").arg(r.name, r.message), QtInfoMsg);
        break;
    default:
        break;
    }
    updateButtons();
}

void JobPanel::updateButtons()
{
    const int row = selectedRow();
    const TrainingJobRecord *r = row >= 0 ? &m_queue->at(row) : nullptr;
    m_newJob->setEnabled(m_queue != nullptr);
    m_cancel->setEnabled(r && r->state == TrainingJobRecord::State::Running);
    m_resume->setEnabled(r && r->canResume());
    m_useModel->setEnabled(r && r->state == TrainingJobRecord::State::Finished && !r->modelDir.isEmpty());
    m_remove->setEnabled(r && r->state != TrainingJobRecord::State::Running);
    m_exportPng->setEnabled(r != nullptr);
    m_exportPdf->setEnabled(r != nullptr);
}

} // namespace satgpt
