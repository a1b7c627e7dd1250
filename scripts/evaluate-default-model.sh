#!/bin/bash
# Scores a model folder (default: the bundled model) on every held-out split of ../shared/datasets
# and writes JSON + Markdown per split into OUT (default docs/evaluation). Usage:
#   scripts/evaluate-default-model.sh [MODEL_DIR] [DATA_DIR] [OUT_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODEL=${1:-$ROOT/resources/models/satgpt-small}
DATA=${2:-$ROOT/../shared/datasets}
OUT=${3:-$ROOT/docs/evaluation}
SATGPT=${SATGPT:-$ROOT/build/app/satgpt}
mkdir -p "$OUT"
run() { # name data task split
    echo "== $1 ($4)"
    "$SATGPT" eval --model "$MODEL" --data "$2" --task "$3" --split "$4" --batch-size 16 \
        --out-json "$OUT/$1-$4.json" --out-md "$OUT/$1-$4.md"
}
run aid-scene "$DATA/scene_classification_aid" classify test
run aid-scene "$DATA/scene_classification_aid" classify validation
run rsscn7-scene "$DATA/scene_classification_rsscn7" classify test
run rsscn7-scene "$DATA/scene_classification_rsscn7" classify validation
# The captioned images are all "train" in their source: the seeded validation carve-out (2 images) is held out.
run ucm-sydney-captions "$DATA/captions" caption validation
run vqa "$DATA/vqa" vqa validation
# The caption language model is scored after stage 1 (text only): the finished model always
# attends to an image, so its text-only perplexity says nothing. STAGE1=WORK/stage1-text/best.
if [ -n "${STAGE1:-}" ]; then
    MODEL=$STAGE1 run caption-text-stage1 "$DATA" text test
fi
