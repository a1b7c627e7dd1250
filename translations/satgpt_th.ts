<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="th_TH">
<context>
    <name>AnnotationDocument</name>
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
        </translation>
    </message>
    <message numerus="yes">
        <location line="+23" />
        <source>Delete %n annotation(s)</source>
        <translation type="unfinished">
            <numerusform />
        </translation>
    </message>
    <message numerus="yes">
        <location line="+28" />
        <source>Move %n annotation(s)</source>
        <translation type="unfinished">
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
    <name>AnnotationEditor</name>
    <message>
        <location filename="../widgets/annotations/annotationeditor.cpp" line="+95" />
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
    <name>AnnotationListPanel</name>
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
        </translation>
    </message>
</context>
<context>
    <name>AnnotationTableModel</name>
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
    <name>AnnotationTool</name>
    <message numerus="yes">
        <location filename="../widgets/annotations/annotationtool.cpp" line="+132" />
        <source>Paste %n annotation(s)</source>
        <translation type="unfinished">
            <numerusform />
        </translation>
    </message>
</context>
<context>
    <name>FineTuneDialog</name>
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
        <location line="+4" />
        <source>The trainer learns one task per job: keep one task checked and queue another job for the next.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>The trainer reads one data source per job: keep either the project's annotations or one dataset folder.</source>
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
        <location line="+48" />
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
    <name>JobPanel</name>
    <message>
        <location filename="../widgets/jobs/jobpanel.cpp" line="+36" />
        <source>Fine-tune...</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Start a new fine-tuning job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Stop the selected job after its current step; it saves a checkpoint you can resume from</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Resume</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Continue the selected job from its newest checkpoint</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Use as active model</source>
        <translation type="unfinished" />
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
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Export PDF...</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+21" />
        <source>Drag to pan, wheel to zoom, double-click to fit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+15" />
        <source>Curves</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Log</source>
        <translation type="unfinished" />
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
        <translation type="unfinished" />
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
    <name>JobsDock</name>
    <message>
        <location filename="../app/workbench/jobsdock.cpp" line="+17" />
        <source>Jobs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+18" />
        <location line="+13" />
        <source>Fine-tuning</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-12" />
        <source>The training worker %1 is missing or has no 'train' command; fine-tuning jobs will fail.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+12" />
        <source>Could not read the list of earlier jobs: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+77" />
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
    <name>LabelSchemaPanel</name>
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
    <name>QObject</name>
    <message>
        <location filename="../widgets/annotations/annotationeditor.cpp" line="-179" />
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
    <name>TrainingCurvesView</name>
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
    <name>TrainingJobModel</name>
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
    <name>TrainingJobQueue</name>
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
<context>
    <name>main</name>
    <message>
        <location filename="../app/workbench/main.cpp" line="+21" />
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
    <name>satgpt::AnnotationIntegration</name>
    <message>
        <location filename="../app/workbench/annotationintegration.cpp" line="+40" />
        <source>&lt;opened&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>Label Classes</source>
        <translation>คลาสป้ายกำกับ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Annotations</source>
        <translation>คำอธิบายประกอบ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Annotation Editor</source>
        <translation>ตัวแก้ไขคำอธิบายประกอบ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>History</source>
        <translation>ประวัติ</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Annotate</source>
        <translation>ทำเครื่องหมาย</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Select</source>
        <translation>เลือก</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Rectangle</source>
        <translation>สี่เหลี่ยม</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Polygon</source>
        <translation>รูปหลายเหลี่ยม</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Point</source>
        <translation>จุด</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Freehand</source>
        <translation>วาดอิสระ</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Undo</source>
        <translation>เลิกทำ</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Redo</source>
        <translation>ทำซ้ำ</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Open &amp;Project...</source>
        <translation>เปิด&amp;โปรเจกต์...</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Save Project</source>
        <translation>&amp;บันทึกโปรเจกต์</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Save Project &amp;As...</source>
        <translation>บันทึกโปรเจกต์&amp;เป็น...</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Open Project</source>
        <translation>เปิดโปรเจกต์</translation>
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
        <translation>กู้คืนโปรเจกต์</translation>
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
        <translation>ไม่สามารถเปิดโปรเจกต์</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Missing scenes</source>
        <translation>ไม่พบภาพ</translation>
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
        <translation>ไม่สามารถบันทึกโปรเจกต์</translation>
    </message>
    <message>
        <location line="-14" />
        <source>Saved %1</source>
        <translation>บันทึก %1 แล้ว</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Save Project</source>
        <translation>บันทึกโปรเจกต์</translation>
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
        <translation>โปรเจกต์ไม่มีชื่อ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1%2 — SatGPT Workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Unsaved Changes</source>
        <translation>การเปลี่ยนแปลงที่ยังไม่บันทึก</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Save the changes to the project first?</source>
        <translation>บันทึกการเปลี่ยนแปลงของโปรเจกต์ก่อนหรือไม่?</translation>
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
        <translation>ความทึบ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Threshold</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>satgpt::LayerPanel</name>
    <message>
        <location filename="../widgets/layers/layerpanel.cpp" line="+26" />
        <source>Band %1</source>
        <translation>แบนด์ %1</translation>
    </message>
    <message>
        <location line="+12" />
        <source>None</source>
        <translation>ไม่มี</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Min / max</source>
        <translation>ต่ำสุด / สูงสุด</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Percentile clip</source>
        <translation>ตัดตามเปอร์เซ็นไทล์</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+96" />
        <source>Standard deviations</source>
        <translation>ส่วนเบี่ยงเบนมาตรฐาน</translation>
    </message>
    <message>
        <location line="-95" />
        <source>Histogram equalisation</source>
        <translation>ปรับสมดุลฮิสโตแกรม</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Grey</source>
        <translation>เทา</translation>
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
        <translation>ลบชั้นข้อมูล</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Display</source>
        <translation>การแสดงผล</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Layer opacity</source>
        <translation>ความทึบของชั้นข้อมูล</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Opacity</source>
        <translation>ความทึบ</translation>
    </message>
    <message>
        <location line="+3" />
        <source>RGB composite</source>
        <translation>ภาพผสม RGB</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Single band</source>
        <translation>แบนด์เดียว</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Bands</source>
        <translation>แบนด์</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Red</source>
        <translation>แดง</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Green</source>
        <translation>เขียว</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Blue</source>
        <translation>น้ำเงิน</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Band</source>
        <translation>แบนด์</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Colour map</source>
        <translation>แผนที่สี</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Stretch</source>
        <translation>การยืดค่า</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Kind</source>
        <translation>ชนิด</translation>
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
        <translation>เปอร์เซ็นไทล์ต่ำ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>High percentile</source>
        <translation>เปอร์เซ็นไทล์สูง</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Gamma</source>
        <translation>แกมมา</translation>
    </message>
    <message numerus="yes">
        <location line="+87" />
        <source>%1 x %2 px, %n band(s), %3</source>
        <translation type="unfinished">
            <numerusform />
        </translation>
    </message>
    <message>
        <location line="+32" />
        <source>No layer. Open a scene with File &gt; Open.</source>
        <translation>ยังไม่มีชั้นข้อมูล เปิดภาพด้วย ไฟล์ &gt; เปิด</translation>
    </message>
