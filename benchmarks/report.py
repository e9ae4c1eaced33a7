#!/usr/bin/env python3
"""Turns JMH's JSON (-rf json), pytorch_bench.py's JSON and compile_cost.sh's JSON into results/latest.md.

    report.py JMH.json PYTORCH.json COMPILE.json MACHINE.txt > latest.md
    report.py JMH.json - - MACHINE.txt [modes] > gradbench.md (or modes.md: only issue 13's table)
    report.py JMH.json PYTORCH.json - MACHINE.txt tensors > tensors.md (only issue 11's tensor table)

Times are the median of JMH's measurement iterations (each an average over many calls) and the median of
PyTorch's timing repeats. Standard library only.
"""
import json
import re
import statistics
import sys

FUNCTIONS = [  # (JMH class prefix, n or None, label, number of inputs differentiated, kind)
    ("SeedExample1", None, "seed example 1, mean(3(a+3)^2), n=2", 2, "scalar"),
    ("SinXY", None, "x(-sin(xy)+y)*4", 2, "straight"),
    ("SoftmaxCrossEntropy", None, "softmax cross-entropy, 1,000 logits", 1000, "scalar"),
    ("Rosenbrock", "10", "Rosenbrock n=10", 10, "loop"),
    ("Rosenbrock", "1000", "Rosenbrock n=1,000", 1000, "loop"),
    ("Rosenbrock", "100000", "Rosenbrock n=100,000", 100000, "loop"),
    ("DampedOscillator", None, "Euler, 1,000 steps, 2 params", 2, "loop"),
    ("EuropeanCall", None, "MC European call, 100,000 paths (delta, vega)", 2, "loop"),
]
GRADBENCH = [  # (JMH class prefix, label, published ratios Tapenade / Enzyme / JAX / PyTorch as quoted in issue 10)
    ("GbGmm", "gmm d=10 k=25 n=1000", "2.48 / 12.79 / 4.11 / 4.91"),
    ("GbBa", "ba (ba1: 49 cameras, 7,776 points, 31,843 obs)", "13.67 / 9.07 / – / 5.95"),
    ("GbLstm", "lstm l=2 c=1024", "3.16 / 2.81 / – / 2.20"),
    ("GbOde", "ode n=1000 s=10", "–"),
    ("GbLse", "lse n=10^4", "– / 2.16 / 1.18 / 7.73"),
    ("GbLlsq", "llsq n=4096 m=128", "– / 1.44 / 1.15 / –"),
    ("GbDet", "det ell=9", "– / 29.0 / – / – (CoDiPack 3.2)"),
    ("GbKmeans", "kmeans k=100 n=1000 d=8 (gradient of the cost)", "–"),
]
TENSORS = [
    ("Pointwise", "element-wise chain over 10^6, sum(sigmoid(tanh(x)*y + z))"),
    ("LogisticRegression", "logistic regression 10,000x100"),
    ("Mlp", "MLP 64x784-128-10, tanh + CE"),
    ("Matmul", "256x256 matmul gradient"),
]


def _num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def load_jmh(path):
    table = {}
    for entry in json.load(open(path)):
        cls, method = entry["benchmark"].rsplit(".", 1)
        cls = cls.rsplit(".", 1)[1].replace("PeersBench", "").replace("Bench", "")
        n = (entry.get("params") or {}).get("n")
        pm = entry["primaryMetric"]
        iterations = [v for fork in pm["rawData"] for v in fork]
        scale = {"ns/op": 1.0, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}[pm["scoreUnit"]]
        alloc = None
        for key, metric in (entry.get("secondaryMetrics") or {}).items():
            if key.endswith("gc.alloc.rate.norm"):
                alloc = metric["score"]
        table[(cls, n, method)] = {
            "median": statistics.median(iterations) * scale,
            "error": _num(pm.get("scoreError")) * scale,
            "alloc": alloc,
        }
    return table


def fmt_time(ns):
    if ns is None:
        return "n/a"
    if ns < 1e3:
        return f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} µs"
    if ns < 1e9:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.2f} s"


def fmt_ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "n/a"
    r = a / b
    if r >= 100:
        return f"{r:,.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    return f"{r:.{digits}f}×"


def fmt_bytes(b):
    if b is None:
        return "n/a"
    if b < 0.5:
        return "0"
    if b < 10_000:
        return f"{b:,.0f} B"
    if b < 10_000_000:
        return f"{b / 1024:,.1f} KiB"
    return f"{b / 1048576:,.1f} MiB"


