// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"

#include <QString>

namespace satgpt {

/// How many training samples a dataset folder offers per task, for time estimates before a
/// job starts. Recognises the team's layouts: `captions.json` (image -> captions, or a list),
/// `vqa.json` (a list of question/answer entries) and `labels.csv` (file,label,split,...; rows
/// of the "train" split when there is a split column). Reads files, so call it off the GUI
/// thread (FineTuneDialog runs it with QtConcurrent). A plain value type.
struct TrainingDataSummary
{
    QString folder;
    /// Images with captions (one sample per image and epoch).
    int captionImages = 0;
    int vqaPairs = 0;
    int classifiedImages = 0;

    int samplesFor(bool caption, bool vqa, bool classify) const
    {
        return (caption ? captionImages : 0) + (vqa ? vqaPairs : 0) + (classify ? classifiedImages : 0);
    }
    bool isEmpty() const { return captionImages == 0 && vqaPairs == 0 && classifiedImages == 0; }

    /// Error when the folder cannot be read or holds none of the known files.
    static Result<TrainingDataSummary> scan(const QString &folder);
};

} // namespace satgpt
