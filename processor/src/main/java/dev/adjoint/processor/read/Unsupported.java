package dev.adjoint.processor.read;

import com.sun.source.tree.Tree;

/** Thrown inside the reader to abandon one statement; always caught and turned into a {@link Problem}. */
final class Unsupported extends RuntimeException {
  final transient Tree tree;

  Unsupported(Tree tree, String message) {
    super(message, null, false, false);
    this.tree = tree;
  }
}
