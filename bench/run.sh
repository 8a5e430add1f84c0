#!/usr/bin/env bash
# `make bench`: creates the peer venv if needed, then runs each area's bench/<area>.py, which measures
# the peer (PyTorch, HF tokenizers, jieba, …) and our release build (nlp-bench) in the same run and
# prints a side-by-side table with ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${BENCH_VENV:-.venv-bench}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import torch, tokenizers, tiktoken, jieba" 2>/dev/null; then
  echo "bench: creating the peer venv $venv (PyTorch, NumPy, tokenizers, tiktoken, jieba, …)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r bench/requirements.txt
fi
areas=("$@")
if [ ${#areas[@]} -eq 0 ]; then
  areas=()
  for f in bench/*.py; do areas+=("$(basename "$f" .py)"); done
fi
for area in "${areas[@]}"; do
  [ -f "bench/$area.py" ] || { echo "bench: no area '$area' (bench/$area.py)" >&2; exit 2; }
  echo
  # -P: the script folder is not put on sys.path (bench/tokenizers.py would shadow the tokenizers package)
  "$venv/bin/python" -P "bench/$area.py"
done
