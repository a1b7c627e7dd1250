// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/project/project.h"

#include "core/annotations/annotationdocument.h"
#include "core/annotations/geomeasure.h"
#include "core/project/atomicfile.h"
#include "core/project/projectformat.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>
#include <optional>
#include <tuple>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

namespace satgpt {

namespace {
const QStringList kSceneKeys{QStringLiteral("id"),     QStringLiteral("path"),         QStringLiteral("absolutePath"),
                             QStringLiteral("width"),  QStringLiteral("height"),       QStringLiteral("geoTransform"),
                             QStringLiteral("crsWkt"), QStringLiteral("layer"),        QStringLiteral("stretch")};
const QStringList kTopKeys{QStringLiteral("schemaVersion"), QStringLiteral("application"), QStringLiteral("scenes"),
                           QStringLiteral("view"),          QStringLiteral("labelSchema"), QStringLiteral("annotations"),
                           QStringLiteral("chatHistory"),   QStringLiteral("trainingJobs")};

Error fileError(const QString &path, const QString &message)
{
    return makeError(message.toStdString(), path.toStdString());
}
} // namespace

Project::Project(QObject *parent) : QObject(parent), m_document(new AnnotationDocument(this))
{
    connect(m_document->undoStack(), &QUndoStack::indexChanged, this, &Project::touch);
    connect(m_document, &AnnotationDocument::contentsReset, this, &Project::touch);
}

Project::~Project() = default;

void Project::touch()
{
    ++m_changeCounter;
    Q_EMIT changed();
}

bool Project::isModified() const { return m_metaModified || !m_document->undoStack()->isClean(); }

void Project::markModified()
{
    m_metaModified = true;
    touch();
}

const ProjectScene *Project::scene(const QString &id) const
{
    for (const ProjectScene &s : m_scenes)
        if (s.id == id)
            return &s;
    return nullptr;
}

QVector<AnnotationExporter::Scene> Project::exportScenes() const
{
    QVector<AnnotationExporter::Scene> out;
    for (const ProjectScene &s : m_scenes)
        out.append({s.id, s.path, s.width, s.height});
    return out;
}

Result<ProjectScene> Project::describeScene(const QString &path)
{
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.toUtf8().constData(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds)
        return makeError("Cannot open the scene", path.toStdString(), CPLGetLastErrorMsg());
    ProjectScene s;
    s.path = QFileInfo(path).absoluteFilePath();
    s.width = ds->GetRasterXSize();
    s.height = ds->GetRasterYSize();
    double gt[6];
    if (ds->GetGeoTransform(gt) == CE_None) {
        s.hasGeoTransform = true;
        std::copy(gt, gt + 6, s.geoTransform.c.begin());
    }
    if (const OGRSpatialReference *srs = ds->GetSpatialRef()) {
        char *wkt = nullptr;
        const char *options[] = {"FORMAT=WKT2_2019", nullptr};
        if (srs->exportToWkt(&wkt, options) == OGRERR_NONE && wkt)
            s.crsWkt = QString::fromUtf8(wkt);
        CPLFree(wkt);
    }
    return s;
}

Result<QString> Project::addScene(const QString &path)
{
    Result<ProjectScene> described = describeScene(path);
    if (!described)
        return described.error();
    ProjectScene s = std::move(described.value());
    int n = int(m_scenes.size()) + 1;
    while (scene(QStringLiteral("scene-%1").arg(n)))
        ++n;
    s.id = QStringLiteral("scene-%1").arg(n);
    m_scenes.append(s);
    applyMeasures();
    m_metaModified = true;
    touch();
    Q_EMIT scenesChanged();
    return s.id;
}

Status Project::relocateScene(const QString &id, const QString &newPath)
{
    auto it = std::find_if(m_scenes.begin(), m_scenes.end(), [&](const ProjectScene &s) { return s.id == id; });
    if (it == m_scenes.end())
        return makeError(QStringLiteral("No scene with id '%1' in the project").arg(id).toStdString(), m_path.toStdString());
    Result<ProjectScene> described = describeScene(newPath);
    if (!described)
        return described.error();
    if ((it->width || it->height) && (described->width != it->width || described->height != it->height))
        return fileError(newPath, QStringLiteral("The scene is %1 x %2 pixels but the project's scene '%3' is %4 x %5; "
                                                 "its annotations would not line up")
                                      .arg(described->width)
                                      .arg(described->height)
                                      .arg(id)
                                      .arg(it->width)
                                      .arg(it->height));
    it->path = described->path;
    it->missing = false;
    it->width = described->width;
    it->height = described->height;
    it->hasGeoTransform = described->hasGeoTransform;
    it->geoTransform = described->geoTransform;
    it->crsWkt = described->crsWkt;
    applyMeasures();
    m_metaModified = true;
    touch();
    Q_EMIT scenesChanged();
    return {};
}

void Project::setSceneLayer(const QString &id, const QJsonObject &layer)
{
    for (ProjectScene &s : m_scenes)
        if (s.id == id && s.layer != layer) {
            s.layer = layer;
            m_metaModified = true;
            touch();
        }
}

void Project::setSceneStretch(const QString &id, const QJsonObject &stretch)
{
    for (ProjectScene &s : m_scenes)
        if (s.id == id && s.stretch != stretch) {
            s.stretch = stretch;
            m_metaModified = true;
            touch();
        }
}

void Project::setView(const QJsonObject &view)
{
    if (view == m_view)
        return;
    m_view = view;
    m_metaModified = true;
    touch();
}

void Project::appendChat(const QJsonObject &entry)
{
    m_chat.append(entry);
    m_metaModified = true;
    touch();
}

void Project::setChatHistory(const QJsonArray &chat)
{
    m_chat = chat;
    m_metaModified = true;
    touch();
}

void Project::setTrainingJobs(const QJsonArray &jobs)
{
    m_jobs = jobs;
    m_metaModified = true;
    touch();
}

void Project::applyMeasures()
{
    for (const ProjectScene &s : m_scenes) {
        if (s.hasGeoTransform || !s.crsWkt.isEmpty())
            m_document->setSceneGeoreference(s.id, std::make_shared<GeoMeasure>(s.geoTransform, s.crsWkt));
        else
            m_document->setSceneGeoreference(s.id, nullptr);
    }
}

QJsonObject Project::toJson(const QString &path) const
{
    const QDir dir = QFileInfo(path).absoluteDir();
    QJsonObject root = m_extra;
    root.insert(QStringLiteral("schemaVersion"), ProjectFormat::kCurrentVersion);
    root.insert(QStringLiteral("application"), QStringLiteral("SatGPT Workbench " SATGPT_VERSION));
    QJsonArray scenes;
    for (const ProjectScene &s : m_scenes) {
        QJsonObject o = s.extra;
        o.insert(QStringLiteral("id"), s.id);
        o.insert(QStringLiteral("path"), QDir::fromNativeSeparators(dir.relativeFilePath(s.path)));
        o.insert(QStringLiteral("absolutePath"), QDir::fromNativeSeparators(s.path));
        o.insert(QStringLiteral("width"), s.width);
        o.insert(QStringLiteral("height"), s.height);
        if (s.hasGeoTransform) {
            QJsonArray gt;
            for (double c : s.geoTransform.c)
                gt.append(c);
            o.insert(QStringLiteral("geoTransform"), gt);
        }
        o.insert(QStringLiteral("crsWkt"), s.crsWkt);
        o.insert(QStringLiteral("layer"), s.layer);
        o.insert(QStringLiteral("stretch"), s.stretch);
        scenes.append(o);
    }
    root.insert(QStringLiteral("scenes"), scenes);
    root.insert(QStringLiteral("view"), m_view);
    root.insert(QStringLiteral("labelSchema"), m_document->schema().toJson());
    QJsonArray annotations;
    for (const Annotation &a : m_document->annotations())
        annotations.append(a.toJson());
    root.insert(QStringLiteral("annotations"), annotations);
    root.insert(QStringLiteral("chatHistory"), m_chat);
    root.insert(QStringLiteral("trainingJobs"), m_jobs);
    return root;
}

QByteArray Project::serialize(const QString &path) const
{
    return QJsonDocument(toJson(path)).toJson(QJsonDocument::Indented);
}

Status Project::save(const QString &path)
{
    const QString target = QFileInfo(path.isEmpty() ? m_path : path).absoluteFilePath();
    if (target.isEmpty() || (path.isEmpty() && m_path.isEmpty()))
        return makeError("The project has no file name yet; choose where to save it");
    Status written = AtomicFile::write(target, serialize(target));
    if (!written)
        return written;
    m_path = target;
    m_metaModified = false;
    m_document->undoStack()->setClean();
    // The saved file now holds everything the sidecar had.
    QFile::remove(target + QStringLiteral(".autosave"));
    Q_EMIT saved(target);
    return {};
}

Result<std::unique_ptr<Project>> Project::load(const QString &path)
{
    Result<QJsonObject> json = ProjectFormat::read(path);
    if (!json)
        return json.error();
    return fromJson(json.value(), path);
}

Result<std::unique_ptr<Project>> Project::fromJson(const QJsonObject &root, const QString &path)
{
    const QString absPath = QFileInfo(path).absoluteFilePath();
    const QDir dir = QFileInfo(absPath).absoluteDir();
    auto project = std::make_unique<Project>();
    project->m_path = absPath;

    auto typeCheck = [&](const char *key, QJsonValue::Type type, const char *what) -> std::optional<Error> {
        const QJsonValue v = root.value(QLatin1String(key));
        if (!v.isUndefined() && v.type() != type)
            return fileError(path, QStringLiteral("\"%1\" must be %2").arg(QLatin1String(key), QLatin1String(what)));
        return std::nullopt;
    };
    for (auto [key, type, what] : {std::tuple{"scenes", QJsonValue::Array, "an array"},
                                   std::tuple{"view", QJsonValue::Object, "an object"},
                                   std::tuple{"labelSchema", QJsonValue::Array, "an array"},
                                   std::tuple{"annotations", QJsonValue::Array, "an array"},
                                   std::tuple{"chatHistory", QJsonValue::Array, "an array"},
                                   std::tuple{"trainingJobs", QJsonValue::Array, "an array"}}) {
        if (auto e = typeCheck(key, type, what))
            return *e;
    }

    for (const QJsonValue &v : root.value(QLatin1String("scenes")).toArray()) {
        if (!v.isObject())
            return fileError(path, QStringLiteral("each entry of \"scenes\" must be an object"));
        const QJsonObject o = v.toObject();
        ProjectScene s;
        if (!o.value(QLatin1String("id")).isString() || o.value(QLatin1String("id")).toString().isEmpty())
            return fileError(path, QStringLiteral("a scene has no string \"id\""));
        s.id = o.value(QLatin1String("id")).toString();
        if (project->scene(s.id))
            return fileError(path, QStringLiteral("scene id '%1' appears twice").arg(s.id));
        for (const char *key : {"path", "absolutePath", "crsWkt"}) {
            const QJsonValue f = o.value(QLatin1String(key));
            if (!f.isUndefined() && !f.isString())
                return fileError(path, QStringLiteral("scene '%1': \"%2\" must be a string").arg(s.id, QLatin1String(key)));
        }
        for (const char *key : {"layer", "stretch"}) {
            const QJsonValue f = o.value(QLatin1String(key));
            if (!f.isUndefined() && !f.isObject())
                return fileError(path, QStringLiteral("scene '%1': \"%2\" must be an object").arg(s.id, QLatin1String(key)));
        }
        s.storedRelative = o.value(QLatin1String("path")).toString();
        const QString absolute = o.value(QLatin1String("absolutePath")).toString();
        const QString fromRelative = s.storedRelative.isEmpty() ? QString() : QDir::cleanPath(dir.absoluteFilePath(s.storedRelative));
        if (!fromRelative.isEmpty() && QFileInfo::exists(fromRelative))
            s.path = fromRelative;
        else if (!absolute.isEmpty() && QFileInfo::exists(absolute))
            s.path = absolute;
        else {
            s.path = !absolute.isEmpty() ? absolute : fromRelative;
            s.missing = true;
        }
        s.width = o.value(QLatin1String("width")).toInt();
        s.height = o.value(QLatin1String("height")).toInt();
        const QJsonValue gt = o.value(QLatin1String("geoTransform"));
        if (!gt.isUndefined()) {
            const QJsonArray a = gt.toArray();
            if (!gt.isArray() || a.size() != 6)
                return fileError(path, QStringLiteral("scene '%1': \"geoTransform\" must be an array of 6 numbers").arg(s.id));
            for (int i = 0; i < 6; ++i) {
                if (!a[i].isDouble())
                    return fileError(path, QStringLiteral("scene '%1': \"geoTransform\" must be an array of 6 numbers").arg(s.id));
                s.geoTransform.c[size_t(i)] = a[i].toDouble();
            }
            s.hasGeoTransform = true;
        }
        s.crsWkt = o.value(QLatin1String("crsWkt")).toString();
        s.layer = o.value(QLatin1String("layer")).toObject();
        s.stretch = o.value(QLatin1String("stretch")).toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!kSceneKeys.contains(it.key()))
                s.extra.insert(it.key(), it.value());
        project->m_scenes.append(s);
    }

