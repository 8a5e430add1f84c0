#!/usr/bin/env python3
"""`make bench AREA=generate`: causal language models and text generation beside PyTorch, same run.

Figures (2 threads by default, --threads; each side in a fresh process, thread variables set
before import):
  gpt-train   tiny Shakespeare (90/10 split, 65 characters), nanoGPT's CPU configuration: 4 layers,
              4 heads, 128 wide, context 64, batch 12, no bias, dropout 0; 2,000 steps of AdamW
              (lr 1e-3, betas 0.9/0.99, weight decay 0.1 on matrices), 100 warm-up steps, cosine
              decay to 1e-4, clipping at 1. The peer is nanoGPT's model code and training loop.
              Reported: wall time of the 2,000 steps, and the validation loss over every
              non-overlapping 64-character window of the validation split (the same windows on
              both sides; nanoGPT's own estimate, 20 random batches, is printed beside it).
  lstm-train  the char LSTM LM: embedding 128, 2 x 256 LSTM, sequence 64, batch 32, Adam 2e-3,
              2,000 steps; validation loss over the same windows (state reset per window).
  sample      500 new tokens, batch 1, temperature 1, from the trained GPT: nanoGPT's generate()
              (no cache: the whole window again for every token), a PyTorch sampler with a KV
              cache, and ours (the library's streaming TextGenerator, detokenization included).
              When the 64-position window is full, the cached samplers keep the last 32 tokens
              and re-encode them in one pass (the same policy on both sides).
Ours saves its trained models (config.json, model.safetensors, tokenizer.json) under --out, so
`nlp generate --model OUT/gpt-shakespeare --prompt ...` samples from them afterwards.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--binary", default=os.path.join(root, ".build", "release", "nlp-bench"))
parser.add_argument("--nlp", default=os.path.join(root, ".build", "release", "nlp"))
parser.add_argument("--data", default=os.path.join(root, "..", "shared", "data"))
parser.add_argument("--out", default=os.path.join(root, ".build", "bench-generate"))
parser.add_argument("--only", default="gpt-train,lstm-train,sample")
parser.add_argument("--steps", type=int, default=2000)
parser.add_argument("--tokens", type=int, default=500)
parser.add_argument("--peer", help=argparse.SUPPRESS)        # internal: run one peer measurement
args = parser.parse_args()

CONTEXT, KEEP = 64, 32


def set_threads(n):
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS"):
        os.environ[var] = str(n)


def summary(values):
    values = sorted(values)
    n = len(values)
    median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    return {"median": median, "min": values[0], "max": values[-1], "runs": n}


def shakespeare():
    text = open(os.path.join(args.data, "tinyshakespeare", "input.txt"), encoding="utf-8").read()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = [index[c] for c in text]
    cut = int(0.9 * len(ids))
    return ids[:cut], ids[cut:], chars


# ---- peers (each in its own process) -------------------------------------------------------------

def nanogpt(vocab):
    """nanoGPT's model.py (Karpathy), bias=False, dropout 0, with an optional KV cache for sampling."""
    import torch
    from torch import nn
    import torch.nn.functional as F

    class LayerNorm(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(n))

        def forward(self, x):
            return F.layer_norm(x, self.weight.shape, self.weight, None, 1e-5)

    class CausalSelfAttention(nn.Module):
        def __init__(self, c, heads):
            super().__init__()
            self.c_attn = nn.Linear(c, 3 * c, bias=False)
            self.c_proj = nn.Linear(c, c, bias=False)
            self.heads = heads

        def forward(self, x, cache=None):
            b, t, c = x.size()
            q, k, v = self.c_attn(x).split(c, dim=2)
            q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
            if cache is None:
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            else:
                keys, values, start = cache
                keys[:, :, start:start + t] = k
                values[:, :, start:start + t] = v
                k, v = keys[:, :, :start + t], values[:, :, :start + t]
                if t == 1:
                    y = F.scaled_dot_product_attention(q, k, v)
                else:   # a fresh window: causal over itself
                    y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))

    class Block(nn.Module):
        def __init__(self, c, heads):
            super().__init__()
            self.ln_1, self.attn, self.ln_2 = LayerNorm(c), CausalSelfAttention(c, heads), LayerNorm(c)
            self.c_fc, self.c_proj = nn.Linear(c, 4 * c, bias=False), nn.Linear(4 * c, c, bias=False)

        def forward(self, x, cache=None):
            x = x + self.attn(self.ln_1(x), cache)
            return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x))))

    class GPT(nn.Module):
        def __init__(self, vocab, context=CONTEXT, c=128, layers=4, heads=4):
            super().__init__()
            self.context, self.width, self.heads = context, c, heads
            self.wte, self.wpe = nn.Embedding(vocab, c), nn.Embedding(context, c)
            self.h = nn.ModuleList([Block(c, heads) for _ in range(layers)])
            self.ln_f = LayerNorm(c)
            self.lm_head = nn.Linear(c, vocab, bias=False)
            self.wte.weight = self.lm_head.weight
            self.apply(self._init_weights)
            for name, p in self.named_parameters():
                if name.endswith("c_proj.weight"):
                    torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * layers))

        def _init_weights(self, module):
            if isinstance(module, (nn.Linear, nn.Embedding)):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

        def forward(self, idx, targets=None, caches=None, start=0):
            t = idx.size(1)
            x = self.wte(idx) + self.wpe(torch.arange(start, start + t))
            for i, block in enumerate(self.h):
                x = block(x, None if caches is None else (caches[i][0], caches[i][1], start))
            if targets is None:
                return self.lm_head(self.ln_f(x[:, [-1], :]))
            logits = self.lm_head(self.ln_f(x))
            return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

        @torch.no_grad()
        def generate(self, idx, new_tokens):
            """nanoGPT's generate(): crop to the context, run the whole window, sample the last position."""
            for _ in range(new_tokens):
                window = idx if idx.size(1) <= self.context else idx[:, -self.context:]
                logits = self(window)[:, -1, :]
                probs = F.softmax(logits, dim=-1)
                idx = torch.cat((idx, torch.multinomial(probs, num_samples=1)), dim=1)
            return idx

        @torch.no_grad()
        def generate_cached(self, idx, new_tokens):
            """One position per step over cached keys and values; a full window keeps its last KEEP tokens."""
            d = self.width // self.heads
            caches = [(torch.zeros(1, self.heads, self.context, d), torch.zeros(1, self.heads, self.context, d))
                      for _ in self.h]
            tokens = idx[0].tolist()
            logits = self(idx, caches=caches, start=0)[:, -1, :]
            length = idx.size(1)
            for _ in range(new_tokens):
                probs = F.softmax(logits, dim=-1)
                token = torch.multinomial(probs, num_samples=1)
                tokens.append(int(token))
                if length == self.context:
                    window = torch.tensor([tokens[-KEEP:]])
                    logits = self(window, caches=caches, start=0)[:, -1, :]
                    length = KEEP
                else:
                    logits = self(token, caches=caches, start=length)[:, -1, :]
                    length += 1
            return tokens

    return GPT(vocab)


