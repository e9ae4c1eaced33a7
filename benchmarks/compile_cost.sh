#!/usr/bin/env bash
# The processor's compile-time cost: plain javac over one generated source file of 50 @Differentiable methods,
# with the Adjoint processor on -processorpath and without it (-proc:none); median wall time of RUNS runs each.
# Also compiles the source together with the companion the processor wrote, without the processor, to split
# the overhead into "running the processor" and "compiling the code it generated".
# Usage: compile_cost.sh OUT.json   (after `mvn -pl benchmarks -am package`; RUNS defaults to 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${1:?usage: compile_cost.sh OUT.json}
runs=${RUNS:-5}
version=$(sed -n '/<artifactId>adjoint-parent<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p;}' "$root/pom.xml")
javapoet_version=$(sed -n 's:.*<javapoet.version>\(.*\)</javapoet.version>.*:\1:p' "$root/pom.xml")
runtime_jar=$root/runtime/target/adjoint-runtime-$version.jar
processor_jar=$root/processor/target/adjoint-processor-$version.jar
javapoet_jar=$HOME/.m2/repository/com/palantir/javapoet/javapoet/$javapoet_version/javapoet-$javapoet_version.jar
for jar in "$runtime_jar" "$processor_jar" "$javapoet_jar"; do
  [[ -f $jar ]] || { echo "compile_cost.sh: missing $jar (build first)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/gen/fifty"
src=$work/src/gen/fifty/Fifty.java

# 50 methods cycling through five shapes of code: straight-line Math, loop over an array, branches,
# a while loop with an overwritten scalar, and a local array written then reduced.
{
  echo "package gen.fifty;"
  echo "import dev.adjoint.Differentiable;"
  echo "public final class Fifty {"
  echo "  private Fifty() {}"
  echo "  static final double SCALE = 1.5;"
  for i in $(seq 0 49); do
    case $((i % 5)) in
      0) cat <<JAVA
  @Differentiable
  public static double f$i(double x, double y) {
    double a = Math.sin(x * y) + $i.0 * x;
    double b = Math.exp(-a * a) / (1 + y * y);
    return a * b + Math.sqrt(1 + x * x) * SCALE;
  }
JAVA
      ;;
      1) cat <<JAVA
  @Differentiable
  public static double f$i(double[] x) {
    double s = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = $i.0 - x[i];
      s += 100 * a * a + b * b;
    }
    return s;
  }
JAVA
      ;;
      2) cat <<JAVA
  @Differentiable
  public static double f$i(double x, double y, int mode) {
    double r;
    if (x > y) {
      r = x * x - $i.0 * y;
    } else if (mode == 2) {
      r = Math.log(1 + y * y) * x;
    } else {
      r = Math.max(x, y) * Math.tanh(x - y);
    }
    return r > 0 ? r : -r * 0.5;
  }
JAVA
      ;;
      3) cat <<JAVA
  @Differentiable
  public static double f$i(double k, double c, int steps) {
    double x = 1;
    double v = 0;
    int t = 0;
    while (t < steps) {
      double acc = -k * x - c * v;
      x = x + 0.01 * v;
      v = v + 0.01 * acc;
      t++;
    }
    return x * $i.0 + v;
  }
JAVA
      ;;
      4) cat <<JAVA
  @Differentiable
  public static double f$i(double[] w, double[] z) {
    double[] h = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      h[i] = Math.tanh(w[i] * z[i] + $i.0);
    }
    double s = 0;
    for (double v : h) {
      s += v * v;
    }
    return s / w.length;
  }
JAVA
      ;;
    esac
  done
  echo "}"
} > "$src"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

run_javac() {  # label, then javac arguments; appends "wall_ms cpu_ms" to $work/times.<label>
  local label=$1; shift
  rm -rf "$work/out" "$work/gen-src"; mkdir -p "$work/out" "$work/gen-src"
  local t0 t1 c0 c1
  c0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  t0=$(date +%s%N)
  ( exec javac "$@" ) >"$work/javac.log" 2>&1 || { echo "compile_cost.sh: javac failed ($label):" >&2; cat "$work/javac.log" >&2; exit 1; }
  t1=$(date +%s%N)
  c1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)  # children's user+sys, in clock ticks
  echo "$(( (t1 - t0) / 1000000 )) $(( (c1 - c0) * 1000 / $(getconf CLK_TCK) ))" >> "$work/times.$label"
}

# The companion, for the third variant: written once by a processor run.
rm -rf "$work/gen-src"; mkdir -p "$work/gen-src" "$work/out"
javac -processorpath "$processor_jar:$javapoet_jar" -cp "$runtime_jar" -d "$work/out" -s "$work/gen-src" "$src"
companion=$(find "$work/gen-src" -name 'FiftyGrad.java')
[[ -n $companion ]] || { echo "compile_cost.sh: the processor wrote no FiftyGrad.java" >&2; exit 1; }
cp "$companion" "$work/FiftyGrad.java"
generated_lines=$(wc -l < "$work/FiftyGrad.java")
source_lines=$(wc -l < "$src")

# Interleaved, so that load from other processes falls on the three variants alike.
for r in $(seq 1 "$runs"); do
  run_javac without -proc:none -cp "$runtime_jar" -d "$work/out" "$src"
  run_javac with -processorpath "$processor_jar:$javapoet_jar" -cp "$runtime_jar" -d "$work/out" -s "$work/gen-src" "$src"
  run_javac both -proc:none -cp "$runtime_jar" -d "$work/out" "$src" "$work/FiftyGrad.java"
done
wall() { cut -d' ' -f1 "$work/times.$1" | median; }
cpu() { cut -d' ' -f2 "$work/times.$1" | median; }
without=$(wall without); with=$(wall with); both=$(wall both)

cat > "$out" <<JSON
{"methods": 50, "runs": $runs, "source_lines": $source_lines, "generated_lines": $generated_lines,
 "javac_without_processor_ms": $without, "javac_with_processor_ms": $with,
 "javac_source_and_companion_without_processor_ms": $both,
 "cpu_without_processor_ms": $(cpu without), "cpu_with_processor_ms": $(cpu with),
 "cpu_source_and_companion_without_processor_ms": $(cpu both)}
JSON
cat "$out"
