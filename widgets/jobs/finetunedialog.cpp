// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/jobs/finetunedialog.h"

#include "core/jobs/trainingjobmodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleValidator>
#include <QFileDialog>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QFileInfo>
#include <QSpinBox>
#include <QStandardPaths>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace satgpt {

namespace {

// Used only until a job has measured the real throughput; shown as a rough estimate. Roughly
// what the small ViT+GPT-2 reaches with a frozen encoder on a 2-core CPU / a mid-range GPU.
double roughSamplesPerSecond(const QString &device) { return device == QLatin1String("cuda") ? 40.0 : 2.0; }

} // namespace

FineTuneDialog::FineTuneDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Fine-tune the model"));

    // -- data
    auto *dataBox = new QGroupBox(tr("Training data"), this);
    m_useProject = new QCheckBox(tr("This project's annotations"), dataBox);
    m_useProject->setEnabled(false);
    m_folders = new QListWidget(dataBox);
    m_folders->setSelectionMode(QAbstractItemView::SingleSelection);
    m_folders->setMinimumHeight(70);
    auto *addFolder = new QPushButton(tr("Add dataset folder..."), dataBox);
    auto *removeFolder = new QPushButton(tr("Remove"), dataBox);
    auto *folderButtons = new QHBoxLayout;
    folderButtons->addWidget(addFolder);
    folderButtons->addWidget(removeFolder);
    folderButtons->addStretch(1);
    auto *dataLayout = new QVBoxLayout(dataBox);
    dataLayout->addWidget(m_useProject);
    dataLayout->addWidget(new QLabel(tr("Dataset folders (captions.json, vqa.json or labels.csv):"), dataBox));
    dataLayout->addWidget(m_folders);
    dataLayout->addLayout(folderButtons);

    // -- model and tasks
    m_model = new QLineEdit(this);
    m_model->setPlaceholderText(tr("Folder with config.json and model.safetensors"));
    auto *browseModel = new QPushButton(tr("Browse..."), this);
    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(browseModel);

    m_caption = new QCheckBox(tr("Captioning"), this);
    m_vqa = new QCheckBox(tr("Question answering"), this);
    m_classify = new QCheckBox(tr("Scene classification"), this);
    m_caption->setChecked(true);
    m_caption->setToolTip(tr("One task per job"));
    auto *taskRow = new QHBoxLayout;
    taskRow->addWidget(m_caption);
    taskRow->addWidget(m_vqa);
    taskRow->addWidget(m_classify);
    taskRow->addStretch(1);

    // -- schedule
    m_epochs = new QSpinBox(this);
    m_epochs->setRange(1, 1000);
    m_epochs->setValue(3);
    m_batch = new QSpinBox(this);
    m_batch->setRange(1, 1024);
    m_batch->setValue(8);
    m_lr = new QLineEdit(QStringLiteral("5e-5"), this);
    auto *lrValidator = new QDoubleValidator(1e-9, 1.0, 12, m_lr);
    lrValidator->setNotation(QDoubleValidator::ScientificNotation);
    lrValidator->setLocale(QLocale::c());
    m_lr->setValidator(lrValidator);
    m_lr->setToolTip(tr("Typical values for fine-tuning are 1e-5 to 1e-4"));

    m_freeze = new QComboBox(this);
    m_freeze->addItem(tr("Nothing (train all weights)"), int(Freeze::None));
    m_freeze->addItem(tr("Image encoder"), int(Freeze::Encoder));
    m_freeze->addItem(tr("First N encoder blocks"), int(Freeze::FirstBlocks));
    // A frozen encoder trains several times faster and overfits less on a few hundred images.
    m_freeze->setCurrentIndex(1);
    m_freezeBlocks = new QSpinBox(this);
    m_freezeBlocks->setRange(1, 48);
    m_freezeBlocks->setValue(6);
    m_freezeBlocks->setEnabled(false);
    auto *freezeRow = new QHBoxLayout;
    freezeRow->addWidget(m_freeze, 1);
    freezeRow->addWidget(new QLabel(tr("N ="), this));
    freezeRow->addWidget(m_freezeBlocks);

    m_device = new QComboBox(this);
    setDevices({QStringLiteral("cpu")});

    m_name = new QLineEdit(QStringLiteral("finetune-%1").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm"))), this);
    m_name->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z0-9._-]{1,80}")), m_name));

    auto *form = new QFormLayout;
    form->addRow(tr("Base model:"), modelRow);
    form->addRow(tr("Tasks:"), taskRow);
    form->addRow(tr("Epochs:"), m_epochs);
    form->addRow(tr("Batch size:"), m_batch);
    form->addRow(tr("Learning rate:"), m_lr);
    form->addRow(tr("Freeze:"), freezeRow);
    form->addRow(tr("Device:"), m_device);
    form->addRow(tr("Output name:"), m_name);

    m_estimate = new QLabel(this);
    m_estimate->setWordWrap(true);
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b03a2e;"));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Start training"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(dataBox);
    layout->addLayout(form);
    layout->addWidget(m_estimate);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (problem().isEmpty())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(addFolder, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Dataset folder"));
        if (!dir.isEmpty())
            this->addFolder(dir);
    });
    connect(removeFolder, &QPushButton::clicked, this, [this] {
        delete m_folders->currentItem();
        refresh();
    });
    connect(browseModel, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Base model folder"), m_model->text());
        if (!dir.isEmpty())
            m_model->setText(dir);
    });
    connect(m_freeze, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        m_freezeBlocks->setEnabled(freeze() == Freeze::FirstBlocks);
        refresh();
    });
    for (QCheckBox *box : {m_useProject, m_caption, m_vqa, m_classify})
        connect(box, &QCheckBox::toggled, this, &FineTuneDialog::refresh);
    for (QSpinBox *box : {m_epochs, m_batch})
        connect(box, qOverload<int>(&QSpinBox::valueChanged), this, &FineTuneDialog::refresh);
    for (QLineEdit *edit : {m_model, m_lr, m_name})
        connect(edit, &QLineEdit::textChanged, this, &FineTuneDialog::refresh);
    connect(m_device, qOverload<int>(&QComboBox::currentIndexChanged), this, &FineTuneDialog::refresh);
    refresh();
}

