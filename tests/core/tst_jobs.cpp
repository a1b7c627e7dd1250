// SPDX-License-Identifier: GPL-3.0-or-later
// Jobs: the Job base (progress, cancel, failure, GUI-thread delivery), JobManager's model and
// shutdown, and OverviewBuildJob building and canceling real pyramids.

#include "core/jobs/jobmanager.h"
#include "core/raster/overviewbuildjob.h"
#include "core/raster/rasterdataset.h"

#include <QAbstractItemModelTester>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <atomic>

using namespace satgpt;

namespace {

/// A job whose body counts through `steps` steps, reporting progress, until done or canceled.
/// It exercises the Job base exactly as concrete jobs use it.
class CountingJob final : public Job
{
public:
    CountingJob(int steps, std::shared_ptr<std::atomic<bool>> sawCancel = {}, bool fail = false, bool throws = false)
        : Job(QStringLiteral("Count to %1").arg(steps))
        , m_steps(steps)
        , m_sawCancel(std::move(sawCancel))
        , m_fail(fail)
        , m_throws(throws)
    {
    }
    ~CountingJob() override
    {
        cancel();
        waitForFinished();
    }
    std::atomic<bool> ranOnGuiThread{false};

protected:
    Status run() override
    {
        if (QThread::currentThread() == qApp->thread())
            ranOnGuiThread = true;
        if (m_throws)
            throw std::runtime_error("boom");
        for (int i = 1; i <= m_steps; ++i) {
            if (isCanceled()) {
                if (m_sawCancel)
                    *m_sawCancel = true;
                return {};
            }
            QThread::msleep(2);
            setProgress(double(i) / m_steps);
            setStatusText(QStringLiteral("step %1").arg(i));
            if (m_fail && i == m_steps / 2)
                return makeError("Half way is as far as this job goes", "/tmp/some/file");
        }
        return {};
    }

private:
    int m_steps;
    std::shared_ptr<std::atomic<bool>> m_sawCancel;
    bool m_fail;
    bool m_throws;
};

/// Records every progress value and whether every signal arrived on the GUI thread.
struct ProgressRecorder
{
    QVector<double> values;
    bool allOnGuiThread = true;
    void attach(Job *job)
    {
        QObject::connect(job, &Job::progressChanged, job, [this](double v) {
            values << v;
            allOnGuiThread &= QThread::currentThread() == qApp->thread();
        });
        for (auto signal : {&Job::succeeded, &Job::canceled, &Job::finished})
            QObject::connect(job, signal, job, [this] { allOnGuiThread &= QThread::currentThread() == qApp->thread(); });
    }
    bool monotonic() const { return std::is_sorted(values.begin(), values.end()); }
};

QString writeScene(const QString &path, int width, int height)
{
    GDALAllRegister();
    const char *opts[] = {"TILED=YES", nullptr};
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path.toUtf8().constData(), width, height, 1, GDT_UInt16,
                                 const_cast<char **>(opts));
    if (!ds)
        return {};
    double gt[6] = {400000, 10, 0, 5000000, 0, -10};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 32631);
    GDALSetSpatialRef(ds, srs);
    OSRDestroySpatialReference(srs);
    std::vector<uint16_t> row(static_cast<size_t>(width));
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            row[size_t(x)] = uint16_t((x * 7 + y * 13) % 4096);
        if (GDALRasterIO(band, GF_Write, 0, y, width, 1, row.data(), width, 1, GDT_UInt16, 0, 0) != CE_None) {
            GDALClose(ds);
            return {};
        }
    }
    GDALClose(ds);
    return path;
}

} // namespace

