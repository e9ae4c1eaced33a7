#!/usr/bin/env python3
"""PyTorch eager peer of the JMH suite: the same functions on the same inputs, float64, CPU, one thread.

Each function is written the way a PyTorch user would write it (vectorized where that is natural). For every
workload it times the forward pass alone (under torch.no_grad()) and the gradient (forward + backward, leaf
grads reset to None first), and writes the medians in nanoseconds per call as JSON:

    python3 pytorch_bench.py OUT.json [--quick] [--only=Pointwise,Mlp,...] [--cpu]

Inputs are generated exactly as dev.adjoint.benchmarks.Inputs does (SplitMix64 + Box-Muller), so both sides
see the same numbers.
"""
import json
import math
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform(seed, n, lo=0.0, hi=1.0):
    with np.errstate(over="ignore"):
        state = np.uint64(seed) + (np.arange(1, n + 1, dtype=np.uint64) * GOLDEN)
        bits = _mix(state) >> np.uint64(11)
    return lo + (hi - lo) * (bits.astype(np.float64) * 2.0 ** -53)


def normal(seed, n, scale=1.0):
    u = uniform(seed, 2 * n)
    u1 = 1.0 - u[0::2]
    u2 = u[1::2]
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * math.pi * u2) * scale


def classes(seed, n, bound):
    return (uniform(seed, n) * bound).astype(np.int64)


