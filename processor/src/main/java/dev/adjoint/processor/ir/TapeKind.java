package dev.adjoint.processor.ir;

/** The primitive tapes of a generated forward sweep. */
public enum TapeKind {
  /** {@code DoubleTape}: overwritten doubles. */
  DOUBLES("_doubles", "dev.adjoint.runtime.DoubleTape"),
  /** {@code IntTape}: branch decisions, trip counts, overwritten ints, longs and booleans. */
  INTS("_ints", "dev.adjoint.runtime.IntTape"),
  /** {@code RefTape}: array references a local array variable held before it was reassigned. */
  REFS("_refs", "dev.adjoint.runtime.RefTape");

  public final String variable;
  public final String runtimeClass;

  TapeKind(String variable, String runtimeClass) {
    this.variable = variable;
    this.runtimeClass = runtimeClass;
  }
}
