// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt project new`, `satgpt annotations import|export|list`: project files and annotation
// interchange from the command line (the same core code the workbench uses).

#include "command.h"

#include "core/annotations/annotationdocument.h"
#include "core/annotations/annotationexporter.h"
#include "core/annotations/geojsoninterchange.h"
#include "core/annotations/geomeasure.h"
#include "core/project/project.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace satgpt::cli {

namespace {

QString errorText(const Error &e) { return QString::fromStdString(e.toString()); }

const ProjectScene *pickScene(const Project &project, const QString &id, QString *error)
{
    if (project.scenes().isEmpty()) {
        *error = QStringLiteral("%1: the project has no scenes").arg(project.path());
        return nullptr;
    }
    if (id.isEmpty())
        return &project.scenes().first();
    const ProjectScene *s = project.scene(id);
    if (!s)
        *error = QStringLiteral("%1: no scene with id '%2'").arg(project.path(), id);
    return s;
}


} // namespace

static int runProjectNew(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Create a project file for one or more scenes."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The .satgpt file to create."));
    parser.addOption({QStringLiteral("scene"), QStringLiteral("A scene to add (repeatable)."), QStringLiteral("path")});
    parser.addOption({QStringLiteral("force"), QStringLiteral("Overwrite an existing project file.")});
    parser.process(args);
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("project new: give exactly one project file"));
    const QString path = parser.positionalArguments().first();
    if (QFileInfo::exists(path) && !parser.isSet(QStringLiteral("force")))
        return fail(QStringLiteral("%1: already exists (use --force to overwrite)").arg(path));
    Project project;
    for (const QString &scene : parser.values(QStringLiteral("scene"))) {
        Result<QString> id = project.addScene(scene);
        if (!id)
            return fail(errorText(id.error()));
    }
    Status saved = project.save(path);
    if (!saved)
        return fail(errorText(saved.error()));
    QTextStream(stdout) << "Created " << project.path() << " with " << project.scenes().size() << " scene(s)" << Qt::endl;
    return 0;
}

static int runAnnotationsImport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Import GeoJSON features as annotations of a project scene."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The .satgpt file."));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("A GeoJSON file (any CRS GDAL knows)."));
    parser.addOption({QStringLiteral("scene"), QStringLiteral("Scene id (default: the first scene)."), QStringLiteral("id")});
    parser.process(args);
    if (parser.positionalArguments().size() != 2)
        return fail(QStringLiteral("annotations import: give the project and the GeoJSON file"));
    Result<std::unique_ptr<Project>> project = Project::load(parser.positionalArguments()[0]);
    if (!project)
        return fail(errorText(project.error()));
    QString error;
    const ProjectScene *scene = pickScene(*project.value(), parser.value(QStringLiteral("scene")), &error);
    if (!scene)
        return fail(error);
    const GeoMeasure measure(scene->geoTransform, scene->crsWkt);
    AnnotationDocument *doc = project.value()->document();
    Result<GeoJsonInterchange::ImportResult> imported =
        GeoJsonInterchange::importFile(parser.positionalArguments()[1], measure, scene->id, doc->schema());
    if (!imported)
        return fail(errorText(imported.error()));
    const QVector<qint64> ids = doc->importAnnotations(imported->schema, imported->annotations,
                                                       QStringLiteral("Import %1").arg(parser.positionalArguments()[1]));
    Status saved = project.value()->save();
    if (!saved)
        return fail(errorText(saved.error()));
    QTextStream(stdout) << "Imported " << ids.size() << " annotation(s) into scene " << scene->id << " ("
                        << imported->newClasses << " new class(es))" << Qt::endl;
    return 0;
}

