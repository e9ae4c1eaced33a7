#!/usr/bin/env bash
# One command for the whole benchmark suite (issue 4): builds the benchmarks module through the Adjoint
# processor, runs every JMH benchmark with the gc profiler, runs the PyTorch peer, times javac with and
# without the processor, and writes benchmarks/results/latest.md (raw JSON and logs in benchmarks/results/tmp/).
#
#   benchmarks/run.sh            # full run, about 15 minutes on 2 cores
#   QUICK=1 benchmarks/run.sh    # smoke run (seconds per benchmark, numbers meaningless)
#   JMH_FILTER='Rosenbrock' benchmarks/run.sh   # a subset (regex over benchmark names)
#   GRADBENCH_ONLY=1 JMH_OPTS='-f 1 -wi 3 -i 5' benchmarks/run.sh
#       only the GradBench evals (Gb*Bench), no PyTorch and no javac timing: writes
#       benchmarks/results/gradbench.md and the README's GradBench section (JMH_OPTS overrides the JMH options)
#   MODES_ONLY=1 JMH_OPTS='-f 1 -wi 3 -i 5' benchmarks/run.sh
#       only issue 13's benchmarks (JvpBench, HvpBench, TensorModesBench, kmeans dir, saddle, particle), no
#       PyTorch and no javac timing: writes benchmarks/results/modes.md and the README's modes section
#   TENSORS_ONLY=1 benchmarks/run.sh
#       only issue 11's tensor workloads (Pointwise, Matmul, Mlp, LogisticRegression and the *BlasBench variants)
#       and their PyTorch peers, no javac timing: writes benchmarks/results/tensors.md and the README's tensor
#       section
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
results=$here/results
raw=$results/tmp   # raw JSON and logs; ignored by git
mkdir -p "$raw"

log() { printf '\n== %s\n' "$*" >&2; }

# Replaces the text between README's <!-- NAME:start --> and <!-- NAME:end --> markers with a results file
# (without its "# ..." title), its "## " headings demoted to LEVEL; fails when the markers are missing.
update_readme_section() {
  "$python" - "$here/README.md" "$1" "$2" "$3" <<'PY'
import re, sys
readme, marker, latest, level = sys.argv[1:5]
text = open(readme, encoding="utf-8").read()
body = open(latest, encoding="utf-8").read().split("\n", 1)[1].strip()
body = re.sub(r"^## ", level + " ", body, flags=re.M)
pattern = r"(<!-- %s:start -->\n)(?:.*?\n)?(<!-- %s:end -->)" % (marker, marker)
new, n = re.subn(pattern, lambda m: m.group(1) + body + "\n" + m.group(2), text, count=1, flags=re.S)
if n != 1:
    sys.exit("run.sh: no <!-- %s:start/end --> markers in %s" % (marker, readme))
open(readme, "w", encoding="utf-8").write(new)
PY
}

log "build: mvn -q -pl benchmarks -am package -DskipTests"
(cd "$root" && mvn -q -pl benchmarks -am package -DskipTests)
jar=$here/target/benchmarks.jar

# Debian's python3-torch lives in /usr/lib/python3/dist-packages: use the system interpreter when there is one.
# It links the generic libblas.so.3, which is Debian's slow reference BLAS unless an optimized BLAS is
# installed: libopenblas0-serial (single-threaded, like the JMH side) takes over that alternative.
python=python3
[[ -x /usr/bin/python3 ]] && python=/usr/bin/python3
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
if [[ -n ${MODES_ONLY:-} ]]; then
  JMH_FILTER=${JMH_FILTER:-'\.(GbKmeans|GbSaddle|GbParticle|Jvp|Hvp|TensorModes)Bench\.'}
elif [[ -n ${GRADBENCH_ONLY:-} ]]; then
  JMH_FILTER=${JMH_FILTER:-'\.Gb[A-Za-z]+Bench\.'}
else
  if [[ -n ${TENSORS_ONLY:-} ]]; then
    JMH_FILTER=${JMH_FILTER:-'\.(Pointwise|Matmul|MatmulBlas|Mlp|MlpBlas|LogisticRegression|LogisticRegressionBlas)Bench\.'}
  fi
  if ! "$python" -c 'import torch' 2>/dev/null || ! dpkg -s libopenblas0-serial >/dev/null 2>&1; then
    log "installing python3-torch and libopenblas0-serial (apt-get)"
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y python3-torch libopenblas0-serial
    python=/usr/bin/python3
  fi
fi

if [[ -n ${QUICK:-} ]]; then
  jmh_opts=(-f 0 -wi 1 -w 100ms -i 1 -r 100ms)
  torch_opts=(--quick)
  export RUNS=1
else
  # One fork per benchmark, 5 x 1 s warm-up, 7 x 1 s measurement: 47 benchmarks in about 11 minutes.
  jmh_opts=(-f 1 -wi 5 -w 1s -i 7 -r 1s)
  torch_opts=()
