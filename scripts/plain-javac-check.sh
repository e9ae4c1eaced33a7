#!/usr/bin/env bash
# A program outside the Maven build, compiled with plain `javac -processorpath` against the built jars,
# must get gradients that match central differences. Run after `mvn verify` (or `mvn package`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=0.1.0-SNAPSHOT
runtime="$root/runtime/target/adjoint-runtime-$version.jar"
processor="$root/processor/target/adjoint-processor-$version.jar"
javapoet=$(find "${MAVEN_REPO:-$HOME/.m2/repository}/com/palantir/javapoet/javapoet/0.22.0" -name 'javapoet-0.22.0.jar' | head -n 1)
for jar in "$runtime" "$processor" "$javapoet"; do
  [ -f "$jar" ] || { echo "missing $jar: run mvn verify first" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/outside" "$work/classes"
cat > "$work/src/outside/Model.java" <<'JAVA'
package outside;

import dev.adjoint.Differentiable;
import dev.adjoint.Gradcheck;

public final class Model {
  /** A damped pendulum integrated with explicit steps, with an early exit and a branch. */
  @Differentiable
  public static double pendulum(double[] p, int steps) {
    double theta = p[0];
    double omega = 0;
    double h = 0.01;
    double energy = 0;
    for (int k = 0; k < steps; k++) {
      double accel = -p[1] * Math.sin(theta) - p[2] * omega;
      omega += h * accel;
      theta += h * omega;
      if (Math.abs(theta) > 10) {
        break;
      }
      energy += omega > 0 ? omega * omega : 0.5 * omega * omega;
    }
    return energy + Math.cos(theta);
  }

  @Differentiable
  public static double[] pair(double[] v) {
    return new double[] {Math.hypot(v[0], v[1]), Math.atan2(v[1], v[0]) * v[2]};
  }

  public static void main(String[] args) {
    Gradcheck.gradcheck(p -> pendulum(p, 200), p -> ModelGrad.pendulumGradient(p, 200).p(), 0.8, 9.81, 0.3);
    Gradcheck.gradcheckVjp(Model::pair, (v, u) -> ModelGrad.pairVjp(v, u).v(), 0.6, -1.3, 2.0);
    System.out.println("plain javac: gradients match central differences");
  }
}
JAVA
javac -d "$work/classes" -cp "$runtime" -processorpath "$processor:$javapoet" "$work/src/outside/Model.java"
java -cp "$work/classes:$runtime" outside.Model
