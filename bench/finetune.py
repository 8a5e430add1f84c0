#!/usr/bin/env python3
"""`make bench AREA=finetune`: fine-tuning and scoring beside PyTorch, measured in the same run.

2 threads by default (--threads); each side in a fresh process with the thread variables set first.
  train   all-MiniLM-L6-v2 (transformers BertModel) + mean pooling + Linear(384, labels), AdamW 5e-5,
          weight decay 0.01, clipping at 1, max length 64, batch 32, on the first 2,000 SST-2 train rows:
          examples/s of the training step. Two batchings: random batches padded to their longest row
          (HF Trainer's default, the peer figure in RESULTS.md) for both sides, and length-grouped batches
          (HF's group_by_length, what `nlp finetune` does) for both sides.
  score   a fine-tuned classifier (made here by `nlp finetune` on 256 rows) on 2,000 SST-2 sentences:
          `nlp score` end to end (process start, load, tokenize, batches, print) vs a PyTorch pipeline on
          the same folder (HF tokenizers + BertModel + mean pooling + the linear head + softmax, batches of
          32 in input order, inference mode): sentences/s.
Opt-in accuracy runs (env FINETUNE_ACCURACY=1; FINETUNE_FULL=1 adds the full SST-2 train set): `nlp
finetune` with its defaults on SST-2 (first 5,000 rows, dev.tsv) and ChnSentiCorp (train, dev), wall
time and dev accuracy.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--binary", default=os.path.join(root, ".build", "release", "nlp-bench"))
parser.add_argument("--nlp", default=os.path.join(root, ".build", "release", "nlp"))
parser.add_argument("--model", default=os.path.join(root, "models", "all-MiniLM-L6-v2"))
parser.add_argument("--data", default=os.path.join(root, "..", "shared", "data"))
parser.add_argument("--only", default="train,score")
parser.add_argument("--rows", type=int, default=2000)
parser.add_argument("--steps", type=int, default=30, help="timed training steps per window (both sides)")
parser.add_argument("--windows", type=int, default=3, help="timed windows (both sides; the median is reported)")
parser.add_argument("--groupings", default="0,1", help="0: random batches, 1: length-grouped batches")
parser.add_argument("--peer", help=argparse.SUPPRESS)        # internal: run one peer measurement
parser.add_argument("--grouped", type=int, default=0, help=argparse.SUPPRESS)
parser.add_argument("--classifier", help=argparse.SUPPRESS)
parser.add_argument("--text", help=argparse.SUPPRESS)
args = parser.parse_args()


def set_threads(n):
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS"):
        os.environ[var] = str(n)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TOKENIZERS_PARALLELISM"] = "false"


def summary(values):
    values = sorted(values)
    n = len(values)
    median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    return {"median": median, "min": values[0], "max": values[-1], "runs": n}


def rows(path, n=None):
    got = []
    for row in open(path, encoding="utf-8").read().split("\n")[1:]:
        if "\t" in row:
            text, label = row.rsplit("\t", 1)
            got.append((text, label))
        if n and len(got) == n:
            break
    return got


def sentences():
    return [t for t, _ in rows(os.path.join(args.data, "sst2", "dev.tsv"), 872)] + \
           [t for t, _ in rows(os.path.join(args.data, "sst2", "train.tsv"), 1128)]


def batch_plan(lengths, batch, grouped, seed=1):
    """Random batches, or HF's length grouping: mega-batches of 50 batches sorted by length."""
    order = list(range(len(lengths)))
    random.Random(seed).shuffle(order)
    if not grouped:
        return [order[i:i + batch] for i in range(0, len(order), batch)]
    out = []
    for start in range(0, len(order), 50 * batch):
        mega = sorted(order[start:start + 50 * batch], key=lambda i: -lengths[i])
        out += [mega[i:i + batch] for i in range(0, len(mega), batch)]
    random.Random(seed + 1).shuffle(out)
    return out


# ---- peers (each in its own process) -------------------------------------------------------------

def mean_pool(hidden, mask):
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


