package dev.adjoint;

import dev.adjoint.runtime.TensorAdjoints;
import java.util.Arrays;

/**
 * Generated plumbing, not API: a chain of element-wise tensor operations evaluated in one pass. The processor
 * writes a nested element-wise expression of a {@code @Differentiable} tensor method (forward or reverse sweep,
 * e.g. {@code g.div(e.add(1.0)).mul(e)}) as one call here with a small postfix program over its operands
 * instead of one eager operation, and one fresh array, per step.
 *
 * <p>A program is a postfix list, its tokens separated by one space: {@code t}<i>k</i> pushes tensor operand <i>k</i>,
 * {@code s}<i>k</i> double operand <i>k</i>; {@code add sub mul div} pop the right then the left operand (the
 * left is the receiver, a tensor value; the right a tensor value or a double); {@code neg exp log sqrt tanh
 * sigmoid square relu abs sin cos log1p expm1} map the top; {@code u}<i>k</i> is {@code
 * TensorAdjoints.unbroadcast(top, operand k)} (the gradient of a broadcast operand summed back to its shape,
 * nothing to do when the shapes agree: operand <i>k</i> is read for its shape only). Operands are evaluated by the caller in the order
 * the unfused expression evaluates them.
 *
 * <p>The fused loop runs when no graph is recorded (grad mode off, or no operand requires grad) and every tensor
 * operand is either of one common shape with more than one element or has one element and no more dimensions
 * (a value broadcast over the others); it runs over blocks that stay in the L1 cache and computes every element
 * with the same floating-point operations, in the same order, as the eager kernels ({@link PointwiseKernels},
 * {@link VectorExp}, a sequential sum), so it gives the same bits. Anything else (broadcasting, an operand that
 * requires grad while grad mode is on, a null operand, an empty tensor) runs the eager operations one by one,
 * exactly as the unfused expression would, errors included.
 */
public final class FusedElementwise {
  private FusedElementwise() {}

  /** Elements per block: a few register arrays of this length stay in the L1 cache. */
  private static final int BLOCK = 512;

  private static final int TENSOR = 0;
  private static final int SCALAR = 1;
  private static final int ADD = 2;
  private static final int SUB = 3;
  private static final int MUL = 4;
  private static final int DIV = 5;
  private static final int NEG = 6;
  private static final int EXP = 7;
  private static final int LOG = 8;
  private static final int SQRT = 9;
  private static final int TANH = 10;
  private static final int SIGMOID = 11;
  private static final int SQUARE = 12;
  private static final int RELU = 13;
  private static final int ABS = 14;
  private static final int SIN = 15;
  private static final int COS = 16;
  private static final int LOG1P = 17;
  private static final int EXPM1 = 18;
  private static final int UNBROADCAST = 19;

  private static final String[] NAMES = {null, null, "add", "sub", "mul", "div", "neg", "exp", "log", "sqrt",
      "tanh", "sigmoid", "square", "relu", "abs", "sin", "cos", "log1p", "expm1"};

  /**
   * The value of the element-wise {@code program} over {@code tensors} and {@code scalars}: a fresh tensor.
   *
   * @throws IllegalArgumentException if the program is malformed (a processor bug)
   */
  public static Tensor eval(String program, Tensor[] tensors, double[] scalars) {
    int[] code = parse(program);
    int[] shape = fusedShape(code, tensors);
    if (shape == null) {
      return eager(code, tensors, scalars);
    }
    int n = Shapes.numel(shape);
    double[] out = new double[n];
    run(code, tensors, scalars, out, null);
    return Tensor.wrap(out, shape.clone());
  }

  /** {@code eval(program, tensors, scalars).sum()}, without the array of the chain's values. */
  public static Tensor sum(String program, Tensor[] tensors, double[] scalars) {
    int[] code = parse(program);
    if (fusedShape(code, tensors) == null) {
      return eager(code, tensors, scalars).sum();
    }
    double[] total = new double[1];
    run(code, tensors, scalars, null, total);
    return Tensor.of(total[0]);
  }

  /** {@code eval(program, tensors, scalars).mean()}, without the array of the chain's values. */
  public static Tensor mean(String program, Tensor[] tensors, double[] scalars) {
    int[] code = parse(program);
    int[] shape = fusedShape(code, tensors);
    if (shape == null) {
      return eager(code, tensors, scalars).mean();
    }
    double[] total = new double[1];
    run(code, tensors, scalars, null, total);
    return Tensor.of(total[0] / Shapes.numel(shape));
  }

