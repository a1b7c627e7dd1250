// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/annotationdocument.h"
#include "core/annotations/geomeasure.h"
#include "core/project/atomicfile.h"
#include "core/project/project.h"
#include "core/project/projectautosave.h"
#include "core/project/projectformat.h"

#include "tests/common/testsupport.h"
#include "tests/core/annotationfixtures.h"

#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <gdal_priv.h>

#include <cstdio>

using namespace satgpt;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(data);
}

Annotation rect(const QString &scene, int cls, QRectF r)
{
    Annotation a;
    a.sceneId = scene;
    a.classId = cls;
    a.shape = AnnotationShape::Rectangle;
    a.geometry = QPolygonF({r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()});
    return a;
}

/// Fills a project with one of everything, including data only other components interpret.
void populate(Project &p)
{
    AnnotationDocument *doc = p.document();
    const int ship = doc->addClass(QStringLiteral("ship"), QColor(10, 20, 30), 3);
    doc->addClass(QStringLiteral("harbour"));
    const QString scene = p.scenes().first().id;
    Annotation a = rect(scene, ship, QRectF(1.25, 2.5, 10, 12));
    a.caption = QStringLiteral("a cargo ship — moored");
    a.qa = {QaPair{QStringLiteral("How many ships?"), QStringLiteral("1"), QStringLiteral("count")}};
    a.attributes = QJsonObject{{QStringLiteral("length_m"), 180.5}, {QStringLiteral("tags"), QJsonArray{1, QStringLiteral("x")}}};
    doc->addAnnotation(a);
    Annotation poly;
    poly.sceneId = scene;
    poly.shape = AnnotationShape::Freehand;
    poly.geometry = QPolygonF({{30, 30}, {40, 31.125}, {38, 45}, {29, 40}});
    doc->addAnnotation(poly);
    Annotation pt;
    pt.sceneId = scene;
    pt.shape = AnnotationShape::Point;
    pt.geometry = QPolygonF({QPointF(5.5, 6.5)});
    doc->addAnnotation(pt);
    p.setView(QJsonObject{{QStringLiteral("center"), QJsonArray{12.5, 40}}, {QStringLiteral("scale"), 2.0}});
    p.setSceneLayer(scene, QJsonObject{{QStringLiteral("bands"), QJsonArray{3, 2, 1}}, {QStringLiteral("futureKey"), true}});
    p.setSceneStretch(scene, QJsonObject{{QStringLiteral("kind"), QStringLiteral("percentile")}, {QStringLiteral("low"), 2}});
    p.appendChat(QJsonObject{{QStringLiteral("question"), QStringLiteral("How many ships?")},
                             {QStringLiteral("answer"), QStringLiteral("There is one ship.")},
                             {QStringLiteral("region"), QJsonArray{1, 2, 3, 4}},
                             {QStringLiteral("scene"), scene},
                             {QStringLiteral("modelId"), QStringLiteral("satgpt-tiny")},
                             {QStringLiteral("settings"), QJsonObject{{QStringLiteral("temperature"), 0.7}}}});
    p.setTrainingJobs(QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("job-1")},
                                             {QStringLiteral("epochs"), 3},
                                             {QStringLiteral("loss"), QJsonArray{2.5, 1.75}}}});
}

void compareProjects(const Project &a, const Project &b)
{
    QCOMPARE(b.scenes().size(), a.scenes().size());
    for (int i = 0; i < a.scenes().size(); ++i)
        QVERIFY(a.scenes()[i] == b.scenes()[i]);
    QCOMPARE(b.view(), a.view());
    QCOMPARE(b.chatHistory(), a.chatHistory());
    QCOMPARE(b.trainingJobs(), a.trainingJobs());
    QCOMPARE(b.extra(), a.extra());
    QVERIFY(b.document()->schema() == a.document()->schema());
    QCOMPARE(b.document()->annotations(), a.document()->annotations());
}

} // namespace

class TestProject : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void roundTripIsLossless();
    void unknownKeysSurvive();
    void relativeScenePathsFollowTheProject();
    void missingSceneOpensAndRelocates();
    void migratesVersion1();
    void badFilesGiveClearErrors_data();
    void badFilesGiveClearErrors();
    void failedLoadLeavesOpenProjectUntouched();
    void interruptedSaveKeepsPreviousFile();
    void autosaveAndRecovery();
    void cliRoundTrip();