fi
if [[ -n ${JMH_OPTS:-} ]]; then
  read -r -a jmh_opts <<< "$JMH_OPTS"
fi

log "JMH (${jmh_opts[*]} -prof gc)"
started=$(date -u +'%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# -Dadjoint.matmul=java: the runtime's own kernels everywhere except the *BlasBench variants, which install
# adjoint-blas's native backend themselves (the jar carries adjoint-blas, which discovery would otherwise pick).
java -Dadjoint.matmul=java -jar "$jar" "${jmh_opts[@]}" -jvmArgsAppend -Dadjoint.matmul=java -prof gc -rf json -rff "$raw/jmh.json" ${JMH_FILTER:+"$JMH_FILTER"} \
  | tee "$raw/jmh.log" | grep -E '^# Benchmark:|^Result|ns/op$' >&2 || { echo "JMH failed; see $raw/jmh.log" >&2; exit 1; }
grep -q 'ERROR\|Exception' "$raw/jmh.log" && { echo "JMH reported an error; see $raw/jmh.log" >&2; exit 1; }

torch_json=- compile_json=-
if [[ -z ${GRADBENCH_ONLY:-} && -z ${MODES_ONLY:-} ]]; then
  log "PyTorch eager ($python)"
  torch_json=$raw/pytorch.json compile_json=$raw/compile.json
  if [[ -n ${TENSORS_ONLY:-} ]]; then
    torch_opts+=(--only=Pointwise,Matmul,Mlp,LogisticRegression)
  fi
  "$python" "$here/pytorch_bench.py" "$torch_json" "${torch_opts[@]}"

  if [[ -z ${TENSORS_ONLY:-} ]]; then
    log "compile-time cost of the processor"
    "$here/compile_cost.sh" "$compile_json" >&2
  fi
fi

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "- Date: $started"
  echo "- Machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr)"
  echo "- JDK: $(java -version 2>&1 | head -1); $(java -version 2>&1 | sed -n 3p)"
  echo "- JMH $(unzip -p "$jar" META-INF/maven/org.openjdk.jmh/jmh-core/pom.properties 2>/dev/null | sed -n 's/^version=//p'): ${jmh_opts[*]} -prof gc"
  dirty=$(cd "$root" && git status --porcelain -- runtime processor 2>/dev/null | wc -l)
  echo "- Source: commit $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ $dirty -gt 0 ]] && echo ", with $dirty uncommitted change(s) in runtime/ and processor/ (built as found)")"
  echo "- Load average (1/5/15 min) before JMH: $load_before; after the run: $load_after"
  [[ -n ${QUICK:-} ]] && echo "- **QUICK smoke run: the numbers are not measurements.**"
  [[ -n ${RUN_NOTE:-} ]] && echo "- $RUN_NOTE"
  true
} > "$raw/machine.md"

if [[ -n ${MODES_ONLY:-} ]]; then
  "$python" "$here/report.py" "$raw/jmh.json" - - "$raw/machine.md" modes > "$results/modes.md"
  log "wrote $results/modes.md"
  if [[ -z ${QUICK:-} ]]; then
    # README carries the latest modes-only run between its modes markers.
    update_readme_section modes "$results/modes.md" "###"
    log "updated $here/README.md (modes section)"
  fi
  exit 0
fi

if [[ -n ${TENSORS_ONLY:-} ]]; then
  "$python" "$here/report.py" "$raw/jmh.json" "$torch_json" - "$raw/machine.md" tensors > "$results/tensors.md"
  log "wrote $results/tensors.md"
  if [[ -z ${QUICK:-} ]]; then
    # README carries the latest tensor-only run between its tensors markers.
    update_readme_section tensors "$results/tensors.md" "####"
    log "updated $here/README.md (tensor section)"
  fi
  exit 0
fi

if [[ -n ${GRADBENCH_ONLY:-} ]]; then
  "$python" "$here/report.py" "$raw/jmh.json" - - "$raw/machine.md" > "$results/gradbench.md"
  log "wrote $results/gradbench.md"
  if [[ -z ${QUICK:-} ]]; then
    # README carries the latest GradBench-only run between its gradbench markers.
    update_readme_section gradbench "$results/gradbench.md" "###"
    log "updated $here/README.md (GradBench section)"
  fi
  exit 0
fi

"$python" "$here/report.py" "$raw/jmh.json" "$torch_json" "$compile_json" "$raw/machine.md" \
  > "$results/latest.md"
log "wrote $results/latest.md"

if [[ -z ${QUICK:-} && -z ${JMH_FILTER:-} ]]; then
  # README carries the latest full table, between its markers.
  update_readme_section latest "$results/latest.md" "###"
  log "updated $here/README.md"
fi