def peer_train():
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    data = rows(os.path.join(args.data, "sst2", "train.tsv"), args.rows)
    labels = sorted({l for _, l in data})
    tokenizer = Tokenizer.from_file(os.path.join(args.model, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(64)
    encodings = [e.ids for e in tokenizer.encode_batch([t for t, _ in data])]
    targets = [labels.index(l) for _, l in data]
    bert = BertModel.from_pretrained(args.model, add_pooling_layer=False)
    head = torch.nn.Linear(bert.config.hidden_size, len(labels))
    bert.train()
    params = list(bert.named_parameters()) + [("head." + n, p) for n, p in head.named_parameters()]
    optimizer = torch.optim.AdamW([{"params": [p for n, p in params if p.dim() >= 2], "weight_decay": 0.01},
                                   {"params": [p for n, p in params if p.dim() < 2], "weight_decay": 0.0}], lr=5e-5)
    plan = batch_plan([len(e) for e in encodings], 32, args.grouped)
    state = {"next": 0, "examples": 0}

    def step():
        batch = plan[state["next"] % len(plan)]
        state["next"] += 1
        state["examples"] += len(batch)
        length = max(len(encodings[i]) for i in batch)
        ids = torch.zeros(len(batch), length, dtype=torch.long)
        mask = torch.zeros(len(batch), length, dtype=torch.long)
        for r, i in enumerate(batch):
            ids[r, :len(encodings[i])] = torch.tensor(encodings[i])
            mask[r, :len(encodings[i])] = 1
        hidden = bert(input_ids=ids, attention_mask=mask).last_hidden_state
        loss = torch.nn.functional.cross_entropy(head(mean_pool(hidden, mask)), torch.tensor([targets[i] for i in batch]))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
        optimizer.step()
        return loss.item()

    for _ in range(3):
        step()
    rates = []
    for _ in range(args.windows):
        before, start = state["examples"], time.perf_counter()
        for _ in range(args.steps):
            loss = step()
        rates.append((state["examples"] - before) / (time.perf_counter() - start))
    out = summary(rates)
    out["last_loss"] = loss
    return out


def peer_score():
    import torch
    from safetensors.torch import load_file
    from tokenizers import Tokenizer
    from transformers import BertModel
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    config = json.load(open(os.path.join(args.classifier, "config.json")))
    labels = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
    bert = BertModel.from_pretrained(args.classifier, add_pooling_layer=False).eval()
    weights = load_file(os.path.join(args.classifier, "model.safetensors"))
    head = torch.nn.Linear(bert.config.hidden_size, len(labels))
    head.load_state_dict({"weight": weights["classifier.weight"], "bias": weights["classifier.bias"]})
    tokenizer = Tokenizer.from_file(os.path.join(args.classifier, "tokenizer.json"))
    tokenizer.enable_padding(pad_id=0)
    texts = open(args.text, encoding="utf-8").read().split("\n")[:-1]
    out = []
    with torch.inference_mode():
        for i in range(0, len(texts), 32):
            encodings = tokenizer.encode_batch(texts[i:i + 32])
            ids = torch.tensor([e.ids for e in encodings])
            mask = torch.tensor([e.attention_mask for e in encodings])
            p = torch.softmax(head(mean_pool(bert(input_ids=ids, attention_mask=mask).last_hidden_state, mask)), -1)
            best = p.max(-1)
            out += [f"{labels[j]}\t{v:.4f}" for v, j in zip(best.values.tolist(), best.indices.tolist())]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "lines": out}


if args.peer:
    set_threads(args.threads)
    result = {"train": peer_train, "score": peer_score}[args.peer]()
    print(json.dumps(result))
    sys.exit(0)


# ---- driver ----------------------------------------------------------------------------------------

def run_peer(task, *extra):
    command = [sys.executable, "-P", os.path.abspath(__file__), "--peer", task, "--threads", str(args.threads),
               "--model", args.model, "--data", args.data, "--rows", str(args.rows), "--steps", str(args.steps),
               "--windows", str(args.windows), *extra]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench finetune: the peer for {task} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench finetune: {' '.join(command[:3])} failed")
    return done


def load():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def cell(r):
    return f"{r['median']:,.1f} [{r['min']:,.1f}-{r['max']:,.1f}]"


table = []
tasks = args.only.split(",")
train_tsv = os.path.join(args.data, "sst2", "train.tsv")
with tempfile.TemporaryDirectory() as work:
    if "train" in tasks:
        for grouped in [int(g) for g in args.groupings.split(",")]:
            before = load()
            peer = run_peer("train", "--grouped", str(grouped))
            ours = json.loads(run([args.binary, "finetune", "train", "--model", args.model, "--data", train_tsv,
                                   "--rows", str(args.rows), "--threads", str(args.threads), "--grouped", str(grouped),
                                   "--steps", str(args.steps), "--windows", str(args.windows)]).stdout.strip().splitlines()[-1])
            name = "length-grouped batches (as nlp finetune)" if grouped else "random batches (HF Trainer default)"
            table.append((f"MiniLM fine-tuning step, SST-2 {args.rows:,} rows, b32, len 64, {name}", "examples/s",
                          cell(ours), cell(peer), ours["median"] / peer["median"], before))
    if "score" in tasks:
        texts = sentences()
        text_file = os.path.join(work, "text.txt")
        with open(text_file, "w", encoding="utf-8") as f:
            f.write("\n".join(texts) + "\n")
        small = os.path.join(work, "small.tsv")
        with open(small, "w", encoding="utf-8") as f:
            f.write("".join(f"{t}\t{l}\n" for t, l in rows(train_tsv, 256)))
        classifier = os.path.join(work, "classifier")
        run([args.nlp, "finetune", small, "--base", args.model, "--epochs", "1", "--threads", str(args.threads), "-o", classifier])
        before = load()
        peer_rates, our_rates, agree = [], [], None
        for _ in range(3):
            peer = run_peer("score", "--classifier", classifier, "--text", text_file)
            peer_rates.append(len(texts) / peer["seconds"])
            start = time.perf_counter()
            done = run([args.nlp, "score", "--model", classifier, "--threads", str(args.threads), text_file])
            our_rates.append(len(texts) / (time.perf_counter() - start))
            ours_lines = done.stdout.split("\n")[:-1]
            agree = sum(a.split("\t")[0] == b.split("\t")[0] for a, b in zip(ours_lines, peer["lines"]))
        ours, peer = summary(our_rates), summary(peer_rates)
        table.append((f"score 2,000 SST-2 sentences (ours: whole `nlp score` process; peer: pipeline after import; "
                      f"same label on {agree}/{len(texts)})", "sentences/s", cell(ours), cell(peer),
                      ours["median"] / peer["median"], before))

print(f"## finetune ({args.threads} threads; ours = release build, peer = PyTorch {__import__('torch').__version__})")
print()
print("| what | unit | ours median [min-max] | peer median [min-max] | ours / peer | load (1-min avg) |")
print("|---|---|---|---|---|---|")
for name, unit, ours, peer, ratio, before in table:
    print(f"| {name} | {unit} | {ours} | {peer} | {ratio:.2f}x | {before:.1f} |")

if os.environ.get("FINETUNE_ACCURACY") == "1":
    runs = []
    with tempfile.TemporaryDirectory() as work:
        sst5k = os.path.join(work, "sst2-5000.tsv")
        lines = open(train_tsv, encoding="utf-8").read().split("\n")
        with open(sst5k, "w", encoding="utf-8") as f:
            f.write("\n".join(lines[:5001]) + "\n")
        jobs = [("SST-2 first 5,000 rows", sst5k, os.path.join(args.data, "sst2", "dev.tsv"))]
        if os.environ.get("FINETUNE_FULL") == "1":
            jobs.append(("SST-2 full train (67,349 rows)", train_tsv, os.path.join(args.data, "sst2", "dev.tsv")))
        jobs.append(("ChnSentiCorp train (9,600 rows)", os.path.join(args.data, "chnsenticorp", "train.tsv"),
                     os.path.join(args.data, "chnsenticorp", "dev.tsv")))
        for name, data, dev in jobs:
            out = os.path.join(work, "run")
            start = time.perf_counter()
            run([args.nlp, "finetune", data, "--dev", dev, "--threads", str(args.threads), "-o", out])
            seconds = time.perf_counter() - start
            metrics = json.load(open(os.path.join(out, "metrics.json")))
            runs.append((name, metrics["base"], metrics["accuracy"], metrics["dev"]["macro_f1"], seconds))
            subprocess.run(["rm", "-rf", out])
    print()
    print("| data (nlp finetune defaults) | base | dev accuracy | dev macro-F1 | wall |")
    print("|---|---|---|---|---|")
    for name, base, accuracy, f1, seconds in runs:
        print(f"| {name} | {base} | {accuracy:.4f} | {f1:.4f} | {seconds / 60:.1f} min |")