private:
    QString newScene(const QString &name, int w = 64, int h = 48);
    QTemporaryDir m_dir;
};

void TestProject::initTestCase()
{
    GDALAllRegister();
    QVERIFY(m_dir.isValid());
}

QString TestProject::newScene(const QString &name, int w, int h)
{
    const QString path = m_dir.filePath(name);
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!QFileInfo::exists(path) && !test::writeScene(path, w, h, test::utmTransform(), 32633))
        return QString();
    return path;
}

void TestProject::roundTripIsLossless()
{
    Project p;
    const QString scene = newScene(QStringLiteral("rt/scene.tif"));
    QVERIFY(p.addScene(scene).ok());
    populate(p);
    QVERIFY(p.isModified());
    const QString path = m_dir.filePath(QStringLiteral("rt/project.satgpt"));
    QVERIFY(p.save(path).ok());
    QVERIFY(!p.isModified());

    Result<std::unique_ptr<Project>> loaded = Project::load(path);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().toString().c_str());
    compareProjects(p, *loaded.value());
    QVERIFY(!loaded.value()->isModified());
    const ProjectScene &s = loaded.value()->scenes().first();
    QCOMPARE(s.width, 64);
    QCOMPARE(s.geoTransform.c, test::utmTransform());
    QVERIFY(s.crsWkt.contains(QLatin1String("33N")));
    // Stored relative, with the absolute fallback.
    const QJsonObject json = QJsonDocument::fromJson(readAll(path)).object();
    QCOMPARE(json.value(QLatin1String("schemaVersion")).toInt(), ProjectFormat::kCurrentVersion);
    QCOMPARE(json.value(QLatin1String("scenes")).toArray()[0].toObject().value(QLatin1String("path")).toString(), QStringLiteral("scene.tif"));
    // Saving the loaded project writes the same JSON.
    const QString again = m_dir.filePath(QStringLiteral("rt/again.satgpt"));
    QVERIFY(loaded.value()->save(again).ok());
    QJsonObject a = QJsonDocument::fromJson(readAll(path)).object(), b = QJsonDocument::fromJson(readAll(again)).object();
    QCOMPARE(b, a);
    // Areas use the scene georeferencing after load: 10 x 12 px of 10 m.
    const auto m = loaded.value()->document()->measure(s.id);
    QVERIFY(m);
    QCOMPARE(m->areaSquareMeters(loaded.value()->document()->annotations().first().geometry).value(), 12000.0);
}

void TestProject::unknownKeysSurvive()
{
    const QString scene = newScene(QStringLiteral("uk/scene.tif"));
    const QString path = m_dir.filePath(QStringLiteral("uk/p.satgpt"));
    const QJsonObject json{{QStringLiteral("schemaVersion"), 2},
                           {QStringLiteral("pluginData"), QJsonObject{{QStringLiteral("x"), 1}}},
                           {QStringLiteral("scenes"), QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("a")},
                                                                             {QStringLiteral("path"), QStringLiteral("scene.tif")},
                                                                             {QStringLiteral("sensor"), QStringLiteral("S2")},
                                                                             {QStringLiteral("layer"), QJsonObject{{QStringLiteral("opacity"), 0.5}}}}}}};
    writeAll(path, QJsonDocument(json).toJson());
    Result<std::unique_ptr<Project>> p = Project::load(path);
    QVERIFY(p.ok());
    QVERIFY(!p.value()->scenes().first().missing);
    QVERIFY(p.value()->save().ok());
    const QJsonObject out = QJsonDocument::fromJson(readAll(path)).object();
    QCOMPARE(out.value(QLatin1String("pluginData")).toObject().value(QLatin1String("x")).toInt(), 1);
    const QJsonObject s = out.value(QLatin1String("scenes")).toArray()[0].toObject();
    QCOMPARE(s.value(QLatin1String("sensor")).toString(), QStringLiteral("S2"));
    QCOMPARE(s.value(QLatin1String("layer")).toObject().value(QLatin1String("opacity")).toDouble(), 0.5);
    QVERIFY(!scene.isEmpty());
}

