package dev.adjoint.processor.ir;

/**
 * Where an IR node came from: an opaque id the reader maps back to its tree (for diagnostics on the exact
 * tree), the source line, and the statement's source text (for comments in generated code).
 */
public record Origin(int id, int line, String text) {
  /** An origin for nodes the processor synthesizes. */
  public static final Origin SYNTHETIC = new Origin(-1, 0, "");

  /** A short {@code line N: text} label for generated comments. */
  public String label() {
    return line <= 0 ? "" : "line " + line + ": " + text;
  }
}
