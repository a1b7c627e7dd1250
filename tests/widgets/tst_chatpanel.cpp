// SPDX-License-Identifier: GPL-3.0-or-later
// The chat panel end to end with a tiny random model on a generated scene: the model picker,
// asking about the viewport and a drawn box, streaming into the project, stop, clicking a word
// to get that word's map on the canvas, re-running with another model, history reload and
// "What changed?" with two scenes.

#include "core/chat/chathistory.h"
#include "core/chat/regioncut.h"
#include "core/ml/explainsession.h"
#include "core/project/project.h"
#include "core/raster/rasterdataset.h"
#include "core/raster/tilerenderer.h"
#include "widgets/chat/chatpanel.h"
#include "widgets/chat/questionboxtool.h"
#include "widgets/chat/quickpromptsdialog.h"
#include "widgets/heatmap/heatmapoverlay.h"
#include "widgets/mapcanvas/mapcanvas.h"

#include "tests/common/chatfixtures.h"

#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QToolButton>
#include <QtTest>

using namespace satgpt;

namespace {

PreparedLayer layerFor(const QString &path)
{
    auto prepared = prepareLayer(path);
    if (!prepared)
        qFatal("%s", prepared.error().toString().c_str());
    return std::move(prepared).value();
}

/// Clicks the link `url` in a text browser, as a user would.
bool clickAnchor(QTextBrowser *browser, const QUrl &url)
{
    QTextDocument *doc = browser->document();
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            if (f.charFormat().anchorHref() != url.toString())
                continue;
            QTextCursor c(doc);
            c.setPosition(f.position() + f.length() / 2);
            browser->setTextCursor(c);
            browser->ensureCursorVisible();
            const QPoint at = browser->cursorRect(c).center();
            QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, at);
            return true;
        }
    }
    return false;
}

} // namespace

class TestChatPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_scene;
    QString m_model;
    QString m_model2;
    std::unique_ptr<Project> m_project;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    struct Setup
    {
        std::unique_ptr<MapCanvas> canvas;
        std::unique_ptr<ChatPanel> panel;
    };

    Setup makePanel()
    {
        Setup s;
        s.canvas = std::make_unique<MapCanvas>();
        s.canvas->resize(320, 240);
        s.canvas->addLayer(layerFor(m_scene), QStringLiteral("scene"));
        s.canvas->show();
        s.panel = std::make_unique<ChatPanel>();
        s.panel->registry().setBundledCandidates({path(QStringLiteral("no-bundled/satgpt-small"))});
        s.panel->setCanvas(s.canvas.get());
        s.panel->setProjectProvider([this] { return m_project.get(); });
        s.panel->addModelFolder(m_model);
        s.panel->setCurrentModelPath(m_model);
        s.panel->resize(420, 700);
        s.panel->show();
        return s;
    }

    ChatEntry askAndWait(ChatPanel *panel, const QString &question)
    {
        QSignalSpy done(panel, &ChatPanel::answerFinished);
        QSignalSpy messages(panel, &ChatPanel::messageRaised);
        panel->ask(question);
        const bool ok = panel->isBusy() && done.wait(60000);
        for (const auto &m : messages)
            qWarning("message: %s", qPrintable(m.at(1).toString()));
        if (!ok)
            return {};
        const QString id = done.first().first().toString();
        for (const ChatEntry &e : ChatHistory::entries(*m_project))
            if (e.id == id)
                return e;
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, path(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("satgpt-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_chatpanel"));
        registerGdalDrivers();
        m_scene = test::writeChatScene(path(QStringLiteral("scene.tif")));
        QVERIFY(!m_scene.isEmpty());
        QString why;
        m_model = test::writeTinyChatModel(path(QStringLiteral("models/tiny-chat")), &why);
        if (m_model.isEmpty())
            QSKIP(qPrintable(why));
        m_model2 = test::writeTinyChatModel(path(QStringLiteral("models/tiny-chat-2")), &why);
        QVERIFY(!m_model2.isEmpty());
        m_project = std::make_unique<Project>();
        QVERIFY(m_project->addScene(m_scene).ok());
        QDir().mkpath(path(QStringLiteral("proj")));
        QVERIFY(m_project->save(path(QStringLiteral("proj/demo.satgpt"))).ok());
    }

    void modelPicker()
    {
        QSettings().remove(QStringLiteral("models"));
        ChatPanel panel;
        panel.registry().setBundledCandidates({path(QStringLiteral("no-bundled/satgpt-small"))});
        panel.refreshModels();
        // No model at all: a clear message, asking is off, nothing crashes.
        QCOMPARE(panel.modelBox()->count(), 0);
        QVERIFY(!panel.modelMessage()->isHidden());
        QVERIFY(panel.modelMessage()->text().contains(QStringLiteral("satgpt-small")));
        QVERIFY(!panel.askButton()->isEnabled());
        QSignalSpy messages(&panel, &ChatPanel::messageRaised);
        panel.ask(QStringLiteral("Describe this view"));
        QCOMPARE(messages.size(), 1);

        // A folder that is no model is refused with a message; a model folder is listed.
        QDir().mkpath(path(QStringLiteral("empty")));
        panel.addModelFolder(path(QStringLiteral("empty")));
        QCOMPARE(messages.size(), 2);
        panel.addModelFolder(m_model);
        panel.addModelFolder(m_model2);
        QCOMPARE(panel.modelBox()->count(), 2);
        QCOMPARE(QFileInfo(panel.currentModelPath()).fileName(), QStringLiteral("tiny-chat-2"));
        // With the bundled model present it is listed first.
        const QString bundled = path(QStringLiteral("bundled/satgpt-small"));
        QDir().mkpath(bundled);
        QFile::copy(m_model + "/config.json", bundled + "/config.json");
        panel.registry().setBundledCandidates({bundled});
        panel.refreshModels();
        QCOMPARE(panel.modelBox()->count(), 3);
        QVERIFY(panel.modelBox()->itemText(0).contains(QStringLiteral("satgpt-small")));
        QVERIFY(panel.modelMessage()->isHidden());
        panel.setCurrentModelPath(m_model);
        QCOMPARE(QFileInfo(panel.currentModelPath()).fileName(), QStringLiteral("tiny-chat"));
    }

    void askAboutTheViewport()
    {
        auto s = makePanel();
        QTRY_VERIFY(s.panel->askButton()->isEnabled());
        const QRect expected = s.panel->contextRect();
        QVERIFY(!expected.isEmpty());
        QSignalSpy busy(s.panel.get(), &ChatPanel::busyChanged);
        const int before = m_project->chatHistory().size();
        QSignalSpy done(s.panel.get(), &ChatPanel::answerFinished);
        s.panel->ask(QStringLiteral("Describe this view"));
        QVERIFY(s.panel->isBusy());
        QVERIFY(s.panel->stopButton()->isEnabled());
        QVERIFY(!s.panel->askButton()->isEnabled());
        QVERIFY(done.wait(60000));
        QVERIFY(!s.panel->isBusy());
        QCOMPARE(m_project->chatHistory().size(), before + 1);
        const QJsonObject json = m_project->chatHistory().last().toObject();
        for (const char *key : {"id", "time", "sceneId", "scenePath", "region", "question", "answer", "method", "verified",
                                "modelId", "modelPath", "generation"})
            QVERIFY2(json.contains(QLatin1String(key)), key);
        const ChatEntry e = ChatEntry::fromJson(json);
        QCOMPARE(e.sceneId, m_project->scenes().first().id);
        QCOMPARE(e.region.kind, ChatRegion::Kind::Viewport);
        QCOMPARE(e.region.pixel, expected);
        QCOMPARE(e.region.crs, QStringLiteral("EPSG:32632"));
        QCOMPARE(e.modelId, QStringLiteral("tiny-chat"));
        QCOMPARE(e.generation.maxNewTokens, 32);
        QVERIFY(!e.answer.isEmpty());
        QVERIFY(!e.tokenIds.isEmpty());
        // The answer is shown word by word as links, with the region's thumbnail.
        const QString html = s.panel->conversation()->toHtml();
        QVERIFY(html.contains(ChatPanel::tokenUrl(e.id, 0).toString()));
        QVERIFY(!s.panel->conversation()->document()->resource(QTextDocument::ImageResource,
                                                                QUrl(QStringLiteral("thumb://") + e.id)).isNull());
        QCOMPARE(s.panel->historyList()->count(), m_project->chatHistory().size());
        QCOMPARE(s.panel->currentEntryId(), e.id);
    }

    void clickingAWordShowsItsMap()
    {
        auto s = makePanel();
        QTRY_VERIFY(s.panel->askButton()->isEnabled());
        const ChatEntry e = askAndWait(s.panel.get(), QStringLiteral("How many buildings are there?"));
        QVERIFY(!e.id.isEmpty());
        QVERIFY(e.tokenIds.size() >= 3);
        // A decoder count without a counter is labelled unverified.
        QVERIFY(s.panel->conversation()->toPlainText().contains(QStringLiteral("Unverified")));

        QSignalSpy shown(s.panel.get(), &ChatPanel::evidenceShown);
        QVERIFY(clickAnchor(s.panel->conversation(), ChatPanel::tokenUrl(e.id, 2)));
        QVERIFY(shown.wait(60000));
        QCOMPARE(shown.last().at(1).toInt(), 2);
        QCOMPARE(s.panel->evidenceToken(), 2);
        QVERIFY(s.panel->overlay()->hasHeatmap());
        QCOMPARE(s.panel->overlay()->region(), e.region.pixel);
        // The overlay draws on the canvas (chained around the tool in use).
        QVERIFY(s.canvas->mapTool() != nullptr);

        // It is token 2's map: the same as explaining token 2 directly for the same pixels.
        auto ds = RasterDataset::open(m_scene);
        QVERIFY(ds.ok());
        TileRenderer *layer = s.canvas->layerRenderer(s.canvas->layerIds().first());
        auto image = renderRegion(*ds.value(), e.region.pixel, layer->renderSettings(),
                                  regionReadSize(e.region.pixel.size(), 512));
        QVERIFY(image.ok());
        auto session = ml::ExplainSession::load(m_model.toStdString());
        QVERIFY(session.ok());
        auto answer = session.value()->answer(toImageRGB8(image.value()), e.question.toStdString(), 32);
        QVERIFY(answer.ok());
        ml::ExplainOptions o;
        o.tokenIndex = 2;
        o.outputWidth = std::min(e.region.pixel.width(), 32);
        o.outputHeight = std::min(e.region.pixel.height(), 32);
        auto direct = session.value()->explain(toImageRGB8(image.value()), answer.value(), o);
        QVERIFY(direct.ok());
        const ml::HeatMap &shownMap = s.panel->overlay()->heatmap();
        QCOMPARE(shownMap.values.size(), direct->map.values.size());
        double diff = 0;
        for (size_t i = 0; i < shownMap.values.size(); ++i)
            diff = std::max(diff, double(std::abs(shownMap.values[i] - direct->map.values[i])));
        QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));

        // Stored: the entry's heatmap key and a Float32 GeoTIFF beside the project.
        ChatEntry stored;
        for (const ChatEntry &x : ChatHistory::entries(*m_project))
            if (x.id == e.id)
                stored = x;
        QCOMPARE(stored.heatmap.token, 2);
        QCOMPARE(stored.heatmap.method, QStringLiteral("gradcam"));
        QVERIFY(QFileInfo(stored.heatmap.path).isRelative());
        const QString tif = ChatHistory::resolvePath(*m_project, stored.heatmap.path);
        auto info = inspectRaster(tif);
        QVERIFY2(info.ok(), qPrintable(tif));
        QCOMPARE(info->bands.first().type, PixelType::Float32);

        // Another word gives another map; "Show evidence" the whole answer's.
        QVERIFY(clickAnchor(s.panel->conversation(), ChatPanel::tokenUrl(e.id, 0)));
        QVERIFY(shown.wait(60000));
        QCOMPARE(s.panel->evidenceToken(), 0);
        QTest::mouseClick(s.panel->evidenceButton(), Qt::LeftButton);
        QVERIFY(shown.wait(60000));
        QCOMPARE(s.panel->evidenceToken(), -1);
        s.panel->clearEvidence();
        QVERIFY(!s.panel->overlay()->hasHeatmap());
    }

    void stopCancels()
    {
        auto s = makePanel();
        QTRY_VERIFY(s.panel->askButton()->isEnabled());
        s.panel->findChild<QSpinBox *>()->setValue(40);
        QSignalSpy done(s.panel.get(), &ChatPanel::answerFinished);
        QSignalSpy messages(s.panel.get(), &ChatPanel::messageRaised);
        s.panel->ask(QStringLiteral("Describe this view"));
        QVERIFY2(messages.isEmpty(), messages.isEmpty() ? "" : qPrintable(messages.first().at(1).toString()));
        QVERIFY(s.panel->isBusy());
        QTest::mouseClick(s.panel->stopButton(), Qt::LeftButton);
        QVERIFY(done.wait(60000));
        const QJsonObject json = m_project->chatHistory().last().toObject();
        QCOMPARE(json.value("id").toString(), done.first().first().toString());
        QCOMPARE(json.value("canceled").toBool(), true);
        QVERIFY(ChatEntry::fromJson(json).tokenIds.size() < 40);
        s.panel->findChild<QSpinBox *>()->setValue(32); // the setting persists
        QVERIFY(s.panel->conversation()->toPlainText().contains(QStringLiteral("stopped")));
        QVERIFY(!s.panel->isBusy());
    }

    void askAboutADrawnBox()
    {
        auto s = makePanel();
        QVERIFY(QTest::qWaitForWindowExposed(s.canvas.get()));
        MapTool *before = s.canvas->mapTool();
        s.panel->startBoxDrawing();
        QCOMPARE(s.canvas->mapTool(), static_cast<MapTool *>(s.panel->boxTool()));
        const QPoint a = s.canvas->pixelToWidget(QPointF(20, 30)).toPoint();
        const QPoint b = s.canvas->pixelToWidget(QPointF(84, 78)).toPoint();
        QSignalSpy drawn(s.panel->boxTool(), &QuestionBoxTool::boxDrawn);
        QTest::mousePress(s.canvas.get(), Qt::LeftButton, {}, a);
        QTest::mouseMove(s.canvas.get(), (a + b) / 2);
        QTest::mouseMove(s.canvas.get(), b);
        QTest::mouseRelease(s.canvas.get(), Qt::LeftButton, {}, b);
        QCOMPARE(drawn.size(), 1);
        QCOMPARE(s.panel->context(), ChatPanel::Context::Box);
        const QRect box = s.panel->box();
        QVERIFY2(std::abs(box.left() - 20) <= 1 && std::abs(box.top() - 30) <= 1, qPrintable(QStringLiteral("%1,%2").arg(box.left()).arg(box.top())));
        QVERIFY(std::abs(box.right() + 1 - 84) <= 1 && std::abs(box.bottom() + 1 - 78) <= 1);
        // The box tool is gone again; the previous tool works through the chain.
        QVERIFY(s.canvas->mapTool() != static_cast<MapTool *>(s.panel->boxTool()));
        Q_UNUSED(before)
        const ChatEntry e = askAndWait(s.panel.get(), QStringLiteral("What is the land cover?"));
        QCOMPARE(e.region.kind, ChatRegion::Kind::Box);
        QCOMPARE(e.region.pixel, box);
        QCOMPARE(e.region.map.left(), 500000.0 + 10.0 * box.left());

        // Escape leaves box drawing without a box.
        s.panel->startBoxDrawing();
        QTest::keyClick(s.canvas.get(), Qt::Key_Escape);
        QVERIFY(s.canvas->mapTool() != static_cast<MapTool *>(s.panel->boxTool()));
        QCOMPARE(s.panel->box(), box);
    }

    void askAboutTheSelectedAnnotation()
    {
        auto s = makePanel();
        QTRY_VERIFY(s.panel->askButton()->isEnabled());
        s.panel->setContext(ChatPanel::Context::Annotation);
        QVERIFY(!s.panel->askButton()->isEnabled()); // nothing selected yet
        s.panel->setSelectedAnnotation(QStringLiteral("7"), QRect(10, 12, 40, 30));
        QVERIFY(s.panel->askButton()->isEnabled());
        const ChatEntry e = askAndWait(s.panel.get(), QStringLiteral("What is the land cover?"));
        QCOMPARE(e.region.kind, ChatRegion::Kind::Annotation);
        QCOMPARE(e.region.annotationId, QStringLiteral("7"));
        QCOMPARE(e.region.pixel, QRect(10, 12, 40, 30));
        s.panel->setSelectedAnnotation({}, {});
        QVERIFY(!s.panel->askButton()->isEnabled());
        s.panel->setContext(ChatPanel::Context::Viewport);
    }

    void rerunWithAnotherModel()
    {
        QSettings().remove(QStringLiteral("models"));
        auto s = makePanel();
        s.panel->addModelFolder(m_model);
        s.panel->addModelFolder(m_model2);
        s.panel->setCurrentModelPath(m_model);
        QTRY_VERIFY(s.panel->askButton()->isEnabled());
        const ChatEntry first = askAndWait(s.panel.get(), QStringLiteral("What is the land cover?"));
        QVERIFY(!first.id.isEmpty());
        QSignalSpy done(s.panel.get(), &ChatPanel::answerFinished);
        s.panel->setCurrentModelPath(m_model2);
        // through the history list: select the entry, press "Re-run with model"
        for (int i = 0; i < s.panel->historyList()->count(); ++i)
            if (s.panel->historyList()->item(i)->data(Qt::UserRole).toString() == first.id)
                s.panel->historyList()->setCurrentRow(i);
        QCOMPARE(s.panel->currentEntryId(), first.id);
        QVERIFY(s.panel->rerunButton()->isEnabled());
        QTest::mouseClick(s.panel->rerunButton(), Qt::LeftButton);
        QVERIFY(done.wait(60000));
        const ChatEntry again = ChatEntry::fromJson(m_project->chatHistory().last().toObject());
        QVERIFY(again.id != first.id);
        QCOMPARE(again.modelId, QStringLiteral("tiny-chat-2"));
        QCOMPARE(again.question, first.question);
        QCOMPARE(again.region.pixel, first.region.pixel);
        QCOMPARE(again.generation.maxNewTokens, first.generation.maxNewTokens);
        QCOMPARE(again.answer, first.answer); // same weights, same pixels, greedy
    }

    void historyReloads()
    {
        QVERIFY(m_project->save().ok());
        auto loaded = Project::load(m_project->path());
        QVERIFY(loaded.ok());
        m_project = std::move(loaded).value();
        // Give the last entry a stored map so the reload shows it.
        auto entries = ChatHistory::entries(*m_project);
        QVERIFY(entries.size() >= 3);
        ChatEntry withMap;
        for (const ChatEntry &e : entries)
            if (!e.heatmap.isEmpty())
                withMap = e;
        QVERIFY(!withMap.id.isEmpty());
        auto s = makePanel();
        QSignalSpy shown(s.panel.get(), &ChatPanel::evidenceShown);
        s.panel->reloadHistory();
        QCOMPARE(s.panel->entries().size(), entries.size());
        QCOMPARE(s.panel->historyList()->count(), entries.size());
        s.panel->selectEntry(withMap.id);
        QVERIFY(shown.wait(30000));
        QCOMPARE(shown.last().first().toString(), withMap.id);
        QCOMPARE(s.panel->evidenceToken(), withMap.heatmap.token);
        // Thumbnails of earlier exchanges are cut again in the background.
        QTRY_VERIFY_WITH_TIMEOUT(!s.panel->conversation()->document()->resource(QTextDocument::ImageResource,
                                  QUrl(QStringLiteral("thumb://") + withMap.id)).isNull(), 30000);
    }

    void whatChanged()
    {
        auto s = makePanel();
        QToolButton *changed = nullptr;
        for (QToolButton *b : s.panel->quickPromptButtons())
            if (b->text().startsWith(QStringLiteral("What changed")))
                changed = b;
        QVERIFY(changed);
        QTRY_VERIFY(s.panel->askButton()->isEnabled());
        QVERIFY(!changed->isEnabled()); // one scene only
        const QString later = test::writeChatScene(path(QStringLiteral("later.tif")), 160, 120, 500050.0);
        s.canvas->addLayer(layerFor(later), QStringLiteral("later"));
        QTRY_VERIFY(changed->isEnabled());
        QSignalSpy done(s.panel.get(), &ChatPanel::answerFinished);
        QTest::mouseClick(changed, Qt::LeftButton);
        QVERIFY(done.wait(60000));
        const ChatEntry e = ChatEntry::fromJson(m_project->chatHistory().last().toObject());
        QCOMPARE(e.question, QStringLiteral("What changed?"));
        QCOMPARE(QFileInfo(e.scenePath).fileName(), QStringLiteral("later.tif"));
        QCOMPARE(QFileInfo(e.compareScenePath).fileName(), QStringLiteral("scene.tif"));
        QVERIFY(!e.compareAnswer.isEmpty());
        QVERIFY(s.panel->conversation()->toPlainText().contains(QStringLiteral("Before")));
    }

    void quickPromptsEditor()
    {
        QuickPromptsDialog dialog({QStringLiteral("A"), QStringLiteral("B")}, ChatPanel::defaultQuickPrompts());
        dialog.editor()->setPlainText(QStringLiteral("Count the ships\n\n  Where is the river?  \n"));
        QCOMPARE(dialog.prompts(), (QStringList{QStringLiteral("Count the ships"), QStringLiteral("Where is the river?")}));
        ChatPanel panel;
        panel.setQuickPrompts(dialog.prompts());
        QCOMPARE(panel.quickPromptButtons().size(), 2);
        QCOMPARE(panel.quickPromptButtons().first()->text(), QStringLiteral("Count the ships"));
        QCOMPARE(ChatPanel::defaultQuickPrompts().size(), 4);
    }
};

QTEST_MAIN(TestChatPanel)
#include "tst_chatpanel.moc"
