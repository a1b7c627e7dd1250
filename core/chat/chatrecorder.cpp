// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/chat/chatrecorder.h"

#include "core/chat/chathistory.h"
#include "core/chat/evidencejob.h"
#include "core/chat/regioncut.h"
#include "core/common/modelregistry.h"
#include "core/project/project.h"
#include "core/raster/rasterdataset.h"

#include <QDir>
#include <QFileInfo>

namespace satgpt {

Result<ChatEntry> recordAskInProject(const AskRecord &record)
{
    std::unique_ptr<Project> project;
    if (QFileInfo::exists(record.projectPath)) {
        auto loaded = Project::load(record.projectPath);
        if (!loaded)
            return loaded.error();
        project = std::move(loaded).value();
    } else {
        project = std::make_unique<Project>();
    }
    auto info = inspectRaster(record.scenePath);
    if (!info)
        return info.error();

    QString sceneId;
    const QString want = QFileInfo(record.scenePath).canonicalFilePath();
    for (const ProjectScene &s : project->scenes())
        if (QFileInfo(s.path).canonicalFilePath() == want)
            sceneId = s.id;
    if (sceneId.isEmpty()) {
        auto added = project->addScene(record.scenePath);
        if (!added)
            return added.error();
        sceneId = added.value();
    }

    ChatEntry e = ChatEntry::create();
    e.sceneId = sceneId;
    e.scenePath = QFileInfo(record.scenePath).absoluteFilePath();
    const QRect window = record.window.intersected(QRect(0, 0, info->width, info->height));
    e.region = describeRegion(info.value(), window, record.wholeScene ? ChatRegion::Kind::Viewport : ChatRegion::Kind::Box);
    e.question = record.question;
    e.answer = record.answer;
    e.tokenIds = record.tokenIds;
    e.tokens = record.tokens;
    e.modelPath = QFileInfo(record.modelPath).absoluteFilePath();
    e.modelId = ModelRegistry::modelIdFor(record.modelPath);
    e.generation = record.generation;

    if (record.evidence) {
        // Where the workbench puts maps (ChatHistory::heatmapFolder) for the project file to be.
        const QFileInfo projectFile(record.projectPath);
        EvidenceRequest request;
        request.entry = e;
        request.image = record.image;
        request.method = *record.evidence;
        request.token = record.evidenceToken;
        const QString method = QString::fromStdString(ml::explainMethodName(*record.evidence));
        request.outputPath = projectFile.absoluteDir().filePath(projectFile.completeBaseName() + QStringLiteral("_chat/")
                                                               + ChatHistory::heatmapFileName(e, method, record.evidenceToken));
        auto map = EvidenceJob::compute(request);
        if (!map)
            return map.error();
        e.heatmap.method = method;
        e.heatmap.path = projectFile.absoluteDir().relativeFilePath(request.outputPath);
        e.heatmap.token = record.evidenceToken;
    }
    ChatHistory::append(*project, e);
    if (auto st = project->save(record.projectPath); !st)
        return st.error();
    return e;
}

} // namespace satgpt