void TestProject::relativeScenePathsFollowTheProject()
{
    const QString scene = newScene(QStringLiteral("move-a/data/scene.tif"));
    Project p;
    QVERIFY(p.addScene(scene).ok());
    QVERIFY(p.save(m_dir.filePath(QStringLiteral("move-a/p.satgpt"))).ok());
    QVERIFY(QDir(m_dir.path()).rename(QStringLiteral("move-a"), QStringLiteral("move-b")));
    Result<std::unique_ptr<Project>> moved = Project::load(m_dir.filePath(QStringLiteral("move-b/p.satgpt")));
    QVERIFY(moved.ok());
    QVERIFY(!moved.value()->scenes().first().missing);
    QCOMPARE(moved.value()->scenes().first().path, m_dir.filePath(QStringLiteral("move-b/data/scene.tif")));
}

void TestProject::missingSceneOpensAndRelocates()
{
    const QString scene = newScene(QStringLiteral("miss/scene.tif"));
    Project p;
    QVERIFY(p.addScene(scene).ok());
    populate(p);
    const QString path = m_dir.filePath(QStringLiteral("miss/p.satgpt"));
    QVERIFY(p.save(path).ok());
    QVERIFY(QFile::rename(scene, m_dir.filePath(QStringLiteral("miss/elsewhere.tif"))));

    Result<std::unique_ptr<Project>> loaded = Project::load(path);
    QVERIFY(loaded.ok());
    Project &q = *loaded.value();
    QVERIFY(q.scenes().first().missing);
    QCOMPARE(q.document()->count(), p.document()->count());
    // Saving keeps the missing scene's record.
    QVERIFY(q.save().ok());
    Result<std::unique_ptr<Project>> again = Project::load(path);
    QVERIFY(again.ok());
    QCOMPARE(again.value()->scenes().first().path, scene);

    // A file of another size is refused: annotations are in its pixels.
    const QString other = newScene(QStringLiteral("miss/other.tif"), 32, 32);
    Status wrong = q.relocateScene(q.scenes().first().id, other);
    QVERIFY(!wrong.ok());
    QVERIFY(QString::fromStdString(wrong.error().toString()).contains(QLatin1String("32 x 32")));
    QVERIFY(q.scenes().first().missing);
    QVERIFY(q.relocateScene(q.scenes().first().id, m_dir.filePath(QStringLiteral("miss/elsewhere.tif"))).ok());
    QVERIFY(!q.scenes().first().missing);
    QCOMPARE(q.scenes().first().path, m_dir.filePath(QStringLiteral("miss/elsewhere.tif")));
    QVERIFY(q.isModified());
}

void TestProject::migratesVersion1()
{
    const QString scene = newScene(QStringLiteral("v1/scene.tif"));
    const QString path = m_dir.filePath(QStringLiteral("v1/old.satgpt"));
    const QByteArray v1 = R"({
      "schemaVersion": 1,
      "scene": {"path": "scene.tif"},
      "classes": [{"name": "field", "color": "#00ff00"}, {"name": "road", "color": "#808080"}],
      "annotations": [
        {"id": 4, "type": "rect", "points": [[1,1],[5,1],[5,4],[1,4]], "label": "road", "caption": "a road"},
        {"id": 9, "type": "polygon", "points": [[10,10],[20,10],[15,18]], "label": "orchard"},
        {"id": 11, "type": "point", "points": [[3,3]]}
      ],
      "notes": "kept"
    })";
    writeAll(path, v1);
    Result<std::unique_ptr<Project>> p = Project::load(path);
    QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
    const Project &q = *p.value();
    QCOMPARE(q.scenes().size(), 1);
    QVERIFY(!q.scenes().first().missing);
    QCOMPARE(q.scenes().first().path, scene);
    const LabelSchema &schema = q.document()->schema();
    QCOMPARE(schema.size(), 3); // field, road and orchard (met only in an annotation)
    QCOMPARE(schema.classByName(QStringLiteral("field"))->color, QColor(0, 255, 0));
    const QVector<Annotation> anns = q.document()->annotations();
    QCOMPARE(anns.size(), 3);
    QCOMPARE(anns[0].id, qint64(4));
    QCOMPARE(anns[0].shape, AnnotationShape::Rectangle);
    QCOMPARE(schema.nameOf(anns[0].classId), QStringLiteral("road"));
    QCOMPARE(anns[0].caption, QStringLiteral("a road"));
    QCOMPARE(anns[0].sceneId, q.scenes().first().id);
    QCOMPARE(schema.nameOf(anns[1].classId), QStringLiteral("orchard"));
    QCOMPARE(anns[2].shape, AnnotationShape::Point);
    QCOMPARE(anns[2].classId, 0);
    QCOMPARE(q.extra().value(QLatin1String("notes")).toString(), QStringLiteral("kept"));
    // Saved back as the current version.
    const QString upgraded = m_dir.filePath(QStringLiteral("v1/upgraded.satgpt"));
    QVERIFY(p.value()->save(upgraded).ok());
    QCOMPARE(QJsonDocument::fromJson(readAll(upgraded)).object().value(QLatin1String("schemaVersion")).toInt(), 2);
    QVERIFY(Project::load(upgraded).ok());
}

