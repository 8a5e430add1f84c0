#!/usr/bin/env python3
"""`make bench AREA=translate`: a translation training step, ours beside PyTorch's nn.Transformer, same run.

Both sides train train-translation's default model on the same real batches of Tatoeba zh→en pairs
(../shared/data/tatoeba_cmn_eng/pairs.tsv): 3 + 3 layers, 256 wide, 4 heads, feed-forward 1,024, ReLU,
dropout 0.1, post-LN encoder, pre-LN decoder with a final LayerNorm, one embedding matrix for source,
target and output (× √256), sinusoidal positions, cross-entropy with label smoothing 0.1, Adam
(0.9, 0.98, eps 1e-9), gradient clipping at 1. `nlp-bench translate step` trains the joint BPE
tokenizer (8,000), makes train-translation's length-sorted batches of ≤ 4,096 padded tokens, picks
24 of them by a seeded shuffle, writes their ids for the peer, and times them; the peer (PyTorch
nn.TransformerEncoder/DecoderLayer, in a fresh process with the thread variables set before import)
times the same batches. Tokens/s = target tokens (end token included) per second; median [min-max]
over 3 passes after 3 warm-up steps.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--binary", default=os.path.join(root, ".build", "release", "nlp-bench"))
parser.add_argument("--data", default=os.path.join(root, "..", "shared", "data"))
parser.add_argument("--batches", type=int, default=24)
parser.add_argument("--windows", type=int, default=3)
parser.add_argument("--peer", help=argparse.SUPPRESS)        # internal: the batches file to time
args = parser.parse_args()


def set_threads(n):
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(n)


def summary(values):
    values = sorted(values)
    n = len(values)
    median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    return {"median": median, "min": values[0], "max": values[-1], "runs": n}


def peer(batches_file, vocab):
    import torch
    from torch import nn
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    d, heads, layers, ffn, dropout, positions = 256, 4, 3, 1024, 0.1, 129

    class Seq2Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.shared = nn.Embedding(vocab, d, padding_idx=0)
            nn.init.normal_(self.shared.weight, std=d ** -0.5)
            self.encoder = nn.TransformerEncoder(
                nn.TransformerEncoderLayer(d, heads, ffn, dropout, batch_first=True), layers, enable_nested_tensor=False)
            self.decoder = nn.TransformerDecoder(
                nn.TransformerDecoderLayer(d, heads, ffn, dropout, batch_first=True, norm_first=True), layers,
                norm=nn.LayerNorm(d))
            self.drop = nn.Dropout(dropout)
            position = torch.arange(positions).unsqueeze(1)
            div = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
            table = torch.zeros(positions, d)
            table[:, 0::2], table[:, 1::2] = torch.sin(position * div), torch.cos(position * div)
            self.register_buffer("positions", table)

        def embed(self, ids):
            return self.drop(self.shared(ids) * math.sqrt(d) + self.positions[: ids.size(1)])

        def forward(self, source, target):
            source_pad, target_pad = source == 0, target == 0
            memory = self.encoder(self.embed(source), src_key_padding_mask=source_pad)
            causal = nn.Transformer.generate_square_subsequent_mask(target.size(1))
            h = self.decoder(self.embed(target), memory, tgt_mask=causal, tgt_is_causal=True,
                             tgt_key_padding_mask=target_pad, memory_key_padding_mask=source_pad)
            return h @ self.shared.weight.t()

    def tensors(batch):
        sources, targets = batch["source"], batch["target"]
        s_len = max(map(len, sources))
        t_len = max(len(t) + 1 for t in targets)
        source = torch.zeros(len(sources), s_len, dtype=torch.long)
        target = torch.zeros(len(targets), t_len, dtype=torch.long)
        labels = torch.full((len(targets), t_len), -100, dtype=torch.long)
        for i, (s, t) in enumerate(zip(sources, targets)):
            source[i, : len(s)] = torch.tensor(s)
            target[i, : len(t) + 1] = torch.tensor([1] + t)
            labels[i, : len(t) + 1] = torch.tensor(t + [2])
        return source, target, labels, int((labels != -100).sum())

    batches = [tensors(json.loads(line)) for line in open(batches_file)]
    model = Seq2Seq()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-4, betas=(0.9, 0.98), eps=1e-9)

    def step(source, target, labels):
        logits = model(source, target)
        loss = F.cross_entropy(logits.reshape(-1, vocab), labels.reshape(-1), ignore_index=-100, label_smoothing=0.1)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    for source, target, labels, _ in batches[:3]:
        step(source, target, labels)
    rates = []
    for _ in range(args.windows):
        start, tokens = time.perf_counter(), 0
        for source, target, labels, count in batches:
            loss = step(source, target, labels)
            tokens += count
        rates.append(tokens / (time.perf_counter() - start))
    out = summary(rates)
    out["last_loss"] = loss
    out["parameters"] = sum(p.numel() for p in model.parameters())
    return out


if args.peer:
    set_threads(args.threads)
    batches_file, vocab = args.peer.rsplit(":", 1)
    print(json.dumps(peer(batches_file, int(vocab))))
    sys.exit(0)


def load():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


pairs = os.path.join(args.data, "tatoeba_cmn_eng", "pairs.tsv")
if not os.path.exists(pairs):
    raise SystemExit(f"bench translate: {pairs} is absent")
with tempfile.TemporaryDirectory() as work:
    batches_file = os.path.join(work, "batches.jsonl")
    before = load()
    command = [args.binary, "translate", "step", "--pairs", pairs, "--threads", str(args.threads),
               "--batches", str(args.batches), "--windows", str(args.windows), "--write-batches", batches_file]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit("bench translate: nlp-bench translate step failed")
    ours = json.loads(done.stdout.strip().splitlines()[-1])
    command = [sys.executable, "-P", os.path.abspath(__file__), "--peer", f"{batches_file}:{ours['vocabulary']}",
               "--threads", str(args.threads), "--windows", str(args.windows)]
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit("bench translate: the PyTorch peer failed")
    theirs = json.loads(done.stdout.strip().splitlines()[-1])


def cell(r):
    return f"{r['median']:,.0f} [{r['min']:,.0f}-{r['max']:,.0f}]"


print(f"## translate ({args.threads} threads; ours = NLPTraining release build, peer = PyTorch {__import__('torch').__version__} nn.Transformer layers)")
print()
print("| what | unit | ours median [min-max] | peer median [min-max] | ours / peer | parameters ours / peer | load (1-min avg) |")
print("|---|---|---|---|---|---|---|")
print(f"| Transformer 3+3 × 256 training step, {ours['batches']} Tatoeba zh→en batches ≤ 4,096 tokens | target tokens/s "
      f"| {cell(ours)} | {cell(theirs)} | {ours['median'] / theirs['median']:.2f}x | {ours['parameters']:,} / {theirs['parameters']:,} | {before:.1f} |")