def validation_windows(val, length=CONTEXT):
    """Every non-overlapping window of `length` inputs (+1 target) of the validation split."""
    import torch
    n = (len(val) - 1) // length
    data = torch.tensor(val[:n * length + 1], dtype=torch.long)
    x = data[:-1].view(n, length)
    y = data[1:].view(n, length)
    return x, y


def peer_gpt_train():
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(1337)
    train, val, chars = shakespeare()
    model = nanogpt(len(chars))
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    optimizer = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.99))
    train_data = torch.tensor(train, dtype=torch.long)
    val_data = torch.tensor(val, dtype=torch.long)
    generator = torch.Generator().manual_seed(1337)

    def get(data):
        ix = torch.randint(len(data) - CONTEXT, (12,), generator=generator)
        return (torch.stack([data[i:i + CONTEXT] for i in ix]), torch.stack([data[i + 1:i + 1 + CONTEXT] for i in ix]))

    def lr_at(step, warmup=100, total=args.steps, peak=1e-3, floor=1e-4):   # nanoGPT's get_lr
        if step < warmup:
            return peak * (step + 1) / (warmup + 1)
        ratio = (step - warmup) / (total - warmup)
        return floor + 0.5 * (1 + math.cos(math.pi * ratio)) * (peak - floor)

    start = time.perf_counter()
    for step in range(args.steps):
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step)
        x, y = get(train_data)
        loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        x, y = validation_windows(val)
        total = sum(float(model(x[i:i + 64], y[i:i + 64])) * len(x[i:i + 64]) for i in range(0, len(x), 64))
        estimate = sum(float(model(*get(val_data))) for _ in range(20)) / 20
    torch.save(model.state_dict(), os.path.join(args.out, "peer-gpt.pt"))
    return {"seconds": seconds, "tokens_per_s": args.steps * 12 * CONTEXT / seconds, "val_loss": total / len(x),
            "val_loss_estimate": estimate, "last_loss": float(loss), "parameters": sum(p.numel() for p in params)}