    LabelSchema schema;
    QString error;
    if (!LabelSchema::fromJson(root.value(QLatin1String("labelSchema")).toArray(), &schema, &error))
        return fileError(path, error);

    QVector<Annotation> annotations;
    QSet<qint64> ids;
    for (const QJsonValue &v : root.value(QLatin1String("annotations")).toArray()) {
        if (!v.isObject())
            return fileError(path, QStringLiteral("each entry of \"annotations\" must be an object"));
        Annotation a;
        if (!Annotation::fromJson(v.toObject(), &a, &error))
            return fileError(path, error);
        if (a.id <= 0 || ids.contains(a.id))
            return fileError(path, QStringLiteral("annotation id %1 is not positive or appears twice").arg(a.id));
        ids.insert(a.id);
        annotations.append(a);
    }

    project->m_view = root.value(QLatin1String("view")).toObject();
    project->m_chat = root.value(QLatin1String("chatHistory")).toArray();
    project->m_jobs = root.value(QLatin1String("trainingJobs")).toArray();
    for (auto it = root.begin(); it != root.end(); ++it)
        if (!kTopKeys.contains(it.key()))
            project->m_extra.insert(it.key(), it.value());

    project->m_document->resetContents(schema, annotations);
    project->applyMeasures();
    project->m_metaModified = false;
    return project;
}

} // namespace satgpt