void TestProject::badFilesGiveClearErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("malformed") << QByteArray("{\"schemaVersion\": 2, \"scenes\": [") << QStringLiteral("not valid JSON");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("not valid JSON");
    QTest::newRow("array") << QByteArray("[1,2]") << QStringLiteral("JSON object");
    QTest::newRow("no-version") << QByteArray("{\"scenes\": []}") << QStringLiteral("schemaVersion");
    QTest::newRow("future") << QByteArray("{\"schemaVersion\": 99}") << QStringLiteral("newer version");
    QTest::newRow("scenes-type") << QByteArray("{\"schemaVersion\": 2, \"scenes\": {}}") << QStringLiteral("\"scenes\" must be an array");
    QTest::newRow("annotation-type")
        << QByteArray(R"({"schemaVersion": 2, "annotations": [{"id": 1, "scene": "a", "shape": "polygon", "pixels": "oops"}]})")
        << QStringLiteral("'pixels' must be");
    QTest::newRow("bad-shape")
        << QByteArray(R"({"schemaVersion": 2, "annotations": [{"id": 1, "scene": "a", "shape": "blob", "pixels": []}]})")
        << QStringLiteral("unknown shape");
    QTest::newRow("duplicate-id")
        << QByteArray(R"({"schemaVersion": 2, "annotations": [{"id": 1, "scene": "a", "shape": "point", "pixels": [[1,1]]},{"id": 1, "scene": "a", "shape": "point", "pixels": [[1,1]]}]})")
        << QStringLiteral("appears twice");
    QTest::newRow("chat-type") << QByteArray(R"({"schemaVersion": 2, "chatHistory": "hi"})") << QStringLiteral("\"chatHistory\" must be an array");
}

void TestProject::badFilesGiveClearErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(QStringLiteral("bad-%1.satgpt").arg(QString::fromLatin1(QTest::currentDataTag())));
    writeAll(path, content);
    Result<std::unique_ptr<Project>> p = Project::load(path);
    QVERIFY(!p.ok());
    const QString message = QString::fromStdString(p.error().toString());
    QVERIFY2(message.startsWith(path), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
}

void TestProject::failedLoadLeavesOpenProjectUntouched()
{
    // The application pattern: load into a fresh object, swap only on success.
    std::unique_ptr<Project> open = std::make_unique<Project>();
    QVERIFY(open->addScene(newScene(QStringLiteral("keep/scene.tif"))).ok());
    populate(*open);
    QVERIFY(open->save(m_dir.filePath(QStringLiteral("keep/p.satgpt"))).ok());
    const QByteArray before = open->serialize(open->path());
    const QString bad = m_dir.filePath(QStringLiteral("keep/future.satgpt"));
    writeAll(bad, "{\"schemaVersion\": 3, \"annotations\": []}");
    Result<std::unique_ptr<Project>> attempt = Project::load(bad);
    QVERIFY(!attempt.ok());
    QVERIFY(QString::fromStdString(attempt.error().toString()).contains(QLatin1String("schema version 3")));
    if (attempt.ok())
        open = std::move(attempt.value());
    QCOMPARE(open->serialize(open->path()), before);
    QCOMPARE(open->document()->count(), 3);
}

