#!/usr/bin/env python3
"""`make bench AREA=finetune`: fine-tuning and scoring beside PyTorch, measured in the same run.

2 threads by default (--threads); each side in a fresh process with the thread variables set first.
  train   all-MiniLM-L6-v2 (transformers BertModel) + mean pooling + Linear(384, labels), AdamW 5e-5,
          weight decay 0.01, clipping at 1, max length 64, batch 32, on the first 2,000 SST-2 train rows:
          examples/s of the training step. Two batchings: random batches padded to their longest row
          (HF Trainer's default, the peer figure in RESULTS.md) for both sides, and length-grouped batches
          (HF's group_by_length, what `nlp finetune` does) for both sides.
  compare (opt-in, --only compare) the first --compare-steps steps of `nlp finetune` (`nlp-bench finetune
          compare`: its batches, its head initialization, AdamW, warm-up/decay, clipping) replayed by
          the PyTorch peer (BertModel + mean pooling + Linear loaded with our initial head, the same
          batches, AdamW with weight decay on dim >= 2 only, LambdaLR linear warm-up/decay, clip 1),
          dropout 0 on both (a copy of the model folder with dropout 0 in config.json): loss and
          gradient norm per step side by side, and whether the two tokenizations agree.
  peer-accuracy (opt-in, --only peer-accuracy) the PyTorch peer fine-tuned on the first
          --compare-rows SST-2 rows as `nlp finetune` trains (lr --compare-lr, b32, --epochs, 10% warm-up,
          linear decay, dropout 0.1, length-grouped batches): its dev accuracy at every evaluation.
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
parser.add_argument("--replay", help=argparse.SUPPRESS)
parser.add_argument("--compare-steps", type=int, default=80, help="compare: training steps replayed by both sides")
parser.add_argument("--compare-rows", type=int, default=5000, help="compare: first SST-2 train rows")
parser.add_argument("--compare-lr", default="1e-4", help="compare: peak learning rate")
parser.add_argument("--epochs", type=int, default=3, help="peer-accuracy: epochs")
parser.add_argument("--evaluations", type=int, default=4, help="peer-accuracy: dev evaluations per epoch")
parser.add_argument("--seed", type=int, default=1, help="peer-accuracy: seed")
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


def padded(encodings, batch):
    """The ids and attention mask of `batch`, padded with 0 to its longest row."""
    import torch
    length = max(len(encodings[i]) for i in batch)
    ids = torch.zeros(len(batch), length, dtype=torch.long)
    mask = torch.zeros(len(batch), length, dtype=torch.long)
    for r, i in enumerate(batch):
        ids[r, :len(encodings[i])] = torch.tensor(encodings[i])
        mask[r, :len(encodings[i])] = 1
    return ids, mask


def batch_loss(bert, head, encodings, targets, batch):
    """Cross-entropy of the head on the mean-pooled BERT output of `batch`, padded to its longest row."""
    import torch
    ids, mask = padded(encodings, batch)
    hidden = bert(input_ids=ids, attention_mask=mask).last_hidden_state
    return torch.nn.functional.cross_entropy(head(mean_pool(hidden, mask)), torch.tensor([targets[i] for i in batch]))


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
        loss = batch_loss(bert, head, encodings, targets, batch)
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


def peer_replay():
    """Replays the steps `nlp-bench finetune compare` recorded in --replay: its losses beside ours."""
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel
    torch.set_num_threads(args.threads)
    ours = json.load(open(args.replay))
    data = rows(os.path.join(args.data, "sst2", "train.tsv"), args.compare_rows)
    tokenizer = Tokenizer.from_file(os.path.join(args.model, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(128)
    encodings = [e.ids for e in tokenizer.encode_batch([t for t, _ in data])]
    token_mismatches = sum(a != b for a, b in zip(encodings, ours["tokens"]))
    labels = sorted({l for _, l in data})
    targets = [labels.index(l) for _, l in data]
    bert = BertModel.from_pretrained(args.model, add_pooling_layer=False)
    head = torch.nn.Linear(bert.config.hidden_size, len(labels))
    with torch.no_grad():
        head.weight.copy_(torch.tensor(ours["head"]["weight"]).view_as(head.weight))
        head.bias.copy_(torch.tensor(ours["head"]["bias"]))
    bert.train()
    params = list(bert.named_parameters()) + [("head." + n, p) for n, p in head.named_parameters()]
    optimizer = torch.optim.AdamW([{"params": [p for n, p in params if p.dim() >= 2], "weight_decay": 0.01},
                                   {"params": [p for n, p in params if p.dim() < 2], "weight_decay": 0.0}],
                                  lr=ours["lr"])
    total, warmup = ours["total_steps"], ours["warmup_steps"]
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: s / max(1, warmup) if s < warmup
                                                 else max(0.0, (total - s) / max(1, total - warmup)))
    out = []
    for record in ours["steps"]:
        batch = record["batch"]
        loss = batch_loss(bert, head, encodings, targets, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
        lr = optimizer.param_groups[0]["lr"]
        optimizer.step()
        schedule.step()
        out.append({"loss": loss.item(), "grad_norm": norm.item(), "lr": lr})
    return {"steps": out, "token_mismatches": token_mismatches, "labels": labels}


def peer_accuracy():
    """The PyTorch peer's dev accuracy curve with `nlp finetune`'s default recipe."""
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    data = rows(os.path.join(args.data, "sst2", "train.tsv"), args.compare_rows)
    dev = rows(os.path.join(args.data, "sst2", "dev.tsv"))
    labels = sorted({l for _, l in data})
    tokenizer = Tokenizer.from_file(os.path.join(args.model, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(128)
    encodings = [e.ids for e in tokenizer.encode_batch([t for t, _ in data])]
    dev_encodings = [e.ids for e in tokenizer.encode_batch([t for t, _ in dev])]
    targets = [labels.index(l) for _, l in data]
    dev_targets = [labels.index(l) for _, l in dev]
    bert = BertModel.from_pretrained(args.model, add_pooling_layer=False)
    head = torch.nn.Linear(bert.config.hidden_size, len(labels))
    drop = torch.nn.Dropout(0.1)
    params = list(bert.named_parameters()) + [("head." + n, p) for n, p in head.named_parameters()]
    lr = float(args.compare_lr)
    optimizer = torch.optim.AdamW([{"params": [p for n, p in params if p.dim() >= 2], "weight_decay": 0.01},
                                   {"params": [p for n, p in params if p.dim() < 2], "weight_decay": 0.0}], lr=lr)
    per_epoch = (len(data) + 31) // 32
    total = args.epochs * per_epoch
    warmup = round(total * 0.1)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: s / max(1, warmup) if s < warmup
                                                 else max(0.0, (total - s) / max(1, total - warmup)))

    def logits(seqs, batch, train):
        ids, mask = padded(seqs, batch)
        pooled = mean_pool(bert(input_ids=ids, attention_mask=mask).last_hidden_state, mask)
        return head(drop(pooled) if train else pooled)

    def evaluate():
        bert.eval()
        right = 0
        with torch.inference_mode():
            for i in range(0, len(dev), 64):
                batch = list(range(i, min(i + 64, len(dev))))
                right += (logits(dev_encodings, batch, False).argmax(-1) == torch.tensor([dev_targets[j] for j in batch])).sum().item()
        bert.train()
        return right / len(dev)

    every = (per_epoch + args.evaluations - 1) // args.evaluations
    curve, step, start = [], 0, time.perf_counter()
    bert.train()
    for epoch in range(args.epochs):
        for batch in batch_plan([len(e) for e in encodings], 32, True, seed=args.seed * 1000 + epoch):
            loss = torch.nn.functional.cross_entropy(logits(encodings, batch, True), torch.tensor([targets[i] for i in batch]))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            if step % every == 0 or step == total:
                curve.append((step, evaluate()))
                sys.stderr.write(f"peer step {step}/{total} dev accuracy {curve[-1][1]:.4f} ({time.perf_counter() - start:.0f} s)\n")
    return {"curve": curve, "best": max(a for _, a in curve), "seconds": time.perf_counter() - start}


if args.peer:
    set_threads(args.threads)
    result = {"train": peer_train, "score": peer_score, "replay": peer_replay, "accuracy": peer_accuracy}[args.peer]()
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
if "compare" in tasks:
    with tempfile.TemporaryDirectory() as work:
        # The model folder with dropout 0 (both sides read config.json).
        quiet = os.path.join(work, "model")
        os.mkdir(quiet)
        for name in os.listdir(args.model):
            if name != "config.json":
                os.symlink(os.path.join(os.path.abspath(args.model), name), os.path.join(quiet, name))
        config = json.load(open(os.path.join(args.model, "config.json")))
        config["hidden_dropout_prob"] = config["attention_probs_dropout_prob"] = 0.0
        json.dump(config, open(os.path.join(quiet, "config.json"), "w"))
        record = os.path.join(work, "ours.json")
        before = load()
        run([args.binary, "finetune", "compare", "--model", quiet, "--data", train_tsv, "--out", record,
             "--rows", str(args.compare_rows), "--steps", str(args.compare_steps), "--lr", args.compare_lr,
             "--threads", str(args.threads)])
        peer = run_peer("replay", "--model", quiet, "--replay", record, "--compare-rows", str(args.compare_rows))
        ours = json.load(open(record))
    assert ours["labels"] == peer["labels"], (ours["labels"], peer["labels"])
    print(f"## finetune compare: first {len(ours['steps'])} steps, SST-2 first {args.compare_rows:,} rows, dropout 0 "
          f"(load {before:.1f}; tokenizations differing: {peer['token_mismatches']})")
    print()
    print("| step | lr | loss ours | loss peer | diff | grad norm ours | grad norm peer |")
    print("|---|---|---|---|---|---|---|")
    worst = 0.0
    for i, (a, b) in enumerate(zip(ours["steps"], peer["steps"])):
        diff = a["loss"] - b["loss"]
        worst = max(worst, abs(diff))
        if i < 10 or i % 10 == 9 or i == len(ours["steps"]) - 1:
            print(f"| {i} | {a['lr']:.3g} | {a['loss']:.5f} | {b['loss']:.5f} | {diff:+.5f} | {a['grad_norm']:.4f} | {b['grad_norm']:.4f} |")
    mean_ours = sum(s["loss"] for s in ours["steps"]) / len(ours["steps"])
    mean_peer = sum(s["loss"] for s in peer["steps"]) / len(peer["steps"])
    print(f"\nlargest |loss difference| {worst:.5f}; mean loss ours {mean_ours:.5f}, peer {mean_peer:.5f}")
    tasks = [t for t in tasks if t != "compare"]
    if not tasks:
        sys.exit(0)
if "peer-accuracy" in tasks:
    before = load()
    peer = run_peer("accuracy", "--compare-rows", str(args.compare_rows), "--compare-lr", args.compare_lr,
                    "--epochs", str(args.epochs), "--evaluations", str(args.evaluations), "--seed", str(args.seed))
    print(f"## PyTorch peer, SST-2 first {args.compare_rows:,} rows, lr {args.compare_lr}, {args.epochs} epochs, seed {args.seed} "
          f"(load {before:.1f}): best dev accuracy {peer['best']:.4f} in {peer['seconds']:.0f} s")
    print("curve: " + ", ".join(f"{s}:{a:.4f}" for s, a in peer["curve"]))
    tasks = [t for t in tasks if t != "peer-accuracy"]
    if not tasks:
        sys.exit(0)
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
