<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <location filename="../widgets/annotations/annotationeditor.cpp" line="+37" />
        <source>Add</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ReportBuilder</name>
    <message>
        <location filename="../core/reports/reportbuilder.cpp" line="+164" />
        <source>Unclassified</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+51" />
        <source>unreadable (%1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+105" />
        <source>Analysis report</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Author</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Date</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Scenes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>The project has no scenes.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <location line="+303" />
        <location line="+243" />
        <source>Scene</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-546" />
        <source>File</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Size (px)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Acquired</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Sensor</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>CRS</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+12" />
        <source>not readable: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <location line="+278" />
        <source>unknown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-277" />
        <location line="+653" />
        <source>none</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-428" />
        <source>Overview maps</source>
        <translation>Übersichtskarten</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The project has no scenes to map.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Drawing the map of %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>The scene could not be read: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>The scene has no coordinate reference system: no graticule, scale bar or north arrow.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Questions and answers</source>
        <translation>Fragen und Antworten</translation>
    </message>
    <message>
        <location line="+3" />
        <source>No questions have been asked about this project yet.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>No questions were selected for this report.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Question %1 of %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Question %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <location line="+473" />
        <source>Question</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-472" />
        <source>Answer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source> (verified)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source> (not verified)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Method</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <location line="+467" />
        <source>Model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-462" />
        <source>Generation settings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <location line="+24" />
        <location line="+326" />
        <source>not recorded</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-348" />
        <source>Asked</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+22" />
        <source>Region</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>%1, x %2, y %3, %4 × %5 px</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>No image chip: the scene could not be read (%1).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>No image chip: the question has no readable scene region.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+39" />
        <source>Image chip</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+14" />
        <source>Heatmap overlay (%1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>unknown method</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+29" />
        <source>The heatmap could not be read: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>No heatmap was computed for this question.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Regions</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>No annotated region has questions and answers.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>No regions were selected for this report.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Region %1 of %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+34" />
        <source>(no image: the scene could not be read)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Region %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>No caption.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Q:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>A:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>Annotations</source>
        <translation>Annotationen</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The project has no annotations.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Measuring annotations</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+36" />
        <source>Per class</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <location line="+13" />
        <source>Class</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-13" />
        <source>Count</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <location line="+16" />
        <source>Area (m²)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-16" />
        <location line="+16" />
        <source>Area (ha)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-5" />
        <source>All annotations</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>ID</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Centroid lat</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Centroid lon</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Caption</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>Areas and centroids need a scene with a coordinate reference system; points have no area.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+64" />
        <source>Models</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Describing models</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>No fine-tuning job of this project has finished.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Fine-tuned model: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Model name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Model folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Model hash</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>no weights file found</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Base model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Task</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>%1 captioned images, %2 question/answer pairs, %3 classified images</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>not readable now: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Training data</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Training samples</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Schedule</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>%1 epochs, %2 steps, batch size %3, learning rate %4, seed %5</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Outcome</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Finished</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Best checkpoint</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>step %1, %2 = %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>The job recorded no training curves.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+13" />
        <source>Final validation metrics</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>The job ran no validation.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Evaluation at step %1 (epoch %2).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Metric</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+15" />
        <source>Models used for answers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>No answers in this report name a model.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Model id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Hash</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>folder not found</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Appendix: reproducing this report</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Workbench version</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Libraries</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Generated</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Project file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Paper</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Command</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Scene rendering</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>No scenes.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>%1: %2; bands %3, percentile stretch 2–98 %; overview maps at most %4 px</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Answer generation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>No questions in this report.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Heatmap</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+21" />
        <source>Training configurations</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>No fine-tuning jobs.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+14" />
        <source>Reading the project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+21" />
        <source>No sections were selected.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Report assembled</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ReportChart</name>
    <message>
        <location filename="../core/reports/reportchart.cpp" line="+64" />
        <location line="+2" />
        <source>Loss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-1" />
        <location line="+27" />
        <source>Step</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-25" />
        <source>training loss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>validation loss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+20" />
        <source>Validation metrics</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Value</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ReportLayout</name>
    <message>
        <location filename="../core/reports/reportlayout.cpp" line="+128" />
        <source>Page %1 of %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+24" />
        <location line="+32" />
        <source>Cannot write the report</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-19" />
        <source>Cannot start the PDF writer</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/workbench/main.cpp" line="+26" />
        <source>Workbench for satellite scenes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>User interface language (e.g. de, th).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Scenes to open as layers.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::AnnotationDocument</name>
    <message>
        <location filename="../core/annotations/annotationdocument.cpp" line="+139" />
        <source>Add %1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+19" />
        <source>Add %n annotation(s)</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message numerus="yes">
        <location line="+23" />
        <source>Delete %n annotation(s)</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message numerus="yes">
        <location line="+28" />
        <source>Move %n annotation(s)</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <location line="+11" />
        <source>Reshape annotation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+17" />
        <source>Move vertex</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>Insert vertex</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>Delete vertex</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+15" />
        <source>Set class to %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>unclassified</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Edit caption</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>Edit questions and answers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>Edit attributes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Edit label classes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>Unclassify</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Add class %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::AnnotationEditor</name>
    <message>
        <location filename="../widgets/annotations/annotationeditor.cpp" line="+57" />
        <source>Describe the region…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Question</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Answer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Apply</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Revert</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Class</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Caption</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Questions</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Attributes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+41" />
        <source>(unclassified)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+20" />
        <source>No annotation selected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Annotation %1 (%2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+46" />
        <source>Edit annotation %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::AnnotationIntegration</name>
    <message>
        <location filename="../app/workbench/annotationintegration.cpp" line="+40" />
        <source>&lt;opened&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>Label Classes</source>
        <translation>Klassen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Annotations</source>
        <translation>Annotationen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Annotation Editor</source>
        <translation>Annotationseditor</translation>
    </message>
    <message>
        <location line="+1" />
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Annotate</source>
        <translation>Annotieren</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Select</source>
        <translation>Auswählen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Rectangle</source>
        <translation>Rechteck</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Polygon</source>
        <translation>Polygon</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Point</source>
        <translation>Punkt</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Freehand</source>
        <translation>Freihand</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Open &amp;Project...</source>
        <translation>&amp;Projekt öffnen...</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Save Project</source>
        <translation>Projekt &amp;speichern</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Save Project &amp;As...</source>
        <translation>Projekt speichern &amp;unter...</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Open Project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>SatGPT projects (*.satgpt);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+28" />
        <source>Class Colour</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+33" />
        <source>Autosave failed: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+12" />
        <source>Recover Project</source>
        <translation>Projekt wiederherstellen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 has autosaved changes newer than the saved project. Recover them?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Cannot recover the autosave</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Cannot open the project</source>
        <translation>Das Projekt kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Missing scenes</source>
        <translation>Fehlende Szenen</translation>
    </message>
    <message>
        <location line="+0" />
        <source>These scenes were not found; their annotations are kept:
%1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <location line="+16" />
        <source>Cannot save the project</source>
        <translation>Das Projekt kann nicht gespeichert werden</translation>
    </message>
    <message>
        <location line="-14" />
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Save Project</source>
        <translation>Projekt speichern</translation>
    </message>
    <message>
        <location line="+1" />
        <source>SatGPT projects (*.satgpt)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+22" />
        <source>Cannot add the scene to the project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+26" />
        <source>Untitled project</source>
        <translation>Unbenanntes Projekt</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1%2 — SatGPT Workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Unsaved Changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Save the changes to the project first?</source>
        <translation>Änderungen am Projekt zuerst speichern?</translation>
    </message>
</context>
<context>
    <name>satgpt::AnnotationListPanel</name>
    <message>
        <location filename="../widgets/annotations/annotationlistpanel.cpp" line="+94" />
        <source>All classes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Unclassified</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+24" />
        <source>unclassified: %1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+4" />
        <source>%n annotation(s)</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
</context>
<context>
    <name>satgpt::AnnotationTableModel</name>
    <message>
        <location filename="../core/annotations/annotationtablemodel.cpp" line="+81" />
        <source>(unclassified)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+17" />
        <source>Id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Class</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Shape</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Caption</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Area (m²)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Lat</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Lon</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::AnnotationTool</name>
    <message numerus="yes">
        <location filename="../widgets/annotations/annotationtool.cpp" line="+132" />
        <source>Paste %n annotation(s)</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
</context>
<context>
    <name>satgpt::ChatDock</name>
    <message>
        <location filename="../app/workbench/chatdock.cpp" line="+21" />
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <location line="+43" />
        <source>Add Model Folder</source>
        <translation>Modellordner hinzufügen</translation>
    </message>
</context>
<context>
    <name>satgpt::ChatJob</name>
    <message>
        <location filename="../core/chat/chatjob.cpp" line="+14" />
        <source>Ask: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+55" />
        <source>Reading the region</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+24" />
        <source>Counting</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+32" />
        <source>Loading the model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+15" />
        <source>Generating</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+33" />
        <source>Asking about the other scene</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::ChatPanel</name>
    <message>
        <location filename="../widgets/chat/chatpanel.cpp" line="+105" />
        <source>Describe this view</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>What is the land cover?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>How many buildings are there?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>What changed?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Add...</source>
        <translation>Hinzufügen...</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add a model folder (Hugging Face VisionEncoderDecoder layout)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>About:</source>
        <translation>Bezug:</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Current view</source>
        <translation>Aktuelle Ansicht</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Selected annotation</source>
        <translation>Ausgewählte Annotation</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Drawn box</source>
        <translation>Gezeichnetes Rechteck</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Draw box</source>
        <translation>Rechteck zeichnen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Drag a box on the map for the next question (Esc cancels)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Edit the quick prompts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Ask about the view, a selected annotation or a box you draw.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Re-run with model</source>
        <translation>Mit Modell erneut fragen</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Ask the selected question again, same region and settings, with the model chosen above</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+16" />
        <source>Ask a question...</source>
        <translation>Eine Frage stellen...</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Longest answer, in tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Ask</source>
        <translation>Fragen</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Grad-CAM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Grad-CAM++</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Attention rollout</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Cross-attention</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>How the map of where the model looked is computed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Show evidence</source>
        <translation>Belege zeigen</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Map where the model looked for the whole answer; click a word for that word's map</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Hide map</source>
        <translation>Karte ausblenden</translation>
    </message>
    <message>
        <location line="+73" />
        <source>No model to ask: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>Model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+40" />
        <source>Asks about the top two scenes over the same ground</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+172" />
        <location line="+7" />
        <location line="+20" />
        <location line="+12" />
        <location line="+93" />
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <location line="-132" />
        <source>No model is chosen.</source>
        <translation>Kein Modell ausgewählt.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Select an annotation to ask about it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Draw a box on the map to ask about it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Open a scene to ask about it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+17" />
        <source>Open two scenes of the same place to ask what changed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+12" />
        <source>The region does not cover both scenes.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+93" />
        <source>The question could not be answered: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+99" />
        <source>Before (%1): %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>After (%1): %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+12" />
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Unverified: the language decoder gave this count; no counter exists for “%1”.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Verified: counted by the %1 (validation MAE %2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Verified: counted by the %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Map: %1%2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>, word %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+172" />
        <source>Evidence</source>
        <translation>Belege</translation>
    </message>
    <message>
        <location line="+0" />
        <source>The map could not be computed: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::EvidenceJob</name>
    <message>
        <location filename="../core/chat/evidencejob.cpp" line="+16" />
        <source>Evidence: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::FineTuneDialog</name>
    <message>
        <location filename="../widgets/jobs/finetunedialog.cpp" line="+43" />
        <source>Fine-tune the model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Training data</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>This project's annotations</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Add dataset folder...</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Dataset folders (captions.json, vqa.json or labels.csv):</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Folder with config.json and model.safetensors</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Browse...</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Captioning</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Question answering</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Scene classification</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>One task per job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+19" />
        <source>Typical values for fine-tuning are 1e-5 to 1e-4</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Nothing (train all weights)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Image encoder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>First N encoder blocks</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>N =</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>Base model:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Tasks:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Epochs:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Batch size:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Learning rate:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Freeze:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Device:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Output name:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>Start training</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+15" />
        <source>Dataset folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>Base model folder</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+26" />
        <source>This project's annotations (%n sample(s))</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <location line="+1" />
        <source>This project's annotations (none yet)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+58" />
        <source>GPU (CUDA)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <location line="+5" />
        <source>CPU</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-4" />
        <source>Automatic (GPU when available)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+109" />
        <source>Choose training data: this project's annotations or a dataset folder.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Cannot use %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Choose the base model folder.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>The base model %1 does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Choose a task.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Enter a learning rate such as 5e-5.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Enter a name for the output folder.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+50" />
        <source>%1  (%2 captioned images, %3 questions, %4 labelled images)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>%1  (unusable)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>%1  (counting samples...)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Time per epoch: unknown until the training data is chosen.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Estimated time per epoch: %1 for %2 samples (%3 samples/s measured in earlier jobs on this device); %4 for %5 epochs.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Rough estimate: about %1 per epoch for %2 samples (assumes %3 samples/s; no earlier job has measured this device yet).</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::HeatmapControls</name>
    <message>
        <location filename="../widgets/heatmap/heatmapcontrols.cpp" line="+20" />
        <source>Viridis</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Inferno</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Jet</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>Show heatmap</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Legend</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+13" />
        <source>Colours</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Opacity</source>
        <translation>Deckkraft</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Threshold</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::JobPanel</name>
    <message>
        <location filename="../widgets/jobs/jobpanel.cpp" line="+36" />
        <source>Fine-tune...</source>
        <translation>Feinabstimmen...</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Start a new fine-tuning job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop the selected job after its current step; it saves a checkpoint you can resume from</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Continue the selected job from its newest checkpoint</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Use as active model</source>
        <translation>Als aktives Modell verwenden</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Use the model this job produced for chat, captions and explanations</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Remove the job from the list (its output folder stays on disk)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Export PNG...</source>
        <translation>PNG exportieren...</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export PDF...</source>
        <translation>PDF exportieren...</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Drag to pan, wheel to zoom, double-click to fit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+15" />
        <source>Curves</source>
        <translation>Kurven</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location line="+27" />
        <source>Cancel job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Resume job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Remove job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+39" />
        <source>Training jobs</source>
        <translation>Trainingsaufträge</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Could not save the job list: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+65" />
        <source>Output: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+41" />
        <source>Fine-tuning finished</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <location line="+3" />
        <location line="+3" />
        <source>%1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-3" />
        <source>Fine-tuning failed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Fine-tuning canceled</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::JobsDock</name>
    <message>
        <location filename="../app/workbench/jobsdock.cpp" line="+69" />
        <source>Export annotation chips</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+24" />
        <source>Jobs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+18" />
        <location line="+13" />
        <location line="+117" />
        <location line="+4" />
        <source>Fine-tuning</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-133" />
        <source>The training worker %1 is missing or has no 'train' command; fine-tuning jobs will fail.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+12" />
        <source>Could not read the list of earlier jobs: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+117" />
        <source>Could not export the project's annotations for training: %1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+5" />
        <source>Exporting the project's annotations (%n training sample(s)) to %1; the job starts after that.</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <location line="+10" />
        <source>Export curves as PDF</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Export curves as PNG</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>PDF documents (*.pdf)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>PNG images (*.png)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Export curves</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Could not write %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::LabelSchemaPanel</name>
    <message>
        <location filename="../widgets/annotations/labelschemapanel.cpp" line="+19" />
        <source>Class</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Colour</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Add class</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+55" />
        <source>Double-click to change the colour</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+43" />
        <source>Edit class %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>class %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+13" />
        <source>Remove class %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+14" />
        <source>Recolour class %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::LayerPanel</name>
    <message>
        <location filename="../widgets/layers/layerpanel.cpp" line="+26" />
        <source>Band %1</source>
        <translation>Kanal %1</translation>
    </message>
    <message>
        <location line="+12" />
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Min / max</source>
        <translation>Min. / Max.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Percentile clip</source>
        <translation>Perzentil-Schnitt</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+96" />
        <source>Standard deviations</source>
        <translation>Standardabweichungen</translation>
    </message>
    <message>
        <location line="-95" />
        <source>Histogram equalisation</source>
        <translation>Histogrammausgleich</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Grey</source>
        <translation>Grau</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Viridis</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Inferno</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Jet</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Terrain</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+14" />
        <source>Remove layer</source>
        <translation>Ebene entfernen</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Display</source>
        <translation>Darstellung</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Layer opacity</source>
        <translation>Deckkraft der Ebene</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Opacity</source>
        <translation>Deckkraft</translation>
    </message>
    <message>
        <location line="+3" />
        <source>RGB composite</source>
        <translation>RGB-Komposit</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Single band</source>
        <translation>Einzelkanal</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Bands</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Red</source>
        <translation>Rot</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Green</source>
        <translation>Grün</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Blue</source>
        <translation>Blau</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Band</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Colour map</source>
        <translation>Farbskala</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Stretch</source>
        <translation>Streckung</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+4" />
        <source> %</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Low percentile</source>
        <translation>Unteres Perzentil</translation>
    </message>
    <message>
        <location line="+1" />
        <source>High percentile</source>
        <translation>Oberes Perzentil</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Gamma</source>
        <translation>Gamma</translation>
    </message>
    <message numerus="yes">
        <location line="+87" />
        <source>%1 x %2 px, %n band(s), %3</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <location line="+32" />
        <source>No layer. Open a scene with File &gt; Open.</source>
        <translation>Keine Ebene. Öffnen Sie eine Szene mit Datei &gt; Öffnen.</translation>
    </message>
</context>
<context>
    <name>satgpt::MainWindow</name>
    <message>
        <location filename="../app/workbench/mainwindow.cpp" line="+57" />
        <source>SatGPT Workbench</source>
        <translation>SatGPT Workbench</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Layers</source>
        <translation>Ebenen</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Zoom %1%</source>
        <translation>Zoom %1%</translation>
    </message>
    <message>
        <location line="+38" />
        <source>Export &amp;Report...</source>
        <translation>&amp;Bericht exportieren...</translation>
    </message>
    <message>
        <location line="+5" />
        <source>No project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Open or create a project before exporting a report.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+19" />
        <source>&amp;Open Scene...</source>
        <translation>Szene ö&amp;ffnen...</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Zoom &amp;In</source>
        <translation>Ver&amp;größern</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Fit to Window</source>
        <translation>An &amp;Fenster anpassen</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Actual Pixels (1:1)</source>
        <translation>&amp;Originalpixel (1:1)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Swipe Compare</source>
        <translation>&amp;Wischvergleich</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Show the top layer left of a draggable divider</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Scale &amp;Bar</source>
        <translation>&amp;Maßstabsleiste</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Remove Layer</source>
        <translation>Ebene &amp;entfernen</translation>
    </message>
    <message>
        <location line="+10" />
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location line="+37" />
        <source>Open Scene</source>
        <translation>Szene öffnen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Raster scenes (*.tif *.tiff *.TIF *.jp2 *.img *.vrt *.nc *.hdf *.h5 *.png *.jpg);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+46" />
        <source>Opening %1...</source>
        <translation>Öffne %1...</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Cannot open %1</source>
        <translation>%1 kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+34" />
        <source>%1 has no overviews</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Zoomed-out views of this %2 x %3 scene are slow until overviews are built (into %1.ovr, in the background).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Build Overviews</source>
        <translation>Übersichten erstellen</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Overviews</source>
        <translation>Übersichten</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Overviews for another scene are being built; try again when it is done.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Overviews %p%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Cannot build overviews for %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+12" />
        <source>Overviews built</source>
        <translation>Übersichten erstellt</translation>
    </message>
    <message>
        <location line="+23" />
        <source>Pixel %1, %2</source>
        <translation>Pixel %1, %2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Map %1, %2</source>
        <translation>Karte %1, %2</translation>
    </message>
    <message>
        <location line="+4" />
        <source>%1°%2 %3°%4</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+18" />
        <source>B%1 %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source> (nodata)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>%1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+25" />
        <source>Clear Recent Files</source>
        <translation>Liste leeren</translation>
    </message>
</context>
<context>
    <name>satgpt::MapCanvas</name>
    <message>
        <location filename="../widgets/mapcanvas/mapcanvas.cpp" line="+76" />
        <source>Cannot draw %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Cannot compute statistics for %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+417" />
        <source>px</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+23" />
        <source>%1 km</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>%1 m</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>%1 px</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::MessageBar</name>
    <message>
        <location filename="../app/workbench/messagebar.cpp" line="+30" />
        <source>Close this message</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::ModelRegistry</name>
    <message>
        <location filename="../core/common/modelregistry.cpp" line="+62" />
        <source>The bundled model satgpt-small was not found (no config.json in %1). Add a model folder to ask questions.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+14" />
        <source>%1 is no model folder: it has no config.json.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+36" />
        <source>%1 (bundled)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+15" />
        <source>%1 (fine-tuned)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::QuickPromptsDialog</name>
    <message>
        <location filename="../widgets/chat/quickpromptsdialog.cpp" line="+15" />
        <source>Quick Prompts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>One prompt per line. A prompt that starts with “What changed” asks about the top two scenes and is offered while two scenes are open.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::ReportDialog</name>
    <message>
        <location filename="../widgets/reports/reportdialog.cpp" line="+37" />
        <location line="+201" />
        <source>Export Report</source>
        <translation>Bericht exportieren</translation>
    </message>
    <message>
        <location line="-193" />
        <source>Name on the title page</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>A4</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Letter</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Title:</source>
        <translation>Titel:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Author:</source>
        <translation>Autor:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Paper:</source>
        <translation>Papier:</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Sections</source>
        <translation>Abschnitte</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Title page and scene list</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Overview maps</source>
        <translation>Übersichtskarten</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Questions and answers</source>
        <translation>Fragen und Antworten</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Region pages</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Annotation table</source>
        <translation>Annotationstabelle</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Models and training</source>
        <translation>Modelle und Training</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Appendix (reproducibility)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>Questions:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>(no questions in this project)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Regions:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Unclassified</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>#%1 %2 %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>(no annotations in this project)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Also write a self-contained HTML file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+14" />
        <source>Preparing the preview...</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+18" />
        <source>Export PDF...</source>
        <translation>PDF exportieren...</translation>
    </message>
    <message>
        <location line="+64" />
        <source>Updating the preview...</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Preview failed: %1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+15" />
        <source>%n page(s); the first %1 are shown.</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n page(s).</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <location line="+12" />
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+30" />
        <source>%1 and %2</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>Written: %1 (%n page(s))</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <location line="+1" />
        <source>Report exported</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Export failed: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Cannot export the report</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Export canceled.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::ReportJob</name>
    <message>
        <location filename="../core/reports/reportjob.cpp" line="+10" />
        <source>Report</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+17" />
        <source>Laying out pages</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <location line="+6" />
        <source>Writing %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::TileRenderer</name>
    <message>
        <location filename="../core/raster/tilerenderer.cpp" line="+309" />
        <source>Out of memory while reading a tile of %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::TrainingCurvesView</name>
    <message>
        <location filename="../widgets/jobs/trainingcurvesview.cpp" line="+39" />
        <location line="+17" />
        <source>Step</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-16" />
        <source>Loss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <location line="+10" />
        <source>Learning rate</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-3" />
        <source>Training loss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>Evaluation metrics</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+20" />
        <source>Training curves need QCustomPlot, which this build lacks.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+82" />
        <source>Validation loss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+57" />
        <source>Training curves</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::TrainingJobModel</name>
    <message>
        <location filename="../core/jobs/trainingjobmodel.cpp" line="+42" />
        <source>Queued</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Running</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Finished</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Failed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Canceled</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>%1 h %2 min</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>%1 min %2 s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>%1 s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+43" />
        <source>%1 left</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+23" />
        <source>Job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>State</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Progress</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Loss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Device</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Started</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::TrainingJobQueue</name>
    <message>
        <location filename="../core/jobs/trainingjobqueue.cpp" line="+175" />
        <source>Fine-tuning job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+12" />
        <location line="+65" />
        <source>Waiting for a free slot</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-48" />
        <source>Canceled before it started</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>Canceling...</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+94" />
        <source>Could not write the job configuration: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+35" />
        <source>Resuming from the last checkpoint</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Starting</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+54" />
        <source>Training</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+32" />
        <source>Could not start the training worker %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+30" />
        <source>Canceled; the worker had to be stopped, so the last checkpoint may be older</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Canceled at step %1; resume continues from its checkpoint</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>The training worker crashed or was killed (%1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>The training worker exited with code %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>The training worker exited without reporting a result</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Finished</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Finished; model in %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Canceled by the worker</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Training failed (status "%1")</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+109" />
        <source>Interrupted: the workbench closed while this job ran; resume continues from its last checkpoint</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <location line="+95" />
        <source>Not started before the workbench closed; resume starts it</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-83" />
        <source>project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+106" />
        <source>The training worker did not exit when the workbench closed</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>