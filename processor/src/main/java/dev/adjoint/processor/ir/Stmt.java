package dev.adjoint.processor.ir;

import java.util.List;

/**
 * Statements of the intermediate representation. The reader produces the source-level forms; lowering
 * removes {@link For}, {@link DoWhile}, {@link Break}, {@link Continue} and {@link Return}; the
 * differentiation stage adds the tape and sweep forms ({@link Push}, {@link CountDown}, {@link Comment}).
 */
public sealed interface Stmt {
  Origin origin();

  /** {@code type name [= init];} */
  record Declare(Expr.Var variable, Expr init, Origin origin) implements Stmt {}

  /** {@code target = value;} where target is a {@link Expr.Var} or an {@link Expr.Index}. */
  record Assign(Expr target, Expr value, Origin origin) implements Stmt {}

  /** {@code target += value;}: adjoint accumulation. */
  record Accumulate(Expr target, Expr value, Origin origin) implements Stmt {}

  /** A call whose result is not used, for runtime helpers such as {@code ArrayAdjoints.addInto}. */
  record Effect(Expr.Call call, Origin origin) implements Stmt {}

  /** A block {@code { ... }}. */
  record Block(List<Stmt> statements, Origin origin) implements Stmt {
    public Block {
      statements = List.copyOf(statements);
    }

    public static Block of(List<Stmt> statements) {
      return new Block(statements, Origin.SYNTHETIC);
    }
  }

  /** {@code if (condition) then else otherwise}; {@code otherwise} may be empty. */
  record If(Expr condition, Block then, Block otherwise, Origin origin) implements Stmt {}

  /** {@code while (condition) body}. */
  record While(Expr condition, Block body, Origin origin) implements Stmt {}

  /** {@code do body while (condition);} */
  record DoWhile(Block body, Expr condition, Origin origin) implements Stmt {}

  /** {@code for (init; condition; update) body}. */
  record For(List<Stmt> init, Expr condition, List<Stmt> update, Block body, Origin origin)
      implements Stmt {
    public For {
      init = List.copyOf(init);
      update = List.copyOf(update);
    }
  }

  /** {@code break;} out of the innermost loop. */
  record Break(Origin origin) implements Stmt {}

  /** {@code continue;} of the innermost loop. */
  record Continue(Origin origin) implements Stmt {}

  /** {@code return value;} */
  record Return(Expr value, Origin origin) implements Stmt {}

  /** {@code tape.push(value);} in a forward sweep. */
  record Push(TapeKind tape, Expr value, Origin origin) implements Stmt {}

  /** {@code for (int counter = start; counter > 0; counter--) body}: a reversed loop. */
  record CountDown(String counter, Expr start, Block body, Origin origin) implements Stmt {}

  /** {@code tape.push(target);}: saves the value an assignment is about to overwrite. */
  record Save(TapeKind tape, Expr target, Origin origin) implements Stmt {}

  /** {@code target = tape.pop();}: puts back the value a {@link Save} kept, in the reverse sweep. */
  record Restore(TapeKind tape, Expr target, Origin origin) implements Stmt {}

  /**
   * Java run in the forward pass only and never again in the reverse sweep: {@code throw}, printing. Its
   * code is {@code text[0] holes[0] text[1] ... text[n]} (no semicolon), each hole a value the forward pass
   * computes, printed in parentheses.
   */
  record Forward(List<String> text, List<Expr> holes, Origin origin) implements Stmt {
    public Forward {
      text = List.copyOf(text);
      holes = List.copyOf(holes);
      if (text.size() != holes.size() + 1) {
        throw new IllegalArgumentException("one more text part than holes");
      }
    }
  }

  /** A comment line in generated code. */
  record Comment(String text, Origin origin) implements Stmt {}
}