  /**
   * {@code TensorAdjoints.accumulate(acc, eval(program, tensors, scalars))} in one pass: the program's value
   * where {@code acc} is null (zero), else {@code acc.add(value)}.
   */
  public static Tensor accumulate(Tensor acc, String program, Tensor[] tensors, double[] scalars) {
    if (acc == null) {
      return eval(program, tensors, scalars);
    }
    Tensor[] all = Arrays.copyOf(tensors, tensors.length + 1);
    all[tensors.length] = acc;
    return eval("t" + tensors.length + " " + program + " add", all, scalars);
  }

  /**
   * A tensor of the shape {@code eval(program, tensors, scalars)} would have, without computing it: a single
   * zero broadcast to that shape (no array of that size). For a value the reverse sweep reads only for its shape
   * ({@code numel()}, the shape an adjoint is summed back or spread to); reading its elements is a processor bug.
   *
   * @throws IllegalArgumentException if the operands' shapes do not broadcast, as the eager operations would
   */
  public static Tensor shapeOf(String program, Tensor[] tensors, double[] scalars) {
    int[] code = parse(program);
    int[][] stack = new int[code.length][];
    int top = 0;
    for (int pc = 0; pc < code.length; pc++) {
      int op = code[pc];
      if (op == TENSOR) {
        stack[top++] = tensors[code[++pc]].shapeRef();
      } else if (op == SCALAR) {
        pc++;
        stack[top++] = null;
      } else if (op == UNBROADCAST) {
        stack[top - 1] = tensors[code[++pc]].shapeRef();
      } else if (op <= DIV) {
        top--;
        if (stack[top] != null) {
          stack[top - 1] = Shapes.broadcast(stack[top - 1], stack[top]);
        }
      }
    }
    return Tensor.zeros().expandTo(stack[0].clone());
  }

  /** Opcodes, a tensor or scalar push followed by its operand index. */
  private static int[] parse(String program) {
    String[] tokens = program.split(" ");
    int[] code = new int[2 * tokens.length];
    int len = 0;
    int depth = 0;
    for (String t : tokens) {
      if (t.startsWith("t") && t.length() > 1 && Character.isDigit(t.charAt(1))) {
        code[len++] = TENSOR;
        code[len++] = Integer.parseInt(t.substring(1));
        depth++;
      } else if (t.startsWith("u") && t.length() > 1 && Character.isDigit(t.charAt(1)) && depth >= 1) {
        code[len++] = UNBROADCAST;
        code[len++] = Integer.parseInt(t.substring(1));
      } else if (t.startsWith("s") && t.length() > 1 && Character.isDigit(t.charAt(1))) {
        code[len++] = SCALAR;
        code[len++] = Integer.parseInt(t.substring(1));
        depth++;
      } else {
        int op = Arrays.asList(NAMES).indexOf(t);
        if (op < 0 || depth < (op <= DIV ? 2 : 1)) {
          throw new IllegalArgumentException("malformed element-wise program: " + program);
        }
        code[len++] = op;
        depth -= op <= DIV ? 1 : 0;
      }
    }
    if (depth != 1) {
      throw new IllegalArgumentException("malformed element-wise program: " + program);
    }
    return Arrays.copyOf(code, len);
  }

  /**
   * The common shape of the full operands when the fused loop applies (see the class comment), else null:
   * every operand a {@code t} token reads is non-null, not recording, and of that shape or one element of no
   * more dimensions; every operand a {@code u} token names has exactly that shape; and each value a {@code u}
   * token unbroadcasts, and the result, has that shape (is computed from a full operand).
   */
  private static int[] fusedShape(int[] code, Tensor[] tensors) {
    boolean recording = Tensor.isGradEnabled();
    int[] shape = null;
    for (int pc = 0; pc < code.length; pc++) {
      int op = code[pc];
      if (op == TENSOR || op == UNBROADCAST) {
        Tensor t = tensors[code[++pc]];
        if (t == null || t.numel() == 0 || (op == TENSOR && recording && t.isRequiresGrad())) {
          return null;
        }
        if (t.numel() > 1 || op == UNBROADCAST) {
          if (shape == null) {
            shape = t.shapeRef();
          } else if (!Arrays.equals(shape, t.shapeRef())) {
            return null;
          }
        }
      } else if (op == SCALAR) {
        pc++;
      }
    }
    if (shape == null || Shapes.numel(shape) < 2) {
      return null;
    }
    // which stack slots hold a full block
    boolean[] full = new boolean[code.length];
    int top = 0;
    for (int pc = 0; pc < code.length; pc++) {
      int op = code[pc];
      if (op == TENSOR) {
        Tensor t = tensors[code[++pc]];
        if (t.numel() == 1 && t.dim() > shape.length) {
          return null;
        }
        full[top++] = t.numel() > 1;
      } else if (op == SCALAR) {
        pc++;
        full[top++] = false;
      } else if (op == UNBROADCAST) {
        pc++;
        if (!full[top - 1]) {
          return null;
        }
      } else if (op <= DIV) {
        top--;
        full[top - 1] |= full[top];
      }
    }
    return full[0] ? shape : null;
  }