def peer_lstm_train():
    import torch
    from torch import nn
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)
    torch.manual_seed(1337)
    train, val, chars = shakespeare()
    vocab = len(chars)

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(vocab, 128)
            self.rnn = nn.LSTM(128, 256, num_layers=2, batch_first=True)
            self.decoder = nn.Linear(256, vocab)

        def forward(self, x, y):
            h, _ = self.rnn(self.embedding(x))
            return F.cross_entropy(self.decoder(h).view(-1, vocab), y.reshape(-1))

    model = CharLSTM()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    data = torch.tensor(train, dtype=torch.long)
    generator = torch.Generator().manual_seed(1337)
    start = time.perf_counter()
    for step in range(args.steps):
        ix = torch.randint(len(data) - CONTEXT, (32,), generator=generator)
        x = torch.stack([data[i:i + CONTEXT] for i in ix])
        y = torch.stack([data[i + 1:i + 1 + CONTEXT] for i in ix])
        loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        x, y = validation_windows(val)
        total = sum(float(model(x[i:i + 64], y[i:i + 64])) * len(x[i:i + 64]) for i in range(0, len(x), 64))
    return {"seconds": seconds, "tokens_per_s": args.steps * 32 * CONTEXT / seconds, "val_loss": total / len(x),
            "last_loss": float(loss), "parameters": sum(p.numel() for p in model.parameters())}


def peer_sample():
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(1337)
    _, _, chars = shakespeare()
    model = nanogpt(len(chars))
    trained = os.path.join(args.out, "peer-gpt.pt")
    if os.path.exists(trained):
        model.load_state_dict(torch.load(trained))
    model.eval()
    start_ids = torch.tensor([[chars.index("\n")]])
    out = {}
    for name, run in (("nocache", lambda: model.generate(start_ids, args.tokens)),
                      ("cached", lambda: model.generate_cached(start_ids, args.tokens))):
        run()   # warm-up
        rates = []
        for _ in range(5):
            begin = time.perf_counter()
            sample = run()
            rates.append(args.tokens / (time.perf_counter() - begin))
        out[name] = summary(rates)
        ids = sample[0].tolist() if hasattr(sample, "tolist") else sample
        out[name]["sample"] = "".join(chars[i] for i in ids)[:200]
    return out


if args.peer:
    set_threads(args.threads)
    result = {"gpt-train": peer_gpt_train, "lstm-train": peer_lstm_train, "sample": peer_sample}[args.peer]()
    print(json.dumps(result))
    sys.exit(0)


# ---- driver ----------------------------------------------------------------------------------------