FineTuneDialog::~FineTuneDialog() = default;

void FineTuneDialog::setProjectAnnotations(int sampleCount, const QString &datasetDir)
{
    m_projectSamples = std::max(0, sampleCount);
    m_projectDatasetDir = datasetDir;
    m_useProject->setEnabled(m_projectSamples > 0);
    m_useProject->setChecked(m_projectSamples > 0);
    m_useProject->setText(m_projectSamples > 0 ? tr("This project's annotations (%n sample(s))", nullptr, m_projectSamples)
                                               : tr("This project's annotations (none yet)"));
    refresh();
}

void FineTuneDialog::setDatasetFolders(const QStringList &folders)
{
    m_folders->clear();
    for (const QString &f : folders)
        addFolder(f);
    refresh();
}

QStringList FineTuneDialog::datasetFolders() const
{
    QStringList folders;
    for (int i = 0; i < m_folders->count(); ++i)
        folders << m_folders->item(i)->data(Qt::UserRole).toString();
    return folders;
}

void FineTuneDialog::addFolder(const QString &folder)
{
    const QString path = QDir::cleanPath(QDir(folder).absolutePath());
    if (datasetFolders().contains(path))
        return;
    auto *item = new QListWidgetItem(path, m_folders);
    item->setData(Qt::UserRole, path);
    scanFolder(path);
    refresh();
}

void FineTuneDialog::scanFolder(const QString &folder)
{
    if (m_summaries.contains(folder) || m_scanErrors.contains(folder))
        return;
    auto *watcher = new QFutureWatcher<Result<TrainingDataSummary>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, folder] {
        const Result<TrainingDataSummary> r = watcher->result();
        watcher->deleteLater();
        if (r.ok())
            m_summaries.insert(folder, r.value());
        else
            m_scanErrors.insert(folder, QString::fromStdString(r.error().toString()));
        refresh();
        Q_EMIT datasetScanned(folder);
    });
    watcher->setFuture(QtConcurrent::run([folder] { return TrainingDataSummary::scan(folder); }));
}

void FineTuneDialog::setBaseModelDir(const QString &dir) { m_model->setText(dir); }
QString FineTuneDialog::baseModelDir() const { return m_model->text().trimmed(); }

