#!/usr/bin/env python3
"""`make bench AREA=generate`: causal language models and text generation beside PyTorch, same run.

Each side runs in a fresh process with its thread variables set before import; progress goes to
stderr. A side that runs past --timeout (420 s) or the whole bench's --budget (1,800 s) is stopped
and its row says so: on a shared machine PyTorch's 2-thread pool can slow down twentyfold (both
threads wait at every op for the one that lost its core), so treat a loaded run's figures as noise.
  gpt-train   tiny Shakespeare (90/10 split, 65 characters), nanoGPT's CPU configuration: 4 layers,
              4 heads, 128 wide, context 64, batch 12, no bias, dropout 0; --steps (2,000) steps of
              AdamW (lr 1e-3, betas 0.9/0.99, weight decay 0.1 on matrices), 100 warm-up steps,
              cosine decay to 1e-4, clipping at 1, at --threads (2). nanoGPT's eval cadence: every
              250 steps and after the last, the mean loss of 20 random batches of each split.
              Reported: wall time of the steps with those evaluations (nanoGPT's run as timed), the
              steps alone, and the validation loss over every non-overlapping 64-character window
              of the validation split (the same windows on both sides), and nanoGPT's 20-batch
              estimate (how its published 1.88 was measured) of the trained model on 240 window
              starts this driver picks for both sides, beside each side's own last estimate (each
              side's generator picks other windows). The peer is nanoGPT's model
              code (bench/peers/nanogpt.py) and training loop.
  lstm-train  the char LSTM LM: embedding 128, 2 x 256 LSTM, sequence 64, batch 32, Adam 2e-3,
              --lstm-steps (500: our LSTM step is several times PyTorch's cuDNN-free CPU step, and
              2,000 steps alone would take most of the bench's time budget) steps each side;
              validation loss over the same windows (state reset per window).
  sample      --tokens (500) new tokens after "\n", batch 1, temperature 1, from each side's trained
              GPT (an equal-shape random one if gpt-train did not run), at each of --sample-threads
              (1,2), both sides at the same count: nanoGPT's generate() (no cache: the whole window
              again for every token), PyTorch with a KV cache (torch.set_num_threads), and ours (the
              library's streaming TextGenerator, detokenization included; at 2 threads its token
              step splits every layer over two threads, at 1 it stays on one, which is what a busy
              machine should use). One warm-up run, then 5 timed runs each. When the
              64-position window is full, the cached samplers restart from the last 32 tokens
              (learned positions cannot slide under a cache): PyTorch's re-encodes them in one
              pass, ours swaps in a shadow cache fed alongside each step since position 33; nanoGPT's
              generate() slides its window by one token. A note splits our token's time into
              its parts (`nlp-bench generate sample-parts`).
Ours saves its trained models (config.json, model.safetensors, tokenizer.json) under --out, so
`nlp generate --model OUT/gpt-shakespeare --prompt ...` samples from them afterwards.
"""
import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2, help="threads for training")
parser.add_argument("--sample-threads", default="1,2", help="thread counts for sampling, comma-separated (both sides)")
parser.add_argument("--binary", default=os.path.join(root, ".build", "release", "nlp-bench"))
parser.add_argument("--data", default=os.path.join(root, "..", "shared", "data"))
parser.add_argument("--out", default=os.path.join(root, ".build", "bench-generate"))
parser.add_argument("--only", default="gpt-train,lstm-train,sample")
parser.add_argument("--steps", type=int, default=2000, help="GPT training steps")
parser.add_argument("--lstm-steps", type=int, default=500)
parser.add_argument("--eval-interval", type=int, default=250)
parser.add_argument("--eval-iters", type=int, default=20)
parser.add_argument("--tokens", type=int, default=500)
parser.add_argument("--seed", type=int, default=1337, help="seed of the training runs' initialization and batches (both sides)")
parser.add_argument("--timeout", type=float, default=420, help="seconds one side of one task may take")
parser.add_argument("--budget", type=float, default=1800, help="seconds the whole bench may take")
parser.add_argument("--peer", help=argparse.SUPPRESS)        # internal: run one peer measurement
args = parser.parse_args()
sample_threads = [int(n) for n in args.sample_threads.split(",")]
sys.path.insert(0, os.path.join(here, "peers"))   # the shared PyTorch peers (-P leaves bench/ off the path)

