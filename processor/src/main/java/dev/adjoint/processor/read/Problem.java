package dev.adjoint.processor.read;

import com.sun.source.tree.Tree;

/** A refusal found while reading: the exact tree it is about and a message that says what to write instead. */
public record Problem(Tree tree, String message) {}
