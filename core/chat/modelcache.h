// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"

#include <QString>

#include <memory>
#include <mutex>
#include <vector>

namespace satgpt {

namespace ml {
class ExplainSession;
class VisionLanguageModel;
} // namespace ml

/// Keeps the last few loaded models so that asking again, re-running and computing evidence do
/// not reload a model folder each time (loading takes up to seconds). A folder is reloaded when
/// its config.json or weights changed on disk (a fine-tuning job wrote a new best model).
///
/// Thread-safe; meant for worker threads (loading happens inside the calls, under the cache's
/// lock, so two jobs never load the same folder twice). A VisionLanguageModel serialises its own
/// calls; an ExplainSession is not thread-safe, so it is handed out with its lock held.
class ModelCache final
{
public:
    static ModelCache &instance();

    /// The generating model of `dir`, loaded on first use.
    Result<std::shared_ptr<ml::VisionLanguageModel>> languageModel(const QString &dir);

    /// Exclusive use of the explaining session of `dir` while the handle lives.
    struct ExplainHandle
    {
        std::shared_ptr<ml::ExplainSession> session;
        std::shared_ptr<std::mutex> mutex;
        std::unique_lock<std::mutex> lock;
    };
    Result<ExplainHandle> explainSession(const QString &dir);

    /// Drops every cached model (jobs still running keep theirs alive until they finish).
    void clear();

    /// Models kept per kind.
    static constexpr size_t kCapacity = 2;

private:
    ModelCache() = default;
    struct Slot
    {
        QString key;
        std::shared_ptr<ml::VisionLanguageModel> model;
        std::shared_ptr<ml::ExplainSession> session;
        std::shared_ptr<std::mutex> sessionMutex;
        quint64 lastUse = 0;
    };
    static QString keyFor(const QString &dir);
    void trim(bool explain);

    std::mutex m_mutex;
    std::vector<Slot> m_models;
    std::vector<Slot> m_sessions;
    quint64 m_clock = 0;
};

} // namespace satgpt
