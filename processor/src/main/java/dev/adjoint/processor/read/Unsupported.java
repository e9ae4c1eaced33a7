package dev.adjoint.processor.read;

import com.sun.source.tree.Tree;

/** Thrown inside the reader to abandon one statement; always caught and turned into a {@link Problem}. */
final class Unsupported extends RuntimeException {
  final transient Tree tree;
  /** Whether the cause was reported already (a use of a variable whose declaration was refused): no problem. */
  final boolean reported;

  Unsupported(Tree tree, String message) {
    this(tree, message, false);
  }

  private Unsupported(Tree tree, String message, boolean reported) {
    super(message, null, false, false);
    this.tree = tree;
    this.reported = reported;
  }

  /** Abandons the statement at {@code tree} without a new problem: its cause has one already. */
  static Unsupported alreadyReported(Tree tree) {
    return new Unsupported(tree, "reported on its declaration", true);
  }
}