  /** The unfused evaluation: the eager operations in program order. */
  private static Tensor eager(int[] code, Tensor[] tensors, double[] scalars) {
    Object[] stack = new Object[code.length];
    int top = 0;
    for (int pc = 0; pc < code.length; pc++) {
      int op = code[pc];
      if (op == TENSOR) {
        stack[top++] = tensors[code[++pc]];
      } else if (op == SCALAR) {
        stack[top++] = scalars[code[++pc]];
      } else if (op == UNBROADCAST) {
        stack[top - 1] = TensorAdjoints.unbroadcast((Tensor) stack[top - 1], tensors[code[++pc]]);
      } else if (op <= DIV) {
        Object right = stack[--top];
        Tensor left = (Tensor) stack[top - 1];
        stack[top - 1] = right instanceof Tensor r ? binary(op, left, r) : binary(op, left, (double) right);
      } else {
        stack[top - 1] = unary(op, (Tensor) stack[top - 1]);
      }
    }
    return (Tensor) stack[0];
  }

  private static Tensor binary(int op, Tensor a, Tensor b) {
    switch (op) {
      case ADD: return a.add(b);
      case SUB: return a.sub(b);
      case MUL: return a.mul(b);
      default: return a.div(b);
    }
  }

  private static Tensor binary(int op, Tensor a, double c) {
    switch (op) {
      case ADD: return a.add(c);
      case SUB: return a.sub(c);
      case MUL: return a.mul(c);
      default: return a.div(c);
    }
  }

  private static Tensor unary(int op, Tensor a) {
    switch (op) {
      case NEG: return a.neg();
      case EXP: return a.exp();
      case LOG: return a.log();
      case SQRT: return a.sqrt();
      case TANH: return a.tanh();
      case SIGMOID: return a.sigmoid();
      case SQUARE: return a.square();
      case RELU: return a.relu();
      case ABS: return a.abs();
      case SIN: return a.sin();
      case COS: return a.cos();
      case LOG1P: return a.log1p();
      default: return a.expm1();
    }
  }

  /**
   * The fused loop: block by block, each instruction one plain loop over the block; the result goes to
   * {@code out}, or is added in element order to {@code total[0]}.
   */
  private static void run(int[] code, Tensor[] tensors, double[] scalars, double[] out, double[] total) {
    double[][] data = new double[tensors.length][];
    boolean[] single = new boolean[tensors.length];
    int n = 1;
    for (int k = 0; k < tensors.length; k++) {
      data[k] = tensors[k].values();
      single[k] = tensors[k].numel() == 1;
      n = Math.max(n, tensors[k].numel());
    }
    int depth = code.length / 2 + 1;
    int block = Math.min(BLOCK, n);
    double[][] reg = new double[depth][block];
    // scratch of VectorExp's passes for exp, tanh and sigmoid over a block
    double[][] scratch = new double[3][block];
    // per stack slot: a block (true) or a single value in scalar[slot]
    boolean[] isBlock = new boolean[depth];
    double[] scalar = new double[depth];
    double sum = 0;
    for (int base = 0; base < n; base += block) {
      int len = Math.min(block, n - base);
      int top = 0;
      for (int pc = 0; pc < code.length; pc++) {
        int op = code[pc];
        if (op == TENSOR) {
          int k = code[++pc];
          if (single[k]) {
            isBlock[top] = false;
            scalar[top] = data[k][0];
          } else {
            isBlock[top] = true;
            System.arraycopy(data[k], base, reg[top], 0, len);
          }
          top++;
        } else if (op == SCALAR) {
          isBlock[top] = false;
          scalar[top] = scalars[code[++pc]];
          top++;
        } else if (op == UNBROADCAST) {
          pc++; // the value already has the operand's shape (fusedShape)
        } else if (op <= DIV) {
          top--;
          int l = top - 1;
          if (isBlock[l] && isBlock[top]) {
            blocks(op, reg[l], reg[top], reg[l], len);
          } else if (isBlock[l]) {
            affine(op, reg[l], scalar[top], false, reg[l], len);
          } else if (isBlock[top]) {
            affine(op, reg[top], scalar[l], true, reg[l], len);
            isBlock[l] = true;
          } else {
            scalar[l] = scalarOp(op, scalar[l], scalar[top]);
          }
        } else if (isBlock[top - 1]) {
          map(op, reg[top - 1], len, scratch);
        } else {
          double[] one = {scalar[top - 1]};
          map(op, one, 1, null);
          scalar[top - 1] = one[0];
        }
      }
      double[] r = reg[0];
      if (out != null) {
        System.arraycopy(r, 0, out, base, len);
      } else {
        for (int i = 0; i < len; i++) {
          sum += r[i];
        }
      }
    }
    if (total != null) {
      total[0] = sum;
    }
  }

