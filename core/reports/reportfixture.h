// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"

#include <QString>

namespace satgpt {

/// A generated project for report tests and `satgpt bench report`: a synthetic UTM scene
/// (writeSyntheticScene), annotations in a grid over several classes, chat entries in the
/// shared schema with Float32 heatmap GeoTIFFs, and a finished fine-tuning job whose output
/// folder holds metrics.jsonl and checkpoint-N/trainer_state.json in the trainer's format.
/// With `hostileText`, class names, captions, questions and answers carry markup such as
/// `<script>alert(1)</script>` and `</td>` to prove the report escapes them.
struct ReportFixtureSpec
{
    int annotations = 200;
    int questions = 20;
    int sceneSize = 1024;
    bool hostileText = false;
    bool trainingJob = true;
    /// Leave the job record without steps/evaluations so the report must read metrics.jsonl.
    bool jobCurvesOnlyInLog = false;
};

/// Writes everything into `folder` (which must exist) and returns the project file's path.
Result<QString> writeReportFixture(const QString &folder, const ReportFixtureSpec &spec);

} // namespace satgpt
