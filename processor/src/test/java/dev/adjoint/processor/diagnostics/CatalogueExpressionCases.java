package dev.adjoint.processor.diagnostics;

import static dev.adjoint.processor.diagnostics.CatalogueDiagnosticsTest.row;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.refused;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.sources;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.thrownBy;

import dev.adjoint.Tensor;
import dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.Reported;
import dev.adjoint.processor.testing.CompiledCompanion;

/**
 * The cases of {@code docs/diagnostics.md}'s "Expressions" and "Tensor methods" tables, one
 * {@code row(...)} entry per row (see {@link CatalogueDiagnosticsTest} for how to add one).
 */
final class CatalogueExpressionCases {
  private CatalogueExpressionCases() {}

  /** {@code members} wrapped into {@code demo.F} and compiled with the processor (must succeed). */
  static CompiledCompanion companion(String members) {
    return CompiledCompanion.compile("demo.F", DiagnosticsCatalogue.wrap(members));
  }

  static void register() {
    row("lambda", refused("""
        static double apply(double v, java.util.function.DoubleUnaryOperator op) { return op.applyAsDouble(v); }
        @Differentiable static double f(double x) {
          return apply(x, v -> v * 2); // ERROR
        }
        """, "lambdas are not supported in a @Differentiable method"));
    row("method reference", refused("""
        static double apply(double v, java.util.function.DoubleUnaryOperator op) { return op.applyAsDouble(v); }
        @Differentiable static double f(double x) {
          return apply(x, Math::sin); // ERROR
        }
        """, "method references are not supported in a @Differentiable method"));
    row("`new Object()`", refused("""
        @Differentiable static double f(double x) {
          double r = new java.util.Random(1).nextDouble(); // ERROR
          return x * r;
        }
        """, "creating objects is not supported in a @Differentiable method: only arrays (new double[n]) can be"
        + " created"));
    row("a value depending on the inputs passed to a `@NoGrad` parameter of a callee", refused("""
        @Differentiable static double g(double a, @NoGrad double b) {
          return a * b;
        }
        @Differentiable static double f(double x) {
          return g(x, x * 2); // ERROR
        }
        """, "this passes a value that depends on the differentiable inputs to a parameter of 'g' that is not"
        + " differentiated (@NoGrad), so its gradient would be lost"), refused("""
        static double h(double a, @NoGrad double b) {
          return a * b;
        }
        @Differentiable static double f(double x) {
          return h(x,
              x * 2); // ERROR
        }
        """, "this passes a value that depends on the differentiable inputs to a parameter of 'h' that is not"
        + " differentiated (@NoGrad), so its gradient would be lost"));
    row("`@Differentiable` callee compiled without the processor", sources(
        CatalogueDiagnosticsTest.classPathWithoutCompanion("""
            package demo;
            import dev.adjoint.Differentiable;
            public final class C {
              @Differentiable public static double m(double x) {
                return x * x;
              }
            }
            """),
        "'C.m' is @Differentiable but its companion demo.CGrad is not on the class path",
        "demo.F", """
            package demo;
            import dev.adjoint.Differentiable;
            final class F {
              @Differentiable static double f(double x) { // ERROR
                return C.m(x) + x;
              }
            }
            """));
    row("method call on a value", refused("""
        @Differentiable static double f(double[] x) {
          return x.length + (x.equals(x) ? x[0] : 0); // ERROR
        }
        """, "calling 'equals' on a value is not supported"));
    row("unsupported `Math` function", refused("""
        @Differentiable static double f(double x) {
          return Math.scalb(x, 2); // ERROR
        }
        """, "Math.scalb is not supported: the supported functions are"));
    row("reading a non-final or instance field", refused("""
        static double scale = 2;
        @Differentiable static double f(double x) {
          return x * scale; // ERROR
        }
        """, "'scale' is not a static final constant"));
    row("private non-constant static final", refused("""
        private static final double[] W = {1, 2};
        @Differentiable static double f(double x) {
          return x * W[0]; // ERROR
        }
        """, "the private constant 'W' is not a compile-time constant, so the companion cannot read it"));
    row("`float`",
        refused("""
            @Differentiable static double f(double x) {
              return x * 2.5f; // ERROR
            }
            """, "float is not supported: write a double literal (drop the 'f')"),
        refused("""
            @Differentiable static double f(double x) {
              float y = 2; // ERROR
              return x * y;
            }
            """, "float is not supported: use double"));
    row("`null`",
        refused("""
            @Differentiable static double f(double[] x) {
              double[] y = null; // ERROR
              return x[0];
            }
            """, "null is not supported in a @Differentiable method"));
    row("a `String` method other than `equals`, `length` and `isEmpty` (strings are inactive data)",
        refused("""
            @Differentiable static double f(double x, String s) {
              return x * s.charAt(0); // ERROR
            }
            """, "String.charAt is not supported in a @Differentiable method (a string there is data: equals, length,"
            + " isEmpty, ==, switch and printing)"));
    row("`++`/`--` or `=` inside an expression",
        refused("""
            @Differentiable static double f(double[] x) {
              int i = 0;
              return x[i++]; // ERROR
            }
            """, "++ and -- inside an expression are not supported: write them as their own statement"),
        refused("""
            @Differentiable static double f(double x) {
              double y;
              return (y = x) * 2; // ERROR
            }
            """, "an assignment inside an expression is not supported: write it as its own statement"));
    row("narrowing without a cast", refused("""
        @Differentiable static double f(double x) {
          int k = x * 2; // ERROR
          return k * x;
        }
        """, "expected int but this is double: a double is never rounded silently; cast it explicitly"));
    row("`?:` between arrays", refused("""
        @Differentiable static double f(double[] a, double[] b) {
          double[] c = a[0] > b[0] ? a : b; // ERROR
          return c[1];
        }
        """, "?: between arrays makes an alias: use if/else and write the elements"));
    row("casts other than between `int`, `long`, `double`",
        refused("""
            @Differentiable static Tensor f(Tensor x) {
              return (Tensor) x; // ERROR
            }
            """, "only casts between int, long and double are supported"),
        refused("""
            @Differentiable static double f(double x, int n) {
              int k = (short) n; // ERROR
              return k * x;
            }
            """, "type short is not supported: use double, int, long or boolean"));
    row("arrays of rank 3+, arrays of other elements than `double`, `int`, `boolean`",
        refused("""
            @Differentiable static double f(double x) {
              double[][] m = new double[2][2][2][0]; // ERROR
              return x;
            }
            """, "arrays of rank above 2 are not supported"),
        refused("""
            @Differentiable static double f(double x) {
              return x * new long[3].length; // ERROR
            }
            """, "only double, int and boolean arrays can be created"));
    row("indexing a call result", refused("""
        @Differentiable static double[] h(double[] v) {
          double[] out = v.clone();
          return out;
        }
        @Differentiable static double f(double[] x) {
          return h(x)[0]; // ERROR
        }
        """, "index a variable: assign the array to a local first"));
    row("an array argument that is not a variable", refused("""
        @Differentiable static double g(double[] v) {
          return v[0] * v[0];
        }
        @Differentiable static double f(double[] x) {
          return g(x.clone()); // ERROR
        }
        """, "pass an array argument through a local variable so that its gradient has somewhere to go"));
    row("`instanceof`", refused("""
        @Differentiable static double f(double[] a) {
          return a instanceof double[] ? a[0] : 0; // ERROR
        }
        """, "instanceof is not supported"));
    row("`?:` between two new arrays (`c ? a.clone() : b.clone()`)", refused("""
        @Differentiable static double f(double[] x, double[] y, boolean first) {
          double[] z = first ? x.clone() : y.clone(); // ERROR
          return z[0];
        }
        """, "?: between two new arrays is not supported: use if/else and assign the array in each branch"));
    row("a stream (`Arrays.stream`, `java.util.stream`)", refused("""
        @Differentiable static double f(double[] x) {
          return java.util.Arrays.stream(x).sum(); // ERROR
        }
        """, "streams are not supported in a @Differentiable method: write a for loop"));
    row("a JDK method with a differentiable argument", refused("""
        @Differentiable static double f(double x) {
          return x + Double.sum(x, 1.0); // ERROR
        }
        """, "'Double.sum' is a library method with no derivative in Adjoint, and this passes it a value that"
            + " depends on the differentiable inputs: compute the value with Math functions and loops in this method"));

    // ---------------------------------------------------------------- Tensor methods
    row("in-place operations, `backward`, `grad`, …", refused("""
        @Differentiable static Tensor f(Tensor x) {
          return x.addInPlace(x); // ERROR
        }
        """, "Tensor.addInPlace is not supported in a @Differentiable method; the supported operations are"));
    row("static functions other than `crossEntropy`, `zeros`, `ones`, `eye`, `cat`, `stack`, `where`, `zerosLike`, `onesLike`, `fullLike`, `full`", refused("""
        @Differentiable static Tensor f(Tensor x) {
          return x.mul(Tensor.randn(1, 2)); // ERROR
        }
        """, "Tensor.randn is not supported in a @Differentiable method"));
    row("a `Losses` function with a `Reduction`, class weights or probability targets", refused("""
        @Differentiable static Tensor f(Tensor x, Tensor t) {
          return dev.adjoint.Losses.mseLoss(x, t, dev.adjoint.Reduction.SUM); // ERROR
        }
        """, "Losses.mseLoss is not supported in a @Differentiable method with these arguments: the supported forms"
            + " are mseLoss, l1Loss, binaryCrossEntropy and binaryCrossEntropyWithLogits of (input, target) tensors"));
    row("an `AutogradFunction` created with arguments or a class body", refused("""
        static final class Scale extends dev.adjoint.AutogradFunction {
          final double k;
          Scale(double k) { this.k = k; }
          @Override protected Tensor forward(Context ctx, Tensor... in) {
            return in[0].mul(k);
          }
          @Override protected Tensor[] backward(Context ctx, Tensor g) {
            return new Tensor[] {g.mul(k)};
          }
        }
        @Differentiable static Tensor f(Tensor x) {
          return new Scale(2.0).apply(x).sum(); // ERROR
        }
        """, "'Scale' is an AutogradFunction created here with arguments or a class body: a @Differentiable method"
            + " may apply new Scale() or a static final field holding the function"));
    row("an `AutogradFunction` in a field that is not `static final`", refused("""
        static final class Square extends dev.adjoint.AutogradFunction {
          @Override protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return in[0].square();
          }
          @Override protected Tensor[] backward(Context ctx, Tensor g) {
            return new Tensor[] {g.mul(ctx.savedTensors()[0].mul(2.0))};
          }
        }
        static Square square = new Square();
        @Differentiable static Tensor f(Tensor x) {
          return (square).apply(x.exp()); // ERROR
        }
        """, "'square' holds an AutogradFunction but is not static final"));
    row("a call other than `apply` on an `AutogradFunction`", refused("""
        static final class Square extends dev.adjoint.AutogradFunction {
          @Override protected Tensor forward(Context ctx, Tensor... in) {
            return in[0].square();
          }
          @Override protected Tensor[] backward(Context ctx, Tensor g) {
            return null;
          }
        }
        static final Square SQUARE = new Square();
        @Differentiable static Tensor f(Tensor x) {
          double h = SQUARE.hashCode(); // ERROR
          return x.mul(h);
        }
        """, "'Square' is an AutogradFunction: a @Differentiable method may call only its apply(...), not"
            + " hashCode(...)"));
    row("a `static final` Tensor that requires grad, read by a generated node (found when called)", new Reported(
        () -> thrownBy(() -> companion("""
            static final Tensor W = Tensor.of(1.0, 2.0).requiresGrad();
            @Differentiable public static Tensor f(Tensor x) {
              return x.mul(W).sum();
            }
            """).callStatic("demo.FGrad", "f", Tensor.of(3.0, 4.0).requiresGrad())),
        "IllegalStateException: demo.F.f reads the static final tensor demo.F.W, which requires grad"));
    row("a second derivative (`Autograd.grad` with `createGraph`, `Autograd.hessian`) through the node of a `Tensor`"
        + " method that reads a tensor into a `double` (`item()`) or passes tensors to a method without `mHvp`"
        + " (found when differentiated)", new Reported(() -> {
          CompiledCompanion c = companion("""
              @Differentiable public static Tensor f(Tensor x) {
                return x.mul(x.sum().item()).sum();
              }
              """);
          return thrownBy(() -> dev.adjoint.Autograd.hessian(t -> (Tensor) c.callStatic("demo.FGrad", "f", t),
              Tensor.of(1.0, 2.0)));
        }, "UnsupportedOperationException: a second derivative through demo.F.f (node FBackward) is not supported:"
            + " it reads a tensor into a double, where the eager graph ends"));
  }
}
