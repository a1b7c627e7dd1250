#!/bin/bash
# Trains the bundled default model (resources/models/satgpt-small) from ../shared/datasets with the
# project's own tokenizer trainer and trainer. Usage:
#   scripts/train-default-model.sh [DATA_DIR] [WORK_DIR]
# DATA_DIR defaults to ../shared/datasets, WORK_DIR to build/default-model. Every set found under
# DATA_DIR in a known layout (docs/datasets.md) is used, so data added there later is taken
# without code changes. Test splits are never trained on (tokenizer included).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${1:-$ROOT/../shared/datasets}
WORK=${2:-$ROOT/build/default-model}
SATGPT=${SATGPT:-$ROOT/build/app/satgpt}
TEXT_EPOCHS=${TEXT_EPOCHS:-12}
MIX_EPOCHS=${MIX_EPOCHS:-10}
mkdir -p "$WORK"

echo "== 1/4 BPE vocabulary from the caption text (train and validation splits only)"
"$SATGPT" tokenizer train --input "$DATA/captions" --exclude-split test --vocab-size 4096 --min-frequency 2 \
    --out "$WORK/tokenizer"
cp "$ROOT/scripts/default-model-config.json" "$WORK/config-small.json"

echo "== 2/4 decoder pretraining as a language model on caption text (no images)"
"$SATGPT" train --model "$WORK/config-small.json" --data "$DATA" --task text --epochs "$TEXT_EPOCHS" \
    --batch-size 32 --lr 1e-3 --seed 42 --max-eval-samples 256 --out "$WORK/stage1-text"

echo "== 3/4 image-to-text on every set with images: captions, VQA, counts, classes as captions and scene questions"
"$SATGPT" train --model "$WORK/stage1-text/best" --data "$DATA" --task mix --epochs "$MIX_EPOCHS" \
    --batch-size 16 --lr 5e-4 --seed 42 --max-eval-samples 64 --out "$WORK/stage2-mix"

echo "== 4/4 fp16 copy into resources/models/satgpt-small"
OUT=$ROOT/resources/models/satgpt-small
mkdir -p "$OUT"
for f in config.json generation_config.json preprocessor_config.json vocab.json merges.txt \
         special_tokens_map.json tokenizer_config.json; do
    cp "$WORK/stage2-mix/best/$f" "$OUT/"
done
"$SATGPT" convert "$WORK/stage2-mix/best/model.safetensors" --dtype f16 --out "$OUT/model.safetensors"
echo "Default model written to $OUT"