  /** {@code r = x op y} over {@code len} elements, as {@link PointwiseKernels}' equal-shape loop. */
  private static void blocks(int op, double[] x, double[] y, double[] r, int len) {
    switch (op) {
      case ADD: for (int i = 0; i < len; i++) { r[i] = x[i] + y[i]; } break;
      case SUB: for (int i = 0; i < len; i++) { r[i] = x[i] - y[i]; } break;
      case MUL: for (int i = 0; i < len; i++) { r[i] = x[i] * y[i]; } break;
      default: for (int i = 0; i < len; i++) { r[i] = x[i] / y[i]; } break;
    }
  }

  /** {@code r = v op c}, or {@code c op v} when {@code constantFirst}, as {@link PointwiseKernels}' affine loop. */
  private static void affine(int op, double[] v, double c, boolean constantFirst, double[] r, int len) {
    switch (op) {
      case ADD: for (int i = 0; i < len; i++) { r[i] = constantFirst ? c + v[i] : v[i] + c; } break;
      case MUL: for (int i = 0; i < len; i++) { r[i] = constantFirst ? c * v[i] : v[i] * c; } break;
      case SUB:
        if (constantFirst) {
          for (int i = 0; i < len; i++) { r[i] = c - v[i]; }
        } else {
          for (int i = 0; i < len; i++) { r[i] = v[i] - c; }
        }
        break;
      default:
        if (constantFirst) {
          for (int i = 0; i < len; i++) { r[i] = c / v[i]; }
        } else {
          for (int i = 0; i < len; i++) { r[i] = v[i] / c; }
        }
        break;
    }
  }

  private static double scalarOp(int op, double a, double b) {
    switch (op) {
      case ADD: return a + b;
      case SUB: return a - b;
      case MUL: return a * b;
      default: return a / b;
    }
  }

  /**
   * {@code x[i] = f(x[i])} for {@code i < len}, with the function the eager {@link Tensor} method uses: for {@code
   * exp}, {@code tanh}, {@code sigmoid} {@link VectorExp}'s vectorized passes over the block with the run's
   * {@code scratch} (three arrays of at least {@code len}; null for a single value, which takes the scalar form),
   * bitwise the scalar forms and the eager array forms.
   */
  private static void map(int op, double[] x, int len, double[][] scratch) {
    switch (op) {
      case NEG: for (int i = 0; i < len; i++) { x[i] = -x[i]; } break;
      case EXP:
        if (scratch == null) {
          for (int i = 0; i < len; i++) { x[i] = VectorExp.exp(x[i]); }
        } else {
          VectorExp.expBlock(x, len, scratch[0], scratch[1], scratch[2]);
        }
        break;
      case LOG: for (int i = 0; i < len; i++) { x[i] = Math.log(x[i]); } break;
      case SQRT: for (int i = 0; i < len; i++) { x[i] = Math.sqrt(x[i]); } break;
      case TANH:
        if (scratch == null) {
          for (int i = 0; i < len; i++) { x[i] = VectorExp.tanh(x[i]); }
        } else {
          VectorExp.tanhBlock(x, len, scratch[0], scratch[1], scratch[2]);
        }
        break;
      case SIGMOID:
        if (scratch == null) {
          for (int i = 0; i < len; i++) { x[i] = VectorExp.sigmoid(x[i]); }
        } else {
          VectorExp.sigmoidBlock(x, len, scratch[0], scratch[1], scratch[2]);
        }
        break;
      case SQUARE: for (int i = 0; i < len; i++) { x[i] = x[i] * x[i]; } break;
      case RELU: for (int i = 0; i < len; i++) { x[i] = x[i] > 0 ? x[i] : 0.0; } break;
      case ABS: for (int i = 0; i < len; i++) { x[i] = Math.abs(x[i]); } break;
      case SIN: for (int i = 0; i < len; i++) { x[i] = Math.sin(x[i]); } break;
      case COS: for (int i = 0; i < len; i++) { x[i] = Math.cos(x[i]); } break;
      case LOG1P: for (int i = 0; i < len; i++) { x[i] = Math.log1p(x[i]); } break;
      default: for (int i = 0; i < len; i++) { x[i] = Math.expm1(x[i]); } break;
    }
  }
}