def t(a, grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


# ---------------------------------------------------------------------------------------------
# Workloads: (name, leaves, forward(leaves) -> scalar or tensor, upstream or None)

DT, X0, V0 = 0.01, 1.0, 0.0
STRIKE, RATE, MATURITY = 100.0, 0.05, 1.0


def workloads():
    w = []

    a = t([2.0, 3.0], True)
    w.append(("SeedExample1", [a], lambda a: (3 * (a + 3) ** 2).mean(), None))

    x, y = t(0.7, True), t(-1.3, True)
    w.append(("SinXY", [x, y], lambda x, y: x * (-torch.sin(x * y) + y) * 4, None))

    logits = t(normal(3, 1000, 3.0), True)
    target = torch.tensor([7])
    w.append(("SoftmaxCrossEntropy", [logits], lambda l: F.cross_entropy(l.unsqueeze(0), target), None))

    for n in (10, 1000, 100000):
        xr = t(uniform(4, n, -1.5, 1.5), True)
        w.append((f"Rosenbrock n={n}", [xr],
                  lambda x: (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum(), None))

    def oscillator(k, c, steps=1000):
        xx = torch.tensor(X0)
        vv = torch.tensor(V0)
        loss = torch.tensor(0.0)
        for _ in range(steps):
            acc = -k * xx - c * vv
            xx = xx + DT * vv
            vv = vv + DT * acc
            loss = loss + xx * xx
        return loss * DT

    w.append(("DampedOscillator", [t(4.0, True), t(0.5, True)], oscillator, None))

    z = t(normal(6, 100000))

    def call(s0, sigma):
        st = s0 * torch.exp((RATE - 0.5 * sigma * sigma) * MATURITY + sigma * math.sqrt(MATURITY) * z)
        return math.exp(-RATE * MATURITY) * torch.clamp(st - STRIKE, min=0).mean()

    w.append(("EuropeanCall", [t(100.0, True), t(0.2, True)], call, None))

    n, d = 10000, 100
    X = t(normal(10, n * d).reshape(n, d))
    Y = t((uniform(11, n) >= 0.5).astype(np.float64))
    w.append(("LogisticRegression", [t(normal(12, d, 0.1), True), t(0.1, True)],
              lambda wt, b: F.binary_cross_entropy_with_logits(X @ wt + b, Y), None))

    batch, inp, hidden, out = 64, 784, 128, 10
    Xm = t(uniform(20, batch * inp).reshape(batch, inp))
    tm = torch.from_numpy(classes(25, batch, out))
    mlp_leaves = [t(normal(21, inp * hidden, 1 / math.sqrt(inp)).reshape(inp, hidden), True),
                  t(normal(22, hidden, 0.1), True),
                  t(normal(23, hidden * out, 1 / math.sqrt(hidden)).reshape(hidden, out), True),
                  t(normal(24, out, 0.1), True)]
    w.append(("Mlp", mlp_leaves,
              lambda w1, b1, w2, b2: F.cross_entropy(torch.tanh(Xm @ w1 + b1) @ w2 + b2, tm), None))

    # PointwiseBench: sum(sigmoid(tanh(x)*y + z)) over 10^6 elements
    npw = 1000000
    zp = t(normal(42, npw))
    w.append(("Pointwise", [t(normal(40, npw), True), t(normal(41, npw), True)],
              lambda x, y: torch.sigmoid(torch.tanh(x) * y + zp).sum(), None))

    N = 256
    A = t(normal(30, N * N).reshape(N, N), True)
    B = t(normal(31, N * N).reshape(N, N), True)
    G = t(normal(32, N * N).reshape(N, N))
    w.append(("Matmul", [A, B], lambda A, B: A @ B, G))
    return w


# --cpu: process CPU time (time.process_time) instead of wall-clock time, for a shared machine whose load
# inflates wall-clock times of both sides (CpuTimeCompare.java measures the JVM's process CPU time alike).
CLOCK = time.process_time if "--cpu" in sys.argv else time.perf_counter


def median_ns(fn, budget_s, repeats):
    """Median over `repeats` runs of the mean time per call, each run looping long enough to be timed."""
    fn()
    fn()
    loops = 1
    while True:
        t0 = CLOCK()
        for _ in range(loops):
            fn()
        elapsed = CLOCK() - t0
        if elapsed >= budget_s or loops >= 1 << 24:
            break
        loops = max(loops * 2, int(loops * budget_s / max(elapsed, 1e-9) * 1.1))
    samples = []
    for _ in range(repeats):
        t0 = CLOCK()
        for _ in range(loops):
            fn()
        samples.append((CLOCK() - t0) / loops * 1e9)
    return statistics.median(samples), samples


def blas_library():
    """The BLAS shared object this process really mapped (Debian's torch links libblas.so.3 through an
    alternative: the reference BLAS unless OpenBLAS is installed), after one matmul forced it in."""
    torch.ones(64, 64).matmul(torch.ones(64, 64))
    try:
        with open("/proc/self/maps") as fh:
            names = {line.split()[-1] for line in fh if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    real = sorted({__import__("os").path.realpath(n) for n in names})
    return ", ".join(real) if real else "none mapped"


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "pytorch.json"
    quick = "--quick" in sys.argv
    budget, repeats = (0.02, 3) if quick else (0.2, 7)
    only = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--only=")]
    only = set(only[0].split(",")) if only else None
    results = {}
    for name, leaves, f, upstream in workloads():
        if only is not None and name not in only:
            continue
        def forward():
            with torch.no_grad():
                return f(*leaves)

        def grad():
            for leaf in leaves:
                leaf.grad = None
            r = f(*leaves)
            if upstream is None:
                r.backward()
            else:
                r.backward(upstream)
            return leaves[0].grad

        fwd, fwd_samples = median_ns(forward, budget, repeats)
        grd, grd_samples = median_ns(grad, budget, repeats)
        grad()
        results[name] = {
            "forward_ns": fwd,
            "grad_ns": grd,
            "forward_samples_ns": fwd_samples,
            "grad_samples_ns": grd_samples,
            "value": float(forward().sum()),
            "grad_head": [float(v) for v in leaves[0].grad.reshape(-1)[:3]],
        }
        print(f"{name:24s} forward {fwd / 1e3:12.2f} us   grad {grd / 1e3:12.2f} us", file=sys.stderr)
    meta = {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "dtype": "float64",
        "blas": blas_library(),
        "clock": "process CPU time" if CLOCK is time.process_time else "wall clock",
    }
    if "openblas" not in meta["blas"].lower():
        print(f"warning: PyTorch runs on {meta['blas']}, not OpenBLAS: its matmul timings are not representative",
              file=sys.stderr)
    with open(out_path, "w") as fh:
        json.dump({"meta": meta, "results": results}, fh, indent=1)


if __name__ == "__main__":
    main()
