#!/usr/bin/env python3
"""`make bench AREA=tensor`: NLPTensor beside PyTorch (CPU), measured in the same run.

Our side is `nlp-bench tensor --threads N` (JSON lines); the peer runs here with the same shapes,
the same timing scheme (3 warm-ups, 7 samples of >= 60 ms each, median [min-max] ms per call) and
the same thread count. The last column is CPU time per call (user + system, all threads; less
sensitive to other load than wall time, but it counts spin-waiting threads). Ratios are speed-ups: peer time / our time (> 1 means we are faster),
except the sgemm column, which is Tensor's share of raw cblas_sgemm's speed (their samples
alternate inside our process). The machine is shared and noisy: the two sides run alternately
`--rounds` times and each keeps its round with the lowest median; the range spans all rounds.
"""
import argparse
import json
import os
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--rounds", type=int, default=2,
                    help="ours and the peer run alternately this many times; each side keeps its best round")
parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "nlp-bench"))
args = parser.parse_args()
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import torch  # noqa: E402  (after the thread variables)
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))   # -P leaves bench/ off the path
import nanogpt  # noqa: E402  (bench/peers/nanogpt.py, the GPT peer shared with the models and generate benches)

torch.set_num_threads(args.threads)
torch.manual_seed(0)


def timed(body, samples=7):
    for _ in range(3):
        body()
    results = []
    cpu_start, total_calls = time.process_time(), 0
    for _ in range(samples):
        calls, start = 0, time.perf_counter()
        while True:
            body()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= 0.06:
                break
        results.append(elapsed * 1000 / calls)
        total_calls += calls
    cpu = (time.process_time() - cpu_start) * 1000 / total_calls
    results.sort()
    return results[len(results) // 2], results[0], results[-1], cpu


def peer():
    out = {}
    for m, k, n in [(256, 256, 256), (1024, 1024, 1024), (2048, 2048, 2048), (4096, 256, 1024)]:
        a, b = torch.randn(m, k), torch.randn(k, n)
        c = torch.empty(m, n)
        out[f"matmul {m}x{k}x{n}"] = timed(lambda: torch.mm(a, b, out=c))
    rows, width = 4096, 1024
    x = torch.randn(rows, width, requires_grad=True)
    g = torch.randn(rows, width)
    w = torch.randn(width, requires_grad=True)
    bias = torch.randn(width, requires_grad=True)
    targets = torch.randint(0, width, (rows,))
    ops = {
        "softmax": lambda: F.softmax(x, dim=-1),
        "layer norm": lambda: F.layer_norm(x, (width,), w, bias),
        "gelu": lambda: F.gelu(x),
        "cross entropy": lambda: F.cross_entropy(x, targets),
    }
    for name, op in ops.items():
        with torch.no_grad():
            out[f"{name} fwd [{rows}, {width}]"] = timed(op)

        def both(op=op):
            x.grad = w.grad = bias.grad = None
            y = op()
            if y.numel() == 1:
                y.backward()
            else:
                y.backward(g)
        out[f"{name} fwd+bwd [{rows}, {width}]"] = timed(both)

    model = torch.nn.Sequential(torch.nn.Linear(1024, 4096), torch.nn.GELU(), torch.nn.Linear(4096, 1024))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    xb = torch.randn(256, 1024)
    tb = torch.randint(0, 1024, (256,))

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xb), tb)
        loss.backward()
        optimizer.step()
    out["mlp step 1024-4096-1024 b256"] = timed(step)
    out["gpt step 4L 4H 128d ctx64 b12"] = gpt_step()
    return out


def gpt_step():
    """nanoGPT's model (bench/peers/nanogpt.py) in its CPU configuration: 4 layers, 4 heads,
    128 wide, context 64, batch 12, vocab 65, tied embeddings, no dropout, biases on; one AdamW
    training step."""
    B, T, V = 12, 64, 65
    model = nanogpt.GPT(V, context=T, bias=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    idx, targets = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))

    def step():
        optimizer.zero_grad(set_to_none=True)
        model(idx, targets).backward()
        optimizer.step()
    return timed(step)


def ours():
    if not os.path.exists(args.binary):
        sys.exit(f"bench: {args.binary} not found (run `make build` first)")
    proc = subprocess.run([args.binary, "tensor", "--threads", str(args.threads)], check=True,
                          capture_output=True, text=True)
    rows = {}
    for line in proc.stdout.splitlines():
        d = json.loads(line)
        rows[(d["case"], d["impl"])] = (d["median_ms"], d["min_ms"], d["max_ms"], d["cpu_ms"])
    return rows


def cell(t):
    return f"{t[0]:.3f} [{t[1]:.3f}–{t[2]:.3f}]"


def best(rounds):
    """Per case: the round with the lowest median, with min and max over every round."""
    out = {}
    for case in rounds[0]:
        times = [r[case] for r in rounds if case in r]
        out[case] = (min(t[0] for t in times), min(t[1] for t in times), max(t[2] for t in times), min(t[3] for t in times))
    return out


def main():
    loads = [os.getloadavg()[0]]
    mine_rounds, theirs_rounds = [], []
    for _ in range(args.rounds):
        mine_rounds.append(ours())
        theirs_rounds.append(peer())
        loads.append(os.getloadavg()[0])
    mine, theirs = best(mine_rounds), best(theirs_rounds)
    kernels = subprocess.run([args.binary, "tensor", "--case", "none", "--threads", str(args.threads)],
                             capture_output=True, text=True).stderr.strip()
    print(f"## tensor: NLPTensor vs PyTorch {torch.__version__} (CPU), {args.threads} threads, {args.rounds} rounds; "
          f"1-min load average {' → '.join(f'{l:.2f}' for l in loads)}")
    print(f"({kernels}; PyTorch BLAS: MKL)")
    print()
    print("| case | ours ms | raw sgemm ms | PyTorch ms | ours vs PyTorch | ours vs sgemm | CPU ms/call ours / PyTorch |")
    print("|---|---|---|---|---|---|---|")
    for case, peer_time in theirs.items():
        our_time = mine.get((case, "tensor"))
        raw = mine.get((case, "sgemm"))
        if our_time is None:
            print(f"| {case} | — | — | {cell(peer_time)} | — | — | |")
            continue
        versus_sgemm = f"{raw[0] / our_time[0]:.1%}" if raw else ""
        gflops = ""
        if case.startswith("matmul"):
            m, k, n = (int(v) for v in case.split()[1].split("x"))
            gflops = f" ({2 * m * k * n / our_time[0] / 1e6:.0f} GFLOP/s)"
        rate = ""
        if case.startswith("gpt"):
            rate = f" ({12 * 64 / our_time[0] * 1000:,.0f} tok/s)"
            peer_rate = f" ({12 * 64 / peer_time[0] * 1000:,.0f} tok/s)"
        else:
            peer_rate = ""
        print(f"| {case} | {cell(our_time)}{gflops}{rate} | {cell(raw) if raw else ''} | {cell(peer_time)}{peer_rate} | "
              f"{peer_time[0] / our_time[0]:.2f}× | {versus_sgemm} | {our_time[3]:.2f} / {peer_time[3]:.2f} |")


main()
