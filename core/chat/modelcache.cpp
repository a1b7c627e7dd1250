// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/chat/modelcache.h"

#include "core/ml/explainsession.h"
#include "core/ml/visionlanguagemodel.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace satgpt {

ModelCache &ModelCache::instance()
{
    static ModelCache cache;
    return cache;
}

QString ModelCache::keyFor(const QString &dir)
{
    QString key = QFileInfo(dir).canonicalFilePath();
    if (key.isEmpty())
        key = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    for (const char *f : {"config.json", "model.safetensors", "pytorch_model.bin"}) {
        const QFileInfo fi(QDir(dir).filePath(QLatin1String(f)));
        if (fi.exists())
            key += QLatin1Char('|') + QString::number(fi.lastModified().toMSecsSinceEpoch()) + QLatin1Char(':')
                 + QString::number(fi.size());
    }
    return key;
}

void ModelCache::trim(bool explain)
{
    auto &slots = explain ? m_sessions : m_models;
    while (slots.size() > kCapacity) {
        auto oldest = std::min_element(slots.begin(), slots.end(),
                                       [](const Slot &a, const Slot &b) { return a.lastUse < b.lastUse; });
        slots.erase(oldest);
    }
}

Result<std::shared_ptr<ml::VisionLanguageModel>> ModelCache::languageModel(const QString &dir)
{
    const QString key = keyFor(dir);
    std::lock_guard<std::mutex> guard(m_mutex);
    for (Slot &s : m_models) {
        if (s.key == key) {
            s.lastUse = ++m_clock;
            return s.model;
        }
    }
    auto loaded = ml::VisionLanguageModel::load(dir.toStdString());
    if (!loaded)
        return loaded.error();
    Slot slot;
    slot.key = key;
    slot.model = std::shared_ptr<ml::VisionLanguageModel>(std::move(loaded).value());
    slot.lastUse = ++m_clock;
    m_models.push_back(slot);
    trim(false);
    return slot.model;
}

Result<ModelCache::ExplainHandle> ModelCache::explainSession(const QString &dir)
{
    const QString key = keyFor(dir);
    std::shared_ptr<ml::ExplainSession> session;
    std::shared_ptr<std::mutex> mutex;
    {
        std::lock_guard<std::mutex> guard(m_mutex);
        for (Slot &s : m_sessions) {
            if (s.key == key) {
                s.lastUse = ++m_clock;
                session = s.session;
                mutex = s.sessionMutex;
                break;
            }
        }
        if (!session) {
            auto loaded = ml::ExplainSession::load(dir.toStdString());
            if (!loaded)
                return loaded.error();
            Slot slot;
            slot.key = key;
            slot.session = std::shared_ptr<ml::ExplainSession>(std::move(loaded).value());
            slot.sessionMutex = std::make_shared<std::mutex>();
            slot.lastUse = ++m_clock;
            m_sessions.push_back(slot);
            session = slot.session;
            mutex = slot.sessionMutex;
            trim(true);
        }
    }
    ExplainHandle h;
    h.session = session;
    h.mutex = mutex;
    h.lock = std::unique_lock<std::mutex>(*mutex);
    return h;
}

void ModelCache::clear()
{
    std::lock_guard<std::mutex> guard(m_mutex);
    m_models.clear();
    m_sessions.clear();
}

} // namespace satgpt
