#!/usr/bin/env python3
"""`make bench AREA=models`: NLPModels beside PyTorch / sentence-transformers, measured in the same run.

Three figures, 2 threads by default (--threads), each side in a fresh process with the thread
variables set before import:
  embed      all-MiniLM-L6-v2 sentence embeddings of 2,000 SST-2 sentences (all 872 dev, then the
             first 1,128 train), batch 32: sentence-transformers' encode() (its tokenizer
             included) vs `nlp-bench models embed` on the same sentences' token ids (made here
             by the model's own tokenizer.json, so the Swift side times the model alone), and
             `nlp embed` end to end on the text when the command has a tokenizer.
  gpt-step   nanoGPT's CPU configuration (4 layers, 4 heads, 128 wide, context 64, batch 12,
             vocabulary 65, no bias, no dropout) on tiny Shakespeare: forward + backward + AdamW
             (lr 1e-3, betas 0.9/0.99, weight decay 0.1 on matrices) + clipping at 1. The peer
             is nanoGPT's model code (model.py, with F.scaled_dot_product_attention).
  lstm-step  char LSTM LM, embedding 128, 2 x 256 LSTM, sequence 64, batch 32, Adam 2e-3.
Each side reports the median [min-max] over timed windows after warm-up; the ratio is ours / peer.
"""
import argparse
import json
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
parser.add_argument("--nlp", default=os.path.join(root, ".build", "release", "nlp"))
parser.add_argument("--model", default=os.path.join(root, "models", "all-MiniLM-L6-v2"))
parser.add_argument("--data", default=os.path.join(root, "..", "shared", "data"))
parser.add_argument("--only", default="embed,gpt-step,lstm-step")
parser.add_argument("--peer", help=argparse.SUPPRESS)        # internal: run one peer measurement
parser.add_argument("--work", help=argparse.SUPPRESS)
args = parser.parse_args()
sys.path.insert(0, os.path.join(here, "peers"))   # the shared PyTorch peers (-P leaves bench/ off the path)


def set_threads(n):
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS"):
        os.environ[var] = str(n)
    os.environ["HF_HUB_OFFLINE"] = "1"


def summary(values):
    values = sorted(values)
    n = len(values)
    median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    return {"median": median, "min": values[0], "max": values[-1], "runs": n}


def sentences():
    def texts(path, n):
        got = []
        for row in open(path, encoding="utf-8").read().split("\n")[1:]:
            if "\t" in row:
                got.append(row.rsplit("\t", 1)[0])
            if len(got) == n:
                break
        return got
    return texts(os.path.join(args.data, "sst2", "dev.tsv"), 872) + texts(os.path.join(args.data, "sst2", "train.tsv"), 1128)


def shakespeare():
    text = open(os.path.join(args.data, "tinyshakespeare", "input.txt"), encoding="utf-8").read()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    return [index[c] for c in text], len(chars)


# ---- peers (each in its own process) -------------------------------------------------------------

def peer_embed():
    import torch
    from sentence_transformers import SentenceTransformer
    torch.set_num_threads(args.threads)
    model = SentenceTransformer(args.model, device="cpu")
    texts = sentences()
    model.encode(texts[:64], batch_size=32)
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        model.encode(texts, batch_size=32)
        rates.append(len(texts) / (time.perf_counter() - start))
    return summary(rates)


def peer_steps(model, step, tokens_per_step, steps, windows=5, warmup=3):
    for _ in range(warmup):
        step()
    rates = []
    for _ in range(windows):
        start = time.perf_counter()
        for _ in range(steps):
            loss = step()
        rates.append(steps * tokens_per_step / (time.perf_counter() - start))
    out = summary(rates)
    out["last_loss"] = float(loss)
    out["parameters"] = sum(p.numel() for p in model.parameters())
    return out


def batches(data, batch, length, generator):
    import torch
    data = torch.tensor(data, dtype=torch.long)

    def get():
        ix = torch.randint(len(data) - length - 1, (batch,), generator=generator)
        x = torch.stack([data[i:i + length] for i in ix])
        y = torch.stack([data[i + 1:i + 1 + length] for i in ix])
        return x, y
    return get