def get(jmh, cls, n, method, field="median"):
    row = jmh.get((cls, n, method))
    return None if row is None else row[field]


def blas_table(jmh, pt, w):
    """Runtime alone against runtime + adjoint-blas (native BLAS through netlib) and PyTorch, one run."""
    rows = [(cls, label) for cls, label in TENSORS if (cls + "Blas", None, "tensorGrad") in jmh]
    if not rows:
        return
    w("### Runtime alone and with `adjoint-blas` (native BLAS), against PyTorch")
    w("")
    w("*+blas* is the same benchmark class (`*BlasBench`) with the runtime's matrix products routed to the "
      "system BLAS through `adjoint-blas` (netlib JNI); PyTorch links the same `libblas.so.3`.")
    w("")
    w("| workload | Tensor grad | Tensor grad +blas | generated grad | generated grad +blas | PyTorch grad "
      "| Tensor +blas ÷ PyTorch | generated +blas ÷ PyTorch |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for cls, label in rows:
        grad = get(jmh, cls, None, "tensorGrad")
        gen = get(jmh, cls, None, "generatedGrad")
        bgrad = get(jmh, cls + "Blas", None, "tensorGrad")
        bgen = get(jmh, cls + "Blas", None, "generatedGrad")
        pg = pt.get(cls, {}).get("grad_ns")
        w(f"| {label} | {fmt_time(grad)} | {fmt_time(bgrad)} | {fmt_time(gen)} | {fmt_time(bgen)} "
          f"| {fmt_time(pg)} | {fmt_ratio(bgrad, pg)} | {fmt_ratio(bgen, pg)} |")
    w("")


def gradbench_table(jmh, w):
    """The GradBench evals (issue 10): gradient ÷ objective for Adjoint and the hand-written Java gradient."""
    w("## GradBench evals (issue 10)")
    w("")
    w("GradBench's evals (github.com/gradbench/gradbench; gmm, ba, lstm from ADBench) ported to Java "
      "(`GradBench.java`, one `Gb*Bench` class each), as a user writes them; *hand* is a hand-written Java "
      "gradient (`GradBenchHand*.java`). Every `@Setup` checks Adjoint against hand to 1e-9 and hand against "
      "central differences before measuring. *grad ÷ obj* = gradient time ÷ objective time (lower is better), the "
      "figure GradBench publishes. Published: GradBench's nightly results (https://gradben.ch) as quoted in "
      "issue 10, gradient ÷ objective of each tool (C/C++ tools against their own objective, JAX and PyTorch "
      "against theirs); ode and kmeans have no published figure in that quote.")
    w("")
    w("| eval | objective | Adjoint grad | Adjoint grad ÷ obj | hand grad | hand grad ÷ obj | Adjoint ÷ hand "
      "| published grad ÷ obj: Tapenade / Enzyme / JAX / PyTorch | alloc Adjoint | alloc hand |")
    w("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    rows = []
    for cls, label, published in GRADBENCH:
        fwd = get(jmh, cls, None, "forward")
        adj = get(jmh, cls, None, "adjoint")
        hand = get(jmh, cls, None, "hand")
        if fwd is None and adj is None and hand is None:
            continue
        w(f"| {label} | {fmt_time(fwd)} | {fmt_time(adj)} | {fmt_ratio(adj, fwd)} | {fmt_time(hand)} "
          f"| {fmt_ratio(hand, fwd)} | {fmt_ratio(adj, hand)} | {published} "
          f"| {fmt_bytes(get(jmh, cls, None, 'adjoint', 'alloc'))} | {fmt_bytes(get(jmh, cls, None, 'hand', 'alloc'))} |")
        numbers = [float(v) for v in re.findall(r"\d+(?:\.\d+)?", published)]
        best = min(numbers) if numbers else None
        if adj and hand:
            rows.append((label, adj / hand, (adj / fwd if fwd else None, best)))
    w("")
    if rows:
        over = [(l, r) for l, r, _ in rows if r > 1.5]
        w("Targets of issue 10, as measured in this run:")
        w("")
        w("- Adjoint gradient ≤ 1.5× the hand-written Java gradient → "
          + ("**met**" if not over else "**missed** on " + ", ".join(f"{l} ({r:.2f}×)" for l, r in over)) + ".")
        cmp = [(l, g, b) for l, _, (g, b) in rows if g is not None and b is not None]
        above = [(l, g, b) for l, g, b in cmp if g > b]
        w("- Adjoint gradient ÷ objective at or below the best published tool's ratio → "
          + ("**met**" if not above else "**missed** on " + ", ".join(
              f"{l} ({g:.2f} against {b:g})" for l, g, b in above))
          + (" (no published figure: " + ", ".join(l for l, _, (g, b) in rows if b is None) + ")"
             if any(b is None for _, _, (_, b) in rows) else "") + ".")
        w("")


# GradBench's published figures for the evals of issue 13, from its evals/<name>/summary.json (commit 0003df3):
# kmeans k=100 n=1000 d=8, dir time ÷ cost time per tool; saddle and particle, whole-eval time of variant rr.
KMEANS_DIR_PUBLISHED = "manual 1.41 / Enzyme 4.09 / JAX 2.33 / Futhark 2.51 / PyTorch 5.76 / CoDiPack 28.1"
SADDLE_RR_PUBLISHED = "Enzyme 1.81 ms / ad-hpp 3.37 ms / Futhark 4.05 ms / finite differences 25.6 ms"
PARTICLE_RR_PUBLISHED = "Futhark 4.71 ms / finite differences 8.00 ms / Enzyme 11.6 ms / ad-hpp 29.1 ms"


def modes_table(jmh, w):
    """Issue 13: forward mode and Hessian-vector products against their peers; GradBench's second-order and
    nested-gradient evals against hand-written Java and GradBench's published figures. Rows without data are left
    out (a run filtered to other benchmarks)."""
    rows = [
        ("`sinXY` directional derivative (`mJvp`)", "JvpBench", None, "sinXYJvpAdjoint", "sinXYJvpFiniteDifferences",
         "sinXYJvpHipparchus"),
        ("`spiral` Jacobian, 2 inputs × 100 outputs (`mJacobian`: 2 tangent sweeps)", "JvpBench", None,
         "spiralJacobianAdjoint", "spiralJacobianFiniteDifferences", "spiralJacobianHipparchus"),
        ("Rosenbrock n=1,000, H·v (`mHvp`; FD: two gradients)", "HvpBench", "1000", "rosenbrockHvpAdjoint",
         "rosenbrockHvpTwoGradients", None),
        ("Rosenbrock n=1,000, one gradient (for scale)", "HvpBench", "1000", "rosenbrockGradient", None, None),
        ("logistic loss 1,000 × 20, `Tensor` result: J·v (`mJvp`, double vjp; FD: two losses)", "TensorModesBench",
         None, "jvpAdjoint", "jvpFiniteDifferences", None),
        ("logistic loss 1,000 × 20, `Tensor` result: H·v (`mHvp`, double backward; FD: two gradients)",
         "TensorModesBench", None, "hvpAdjoint", "hvpTwoGradients", None),
        ("logistic loss 1,000 × 20, one gradient (for scale)", "TensorModesBench", None, "gradientOnce", None, None),
        ("logistic loss read into a `double` (`item()`): Hessian by the 20 weights (`mHessian`; FD: 40 gradients)",
         "TensorModesBench", None, "hessianAdjoint", "hessianGradientDifferences", None),
    ]
    present = [r for r in rows if get(jmh, r[1].replace("Bench", ""), r[2], r[3]) is not None]
    nested = [
        ("kmeans k=100 n=1000 d=8: `dir` = gradient ÷ Hessian diagonal (`kmeansGradient` + `kmeansHvp` with ones)",
         "GbKmeans", "forward", "dirAdjoint", "dirHand", "dir ÷ cost: " + KMEANS_DIR_PUBLISHED),
        ("saddle: one outer gradient through the inner solver (`saddleMaxGradient`)", "GbSaddle", "max", "maxGradient",
         None, "–"),
        ("saddle rr, whole eval (argmin of the max, then the argmax)", "GbSaddle", None, "adjoint", "hand",
         "time: " + SADDLE_RR_PUBLISHED),
        ("particle: one gradient of the trajectory (`particleEulerGradient`)", "GbParticle", "euler", "eulerGradient",
         "eulerHand", "–"),
        ("particle rr, whole eval (argmin over w)", "GbParticle", None, "adjoint", "hand",
         "time: " + PARTICLE_RR_PUBLISHED),
    ]
    nested_present = [r for r in nested if get(jmh, r[1], None, r[3]) is not None]
    if not present and not nested_present:
        return
    w("## Modes and nested gradients (issue 13)")
    w("")
    if present:
        w("Forward mode against Hipparchus' `DerivativeStructure` and central differences, and the Hessian-vector "
          "product against central differences of two gradients (`JvpBench`, `HvpBench`, and `TensorModesBench` for "
          "tensor methods, whose `mJvp` is a double vjp: a forward pass and about two reverse passes; each `@Setup` "
          "checks Adjoint against a hand-written derivative to 1e-9 and the peers against it). *÷ Adjoint* = peer "
          "time ÷ Adjoint time.")
        w("")
        w("| benchmark | Adjoint | central differences | ÷ Adjoint | Hipparchus | ÷ Adjoint | alloc Adjoint |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        for label, cls, n, adj, fd, hip in present:
            c = cls.replace("Bench", "")
            a = get(jmh, c, n, adj)
            f = get(jmh, c, n, fd) if fd else None
            h = get(jmh, c, n, hip) if hip else None
            w(f"| {label} | {fmt_time(a)} | {fmt_time(f) if fd else '–'} | {fmt_ratio(f, a) if fd else '–'} "
              f"| {fmt_time(h) if hip else '–'} | {fmt_ratio(h, a) if hip else '–'} "
              f"| {fmt_bytes(get(jmh, c, n, adj, 'alloc'))} |")
        w("")
    if nested_present:
        w("GradBench's kmeans `dir` (its J/H function) and its nested-gradient evals saddle and particle "
          "(`GradBenchNested.java`: each `@Differentiable` function calls another one's generated gradient; "
          "`GbSaddleBench`, `GbParticleBench`), variant rr, from GradBench's inputs (saddle start (1, 1), particle "
          "w = 0), with GradBench's gradient-descent solver ported to Java (`GradientDescent.java`). *hand* is "
          "hand-written Java (`GradBenchNestedHand.java`). Every `@Setup` checks Adjoint against hand to 1e-9, hand "
          "against central differences, and both whole evals against GradBench's expected outputs to 1e-9. "
          "*objective* is one evaluation of the function differentiated (kmeans' cost; saddle's inner max; "
          "particle's trajectory, whose force is itself a generated gradient). Published: GradBench's "
          "`evals/<name>/summary.json` (commit 0003df3), other machines and languages, so only the ratios compare.")
        w("")
        w("| eval | objective | Adjoint | Adjoint ÷ objective | hand | hand ÷ objective | Adjoint ÷ hand "
          "| published (GradBench) | alloc Adjoint | alloc hand |")
        w("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
        for label, cls, obj, adj, hand, published in nested_present:
            o = get(jmh, cls, None, obj) if obj else None
            a = get(jmh, cls, None, adj)
            h = get(jmh, cls, None, hand) if hand else None
            w(f"| {label} | {fmt_time(o) if obj else '–'} | {fmt_time(a)} | {fmt_ratio(a, o) if obj else '–'} "
              f"| {fmt_time(h) if hand else '–'} | {fmt_ratio(h, o) if obj and hand else '–'} "
              f"| {fmt_ratio(a, h) if hand else '–'} | {published} "
              f"| {fmt_bytes(get(jmh, cls, None, adj, 'alloc'))} "
              f"| {fmt_bytes(get(jmh, cls, None, hand, 'alloc')) if hand else '–'} |")
        w("")


def tensor_table(jmh, pt, w):
    """Issue 11's tensor workloads against PyTorch eager; returns (label, Java grad, PyTorch grad) per column."""
    w("## Tensor workloads (eager autograd, single-threaded)")
    w("")
    w("*Tensor* is the runtime's eager `dev.adjoint.Tensor` autograd running the method as written; "
      "*generated* is the same method compiled by the processor (`TensorFunctions`), i.e. one graph node "
      "whose pullback is the generated reverse pass, called the PyTorch way (`loss.backward()` into the "
      "leaves); *hand* is plain loops over `double[]`.")
    w("")
    w("| workload | Tensor fwd | Tensor grad | grad/fwd | generated grad | hand grad | PyTorch fwd "
      "| PyTorch grad | PyTorch grad/fwd | Tensor grad ÷ PyTorch | generated ÷ PyTorch | hand ÷ PyTorch "
      "| alloc Tensor grad | alloc generated |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    tensor_checks = []
    for cls, label in TENSORS:
        fwd = get(jmh, cls, None, "forward")
        grad = get(jmh, cls, None, "tensorGrad")
        gen = get(jmh, cls, None, "generatedGrad")
        hand = get(jmh, cls, None, "hand")
        p = pt.get(cls, {})
        pg = p.get("grad_ns")
        w(f"| {label} | {fmt_time(fwd)} | {fmt_time(grad)} | {fmt_ratio(grad, fwd)} | {fmt_time(gen)} "
          f"| {fmt_time(hand)} | {fmt_time(p.get('forward_ns'))} | {fmt_time(pg)} "
          f"| {fmt_ratio(pg, p.get('forward_ns'))} | {fmt_ratio(grad, pg)} | {fmt_ratio(gen, pg)} "
          f"| {fmt_ratio(hand, pg)} | {fmt_bytes(get(jmh, cls, None, 'tensorGrad', 'alloc'))} "
          f"| {fmt_bytes(get(jmh, cls, None, 'generatedGrad', 'alloc'))} |")
        tensor_checks.append((label + " (Tensor)", grad, pg))
        tensor_checks.append((label + " (generated)", gen, pg))
    w("")
    w("The ÷ PyTorch columns are Java time ÷ PyTorch time here (below 1: Java is faster); n/a "
      "where the workload has no such variant or peer.")
    w("")
    return tensor_checks


def tensor_targets(tensor_checks, w):
    """Issue 11's target line: at least PyTorch's speed on every tensor gradient measured."""
    t_miss = [(l, g / p) for l, g, p in tensor_checks if g and p and g > p]
    w("- Tensor workloads at least as fast as PyTorch eager → " + ("met" if not t_miss else "missed")
      + (": slower on " + ", ".join(f"{l} ({r:.2f}× PyTorch's time)" for l, r in t_miss) if t_miss else "") + ".")


def load_optional(path):
    """A peer's JSON, or None when that peer was not run (run.sh with GRADBENCH_ONLY=1 passes '-')."""
    if path == "-":
        return None
    return json.load(open(path))


def main():
    jmh = load_jmh(sys.argv[1])
    torch = load_optional(sys.argv[2])
    compile_cost = load_optional(sys.argv[3])
    machine = open(sys.argv[4]).read().strip()
    out = []
    w = out.append

    modes_only = len(sys.argv) > 5 and sys.argv[5] == "modes"
    if len(sys.argv) > 5 and sys.argv[5] == "tensors":
        pt = torch["results"]
        w("# Adjoint benchmarks: tensor workloads")
        w("")
        w(machine)
        w(f"- PyTorch {torch['meta']['torch']} (Debian python3-torch), Python {torch['meta']['python']}, "
          f"float64, CPU, torch.set_num_threads({torch['meta']['threads']}), "
          f"BLAS: {torch['meta'].get('blas', 'not recorded')}")
        w("")
        checks = tensor_table(jmh, pt, w)
        blas_table(jmh, pt, w)
        w("## Targets")
        w("")
        tensor_targets(checks, w)
        print("\n".join(out))
        return
    w("# Adjoint benchmarks: latest run" if torch is not None
      else "# Adjoint benchmarks: modes and nested gradients" if modes_only else "# Adjoint benchmarks: GradBench evals")
    w("")
    w(machine)
    if modes_only:
        w("")
        modes_table(jmh, w)
        print("\n".join(out))
        return
    if torch is None:
        w("")
        gradbench_table(jmh, w)
        modes_table(jmh, w)
        print("\n".join(out))
        return
    pt = torch["results"]
    w(f"- PyTorch {torch['meta']['torch']} (Debian python3-torch), Python {torch['meta']['python']}, "
      f"float64, CPU, torch.set_num_threads({torch['meta']['threads']}), "
      f"BLAS: {torch['meta'].get('blas', 'not recorded')}")
    w("")
    w("Times are medians (JMH: median of the measurement iterations' per-call averages; PyTorch: median of "
      "timing repeats). **Adjoint** is the generated `FunctionsGrad.mGradient(...)` (forward + reverse pass). "
      "Ratios: *grad/fwd* = Adjoint gradient ÷ forward pass alone; *vs hand* = Adjoint ÷ hand-written "
      "gradient (below 1 is faster); *Hipparchus*, *FD* and *PyTorch* columns = peer time ÷ Adjoint time "
      "(how many times faster Adjoint is). Allocation is JMH's `gc.alloc.rate.norm` per call; *gradient "
      "arrays* is what the returned gradient itself needs.")
    w("")
    w("## Scalar and loop code")
    w("")
    w("| function | forward | Adjoint grad | grad/fwd | hand grad | vs hand | Hipparchus fwd-mode | ÷Adjoint "
      "| central FD | ÷Adjoint | PyTorch grad | ÷Adjoint | alloc Adjoint | alloc hand | gradient arrays |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    grad_fwd = []
    checks = []
    for cls, n, label, inputs, kind in FUNCTIONS:
        fwd = get(jmh, cls, n, "forward")
        adj = get(jmh, cls, n, "adjoint")
        hand = get(jmh, cls, n, "hand")
        hip = get(jmh, cls, n, "hipparchus")
        fd = get(jmh, cls, n, "finiteDiff")
        key = f"{cls} n={n}" if n else cls
        ptg = pt.get(key, {}).get("grad_ns")
        arrays = {"SeedExample1": 16 + 8 * 2, "SoftmaxCrossEntropy": 16 + 8 * 1000,
                  "Rosenbrock": 16 + 8 * int(n or 0), "EuropeanCall": 0}.get(cls, 0)
        w(f"| {label} | {fmt_time(fwd)} | {fmt_time(adj)} | {fmt_ratio(adj, fwd)} | {fmt_time(hand)} "
          f"| {fmt_ratio(adj, hand)} | {fmt_time(hip)} | {fmt_ratio(hip, adj)} | {fmt_time(fd)} "
          f"| {fmt_ratio(fd, adj)} | {fmt_time(ptg)} | {fmt_ratio(ptg, adj)} "
          f"| {fmt_bytes(get(jmh, cls, n, 'adjoint', 'alloc'))} | {fmt_bytes(get(jmh, cls, n, 'hand', 'alloc'))} "
          f"| {fmt_bytes(arrays)} |")
        if fwd and adj:
            grad_fwd.append((adj / fwd, label))
        checks.append((label, inputs, kind, fwd, adj, hand, hip, ptg,
                       get(jmh, cls, n, "adjoint", "alloc"), arrays))
    w("")
    w("Hipparchus and finite differences at n = 100,000 were not run: both cost n forward passes' worth of work "
      "per gradient (forward mode carries n tangents through every operation, FD runs 2n forward passes), "
      "i.e. hours per call here. The normals of the Monte Carlo call and the data of the tensor workloads are "
      "`@NoGrad` parameters, as a user would mark them.")
    w("")
    tensor_checks = tensor_table(jmh, pt, w)
    blas_table(jmh, pt, w)
    gradbench_table(jmh, w)
    modes_table(jmh, w)
    w("## PyTorch forward passes (for reference)")
    w("")
    w("| function | PyTorch fwd (no_grad) | PyTorch grad | Java forward | PyTorch fwd ÷ Java fwd |")
    w("|---|---:|---:|---:|---:|")
    for cls, n, label, _, _ in FUNCTIONS:
        key = f"{cls} n={n}" if n else cls
        p = pt.get(key, {})
        jf = get(jmh, cls, n, "forward")
        w(f"| {label} | {fmt_time(p.get('forward_ns'))} | {fmt_time(p.get('grad_ns'))} | {fmt_time(jf)} "
          f"| {fmt_ratio(p.get('forward_ns'), jf)} |")
    w("")
    w("## Compile-time cost of the processor")
    w("")
    c = compile_cost
    w(f"`javac` over one file of {c['methods']} `@Differentiable` methods ({c['source_lines']} lines; the "
      f"processor writes a {c['generated_lines']}-line companion), median of {c['runs']} interleaved runs, "
      "each a fresh `javac` JVM (CPU = user + system time of the javac process, JIT threads included):")
    w("")
    w("| javac run | wall time | CPU time |")
    w("|---|---:|---:|")
    w(f"| source only, `-proc:none` | {c['javac_without_processor_ms']} ms | {c.get('cpu_without_processor_ms', 'n/a')} ms |")
    w(f"| source with the Adjoint processor (`-processorpath`) | {c['javac_with_processor_ms']} ms "
      f"| {c.get('cpu_with_processor_ms', 'n/a')} ms |")
    w(f"| source + the generated companion, `-proc:none` | {c['javac_source_and_companion_without_processor_ms']} ms "
      f"| {c.get('cpu_source_and_companion_without_processor_ms', 'n/a')} ms |")
    overhead = c["javac_with_processor_ms"] - c["javac_without_processor_ms"]
    own = c["javac_with_processor_ms"] - c["javac_source_and_companion_without_processor_ms"]
    w("")
    w(f"Wall-time overhead of turning the processor on: **{overhead} ms**: about {own} ms running the processor "
      f"itself (read, analyze, differentiate, emit, in a cold JVM) and {overhead - own} ms for javac compiling "
      f"the {c['generated_lines']} generated lines (the difference of the first and third rows).")
    w("")

    # ------------------------------------------------------------------------------------------
    w("## Targets of issue 4, as measured in this run")
    w("")
    ratios = sorted(r for r, _ in grad_fwd)
    med = statistics.median(ratios) if ratios else None
    worst = max(grad_fwd) if grad_fwd else None
    res = lambda ok: "**met**" if ok else "**missed**"
    if med is not None:
        w(f"- Gradient/forward median ≤ 3: median {med:.2f} → {res(med <= 3)}; none above 5: worst "
          f"{worst[0]:.2f} ({worst[1]}) → {res(worst[0] <= 5)}. Over 5: "
          + (", ".join(f"{l} ({r:.1f})" for r, l in sorted(grad_fwd, reverse=True) if r > 5) or "none") + ".")
    over = [(a / h, l) for l, _, _, _, a, h, *_ in checks if a and h and a / h > 1.25]
    w(f"- Adjoint ≤ 1.25× hand-written on every function → {res(not over)}"
      + (": over on " + ", ".join(f"{l} ({r:.2f}×)" for r, l in sorted(over, reverse=True)) if over else "") + ".")
    hip_rows = [(l, n_in, hip / adj) for l, n_in, _, _, adj, _, hip, *_ in checks if n_in >= 100 and hip and adj]
    hip_miss = [(l, n_in, r) for l, n_in, r in hip_rows if r < n_in / 5]
    w("- Faster than Hipparchus forward mode by ≥ n/5 at n ≥ 100: "
      + ", ".join(f"{l}: {r:,.0f}× (n/5 = {n_in // 5}, {'met' if r >= n_in / 5 else 'missed'})"
                  for l, n_in, r in hip_rows)
      + f" → {res(not hip_miss)} (n = 100,000 not run).")
    pt_rows = [(l, p / a, p / h if h else None) for l, _, _, _, a, h, _, p, *_ in checks if p and a]
    pt_miss = [(l, r, rh) for l, r, rh in pt_rows if r < 100]
    w("- ≥ 100× faster than PyTorch eager on scalar and loop code → "
      + res(not pt_miss) + (": below 100× on " + ", ".join(
          f"{l} ({r:.2g}×; the hand-written gradient: {rh:.2g}×)" for l, r, rh in pt_miss) if pt_miss else "")
      + ".")
    t_miss = [(l, g / p) for l, g, p in tensor_checks if g and p and g > p]
    w("- Tensor workloads at least as fast as PyTorch eager → " + res(not t_miss)
      + (": slower on " + ", ".join(f"{l} ({r:.2f}× PyTorch's time)" for l, r in t_miss) if t_miss else "") + ".")
    scalar_alloc = [(l, al) for l, n_in, kind, _, _, _, _, _, al, arrays in checks if kind == "straight" and al is not None]
    w("- No allocation per call on straight-line scalar code: "
      + ", ".join(f"{l}: {fmt_bytes(al)}/call" for l, al in scalar_alloc)
      + f" → {res(all(al < 1 for _, al in scalar_alloc))}.")
    arr_alloc = [(l, al, arrays) for l, n_in, kind, _, _, _, _, _, al, arrays in checks if kind != "straight" and al is not None]
    w("- Loop and array code allocates only the gradient arrays (Adjoint's allocation vs the gradient arrays'): "
      + ", ".join(f"{l}: {fmt_bytes(al)} vs {fmt_bytes(arrays)}" for l, al, arrays in arr_alloc)
      + f" → {res(all(al <= 1.1 * arrays + 64 for _, al, arrays in arr_alloc))}.")
    w(f"- Processor overhead < 1 s for the 50-method file: {overhead} ms → {res(overhead < 1000)}.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
