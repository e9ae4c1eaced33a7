package dev.adjoint.processor.ir;

/** The types the intermediate representation knows: the supported Java subset plus generated helpers. */
public sealed interface Type permits Type.Scalar, Type.DoubleArray, Type.IntArray, Type.TensorType, Type.Named,
    Type.EnumType {
  /** Java source spelling of the type. */
  String java();

  /** Whether values of this type carry derivatives. */
  default boolean differentiable() {
    return false;
  }

  /** Scalars of the subset. Only {@code double} is differentiated. */
  enum Scalar implements Type {
    DOUBLE("double"),
    INT("int"),
    LONG("long"),
    BOOLEAN("boolean");

    private final String java;

    Scalar(String java) {
      this.java = java;
    }

    @Override
    public String java() {
      return java;
    }

    @Override
    public boolean differentiable() {
      return this == DOUBLE;
    }

    /** Whether this is a numeric type ({@code int}, {@code long} or {@code double}). */
    public boolean numeric() {
      return this != BOOLEAN;
    }
  }

  /** {@code double[]} (rank 1) or {@code double[][]} (rank 2). */
  record DoubleArray(int rank) implements Type {
    public DoubleArray {
      if (rank < 1 || rank > 2) {
        throw new IllegalArgumentException("rank " + rank);
      }
    }

    @Override
    public String java() {
      return rank == 1 ? "double[]" : "double[][]";
    }

    @Override
    public boolean differentiable() {
      return true;
    }

    /** The type of {@code a[i]}. */
    public Type element() {
      return rank == 1 ? Scalar.DOUBLE : VECTOR;
    }
  }

  /**
   * {@code int[]} or {@code boolean[]} (by {@code element}): index data and flags, never differentiated.
   * Parameters are read-only; locals are written freely.
   */
  record IntArray(Scalar element) implements Type {
    public IntArray {
      if (element != Scalar.INT && element != Scalar.BOOLEAN) {
        throw new IllegalArgumentException("element " + element);
      }
    }

    /** {@code int[]}. */
    public IntArray() {
      this(Scalar.INT);
    }

    @Override
    public String java() {
      return element.java() + "[]";
    }
  }

  /** {@code dev.adjoint.Tensor}: an immutable differentiable tensor value. */
  record TensorType() implements Type {
    /** The runtime class. */
    public static final String CLASS = "dev.adjoint.Tensor";

    @Override
    public String java() {
      return CLASS;
    }

    @Override
    public boolean differentiable() {
      return true;
    }
  }

  /** A generated or runtime class, named by its canonical name (tapes, gradient records). */
  record Named(String canonicalName) implements Type {
    @Override
    public String java() {
      return canonicalName;
    }
  }

  /**
   * A user enum ({@code packageName} empty for the unnamed package, {@code simpleNames} the dotted chain of
   * simple names from the top-level class): an inactive, opaque value, compared with {@code ==} and switched on.
   */
  record EnumType(String packageName, String simpleNames) implements Type {
    @Override
    public String java() {
      return packageName.isEmpty() ? simpleNames : packageName + "." + simpleNames;
    }
  }

  Scalar DOUBLE = Scalar.DOUBLE;
  Scalar INT = Scalar.INT;
  Scalar LONG = Scalar.LONG;
  Scalar BOOLEAN = Scalar.BOOLEAN;
  DoubleArray VECTOR = new DoubleArray(1);
  DoubleArray MATRIX = new DoubleArray(2);
  IntArray INT_VECTOR = new IntArray(Scalar.INT);
  IntArray BOOLEAN_VECTOR = new IntArray(Scalar.BOOLEAN);
  TensorType TENSOR = new TensorType();
}
