#!/usr/bin/env python3
"""make bench AREA=segmentation: jieba (PyPI, default mode with HMM) beside our dictionary and tagger
modes (and ICU's word break), measured in the same run on the same text.

1. Speed, single thread: the raw SIGHAN 2005 PKU + MSR test text (1.06 MB, 5,930 lines), each
   segmenter over every line; median of several passes; MB/s by wall clock and by thread CPU time
   (the CPU figure does not count time other processes held the core), ratios to jieba.
2. Accuracy on the SIGHAN 2005 PKU and MSR test sets: P, R, F1, OOV rate, OOV recall, IV recall,
   counted as the bakeoff's `score` script counts them by `nlp eval-segmenter`; jieba's output is
   scored by the same command and cross-checked with scripts/fixtures/segment_score.py.
Needs ../shared/data (SIGHAN 2005) and the release build (`make build`).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), '..'))
DATA = os.environ.get('SHARED_DATA', os.path.join(ROOT, '..', 'shared', 'data'))
SIGHAN = os.path.join(DATA, 'sighan2005')
NLP = os.path.join(ROOT, '.build', 'release', 'nlp')
BENCH = os.path.join(ROOT, '.build', 'release', 'nlp-bench')
RUNS = int(os.environ.get('SEGMENT_RUNS', '5'))
JIEBA_RUNS = int(os.environ.get('JIEBA_RUNS', '3'))

sys.path.insert(0, os.path.join(ROOT, 'scripts', 'fixtures'))
from segment_score import score as python_score  # noqa: E402


def read_lines(path):
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    return lines


def jieba_cut(lines):
    import jieba
    return ['  '.join(w for w in jieba.lcut(line) if w.strip()) for line in lines]


def jieba_speed(lines, nbytes):
    import jieba
    jieba.setLogLevel(60)
    jieba.initialize()
    jieba_cut(lines[:200])  # warm up
    wall, cpu = [], []
    for _ in range(JIEBA_RUNS):
        t, c = time.perf_counter(), time.process_time()
        for line in lines:
            jieba.lcut(line)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return nbytes / statistics.median(wall) / 1e6, nbytes / statistics.median(cpu) / 1e6


def run_json(args):
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def evaluate(name, args, test=None):
    test = test or os.path.join(SIGHAN, f'{name}_test.utf8')
    gold = os.path.join(SIGHAN, f'{name}_test_gold.utf8')
    words = os.path.join(SIGHAN, f'{name}_training_words.utf8')
    return run_json([NLP, 'eval-segmenter', '--format', 'json', '--gold', gold, '--words', words] + args + [test])[0]


def main():
    if not os.path.exists(os.path.join(SIGHAN, 'pku_test.utf8')):
        sys.exit(f'segmentation bench: no SIGHAN 2005 data in {SIGHAN}')
    for binary in (NLP, BENCH):
        if not os.path.exists(binary):
            sys.exit(f'segmentation bench: {binary} missing; run `make build` first')
    try:
        load = os.getloadavg()
    except OSError:
        load = (float('nan'),) * 3

    # --- speed -----------------------------------------------------------------------------------
    lines = read_lines(os.path.join(SIGHAN, 'pku_test.utf8')) + read_lines(os.path.join(SIGHAN, 'msr_test.utf8'))
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, 'text.txt')
        with open(text, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines) + '\n')
        nbytes = os.path.getsize(text)
        ours = {r['mode']: r for r in run_json([BENCH, 'segmentation', '--text', text, '--runs', str(RUNS)])}
        jieba_wall, jieba_cpu = jieba_speed(lines, nbytes)
        ours_after = {r['mode']: r for r in run_json([BENCH, 'segmentation', '--text', text, '--runs', str(RUNS),
                                                      '--modes', 'dict,tagger'])}

        print(f'## Chinese word segmentation — speed, one thread ({nbytes / 1e6:.2f} MB: SIGHAN 2005 PKU+MSR test '
              f'text; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores)')
        print()
        print('| segmenter | MB/s (wall) | × jieba | MB/s (CPU time) | × jieba |')
        print('|---|---|---|---|---|')
        print(f'| jieba 0.42 (default, HMM) | {jieba_wall:.2f} | 1.0 | {jieba_cpu:.2f} | 1.0 |')
        for mode, label in [('dict', 'ours, dictionary mode'), ('tagger', 'ours, tagger mode'), ('icu', 'ICU word break')]:
            runs = [ours[mode]] + ([ours_after[mode]] if mode in ours_after else [])
            wall = statistics.median([r['mb_per_s'] for r in runs])
            cpu = statistics.median([r['mb_per_cpu_s'] for r in runs])
            print(f'| {label} | {wall:.2f} | {wall / jieba_wall:.1f} | {cpu:.2f} | {cpu / jieba_cpu:.1f} |')
        print(f'(ours: median of {RUNS} passes before and {RUNS} after jieba\'s {JIEBA_RUNS}; '
              'targets: dictionary ≥ 20× jieba, tagger ≥ 2×)')
        print()

        # --- accuracy ------------------------------------------------------------------------------
        print('## Chinese word segmentation — SIGHAN 2005, scored as the bakeoff `score` script counts')
        print()
        print('| test set | segmenter | P | R | F1 | OOV rate | OOV recall | IV recall |')
        print('|---|---|---|---|---|---|---|---|')
        agree = []
        for name in ('pku', 'msr'):
            test_lines = read_lines(os.path.join(SIGHAN, f'{name}_test.utf8'))
            jieba_out = os.path.join(tmp, f'jieba_{name}.txt')
            segmented = jieba_cut(test_lines)
            with open(jieba_out, 'w', encoding='utf-8') as f:
                f.write('\n'.join(segmented) + '\n')
            rows = [
                ('ours, tagger mode', evaluate(name, ['--mode', 'tagger'])),
                ('ours, dictionary mode', evaluate(name, ['--mode', 'dict'])),
                ('jieba 0.42 (default, HMM)', evaluate(name, ['--segmented'], test=jieba_out)),
                ('ICU word break', evaluate(name, ['--backend', 'icu'])),
            ]
            if name == 'msr':
                user = os.path.join(SIGHAN, 'msr_training_words.utf8')
                rows.insert(2, ('ours, tagger + MSR training words as user dictionary',
                                evaluate(name, ['--mode', 'tagger', '--dict', user])))
            for label, r in rows:
                print(f"| {name.upper()} | {label} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | "
                      f"{r['oov_rate']:.4f} | {r['oov_recall']:.4f} | {r['iv_recall']:.4f} |")
            # Cross-check: the Python scorer on jieba's output gives the same counts.
            with open(os.path.join(SIGHAN, f'{name}_training_words.utf8'), encoding='utf-8') as f:
                words = {w.strip() for w in f.read().split('\n')}
            py = python_score(words, read_lines(os.path.join(SIGHAN, f'{name}_test_gold.utf8')), segmented)
            j = rows[-2][1]
            same = (py['truth'], py['test'], py['correct'], py['oov_correct']) == (
                j['gold_words'], j['test_words'], j['correct_words'], j['correct_oov_words'])
            agree.append(f"{name.upper()} {'same counts' if same else 'DIFFERENT counts'} "
                         f"(correct words {j['correct_words']} vs {py['correct']})")
        print()
        print('jieba scored by nlp eval-segmenter vs scripts/fixtures/segment_score.py: ' + '; '.join(agree))


if __name__ == '__main__':
    main()
