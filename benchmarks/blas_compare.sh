#!/usr/bin/env bash
# Issue 11: PyTorch on OpenBLAS, the runtime alone and the runtime with adjoint-blas, side by side in one run:
# the 256² matmul gradient, the 64x784-128-10 MLP gradient and the 10,000x100 logistic regression gradient
# (MatmulBench/MlpBench/LogisticRegressionBench and their *BlasBench variants, pytorch_bench.py for PyTorch).
# Prints a markdown table; raw JSON in benchmarks/results/tmp/.
#
#   benchmarks/blas_compare.sh                         # -f 1 -wi 3 -i 5, about 3 minutes
#   JMH_OPTS='-f 2 -wi 5 -i 7' benchmarks/blas_compare.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
raw=$here/results/tmp
mkdir -p "$raw"
python=python3
[[ -x /usr/bin/python3 ]] && python=/usr/bin/python3
if ! "$python" -c 'import torch' 2>/dev/null || ! dpkg -s libopenblas0-serial >/dev/null 2>&1; then
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y python3-torch libopenblas0-serial
  python=/usr/bin/python3
fi
(cd "$root" && mvn -q -B -ntp -pl benchmarks -am package -DskipTests)
read -r -a jmh_opts <<< "${JMH_OPTS:--f 1 -wi 3 -w 1s -i 5 -r 1s}"
java -Dadjoint.matmul=java -jar "$here/target/benchmarks.jar" "${jmh_opts[@]}" -jvmArgsAppend -Dadjoint.matmul=java \
  -rf json -rff "$raw/blas_jmh.json" '\.(Matmul|Mlp|LogisticRegression)(Blas)?Bench\.(tensorGrad|generatedGrad)$' > "$raw/blas_jmh.log"
"$python" "$here/pytorch_bench.py" "$raw/blas_pytorch.json"
echo "- $(date -u +'%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), JMH ${jmh_opts[*]}"
"$python" - "$here" "$raw/blas_jmh.json" "$raw/blas_pytorch.json" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import report
torch = json.load(open(sys.argv[3]))
print(f"- PyTorch {torch['meta']['torch']}, {torch['meta']['threads']} thread(s), BLAS: {torch['meta']['blas']}")
print()
out = []
report.blas_table(report.load_jmh(sys.argv[2]), torch["results"], out.append)
print("\n".join(out))
PY