CONTEXT = 64


def set_threads(n):
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS"):
        os.environ[var] = str(n)


def progress(message):
    sys.stderr.write(f"bench generate: {message}\n")
    sys.stderr.flush()


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

def estimate_windows_file():
    """The 20 batches of 12 window starts in the validation split on which both sides report
    nanoGPT's 20-batch estimate of the trained model (the same batches, so the two estimates differ
    only by the models; each side's own generator would pick different windows)."""
    return os.path.join(args.out, "estimate-windows.txt")


def write_estimate_windows(val_count):
    import random
    pick = random.Random(7)
    with open(estimate_windows_file(), "w") as f:
        for _ in range(args.eval_iters):
            f.write(" ".join(str(pick.randrange(val_count - CONTEXT - 1)) for _ in range(12)) + "\n")


def shared_estimate(loss_of_batch, val):
    """nanoGPT's estimate (mean of the batch means) over the shared windows, `loss_of_batch(x, y)`
    taking lists of windows."""
    batches = [[int(v) for v in line.split()] for line in open(estimate_windows_file()) if line.strip()]
    total = 0.0
    for starts in batches:
        total += loss_of_batch([val[i:i + CONTEXT] for i in starts], [val[i + 1:i + 1 + CONTEXT] for i in starts])
    return total / len(batches)


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
    torch.manual_seed(args.seed)
    import nanogpt
    train, val, chars = shakespeare()
    model = nanogpt.GPT(len(chars))
    optimizer = model.optimizer(lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
    train_data = torch.tensor(train, dtype=torch.long)
    val_data = torch.tensor(val, dtype=torch.long)
    generator = torch.Generator().manual_seed(args.seed)
    eval_generator = torch.Generator().manual_seed(7)   # evaluations do not shift the training batches

    def get(data, generator=generator):
        ix = torch.randint(len(data) - CONTEXT, (12,), generator=generator)
        return (torch.stack([data[i:i + CONTEXT] for i in ix]), torch.stack([data[i + 1:i + 1 + CONTEXT] for i in ix]))

    @torch.no_grad()
    def estimate_loss():   # nanoGPT's estimate_loss, eval_iters batches of each split
        model.eval()
        out = [sum(float(model(*get(data, eval_generator))) for _ in range(args.eval_iters)) / args.eval_iters
               for data in (train_data, val_data)]
        model.train()
        return out

    def lr_at(step, warmup=100, total=args.steps, peak=1e-3, floor=1e-4):   # nanoGPT's get_lr
        if step < warmup:
            return peak * (step + 1) / (warmup + 1)
        ratio = (step - warmup) / (total - warmup)
        return floor + 0.5 * (1 + math.cos(math.pi * ratio)) * (peak - floor)

    evaluating = 0.0
    estimate = float("nan")
    start = time.perf_counter()
    for step in range(args.steps + 1):
        if step % args.eval_interval == 0 or step == args.steps:
            begin = time.perf_counter()
            train_loss, estimate = estimate_loss()
            evaluating += time.perf_counter() - begin
            progress(f"peer GPT step {step}: train loss {train_loss:.4f}, val loss {estimate:.4f} "
                     f"({time.perf_counter() - start:.0f} s)")
        if step == args.steps:
            break
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
        shared = shared_estimate(lambda xs, ys: float(model(torch.tensor(xs), torch.tensor(ys))), val)
    torch.save(model.state_dict(), os.path.join(args.out, "peer-gpt.pt"))
    return {"seconds": seconds, "train_seconds": seconds - evaluating,
            "tokens_per_s": args.steps * 12 * CONTEXT / (seconds - evaluating), "val_loss": total / len(x),
            "val_loss_estimate": estimate, "val_loss_shared_estimate": shared, "last_loss": loss.item(), "parameters": sum(p.numel() for p in model.parameters())}


def peer_lstm_train():
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train, val, chars = shakespeare()
    vocab = len(chars)

    from char_lstm import CharLSTM   # bench/peers/char_lstm.py
    model = CharLSTM(vocab)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    data = torch.tensor(train, dtype=torch.long)
    generator = torch.Generator().manual_seed(args.seed)
    start = time.perf_counter()
    for step in range(args.lstm_steps):
        if step % 100 == 0:
            progress(f"peer LSTM step {step} ({time.perf_counter() - start:.0f} s)")
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
    return {"seconds": seconds, "tokens_per_s": args.lstm_steps * 32 * CONTEXT / seconds, "val_loss": total / len(x),
            "last_loss": loss.item(), "parameters": sum(p.numel() for p in model.parameters())}


def peer_sample():
    import torch
    torch.set_num_threads(sample_threads[0])
    torch.manual_seed(args.seed)
    import nanogpt
    _, _, chars = shakespeare()
    model = nanogpt.GPT(len(chars))
    trained = os.path.join(args.out, "peer-gpt.pt")
    if os.path.exists(trained):
        model.load_state_dict(torch.load(trained))
    model.eval()
    start_ids = torch.tensor([[chars.index("\n")]])
    out = {"trained": os.path.exists(trained)}
    for name, run in (("nocache", lambda: model.generate(start_ids, args.tokens)),
                      ("cached", lambda: model.generate_cached(start_ids, args.tokens))):
        run()   # warm-up
        rates = []
        for _ in range(5):
            begin = time.perf_counter()
            sample = run()
            rates.append(args.tokens / (time.perf_counter() - begin))
        out[name] = summary(rates)
        progress(f"peer sampling, {name}: {out[name]['median']:,.0f} tokens/s")
        ids = sample[0].tolist() if hasattr(sample, "tolist") else sample
        out[name]["sample"] = "".join(chars[i] for i in ids)[:200]
    return out


if args.peer:
    set_threads(sample_threads[0] if args.peer == "sample" else args.threads)
    result = {"gpt-train": peer_gpt_train, "lstm-train": peer_lstm_train, "sample": peer_sample}[args.peer]()
    print(json.dumps(result))
    sys.exit(0)


# ---- driver ----------------------------------------------------------------------------------------

def run(label, command):
    """One side of one task in its own process (progress passes through to stderr): its JSON line,
    or None when it failed or ran out of time."""
    limit = min(args.timeout, args.budget - (time.perf_counter() - began))
    if limit <= 0:
        progress(f"{label}: skipped, the bench's --budget of {args.budget:.0f} s is spent")
        return None
    progress(f"{label} … (at most {limit:.0f} s)")
    begin = time.perf_counter()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        progress(f"{label}: stopped after {limit:.0f} s (--timeout / --budget)")
        return None
    if done.returncode != 0:
        progress(f"{label}: failed (exit {done.returncode})")
        return None
    progress(f"{label}: done in {time.perf_counter() - begin:.0f} s")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # The process's CPU time (all threads, start-up and final evaluation included): when the wall
    # times move with the host's load and this does not, the host was slow, not the code.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["process_cpu_seconds"] = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    return result


def run_peer(task, threads=None):
    label = f"PyTorch {task}" + (f" ({threads} thread{'s' if threads > 1 else ''})" if threads else "")
    return run(label, [sys.executable, "-P", os.path.abspath(__file__), "--peer", task,
                       "--threads", str(args.threads), "--sample-threads", str(threads or sample_threads[0]),
                       "--data", args.data, "--out", args.out, "--steps", str(args.steps),
                       "--lstm-steps", str(args.lstm_steps), "--eval-interval", str(args.eval_interval),
                       "--eval-iters", str(args.eval_iters), "--tokens", str(args.tokens), "--seed", str(args.seed)])


def run_ours(task, threads, *extra):
    return run(f"ours {task} ({threads} thread{'s' if threads > 1 else ''})",
               [args.binary, "generate", task, "--threads", str(threads), *extra])


def load():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def field(result, *keys):
    for key in keys:
        if result is None or key not in result:
            return None
        result = result[key]
    return result


if not os.path.exists(args.binary):
    sys.exit(f"bench generate: {args.binary} not found (run `make build` first)")
os.makedirs(args.out, exist_ok=True)
text_file = os.path.join(args.data, "tinyshakespeare", "input.txt")
gpt_folder, lstm_folder = os.path.join(args.out, "gpt-shakespeare"), os.path.join(args.out, "lstm-shakespeare")
tasks = args.only.split(",")
rows, notes = [], []
began = time.perf_counter()


def row(name, unit, ours, peer, before, higher_is_better=True):
    """A table row; `ours vs peer` is a speed-up (or, for a loss, peer / ours): > 1 favours ours."""
    o, p = (x["median"] if isinstance(x, dict) else x for x in (ours, peer))
    ratio = None if o is None or p is None else (o / p if higher_is_better else p / o)
    rows.append((name, unit, ours, peer, ratio, before))


def verdict(ok):
    return "n/a" if ok is None else ("met" if ok else "NOT met")


if "gpt-train" in tasks:
    # The sample task must not pick up an earlier run's models when a side fails or times out.
    for stale in (os.path.join(args.out, "peer-gpt.pt"), os.path.join(gpt_folder, "config.json")):
        if os.path.exists(stale):
            os.remove(stale)
    before = load()
    cadence = ("--eval-interval", str(args.eval_interval), "--eval-iters", str(args.eval_iters))
    os.makedirs(args.out, exist_ok=True)
    write_estimate_windows(len(shakespeare()[1]))
    peer = run_peer("gpt-train")
    ours = run_ours("train-gpt", args.threads, "--data", text_file, "--steps", str(args.steps), "--out", gpt_folder, "--seed", str(args.seed),
                    "--estimate-windows", estimate_windows_file(), *cadence)
    steps = f"{args.steps:,} steps"
    row(f"GPT nanoGPT-CPU, {steps} + nanoGPT's evals: wall time", "s", field(ours, "seconds"), field(peer, "seconds"), before, False)
    row("  same: the steps alone", "s", field(ours, "train_seconds"), field(peer, "train_seconds"), before, False)
    row("  same: process CPU time (both threads; start-up and final evaluation included)", "s",
        field(ours, "process_cpu_seconds"), field(peer, "process_cpu_seconds"), before, False)
    row("  same: training tokens/s (steps alone)", "tokens/s", field(ours, "tokens_per_s"), field(peer, "tokens_per_s"), before)
    row("  same: val loss, all 1,742 windows", "nats", field(ours, "val_loss"), field(peer, "val_loss"), before, False)
    row("  same: val loss, nanoGPT's 20-batch estimate, the same 240 windows both sides", "nats",
        field(ours, "val_loss_shared_estimate"), field(peer, "val_loss_shared_estimate"), before, False)
    row("  same: val loss, nanoGPT's 20-batch estimate, each side's own windows", "nats", field(ours, "val_loss_estimate"),
        field(peer, "val_loss_estimate"), before, False)
    if ours and peer:
        time_ratio = ours["seconds"] / peer["seconds"]
        notes.append(f"GPT: ours / PyTorch wall time = {time_ratio:.2f} (bar <= 0.67: {verdict(time_ratio <= 0.67)}); "
                     f"val loss over all windows ours {ours['val_loss']:.4f} (bar <= 1.88: {verdict(ours['val_loss'] <= 1.88)}), "
                     f"PyTorch {peer['val_loss']:.4f}; nanoGPT's 20-batch estimate (how its 1.88 was measured) on the "
                     f"same windows ours {ours['val_loss_shared_estimate']:.4f}, PyTorch {peer['val_loss_shared_estimate']:.4f}")
if "lstm-train" in tasks:
    before = load()
    peer = run_peer("lstm-train")
    ours = run_ours("train-lstm", args.threads, "--data", text_file, "--steps", str(args.lstm_steps), "--out", lstm_folder, "--seed", str(args.seed))
    row(f"LSTM 2x256, {args.lstm_steps:,} steps: wall time", "s", field(ours, "seconds"), field(peer, "seconds"), before, False)
    row("  same: process CPU time (both threads; start-up and final evaluation included)", "s",
        field(ours, "process_cpu_seconds"), field(peer, "process_cpu_seconds"), before, False)
    row("  same: val loss, all 1,742 windows", "nats", field(ours, "val_loss"), field(peer, "val_loss"), before, False)
if "sample" in tasks:
    trained = os.path.exists(os.path.join(gpt_folder, "config.json"))
    samples = None
    for threads in sample_threads:   # the same models at every thread count
        before = load()
        peer = run_peer("sample", threads)
        ours = run_ours("sample", threads, "--model", gpt_folder if trained else "untrained", "--tokens", str(args.tokens),
                        "--data", text_file)
        name = f"sample {args.tokens} tokens, {threads} thread{'s' if threads > 1 else ''}"
        row(f"{name}: ours (KV cache) vs nanoGPT generate() (no cache)", "tokens/s", ours, field(peer, "nocache"), before)
        row(f"{name}: ours (KV cache) vs PyTorch with a KV cache", "tokens/s", ours, field(peer, "cached"), before)
        if ours and peer:
            nocache, cached = ours["median"] / peer["nocache"]["median"], ours["median"] / peer["cached"]["median"]
            notes.append(f"sampling, {threads} thread{'s' if threads > 1 else ''}: ours / no cache = {nocache:.1f}x "
                         f"(bar >= 20: {verdict(nocache >= 20)}), ours / KV cache = {cached:.2f}x (bar >= 1.5: "
                         f"{verdict(cached >= 1.5)}); our token step on {ours.get('step_threads', 1)} thread(s), "
                         f"{ours.get('cpu_seconds_per_token', float('nan')) * 1e6:.0f} CPU us a token; models: "
                         f"ours {'trained' if trained else 'random'}, PyTorch's {'trained' if peer['trained'] else 'random'} "
                         f"(equal shapes; the speed does not depend on the weights)")
            samples = ours.get('sample', ''), peer['nocache']['sample']
        parts = run_ours("sample-parts", threads, "--model", gpt_folder if trained else "untrained", "--tokens", str(args.tokens),
                         "--data", text_file)
        if parts:
            notes.append(f"our sampled token, {threads} thread{'s' if threads > 1 else ''} (us, medians): whole "
                         f"{parts['total']:.1f} = token steps {parts['step']:.1f} (with the shadow cache's row from position 33) "
                         f"+ prompt feeds {parts['prefill']:.1f} + restarts {parts['restart']:.1f} "
                         f"({parts['restarts']} on {parts['restart_tokens'] // max(1, parts['restarts'])} positions, "
                         f"{parts['us_per_restart']:.0f} us each: cache swaps) + sampler {parts['sampler']:.2f} + text {parts['text']:.2f} "
                         f"+ rest {parts['rest']:.1f}")
    if samples:
        notes.append(f"our sample: {samples[0][:160]!r}")
        notes.append(f"PyTorch sample (no cache): {samples[1][:160]!r}")


def cell(r):
    if r is None:
        return "— (failed or timed out)"
    if isinstance(r, dict):
        return f"{r['median']:,.0f} [{r['min']:,.0f}-{r['max']:,.0f}]"
    return f"{r:,.4f}" if r < 10 else f"{r:,.1f}"


import torch  # noqa: E402  (only for the version in the title)
print(f"## generate (training {args.threads} threads, sampling at {args.sample_threads} threads; ours = release build, "
      f"peer = PyTorch {torch.__version__}; whole bench {time.perf_counter() - began:.0f} s)")
print()
print("| what | unit | ours | PyTorch | ours vs PyTorch (> 1 favours ours) | load (1-min avg) |")
print("|---|---|---|---|---|---|")
for name, unit, ours, peer, ratio, before in rows:
    print(f"| {name} | {unit} | {cell(ours)} | {cell(peer)} | {'—' if ratio is None else f'{ratio:.2f}x'} | {before:.1f} |")
print()
for note in notes:
    print("- " + note)