void TestProject::interruptedSaveKeepsPreviousFile()
{
    const QString scene = newScene(QStringLiteral("kill/scene.tif"));
    Project p;
    QVERIFY(p.addScene(scene).ok());
    populate(p);
    const QString path = m_dir.filePath(QStringLiteral("kill/p.satgpt"));
    QVERIFY(p.save(path).ok());
    const QByteArray original = readAll(path);

    // A child process (this test binary) loads the project, grows it and saves it slowly
    // through the real saver; it is killed in the middle of writing.
    QProcess child;
    child.setProcessChannelMode(QProcess::SeparateChannels);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--slow-save-child"), path});
    QVERIFY(child.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += child.readAllStandardOutput()).contains("writing"), 60000);
    child.kill();
    QVERIFY(child.waitForFinished(10000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    QVERIFY2(!out.contains("committed"), "the child finished before it was killed");

    QCOMPARE(readAll(path), original);
    Result<std::unique_ptr<Project>> loaded = Project::load(path);
    QVERIFY(loaded.ok());
    compareProjects(p, *loaded.value());
}

void TestProject::autosaveAndRecovery()
{
    const QString scene = newScene(QStringLiteral("auto/scene.tif"));
    const QString path = m_dir.filePath(QStringLiteral("auto/p.satgpt"));
    {
        Project p;
        QVERIFY(p.addScene(scene).ok());
        QVERIFY(p.save(path).ok());
        // Make the project file clearly older than any sidecar written below.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(-120), QFileDevice::FileModificationTime));
        f.close();
        QVERIFY(!ProjectAutosave::hasRecovery(path));

        ProjectAutosave autosave(&p);
        autosave.setIntervalSeconds(1);
        QCOMPARE(autosave.intervalSeconds(), 1);
        QSignalSpy saved(&autosave, &ProjectAutosave::autosaved);
        autosave.start();
        p.document()->addAnnotation(rect(p.scenes().first().id, 0, QRectF(1, 1, 4, 4)));
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 10000);
        QCOMPARE(saved.first().first().toString(), ProjectAutosave::sidecarPath(path));
        // Nothing changed since: no further writes.
        QTest::qWait(1500);
        QCOMPARE(saved.count(), 1);
        p.document()->setCaption(p.document()->ids().first(), QStringLiteral("recovered caption"));
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 2, 10000);
        // The "crash": the project is dropped unsaved.
    }
    QVERIFY(ProjectAutosave::hasRecovery(path));
    Result<std::unique_ptr<Project>> plain = Project::load(path);
    QVERIFY(plain.ok());
    QCOMPARE(plain.value()->document()->count(), 0);
    Result<std::unique_ptr<Project>> recovered = ProjectAutosave::recover(path);
    QVERIFY2(recovered.ok(), recovered.ok() ? "" : recovered.error().toString().c_str());
    QCOMPARE(recovered.value()->path(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(recovered.value()->document()->count(), 1);
    QCOMPARE(recovered.value()->document()->annotations().first().caption, QStringLiteral("recovered caption"));
    QVERIFY(recovered.value()->isModified());
    // Saving the recovered project makes the sidecar obsolete.
    QVERIFY(recovered.value()->save().ok());
    QVERIFY(!QFileInfo::exists(ProjectAutosave::sidecarPath(path)));
    QVERIFY(!ProjectAutosave::hasRecovery(path));
    // discardRecovery drops a sidecar the user declined.
    writeAll(ProjectAutosave::sidecarPath(path), readAll(path));
    ProjectAutosave::discardRecovery(path);
    QVERIFY(!QFileInfo::exists(ProjectAutosave::sidecarPath(path)));
    // A corrupt sidecar is an error naming it, not a crash.
    writeAll(ProjectAutosave::sidecarPath(path), "{");
    Result<std::unique_ptr<Project>> corrupt = ProjectAutosave::recover(path);
    QVERIFY(!corrupt.ok());
    QVERIFY(QString::fromStdString(corrupt.error().toString()).contains(ProjectAutosave::sidecarPath(path)));
}

void TestProject::cliRoundTrip()
{
    const QString cli = QStringLiteral(SATGPT_BINARY_DIR "/app/satgpt");
    if (!QFileInfo::exists(cli))
        QSKIP("the satgpt CLI is not built in this build tree");
    const QString scene = newScene(QStringLiteral("cli/scene.tif"));
    const QString project = m_dir.filePath(QStringLiteral("cli/p.satgpt"));
    auto run = [&](const QStringList &args, QByteArray *out = nullptr) {
        QProcess proc;
        proc.start(cli, args);
        if (!proc.waitForFinished(120000))
            return -1;
        if (out)
            *out = proc.readAllStandardOutput();
        if (proc.exitCode() != 0)
            qWarning().noquote() << proc.readAllStandardError();
        return proc.exitCode();
    };
    QCOMPARE(run({QStringLiteral("project"), QStringLiteral("new"), project, QStringLiteral("--scene"), scene}), 0);
    // Features in EPSG:4326 around the scene's top-left corner (UTM 33N, 15 E).
    GeoMeasure m(GeoTransform{test::utmTransform()}, Project::describeScene(scene)->crsWkt);
    const QPointF a = *m.pixelToLonLat(QPointF(2, 2)), b = *m.pixelToLonLat(QPointF(12, 12));
    const QString geojson = m_dir.filePath(QStringLiteral("cli/in.geojson"));
    writeAll(geojson, QStringLiteral(R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"tank","caption":"oil tank","qa":[{"question":"Is there a tank?","answer":"yes","type":"presence"}]},"geometry":{"type":"Polygon","coordinates":[[[%1,%2],[%3,%2],[%3,%4],[%1,%4],[%1,%2]]]}}]})")
                          .arg(a.x(), 0, 'f', 12).arg(a.y(), 0, 'f', 12).arg(b.x(), 0, 'f', 12).arg(b.y(), 0, 'f', 12).toUtf8());
    QCOMPARE(run({QStringLiteral("annotations"), QStringLiteral("import"), project, geojson}), 0);
    QByteArray listed;
    QCOMPARE(run({QStringLiteral("annotations"), QStringLiteral("list"), project, QStringLiteral("--json")}, &listed), 0);
    const QJsonArray rows = QJsonDocument::fromJson(listed).array();
    QCOMPARE(rows.size(), 1);
    const QJsonObject row = rows[0].toObject();
    QCOMPARE(row.value(QLatin1String("className")).toString(), QStringLiteral("tank"));
    QCOMPARE(row.value(QLatin1String("caption")).toString(), QStringLiteral("oil tank"));
    QVERIFY(qAbs(row.value(QLatin1String("areaSquareMeters")).toDouble() - 10000.0) < 1.0);
    const QJsonArray first = row.value(QLatin1String("pixels")).toArray()[0].toArray();
    QVERIFY(qAbs(first[0].toDouble() - 2.0) < 1e-4 && qAbs(first[1].toDouble() - 2.0) < 1e-4);
    for (const QString &format : {QStringLiteral("geojson"), QStringLiteral("coco"), QStringLiteral("yolo"), QStringLiteral("chips")}) {
        const QString out = m_dir.filePath(QStringLiteral("cli/out-") + format);
        QStringList args{QStringLiteral("annotations"), QStringLiteral("export"), project, QStringLiteral("--format"), format,
                         QStringLiteral("--out"), out};
        if (format == QLatin1String("geojson"))
            args << QStringLiteral("--crs") << QStringLiteral("EPSG:4326");
        QCOMPARE(run(args), 0);
        QVERIFY(QFileInfo::exists(out));
    }
    // Errors: exit code 1 and nothing changed.
    const QByteArray before = readAll(project);
    writeAll(geojson, "{ not json");
    QCOMPARE(run({QStringLiteral("annotations"), QStringLiteral("import"), project, geojson}), 1);
    QCOMPARE(readAll(project), before);
    QCOMPARE(run({QStringLiteral("annotations"), QStringLiteral("export"), project, QStringLiteral("--format"), QStringLiteral("shp"),
                  QStringLiteral("--out"), m_dir.filePath(QStringLiteral("x"))}), 1);
}

/// Child mode for interruptedSaveKeepsPreviousFile: grow the project, then save it slowly.
static int slowSaveChild(const QString &path)
{
    GDALAllRegister();
    Result<std::unique_ptr<Project>> p = Project::load(path);
    if (!p.ok())
        return 3;
    Project &project = *p.value();
    QVector<Annotation> many;
    for (int i = 0; i < 20000; ++i)
        many.append(rect(project.scenes().first().id, 0, QRectF(i % 60, i / 600, 2, 2)));
    project.document()->addAnnotations(many);
    const QByteArray bytes = project.serialize(path);
    bool announced = false;
    Status s = AtomicFile::write(
        path, bytes,
        [&](qint64, qint64) {
            if (!announced) {
                std::fputs("writing\n", stdout);
                std::fflush(stdout);
                announced = true;
            }
            QThread::msleep(200);
        },
        4096);
    std::fputs(s.ok() ? "committed\n" : "failed\n", stdout);
    return s.ok() ? 0 : 4;
}

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], "--slow-save-child") == 0)
        return slowSaveChild(QString::fromLocal8Bit(argv[2]));
    TestProject test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_project.moc"