void FineTuneDialog::setDevices(const QStringList &devices)
{
    const QString current = m_device->currentData().toString();
    QSignalBlocker blocker(m_device);
    m_device->clear();
    for (const QString &d : devices)
        m_device->addItem(d == QLatin1String("cuda")  ? tr("GPU (CUDA)")
                          : d == QLatin1String("cpu") ? tr("CPU")
                          : d == QLatin1String("auto") ? tr("Automatic (GPU when available)")
                                                       : d,
                          d);
    if (m_device->count() == 0)
        m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    int index = m_device->findData(current);
    if (index < 0)
        index = m_device->findData(QStringLiteral("cuda")); // when there is a GPU, use it
    m_device->setCurrentIndex(std::max(0, index));
    blocker.unblock();
    refresh();
}

void FineTuneDialog::setDevice(const QString &device)
{
    const int index = m_device->findData(device);
    if (index >= 0)
        m_device->setCurrentIndex(index);
}

QString FineTuneDialog::device() const { return m_device->currentData().toString(); }

void FineTuneDialog::setMeasuredSamplesPerSecond(const QString &device, double samplesPerSecond)
{
    if (samplesPerSecond > 0)
        m_measured.insert(device, samplesPerSecond);
    else
        m_measured.remove(device);
    refresh();
}

void FineTuneDialog::setRunsDirectory(const QString &dir)
{
    m_runsDir = dir;
    refresh();
}

void FineTuneDialog::setTasks(bool caption, bool vqa, bool classify)
{
    m_caption->setChecked(caption);
    m_vqa->setChecked(vqa);
    m_classify->setChecked(classify);
}

QStringList FineTuneDialog::tasks() const
{
    QStringList t;
    if (m_caption->isChecked())
        t << QStringLiteral("caption");
    if (m_vqa->isChecked())
        t << QStringLiteral("vqa");
    if (m_classify->isChecked())
        t << QStringLiteral("classify");
    return t;
}

void FineTuneDialog::setEpochs(int epochs) { m_epochs->setValue(epochs); }
int FineTuneDialog::epochs() const { return m_epochs->value(); }
void FineTuneDialog::setBatchSize(int batchSize) { m_batch->setValue(batchSize); }
int FineTuneDialog::batchSize() const { return m_batch->value(); }
void FineTuneDialog::setLearningRate(double lr) { m_lr->setText(QString::number(lr, 'g', 6)); }

double FineTuneDialog::learningRate() const
{
    bool ok = false;
    const double lr = QLocale::c().toDouble(m_lr->text().trimmed(), &ok);
    return ok ? lr : -1.0;
}

void FineTuneDialog::setFreeze(Freeze mode, int blocks)
{
    m_freeze->setCurrentIndex(m_freeze->findData(int(mode)));
    if (blocks > 0)
        m_freezeBlocks->setValue(blocks);
}

FineTuneDialog::Freeze FineTuneDialog::freeze() const { return Freeze(m_freeze->currentData().toInt()); }
int FineTuneDialog::freezeBlocks() const { return m_freezeBlocks->value(); }
void FineTuneDialog::setOutputName(const QString &name) { m_name->setText(name); }
QString FineTuneDialog::outputName() const { return m_name->text().trimmed(); }
void FineTuneDialog::setUseProjectAnnotations(bool use) { m_useProject->setChecked(use); }
bool FineTuneDialog::useProjectAnnotations() const { return m_useProject->isEnabled() && m_useProject->isChecked(); }

int FineTuneDialog::sampleCount() const
{
    const bool caption = m_caption->isChecked(), vqa = m_vqa->isChecked(), classify = m_classify->isChecked();
    int samples = useProjectAnnotations() ? m_projectSamples : 0;
    for (const QString &f : datasetFolders()) {
        const auto it = m_summaries.constFind(f);
        if (it != m_summaries.cend())
            samples += it->samplesFor(caption, vqa, classify);
    }
    return samples;
}

bool FineTuneDialog::isEstimateMeasured() const { return m_measured.value(device()) > 0; }

double FineTuneDialog::estimatedSecondsPerEpoch() const
{
    const int samples = sampleCount();
    if (samples <= 0)
        return -1.0;
    const double sps = isEstimateMeasured() ? m_measured.value(device()) : roughSamplesPerSecond(device());
    return double(samples) / sps;
}

