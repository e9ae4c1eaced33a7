package dev.adjoint.processor.diagnostics;

import static dev.adjoint.processor.diagnostics.CatalogueDiagnosticsTest.row;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.refused;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.source;

/**
 * The cases of {@code docs/diagnostics.md}'s "Records and instance methods" table, one {@code row(...)} entry
 * per row (see {@link CatalogueDiagnosticsTest} for how to add one).
 */
final class CatalogueRecordCases {
  private CatalogueRecordCases() {}

  static void register() {
    row("an instance method in an enum or an interface",
        source("demo.E", """
            package demo;
            import dev.adjoint.Differentiable;
            enum E {
              A;
              @Differentiable double f(double x) { // ERROR
                return x * x;
              }
            }
            """, "an instance @Differentiable method must be in a class or a record, not in an enum: make it static"),
        source("demo.I", """
            package demo;
            import dev.adjoint.Differentiable;
            interface I {
              @Differentiable default double f(double x) { // ERROR
                return x * x;
              }
            }
            """, "an instance @Differentiable method must be in a class or a record, not in an interface"));
    row("an instance method of a generic class", source("demo.G", """
        package demo;
        import dev.adjoint.Differentiable;
        class G<T> {
          @Differentiable double f(double x) { // ERROR
            return x * x;
          }
        }
        """, "an instance @Differentiable method of a generic class is not supported: make it static"));
    row("a parameter named `self` of an instance method", refused("""
        @Differentiable double f(double x,
            double self) { // ERROR
          return x * self;
        }
        """, "a parameter of an instance @Differentiable method cannot be named 'self'"));
    row("a `Tensor` parameter of an instance method, or beside a record parameter",
        refused("""
            @Differentiable Tensor f(
                Tensor x) { // ERROR
              return x.mul(x).sum();
            }
            """, "Tensor parameters are not supported in an instance @Differentiable method yet"),
        refused("""
            record P(double a) {}
            @Differentiable static Tensor f(P p, Tensor x) { // ERROR
              return x.mul(p.a()).sum();
            }
            """, "Tensor parameters are not supported beside record parameters yet"));
    row("a `Tensor` result of an instance method, or beside a record parameter",
        refused("""
            double scale = 2;
            @Differentiable Tensor f(double x) { // ERROR
              return Tensor.full(new int[] {2}, x * scale).exp().sum();
            }
            """, "a Tensor result is not supported in an instance @Differentiable method yet"),
        source("demo.R", """
            package demo;
            import dev.adjoint.Differentiable;
            import dev.adjoint.Tensor;
            record R(double a) {
              @Differentiable Tensor f() { // ERROR
                return Tensor.full(new int[] {2}, a).exp().sum();
              }
            }
            """, "a Tensor result is not supported in an instance @Differentiable method yet"),
        refused("""
            record P(double a) {}
            @Differentiable static Tensor f(P p) { // ERROR
              return Tensor.full(new int[] {2}, p.a()).exp().sum();
            }
            """, "a Tensor result is not supported beside record parameters yet"));
    row("a record component of another type (`String`, an enum, `float`, `Tensor`, a class)", refused("""
        record P(double a, String name) {}
        @Differentiable static double f(
            P p) { // ERROR
          return p.a() * p.a();
        }
        """, "the record P has the component 'name' of type java.lang.String, which a @Differentiable method cannot"
        + " take yet"));
    row("a generic or recursive record",
        refused("""
            record Box<T>(double a, T t) {}
            @Differentiable static double f(
                Box<String> b) { // ERROR
              return b.a();
            }
            """, "the record Box is generic"),
        refused("""
            record Node(double a, Node next) {}
            @Differentiable static double f(
                Node n) { // ERROR
              return n.a();
            }
            """, "the record Node contains itself"));
    row("a record the companion cannot reach (`private`, or not `public` in another package)", refused("""
        private record P(double a) {}
        @Differentiable static double f(
            P p) { // ERROR
          return p.a() * p.a();
        }
        """, "the record P is not accessible from the companion (a class of package 'demo'), which takes and builds"
        + " it: make it package-private"));
    row("a field read of a record component with an accessor of its own", source("demo.R", """
        package demo;
        import dev.adjoint.Differentiable;
        record R(double a, double b) {
          public double b() { return 2 * b; }
          @Differentiable double f(double x) {
            return a * x + b * x; // ERROR
          }
        }
        """, "the record R declares its own accessor b(), which the companion reads for the component: read 'b()'"
        + " here instead of the field"));
    row("reading a private field of `this`", refused("""
        private final double w = 2;
        @Differentiable double f(double x) {
          return w * x; // ERROR
        }
        """, "the field 'w' is private: the companion FGrad reads the fields of 'this' when it is called, so make"
        + " 'w' package-private"));
    row("reading a field of `this` of another type", refused("""
        final String name = "n";
        @Differentiable double f(double x) {
          return name.length() * x; // ERROR
        }
        """, "the field 'name' has type java.lang.String, which a @Differentiable method cannot read"),
        refused("""
            record Label(double a, String text) {}
            final Label label = new Label(1, "n");
            @Differentiable double f(double x) {
              return label.a() * x; // ERROR
            }
            """, "the field 'label' cannot be read: the record Label has the component 'text' of type"
            + " java.lang.String"));
    row("a record or `this` as a value (not through an accessor, not as an argument)",
        refused("""
            record P(double a, double b) {}
            @Differentiable static double f(P p) {
              double[] v = p; // ERROR
              return v[0];
            }
            """, "'p' is a record: a @Differentiable method reads its components through their accessors (p.a())"),
        refused("""
            record Q(double a) {}
            record P(Q q, double b) {}
            @Differentiable static double f(P p) {
              return p.q() * 2; // ERROR
            }
            """, "'p.q()' is a record"));
    row("a record method that is neither an accessor nor `@Differentiable`", refused("""
        record P(double a, double b) {
          double norm() { return Math.sqrt(a * a + b * b); }
        }
        @Differentiable static double f(P p) {
          return p.norm(); // ERROR
        }
        """, "'P.norm' is not @Differentiable: a @Differentiable method calls a record's accessors, and other methods"
        + " of a record or object only when they are @Differentiable"));
    row("a record local without a value, or initialised with something else than `new P(...)`, a record value or a"
        + " call returning a record",
        refused("""
            record P(double a, double b) {}
            @Differentiable static double f(P p, boolean c) {
              P q = c ? p : p; // ERROR
              return q.a();
            }
            """, "a record local must be initialised with new P(...) or with a record value"),
        refused("""
            record P(double a, double b) {}
            @Differentiable static double f(P p) {
              P q; // ERROR
              q = p;
              return q.a();
            }
            """, "a record local needs an initializer"));
    row("reassigning a record local with a component that is not a `double`", refused("""
        record P(double a, double[] w) {}
        @Differentiable static double f(P p, double x) {
          P q = new P(x, p.w()); // ERROR
          q = p;
          return q.a();
        }
        """, "the record local 'q' is reassigned, and its record P has a component of type double[]: only records"
        + " of double components can be reassigned"));
    row("writing into an array a record local holds", refused("""
        record P(double a, double[] w) {}
        @Differentiable static double f(double x) {
          P q = new P(x, new double[] {x, 2 * x});
          q.w()[0] = 1; // ERROR
          return q.w()[0] * q.a();
        }
        """, "writing into an array a record holds is not supported (records are read-only in a @Differentiable"
        + " method)"));
    row("a new record whose class has a canonical or compact constructor of its own", refused("""
        record P(double a, double b) {
          P {
            a = Math.abs(a);
          }
        }
        @Differentiable static double f(double x) {
          P q = new P(x, x); // ERROR
          return q.a() * q.b();
        }
        """, "the record P has a canonical constructor of its own (or one Adjoint cannot see), which a"
        + " @Differentiable method would not run"));
    row("an `int[]` component of a new record that is not a parameter's", refused("""
        record P(double a, int[] k) {}
        @Differentiable static double f(double x) {
          P q = new P(x, new int[] {1}); // ERROR
          return q.a() * q.k()[0];
        }
        """, "an int[] component of a record local must be an int[] parameter or a component of a record parameter"));
    row("a record elsewhere (arrays of records, casts)", refused("""
        record P(double a, double b) {}
        @Differentiable static double f(P p) {
          P[] ps = {p}; // ERROR
          return ps[0].a();
        }
        """, "a record is supported here only as a local variable declared with its value"));
    row("creating a record", refused("""
        record P(double a, double b) {}
        @Differentiable static double g(P p) { return p.a() * p.b(); }
        @Differentiable static double f(double x) {
          return g(new P(x, x)); // ERROR
        }
        """, "a new record can only initialise a record local here (P q = new P(a, b);)"));
    row("a record result with a component that is not a `double` or `double[]`", refused("""
        record P(double a, int n) {}
        @Differentiable static P f(double x) { // ERROR
          return new P(x, 1);
        }
        """, "'f' returns the record P, whose component 'n' is int: a record result may hold only double and double[]"
        + " components"), refused("""
        record P(double a, double[][] m) {}
        @Differentiable static P f(double x) { // ERROR
          return new P(x, new double[][] {{x}});
        }
        """, "'f' returns the record P, whose component 'm' is double[][]: a record result may hold only double and"
        + " double[] components (and records of those); return a record without it, or return its rows as double[]"
        + " components"));
    row("a call that returns a record, not as a record local's value", refused("""
        record P(double a, double b) {}
        @Differentiable static P g(double x) { return new P(x, 2 * x); }
        @Differentiable static double f(double x) {
          return g(x).b(); // ERROR
        }
        """, "'g' returns the record P: declare a record local for its result (P r = g(x);) and read its components"
        + " from the local"));
    row("a record local given a call's record with an array component", refused("""
        record P(double a, double[] w) {}
        @Differentiable static P g(double x) { return new P(x, new double[] {x}); }
        @Differentiable static double f(double x) {
          P p = g(x); // ERROR
          return p.a();
        }
        """, "this call returns a P, which has the array component 'w': a @Differentiable method can take a record"
        + " result of double components only, for now"));
    row("a call that passes something other than a record parameter (or component) where a record is expected",
        refused("""
            record P(double a, double b) {}
            @Differentiable static double g(P p, P q) { return p.a() * q.b(); }
            @Differentiable static double f(P p, P q, boolean first) {
              return g(p, first ? p : q); // ERROR
            }
            """, "pass a record of type P here: a record parameter, a record local or a record component"));
    row("an overloaded method called with a record, or as an instance method", refused("""
        record P(double a, double b) {}
        @Differentiable static double g(P p, double x) { return p.a() * x; }
        static double g(P p, int k) { return k; }
        @Differentiable static double f(P p) {
          return g(p, 2.0); // ERROR
        }
        """, "'F.g' is overloaded, and Adjoint resolves calls that pass records or call instance methods by name and"
        + " arity"));
    row("an inherited instance method", source("demo.C", """
        package demo;
        import dev.adjoint.Differentiable;
        class B {
          @Differentiable double g(double x) { return x * x; }
        }
        class C extends B {
          @Differentiable double f(double x) {
            return g(x) * 2; // ERROR
          }
        }
        """, "'g' is inherited: a @Differentiable method calls instance methods declared in its own class"));
    row("`@DerivativeOf` of an instance method or one with record parameters", refused("""
        @Differentiable double f(double x) { // ERROR
          return Math.exp(x);
        }
        @dev.adjoint.DerivativeOf("f") static double df(double x, double upstream) { return upstream * Math.exp(x); }
        """, "@DerivativeOf is not supported for an instance method or one with record parameters yet"));
  }
}