def peer_gpt():
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(1337)
    import nanogpt   # bench/peers/nanogpt.py: nanoGPT's model.py, bias=False, dropout 0
    data, vocab = shakespeare()
    model = nanogpt.GPT(vocab)
    optimizer = model.optimizer(lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
    get = batches(data, 12, 64, torch.Generator().manual_seed(1337))

    def step():
        x, y = get()
        loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()
    return peer_steps(model, step, 12 * 64, steps=20)


def peer_lstm():
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(1337)
    data, vocab = shakespeare()

    from char_lstm import CharLSTM   # bench/peers/char_lstm.py
    model = CharLSTM(vocab)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    get = batches(data, 32, 64, torch.Generator().manual_seed(1337))

    def step():
        x, y = get()
        loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()
    return peer_steps(model, step, 32 * 64, steps=10)


if args.peer:
    set_threads(args.threads)
    result = {"embed": peer_embed, "gpt-step": peer_gpt, "lstm-step": peer_lstm}[args.peer]()
    print(json.dumps(result))
    sys.exit(0)


# ---- driver ----------------------------------------------------------------------------------------

def run_peer(task):
    env = dict(os.environ)
    command = [sys.executable, "-P", os.path.abspath(__file__), "--peer", task, "--threads", str(args.threads),
               "--model", args.model, "--data", args.data]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench models: the peer for {task} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_ours(task, *extra):
    command = [args.binary, "models", task, "--threads", str(args.threads), *extra]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench models: nlp-bench models {task} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def embed_end_to_end(text_file):
    """`nlp embed` on the text, wall time of the whole command (load, tokenize, embed, print)."""
    if not os.path.exists(args.nlp):
        return None
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        done = subprocess.run([args.nlp, "embed", "--model", args.model, "--threads", str(args.threads), text_file],
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(f"bench models: nlp embed unavailable ({done.stderr.strip()[:200]})\n")
            return None
        rates.append(2000 / (time.perf_counter() - start))
    return summary(rates)


def load():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


rows = []
tasks = args.only.split(",")
with tempfile.TemporaryDirectory() as work:
    if "embed" in tasks:
        from tokenizers import Tokenizer
        texts = sentences()
        tokenizer = Tokenizer.from_file(os.path.join(args.model, "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(256)
        ids_file, text_file = os.path.join(work, "ids.txt"), os.path.join(work, "text.txt")
        with open(ids_file, "w") as f:
            for e in tokenizer.encode_batch(texts):
                f.write(" ".join(map(str, e.ids)) + "\n")
        with open(text_file, "w", encoding="utf-8") as f:
            f.write("\n".join(texts) + "\n")
        before = load()
        peer = run_peer("embed")
        ours = run_ours("embed", "--model", args.model, "--ids", ids_file)
        rows.append(("MiniLM embed, 2,000 SST-2, batch 32 (model; peer incl. its tokenizer)", "sentences/s", ours, peer, before))
        end_to_end = embed_end_to_end(text_file)
        if end_to_end:
            rows.append(("  `nlp embed` end to end (process, load, tokenize, print)", "sentences/s", end_to_end, peer, load()))
    if "gpt-step" in tasks:
        before = load()
        peer = run_peer("gpt-step")
        ours = run_ours("gpt-step", "--data", os.path.join(args.data, "tinyshakespeare", "input.txt"))
        rows.append(("GPT nanoGPT-CPU step (fwd+bwd+AdamW)", "tokens/s", ours, peer, before))
    if "lstm-step" in tasks:
        before = load()
        peer = run_peer("lstm-step")
        ours = run_ours("lstm-step", "--data", os.path.join(args.data, "tinyshakespeare", "input.txt"))
        rows.append(("LSTM LM 2x256 step (fwd+bwd+Adam)", "tokens/s", ours, peer, before))


def cell(r):
    return f"{r['median']:,.0f} [{r['min']:,.0f}-{r['max']:,.0f}]"


print(f"## models ({args.threads} threads; ours = NLPModels release build, peer = PyTorch {__import__('torch').__version__})")
print()
print("| what | unit | ours median [min-max] | peer median [min-max] | ours / peer | load (1-min avg) |")
print("|---|---|---|---|---|---|")
for name, unit, ours, peer, before in rows:
    print(f"| {name} | {unit} | {cell(ours)} | {cell(peer)} | {ours['median'] / peer['median']:.2f}x | {before:.1f} |")