class TestJobs : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void jobSucceedsWithMonotonicProgressOnGuiThread()
    {
        CountingJob job(50);
        ProgressRecorder rec;
        rec.attach(&job);
        QSignalSpy succeeded(&job, &Job::succeeded);
        QSignalSpy finished(&job, &Job::finished);
        QCOMPARE(job.state(), Job::State::Queued);
        job.start();
        job.start(); // idempotent
        QCOMPARE(job.state(), Job::State::Running);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(succeeded.count(), 1);
        QCOMPARE(job.state(), Job::State::Succeeded);
        QVERIFY(!job.ranOnGuiThread);
        QVERIFY(rec.allOnGuiThread);
        QVERIFY(!rec.values.isEmpty());
        QVERIFY(rec.monotonic());
        QCOMPARE(rec.values.last(), 1.0);
        QCOMPARE(job.progress(), 1.0);
        QCOMPARE(job.statusText(), QStringLiteral("step 50"));
    }

    void jobCancelMidway()
    {
        auto sawCancel = std::make_shared<std::atomic<bool>>(false);
        CountingJob job(100000, sawCancel);
        QSignalSpy canceled(&job, &Job::canceled);
        QSignalSpy finished(&job, &Job::finished);
        connect(&job, &Job::progressChanged, &job, [&job](double) { job.cancel(); });
        job.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QCOMPARE(canceled.count(), 1);
        QCOMPARE(job.state(), Job::State::Canceled);
        QVERIFY(sawCancel->load());
        QVERIFY(job.progress() < 1.0);
        job.cancel(); // idempotent after the end
        QCOMPARE(job.state(), Job::State::Canceled);
    }

    void jobFailureAndException()
    {
        CountingJob failing(20, {}, true);
        QSignalSpy failed(&failing, &Job::failed);
        failing.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QCOMPARE(failing.state(), Job::State::Failed);
        QVERIFY(failing.errorText().contains(QStringLiteral("/tmp/some/file")));
        QVERIFY(failing.errorText().contains(QStringLiteral("Half way")));

        CountingJob throwing(5, {}, false, true);
        QSignalSpy failed2(&throwing, &Job::failed);
        throwing.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed2.count(), 1, 10000);
        QVERIFY(throwing.errorText().contains(QStringLiteral("boom")));
    }

    void jobManagerModel()
    {
        JobManager manager;
        QAbstractItemModelTester tester(&manager, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy finishedSpy(&manager, &JobManager::jobFinished);
        QCOMPARE(manager.rowCount(), 0);
        Job *a = manager.addJob(std::make_unique<CountingJob>(10));
        Job *b = manager.addJob(std::make_unique<CountingJob>(20));
        auto sawCancel = std::make_shared<std::atomic<bool>>(false);
        Job *c = manager.addJob(std::make_unique<CountingJob>(1000000, sawCancel), false);
        QCOMPARE(manager.rowCount(), 3);
        QCOMPARE(manager.rowOf(b), 1);
        QCOMPARE(manager.data(manager.index(0), Qt::DisplayRole).toString(), QStringLiteral("Count to 10"));
        QCOMPARE(manager.data(manager.index(2), JobManager::StateRole).toInt(), int(Job::State::Queued));
        QVERIFY(manager.roleNames().value(JobManager::ProgressRole) == "progress");

        QSignalSpy dataChanged(&manager, &QAbstractItemModel::dataChanged);
        QTRY_VERIFY_WITH_TIMEOUT(a->isFinished() && b->isFinished(), 10000);
        QVERIFY(dataChanged.count() > 0);
        QCOMPARE(manager.data(manager.index(0), JobManager::StateRole).toInt(), int(Job::State::Succeeded));
        QCOMPARE(manager.data(manager.index(1), JobManager::ProgressRole).toDouble(), 1.0);
        QCOMPARE(manager.data(manager.index(1), JobManager::StatusTextRole).toString(), QStringLiteral("step 20"));
        QCOMPARE(manager.activeCount(), 1);

        c->start();
        QTRY_VERIFY_WITH_TIMEOUT(c->progress() > 0.0, 10000);
        manager.cancelAll();
        QTRY_VERIFY_WITH_TIMEOUT(c->isFinished(), 10000);
        QCOMPARE(manager.data(manager.index(2), JobManager::StateRole).toInt(), int(Job::State::Canceled));
        QVERIFY(sawCancel->load());
        QCOMPARE(finishedSpy.count(), 3);
        QCOMPARE(manager.activeCount(), 0);

        manager.removeFinished();
        QCOMPARE(manager.rowCount(), 0);
    }

    void jobManagerDestructionCancelsAndWaits()
    {
        auto sawCancel = std::make_shared<std::atomic<bool>>(false);
        auto manager = std::make_unique<JobManager>();
        Job *job = manager->addJob(std::make_unique<CountingJob>(10000000, sawCancel));
        QTRY_VERIFY_WITH_TIMEOUT(job->progress() > 0.0, 10000);
        manager.reset(); // must cancel and wait, not hang or leave run() touching freed memory
        QVERIFY(sawCancel->load());
    }

    void overviewBuildJobBuildsPyramid()
    {
        const QString scene = writeScene(m_dir.filePath(QStringLiteral("pyramid.tif")), 2048, 1536);
        QVERIFY(!scene.isEmpty());
        {
            auto before = RasterDataset::open(scene);
            QVERIFY(before.ok());
            QCOMPARE(before.value()->info().bands.front().overviewCount, 0);
        }
        QCOMPARE(OverviewBuildJob::factorsFor(2048, 1536), QVector<int>({2, 4, 8, 16}));
        QCOMPARE(OverviewBuildJob::factorsFor(300, 200), QVector<int>({2}));
        QVERIFY(OverviewBuildJob::factorsFor(256, 100).isEmpty());

        JobManager manager;
        auto owned = std::make_unique<OverviewBuildJob>(scene);
        OverviewBuildJob *job = owned.get();
        ProgressRecorder rec;
        rec.attach(job);
        QSignalSpy finished(job, &Job::finished);
        manager.addJob(std::move(owned));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QVERIFY2(job->state() == Job::State::Succeeded, qPrintable(job->errorText()));
        QVERIFY(rec.monotonic());
        QVERIFY(rec.allOnGuiThread);
        QVERIFY(QFileInfo::exists(job->overviewPath()));

        auto after = RasterDataset::open(scene);
        QVERIFY(after.ok());
        const RasterInfo &info = after.value()->info();
        QCOMPARE(info.overviews,
                 QVector<QSize>({QSize(1024, 768), QSize(512, 384), QSize(256, 192), QSize(128, 96)}));
        // The average of a 2x2 block of the pattern lands in the 1/2 level.
        GDALDatasetH ds = GDALOpen(job->overviewPath().toUtf8().constData(), GA_ReadOnly);
        QVERIFY(ds);
        char **md = GDALGetMetadata(ds, "IMAGE_STRUCTURE");
        QCOMPARE(QString::fromUtf8(CSLFetchNameValue(md, "COMPRESSION")), QStringLiteral("DEFLATE"));
        GDALClose(ds);
        auto reduced = after.value()->read(QRect(0, 0, 2048, 1536), QSize(512, 384), {1});
        QVERIFY(reduced.ok());
    }

    void overviewBuildJobCancelRemovesPartialFile()
    {
        const QString scene = writeScene(m_dir.filePath(QStringLiteral("cancel.tif")), 4096, 4096);
        QVERIFY(!scene.isEmpty());
        OverviewBuildJob job(scene);
        ProgressRecorder rec;
        rec.attach(&job);
        QSignalSpy finished(&job, &Job::finished);
        QSignalSpy canceled(&job, &Job::canceled);
        connect(&job, &Job::progressChanged, &job, [&job](double v) {
            if (v > 0.0)
                job.cancel();
        });
        job.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QCOMPARE(canceled.count(), 1);
        QCOMPARE(job.state(), Job::State::Canceled);
        QVERIFY(rec.monotonic());
        QVERIFY(!QFileInfo::exists(job.overviewPath()));
        auto ds = RasterDataset::open(scene);
        QVERIFY(ds.ok());
        QCOMPARE(ds.value()->info().bands.front().overviewCount, 0);
    }

    void overviewBuildJobBadFile()
    {
        const QString missing = m_dir.filePath(QStringLiteral("nope.tif"));
        OverviewBuildJob job(missing);
        QSignalSpy failed(&job, &Job::failed);
        job.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY(job.errorText().contains(missing));
    }
};

QTEST_MAIN(TestJobs)
#include "tst_jobs.moc"