def run_peer(task):
    command = [sys.executable, "-P", os.path.abspath(__file__), "--peer", task, "--threads", str(args.threads),
               "--data", args.data, "--out", args.out, "--steps", str(args.steps), "--tokens", str(args.tokens)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench generate: the peer for {task} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_ours(task, *extra):
    command = [args.binary, "generate", task, "--threads", str(args.threads), *extra]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench generate: nlp-bench generate {task} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


os.makedirs(args.out, exist_ok=True)
text_file = os.path.join(args.data, "tinyshakespeare", "input.txt")
gpt_folder, lstm_folder = os.path.join(args.out, "gpt-shakespeare"), os.path.join(args.out, "lstm-shakespeare")
tasks = args.only.split(",")
rows, notes = [], []


def row(name, unit, ours, peer, before, higher_is_better=True):
    o, p = (x["median"] if isinstance(x, dict) else x for x in (ours, peer))
    ratio = o / p if higher_is_better else p / o
    rows.append((name, unit, ours, peer, ratio, before))


if "gpt-train" in tasks:
    before = load()
    peer = run_peer("gpt-train")
    ours = run_ours("train-gpt", "--data", text_file, "--steps", str(args.steps), "--out", gpt_folder)
    row("GPT nanoGPT-CPU, 2,000 steps: wall time (lower is better)", "s", ours["seconds"], peer["seconds"], before, False)
    row("  same: training tokens/s", "tokens/s", ours["tokens_per_s"], peer["tokens_per_s"], before)
    row("  same: val loss, all 1,742 windows (lower is better)", "nats", ours["val_loss"], peer["val_loss"], before, False)
    notes.append(f"GPT: ours / peer wall time = {ours['seconds'] / peer['seconds']:.2f} (target <= 0.67); "
                 f"val loss ours {ours['val_loss']:.4f}, peer {peer['val_loss']:.4f} (target <= 1.88); "
                 f"nanoGPT-style 20-batch estimate ours {ours['val_loss_estimate']:.4f}, peer {peer['val_loss_estimate']:.4f}")
if "lstm-train" in tasks:
    before = load()
    peer = run_peer("lstm-train")
    ours = run_ours("train-lstm", "--data", text_file, "--steps", str(args.steps), "--out", lstm_folder)
    row("LSTM 2x256, 2,000 steps: wall time (lower is better)", "s", ours["seconds"], peer["seconds"], before, False)
    row("  same: val loss, all 1,742 windows (lower is better)", "nats", ours["val_loss"], peer["val_loss"], before, False)
if "sample" in tasks:
    before = load()
    peer = run_peer("sample")
    model = gpt_folder if os.path.exists(os.path.join(gpt_folder, "config.json")) else "untrained"
    ours = run_ours("sample", "--model", model, "--tokens", str(args.tokens))
    row(f"sample {args.tokens} tokens vs nanoGPT generate() (no cache)", "tokens/s", ours, peer["nocache"], before)
    row(f"sample {args.tokens} tokens vs PyTorch with a KV cache", "tokens/s", ours, peer["cached"], before)
    notes.append(f"sampling: ours / no-cache = {ours['median'] / peer['nocache']['median']:.1f}x (target >= 20), "
                 f"ours / KV cache = {ours['median'] / peer['cached']['median']:.2f}x (target >= 1.5)")
    notes.append(f"our sample: {ours.get('sample', '')[:160]!r}")
    notes.append(f"peer sample (no cache): {peer['nocache']['sample'][:160]!r}")


def cell(r):
    if isinstance(r, dict):
        return f"{r['median']:,.0f} [{r['min']:,.0f}-{r['max']:,.0f}]"
    return f"{r:,.4f}" if r < 10 else f"{r:,.1f}"


import torch  # noqa: E402  (only for the version in the title)
print(f"## generate ({args.threads} threads; ours = release build, peer = PyTorch {torch.__version__})")
print()
print("| what | unit | ours | peer | ours vs peer | load (1-min avg) |")
print("|---|---|---|---|---|---|")
for name, unit, ours, peer, ratio, before in rows:
    print(f"| {name} | {unit} | {cell(ours)} | {cell(peer)} | {ratio:.2f}x | {before:.1f} |")
print()
for note in notes:
    print("- " + note)