static int runAnnotationsExport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Export a project's annotations."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The .satgpt file."));
    parser.addOption({QStringLiteral("format"), QStringLiteral("geojson, coco, yolo or chips."), QStringLiteral("format")});
    parser.addOption({QStringLiteral("crs"), QStringLiteral("GeoJSON only: EPSG:4326 (RFC 7946) instead of the scene CRS."),
                      QStringLiteral("crs")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output file (geojson, coco) or folder (yolo, chips)."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("scene"), QStringLiteral("Scene id for GeoJSON (default: the first)."), QStringLiteral("id")});
    parser.addOption({QStringLiteral("size"), QStringLiteral("Chip size in pixels (chips; default 224)."), QStringLiteral("n"), QStringLiteral("224")});
    parser.addOption({QStringLiteral("padding"), QStringLiteral("Context around each box, fraction of its size (chips; default 0.25)."),
                      QStringLiteral("f"), QStringLiteral("0.25")});
    parser.addOption({QStringLiteral("chip-format"), QStringLiteral("png or gtiff (chips; default png)."), QStringLiteral("fmt"),
                      QStringLiteral("png")});
    parser.addOption({QStringLiteral("tile-size"), QStringLiteral("Tile size in pixels (yolo; default 640)."), QStringLiteral("n"),
                      QStringLiteral("640")});
    parser.process(args);
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("annotations export: give the project file"));
    const QString format = parser.value(QStringLiteral("format")).toLower();
    const QString out = parser.value(QStringLiteral("out"));
    if (out.isEmpty())
        return fail(QStringLiteral("annotations export: --out is required"));
    Result<std::unique_ptr<Project>> project = Project::load(parser.positionalArguments()[0]);
    if (!project)
        return fail(errorText(project.error()));
    const Project &p = *project.value();
    const AnnotationDocument *doc = p.document();
    for (const ProjectScene &s : p.scenes())
        if (s.missing && format != QLatin1String("geojson") && format != QLatin1String("coco"))
            return fail(QStringLiteral("%1: scene '%2' is missing (%3); relocate it first").arg(p.path(), s.id, s.path));

    if (format == QLatin1String("geojson")) {
        const QString crs = parser.value(QStringLiteral("crs"));
        if (!crs.isEmpty() && crs.compare(QLatin1String("EPSG:4326"), Qt::CaseInsensitive) != 0
            && crs.compare(QLatin1String("scene"), Qt::CaseInsensitive) != 0)
            return fail(QStringLiteral("--crs must be EPSG:4326 or scene, not '%1'").arg(crs));
        QString error;
        const ProjectScene *scene = pickScene(p, parser.value(QStringLiteral("scene")), &error);
        if (!scene)
            return fail(error);
        QVector<Annotation> annotations;
        for (qint64 id : doc->idsForScene(scene->id))
            annotations.append(*doc->annotation(id));
        const GeoMeasure measure(scene->geoTransform, scene->crsWkt);
        Status s = GeoJsonInterchange::exportFile(annotations, doc->schema(), measure, out,
                                                  crs.compare(QLatin1String("EPSG:4326"), Qt::CaseInsensitive) == 0);
        if (!s)
            return fail(errorText(s.error()));
        QTextStream(stdout) << "Wrote " << annotations.size() << " feature(s) to " << out << Qt::endl;
        return 0;
    }
    if (format == QLatin1String("coco")) {
        int skipped = 0;
        Result<int> n = AnnotationExporter::exportCoco(doc->annotations(), doc->schema(), p.exportScenes(), out, &skipped);
        if (!n)
            return fail(errorText(n.error()));
        QTextStream(stdout) << "Wrote " << n.value() << " COCO annotation(s) to " << out << " (" << skipped
                            << " point(s) skipped)" << Qt::endl;
        return 0;
    }
    if (format == QLatin1String("yolo")) {
        Result<int> n = AnnotationExporter::exportYolo(doc->annotations(), doc->schema(), p.exportScenes(), out,
                                                       parser.value(QStringLiteral("tile-size")).toInt());
        if (!n)
            return fail(errorText(n.error()));
        QTextStream(stdout) << "Wrote " << n.value() << " YOLO tile(s) to " << out << Qt::endl;
        return 0;
    }
    if (format == QLatin1String("chips")) {
        const QString chipFormat = parser.value(QStringLiteral("chip-format")).toLower();
        if (chipFormat != QLatin1String("png") && chipFormat != QLatin1String("gtiff"))
            return fail(QStringLiteral("--chip-format must be png or gtiff"));
        Result<int> n = AnnotationExporter::exportChips(
            doc->annotations(), doc->schema(), p.exportScenes(), out, parser.value(QStringLiteral("size")).toInt(),
            parser.value(QStringLiteral("padding")).toDouble(),
            chipFormat == QLatin1String("png") ? AnnotationExporter::ChipFormat::Png : AnnotationExporter::ChipFormat::GeoTiff);
        if (!n)
            return fail(errorText(n.error()));
        QTextStream(stdout) << "Wrote " << n.value() << " chip(s) to " << out << Qt::endl;
        return 0;
    }
    return fail(QStringLiteral("--format must be geojson, coco, yolo or chips, not '%1'").arg(format));
}

static int runAnnotationsList(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List a project's annotations."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The .satgpt file."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print a JSON array.")});
    parser.process(args);
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("annotations list: give the project file"));
    Result<std::unique_ptr<Project>> project = Project::load(parser.positionalArguments()[0]);
    if (!project)
        return fail(errorText(project.error()));
    const AnnotationDocument *doc = project.value()->document();
    QJsonArray rows;
    QTextStream out(stdout);
    for (const Annotation &a : doc->annotations()) {
        QJsonObject o = a.toJson();
        o.insert(QStringLiteral("className"), doc->schema().nameOf(a.classId));
        o.insert(QStringLiteral("pixelArea"), a.pixelArea());
        const QPointF c = a.pixelCentroid();
        o.insert(QStringLiteral("centroidPixel"), QJsonArray{c.x(), c.y()});
        if (const auto m = doc->measure(a.sceneId)) {
            if (const auto area = m->areaSquareMeters(a.geometry))
                o.insert(QStringLiteral("areaSquareMeters"), *area);
            if (const auto ll = m->pixelToLonLat(c)) {
                o.insert(QStringLiteral("centroidLat"), ll->y());
                o.insert(QStringLiteral("centroidLon"), ll->x());
            }
        }
        rows.append(o);
    }
    if (parser.isSet(QStringLiteral("json"))) {
        out << QJsonDocument(rows).toJson(QJsonDocument::Indented);
        return 0;
    }
    for (const QJsonValue &v : rows) {
        const QJsonObject o = v.toObject();
        out << o.value(QLatin1String("id")).toInteger() << '\t' << o.value(QLatin1String("scene")).toString() << '\t'
            << o.value(QLatin1String("shape")).toString() << '\t' << o.value(QLatin1String("className")).toString() << '\t'
            << QString::number(o.value(QLatin1String("areaSquareMeters")).toDouble(), 'f', 1) << " m2\t"
            << o.value(QLatin1String("caption")).toString() << '\n';
    }
    out << rows.size() << " annotation(s)" << Qt::endl;
    return 0;
}

SATGPT_CLI_COMMAND("project new", "Create a project file for scenes", runProjectNew)
SATGPT_CLI_COMMAND("annotations import", "Import GeoJSON features into a project", runAnnotationsImport)
SATGPT_CLI_COMMAND("annotations export", "Export annotations (geojson, coco, yolo, chips)", runAnnotationsExport)
SATGPT_CLI_COMMAND("annotations list", "List a project's annotations", runAnnotationsList)

} // namespace satgpt::cli