QString FineTuneDialog::problem() const
{
    if (!useProjectAnnotations() && m_folders->count() == 0)
        return tr("Choose training data: this project's annotations or a dataset folder.");
    for (const QString &f : datasetFolders()) {
        if (m_scanErrors.contains(f))
            return tr("Cannot use %1: %2").arg(f, m_scanErrors.value(f));
    }
    if (baseModelDir().isEmpty())
        return tr("Choose the base model folder.");
    // A folder (HF layout) or a small model config JSON to train from scratch (docs/training.md).
    if (!QFileInfo::exists(baseModelDir()))
        return tr("The base model %1 does not exist.").arg(baseModelDir());
    if (tasks().isEmpty())
        return tr("Choose a task.");
    if (learningRate() <= 0)
        return tr("Enter a learning rate such as 5e-5.");
    if (outputName().isEmpty())
        return tr("Enter a name for the output folder.");
    return QString();
}

QJsonObject FineTuneDialog::config() const
{
    QStringList data;
    if (useProjectAnnotations() && !m_projectDatasetDir.isEmpty())
        data << m_projectDatasetDir;
    data << datasetFolders();
    const QStringList taskList = tasks();
    QString runs = m_runsDir;
    if (runs.isEmpty())
        runs = QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(QStringLiteral("runs"));
    QJsonObject c{
        {QStringLiteral("job"), outputName()},
        {QStringLiteral("model"), baseModelDir()},
        {QStringLiteral("data"), data.value(0)},
        {QStringLiteral("data_dirs"), QJsonArray::fromStringList(data)},
        {QStringLiteral("use_project_annotations"), useProjectAnnotations()},
        // Several sources or tasks train as one mix: every set in every folder, each with its own
        // task (docs/datasets.md).
        {QStringLiteral("task"), data.size() > 1 || taskList.size() > 1 ? QStringLiteral("mix") : taskList.value(0)},
        {QStringLiteral("tasks"), QJsonArray::fromStringList(taskList)},
        {QStringLiteral("epochs"), epochs()},
        {QStringLiteral("batch_size"), batchSize()},
        {QStringLiteral("lr"), learningRate()},
        {QStringLiteral("freeze_encoder"), freeze() == Freeze::Encoder},
        {QStringLiteral("device"), device()},
        {QStringLiteral("out"), QDir(runs).filePath(outputName())},
    };
    if (freeze() == Freeze::FirstBlocks)
        c.insert(QStringLiteral("freeze_encoder_blocks"), freezeBlocks());
    return c;
}

void FineTuneDialog::refresh()
{
    if (!m_buttons)
        return; // still being constructed; the constructor refreshes once at its end
    const QString why = problem();
    m_problem->setText(why);
    m_problem->setVisible(!why.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());

    for (int i = 0; i < m_folders->count(); ++i) {
        QListWidgetItem *item = m_folders->item(i);
        const QString f = item->data(Qt::UserRole).toString();
        if (m_summaries.contains(f)) {
            const TrainingDataSummary &s = m_summaries[f];
            item->setText(tr("%1  (%2 captioned images, %3 questions, %4 labelled images)")
                              .arg(f)
                              .arg(s.captionImages)
                              .arg(s.vqaPairs)
                              .arg(s.classifiedImages));
        } else if (m_scanErrors.contains(f)) {
            item->setText(tr("%1  (unusable)").arg(f));
        } else {
            item->setText(tr("%1  (counting samples...)").arg(f));
        }
    }

    const int samples = sampleCount();
    const double perEpoch = estimatedSecondsPerEpoch();
    if (perEpoch < 0) {
        m_estimate->setText(tr("Time per epoch: unknown until the training data is chosen."));
    } else if (isEstimateMeasured()) {
        m_estimate->setText(tr("Estimated time per epoch: %1 for %2 samples (%3 samples/s measured in earlier jobs on this device); "
                               "%4 for %5 epochs.")
                                .arg(TrainingJobModel::formatDuration(perEpoch))
                                .arg(samples)
                                .arg(m_measured.value(device()), 0, 'f', 1)
                                .arg(TrainingJobModel::formatDuration(perEpoch * epochs()))
                                .arg(epochs()));
    } else {
        m_estimate->setText(tr("Rough estimate: about %1 per epoch for %2 samples (assumes %3 samples/s; no earlier job has "
                               "measured this device yet).")
                                .arg(TrainingJobModel::formatDuration(perEpoch))
                                .arg(samples)
                                .arg(roughSamplesPerSecond(device()), 0, 'f', 0));
    }
}

} // namespace satgpt