</context>
<context>
    <name>satgpt::MainWindow</name>
    <message>
        <location filename="../app/workbench/mainwindow.cpp" line="+54" />
        <source>SatGPT Workbench</source>
        <translation>SatGPT เวิร์กเบนช์</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Layers</source>
        <translation>ชั้นข้อมูล</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Zoom %1%</source>
        <translation>ซูม %1%</translation>
    </message>
    <message>
        <location line="+31" />
        <source>&amp;Open Scene...</source>
        <translation>&amp;เปิดภาพ...</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Quit</source>
        <translation>&amp;ออก</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Zoom &amp;In</source>
        <translation>&amp;ขยาย</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Zoom &amp;Out</source>
        <translation>&amp;ย่อ</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Fit to Window</source>
        <translation>&amp;พอดีหน้าต่าง</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Actual Pixels (1:1)</source>
        <translation>&amp;พิกเซลจริง (1:1)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Swipe Compare</source>
        <translation>&amp;เปรียบเทียบแบบเลื่อน</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Show the top layer left of a draggable divider</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Scale &amp;Bar</source>
        <translation>&amp;แถบมาตราส่วน</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Remove Layer</source>
        <translation>&amp;ลบชั้นข้อมูล</translation>
    </message>
    <message>
        <location line="+10" />
        <source>&amp;File</source>
        <translation>&amp;ไฟล์</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Open &amp;Recent</source>
        <translation>เปิด&amp;ล่าสุด</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;View</source>
        <translation>&amp;มุมมอง</translation>
    </message>
    <message>
        <location line="+37" />
        <source>Open Scene</source>
        <translation>เปิดภาพ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Raster scenes (*.tif *.tiff *.TIF *.jp2 *.img *.vrt *.nc *.hdf *.h5 *.png *.jpg);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+34" />
        <source>Opening %1...</source>
        <translation>กำลังเปิด %1...</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Cannot open %1</source>
        <translation>ไม่สามารถเปิด %1</translation>
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
        <translation>สร้างภาพย่อ</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Overviews</source>
        <translation>ภาพย่อ</translation>
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
        <translation>สร้างภาพย่อแล้ว</translation>
    </message>
    <message>
        <location line="+23" />
        <source>Pixel %1, %2</source>
        <translation>พิกเซล %1, %2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Map %1, %2</source>
        <translation>แผนที่ %1, %2</translation>
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
        <translation>ล้างรายการไฟล์ล่าสุด</translation>
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
    <name>satgpt::TileRenderer</name>
    <message>
        <location filename="../core/raster/tilerenderer.cpp" line="+309" />
        <source>Out of memory while reading a tile of %1</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>