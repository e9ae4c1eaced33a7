package dev.adjoint.processor.ir;

import java.util.List;

/** Expressions of the intermediate representation. Every node knows its type. */
public sealed interface Expr {
  Type type();

  /** A literal, kept in its Java spelling ({@code 3}, {@code 2.5}, {@code true}, {@code 7L}). */
  record Literal(String text, Type type) implements Expr {
    public static Literal of(double value) {
      return new Literal(value == Math.rint(value) && Math.abs(value) < 1e15
          ? String.valueOf((long) value) + ".0" : Double.toString(value), Type.DOUBLE);
    }

    public static Literal ofInt(int value) {
      return new Literal(Integer.toString(value), Type.INT);
    }

    /** Whether this literal is the number {@code value}. */
    public boolean is(double value) {
      try {
        return Double.parseDouble(text.replace("L", "").replace("l", "")) == value;
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }

  /** A local variable or parameter. */
  record Var(String name, Type type) implements Expr {}

  /** A static final field read, such as {@code Math.PI} or a constant array of the user's class. */
  record StaticField(String owner, String name, Type type) implements Expr {}

  /** {@code op operand}. */
  record Unary(UnaryOp op, Expr operand, Type type) implements Expr {}

  /** {@code left op right}. */
  record Binary(BinaryOp op, Expr left, Expr right, Type type) implements Expr {}

  /** A call; see {@link Callee}. */
  record Call(Callee callee, List<Expr> args, Type type) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** {@code array[index]}. */
  record Index(Expr array, Expr index, Type type) implements Expr {}

  /** {@code array.length}. */
  record Length(Expr array) implements Expr {
    @Override
    public Type type() {
      return Type.INT;
    }
  }

  /** {@code condition ? whenTrue : whenFalse}. */
  record Conditional(Expr condition, Expr whenTrue, Expr whenFalse, Type type) implements Expr {}

  /** {@code (type) operand} between numeric types. */
  record Cast(Type type, Expr operand) implements Expr {}

  /** {@code new double[d0]} or {@code new double[d0][d1]} (d1 may be absent: {@code new double[n][]}). */
  record NewArray(Type type, List<Expr> dimensions) implements Expr {
    public NewArray {
      dimensions = List.copyOf(dimensions);
    }
  }

  /** {@code new double[] {e0, e1, ...}}; for a matrix the elements are row initializers. */
  record ArrayInit(Type type, List<Expr> elements) implements Expr {
    public ArrayInit {
      elements = List.copyOf(elements);
    }
  }

  /**
   * A fresh copy of a rank-1 array: {@code array.clone()} when {@code to} is null, {@code Arrays.copyOf(array,
   * to)} when only {@code from} is null, else {@code Arrays.copyOfRange(array, from, to)} (elements past
   * {@code array.length} are zero or false).
   */
  record Clone(Expr array, Expr from, Expr to) implements Expr {
    public Clone {
      if (from != null && to == null) {
        throw new IllegalArgumentException("a range needs its end");
      }
    }

    /** {@code array.clone()}. */
    public Clone(Expr array) {
      this(array, null, null);
    }

    /** Whether this copies the whole array ({@code clone()}). */
    public boolean whole() {
      return to == null;
    }

    /** The first element copied: {@code from}, or the literal 0. */
    public Expr start() {
      return from != null ? from : Literal.ofInt(0);
    }

    /** The same copy of another array expression, with the range ends mapped by {@code f} too. */
    public Clone map(java.util.function.UnaryOperator<Expr> f) {
      return new Clone(f.apply(array), from == null ? null : f.apply(from), to == null ? null : f.apply(to));
    }

    @Override
    public Type type() {
      return array.type();
    }
  }

  /** Reads the next value back from a tape in the reverse sweep ({@code _doubles.pop()}). */
  record Pop(TapeKind tape, Type type) implements Expr {}

  /**
   * A call to another differentiated method through its augmented forward ({@code C.m$augment(args, tapes...)}),
   * which records the callee's end state onto the caller's tapes and returns the call's result; the reverse sweep
   * later runs the callee's reverse from it. For a costly tensor operation (a {@code Tensor} callee) the value
   * itself is kept: {@code (state = call)}, or {@code _refs.pushed(call)} inside loops, and the reverse sweep reads
   * it instead of computing it again.
   */
  record Recorded(Call call, Var state, boolean pushed) implements Expr {
    @Override
    public Type type() {
      return call.type();
    }
  }

  /**
   * A {@code ?:} whose branches call other differentiated methods, with the side taken recorded for the
   * reverse sweep: in {@code taken} ({@code (taken = c) ? a : b}) or, inside loops, on
   * {@link TapeKind#INTS} after the side's own records ({@code c ? _ints.pushed(1, a) : _ints.pushed(0, b)}).
   */
  record Decided(Conditional conditional, Var taken, boolean pushed) implements Expr {
    @Override
    public Type type() {
      return conditional.type();
    }
  }

  /** A record component accessor on a generated gradient record: {@code target.name()}. */
  record Component(Expr target, String name, Type type) implements Expr {}

  /** Unary operators. */
  enum UnaryOp {
    NEG("-"),
    NOT("!");

    public final String java;

    UnaryOp(String java) {
      this.java = java;
    }
  }

  /** Binary operators, with Java's precedence for printing. */
  enum BinaryOp {
    MUL("*", 12),
    DIV("/", 12),
    REM("%", 12),
    ADD("+", 11),
    SUB("-", 11),
    SHL("<<", 10),
    SHR(">>", 10),
    USHR(">>>", 10),
    LT("<", 9),
    LE("<=", 9),
    GT(">", 9),
    GE(">=", 9),
    EQ("==", 8),
    NE("!=", 8),
    BIT_AND("&", 7),
    XOR("^", 6),
    BIT_OR("|", 5),
    AND("&&", 4),
    OR("||", 3);

    public final String java;
    public final int precedence;

    BinaryOp(String java, int precedence) {
      this.java = java;
      this.precedence = precedence;
    }

    /** Whether the result is boolean. */
    public boolean comparison() {
      return precedence <= 9 && this != BIT_AND && this != XOR && this != BIT_OR
          || this == AND || this == OR;
    }
  }
}
