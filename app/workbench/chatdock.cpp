// SPDX-License-Identifier: GPL-3.0-or-later
#include "chatdock.h"

#include "annotationintegration.h"

#include "core/annotations/annotation.h"
#include "core/annotations/annotationdocument.h"
#include "core/project/project.h"
#include "widgets/annotations/annotationtool.h"
#include "widgets/chat/chatpanel.h"
#include "widgets/chat/quickpromptsdialog.h"
#include "widgets/mapcanvas/mapcanvas.h"

#include <QFileDialog>
#include <QSettings>
#include <QTimer>

namespace satgpt {

ChatDock::ChatDock(QWidget *parent, MapCanvas *canvas, AnnotationIntegration *annotations)
    : QDockWidget(tr("Chat"), parent)
    , m_canvas(canvas)
    , m_annotations(annotations)
{
    setObjectName(QStringLiteral("chatDock"));
    m_panel = new ChatPanel(this);
    setWidget(m_panel);
    m_panel->setCanvas(canvas);
    m_panel->setProjectProvider([this]() -> Project * { return m_annotations ? m_annotations->project() : nullptr; });
    m_project = m_annotations ? m_annotations->project() : nullptr;

    connect(m_panel, &ChatPanel::messageRaised, this, &ChatDock::messageRaised);
    connect(m_panel, &ChatPanel::addModelFolderRequested, this, &ChatDock::chooseModelFolder);
    connect(m_panel, &ChatPanel::editQuickPromptsRequested, this, &ChatDock::editQuickPrompts);
    if (m_annotations) {
        // The project is replaced after a load; the request to open its scenes follows it.
        connect(m_annotations, &AnnotationIntegration::openScenesRequested, this, &ChatDock::projectMayHaveChanged,
                Qt::QueuedConnection);
        if (AnnotationTool *tool = m_annotations->tool())
            connect(tool, &AnnotationTool::selectionChanged, this, &ChatDock::updateSelection);
    }
    if (m_canvas)
        connect(m_canvas, &MapCanvas::layersChanged, this, &ChatDock::projectMayHaveChanged);
}

ChatDock::~ChatDock() = default;

void ChatDock::useModel(const QString &modelDir)
{
    m_panel->addModelFolder(modelDir);
}

void ChatDock::projectMayHaveChanged()
{
    Project *now = m_annotations ? m_annotations->project() : nullptr;
    if (now == m_project)
        return;
    m_project = now;
    m_panel->reloadHistory();
}

void ChatDock::chooseModelFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add Model Folder"),
                                                          QSettings().value(QStringLiteral("chat/lastModelDir")).toString());
    if (dir.isEmpty())
        return;
    QSettings().setValue(QStringLiteral("chat/lastModelDir"), dir);
    m_panel->addModelFolder(dir);
}

void ChatDock::editQuickPrompts()
{
    auto *dialog = new QuickPromptsDialog(m_panel->quickPrompts(), ChatPanel::defaultQuickPrompts(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QStringList prompts = dialog->prompts();
        QSettings().setValue(QStringLiteral("chat/quickPrompts"), prompts);
        m_panel->setQuickPrompts(prompts);
    });
    dialog->open();
}

void ChatDock::updateSelection()
{
    AnnotationTool *tool = m_annotations ? m_annotations->tool() : nullptr;
    const QVector<qint64> ids = tool ? tool->selection() : QVector<qint64>{};
    const AnnotationDocument *doc = tool ? tool->document() : nullptr;
    const Annotation *a = ids.size() == 1 && doc ? doc->annotation(ids.first()) : nullptr;
    if (!a) {
        m_panel->setSelectedAnnotation({}, {});
        return;
    }
    m_panel->setSelectedAnnotation(QString::number(a->id), a->boundingRect().toAlignedRect());
}

} // namespace satgpt
