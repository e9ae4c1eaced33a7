package dev.adjoint;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Tensor#toString()} as PyTorch prints a float tensor ({@code torch/_tensor_str.py}, default print
 * options: precision 4, threshold 1000, edge items 3, line width 80): integer mode {@code 4.}, fixed
 * {@code 0.5000}, or scientific {@code 1.0000e-05} chosen over the displayed values, right-aligned to a
 * common width, rows wrapped at 80 columns, large tensors summarized with {@code ...}. Rounding is
 * half-even on the exact binary value, as Python's {@code format} does.
 */
final class TensorFormat {
  private static final int PRECISION = 4;
  private static final int THRESHOLD = 1000;
  private static final int EDGE = 3;
  private static final int LINE_WIDTH = 80;

  private final boolean intMode;
  private final boolean sciMode;
  private final int width;

  private TensorFormat(List<Double> values) {
    boolean integral = true;
    boolean sci = false;
    int w = 1;
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    List<Double> nonzeroFinite = new ArrayList<>();
    for (double v : values) {
      if (Double.isFinite(v) && v != 0) {
        nonzeroFinite.add(v);
        min = Math.min(min, Math.abs(v));
        max = Math.max(max, Math.abs(v));
        if (v != Math.ceil(v)) {
          integral = false;
        }
      }
    }
    if (!nonzeroFinite.isEmpty()) {
      if (integral) {
        if (max / min > 1000.0 || max > 1.0e8) {
          sci = true;
          for (double v : nonzeroFinite) {
            w = Math.max(w, sci(v).length());
          }
        } else {
          for (double v : nonzeroFinite) {
            w = Math.max(w, fixed(v, 0).length() + 1);
          }
        }
      } else {
        if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4) {
          sci = true;
          for (double v : nonzeroFinite) {
            w = Math.max(w, sci(v).length());
          }
        } else {
          for (double v : nonzeroFinite) {
            w = Math.max(w, fixed(v, PRECISION).length());
          }
        }
      }
    }
    this.intMode = integral;
    this.sciMode = sci;
    this.width = w;
  }

  static String format(double[] data, int[] shape, String suffix) {
    String prefix = "tensor(";
    int indent = prefix.length();
    List<String> suffixes = new ArrayList<>();
    String body;
    if (data.length == 0) {
      body = "[]";
      if (!(shape.length == 1 && shape[0] == 0)) {
        StringBuilder size = new StringBuilder("size=(");
        for (int i = 0; i < shape.length; i++) {
          size.append(i > 0 ? ", " : "").append(shape[i]);
        }
        suffixes.add(size.append(shape.length == 1 ? ",)" : ")").toString());
      }
    } else {
      boolean summarize = data.length > THRESHOLD;
      List<Double> shown = new ArrayList<>();
      collect(data, shape, 0, 0, summarize, shown);
      TensorFormat f = new TensorFormat(shown);
      StringBuilder sb = new StringBuilder();
      if (shape.length == 0) {
        sb.append(f.format(data[0]));
      } else {
        f.append(sb, data, shape, 0, 0, indent, summarize);
      }
      body = sb.toString();
    }
    if (suffix != null) {
      suffixes.add(suffix);
    }
    String text = prefix + body;
    StringBuilder out = new StringBuilder(text);
    int lastLineLength = text.length() - text.lastIndexOf('\n') + 1;
    for (String s : suffixes) {
      if (lastLineLength + s.length() + 2 > LINE_WIDTH) {
        out.append(",\n").append(" ".repeat(indent)).append(s);
        lastLineLength = indent + s.length();
      } else {
        out.append(", ").append(s);
        lastLineLength += s.length() + 2;
      }
    }
    return out.append(')').toString();
  }

  private static int block(int[] shape, int d) {
    int n = 1;
    for (int i = d + 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** The values that will be displayed (all of them unless summarized), to choose the format. */
  private static void collect(double[] data, int[] shape, int d, int offset, boolean summarize, List<Double> out) {
    if (shape.length == 0) {
      out.add(data[0]);
      return;
    }
    int n = shape[d];
    int step = block(shape, d);
    for (int i = 0; i < n; i++) {
      if (summarize && n > 2 * EDGE && i == EDGE) {
        i = n - EDGE;
      }
      if (d == shape.length - 1) {
        out.add(data[offset + i]);
      } else {
        collect(data, shape, d + 1, offset + i * step, summarize, out);
      }
    }
  }

  private void append(
      StringBuilder sb, double[] data, int[] shape, int d, int offset, int indent, boolean summarize) {
    int n = shape[d];
    int step = block(shape, d);
    if (d == shape.length - 1) {
      List<String> items = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (summarize && n > 2 * EDGE && i == EDGE) {
          items.add(" ...");
          i = n - EDGE;
        }
        items.add(format(data[offset + i]));
      }
      int perLine = Math.max(1, (LINE_WIDTH - indent) / (width + 2));
      sb.append('[');
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          sb.append(i % perLine == 0 ? ",\n" + " ".repeat(indent + 1) : ", ");
        }
        sb.append(items.get(i));
      }
      sb.append(']');
      return;
    }
    String separator = "," + "\n".repeat(shape.length - d - 1) + " ".repeat(indent + 1);
    sb.append('[');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(separator);
      }
      if (summarize && n > 2 * EDGE && i == EDGE) {
        sb.append("...").append(separator);
        i = n - EDGE;
      }
      append(sb, data, shape, d + 1, offset + i * step, indent + 1, summarize);
    }
    sb.append(']');
  }

  private String format(double v) {
    String s;
    if (Double.isNaN(v)) {
      s = "nan";
    } else if (Double.isInfinite(v)) {
      s = v > 0 ? "inf" : "-inf";
    } else if (sciMode) {
      s = sci(v);
    } else if (intMode) {
      s = fixed(v, 0) + ".";
    } else {
      s = fixed(v, PRECISION);
    }
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  private static String fixed(double v, int digits) {
    String s = new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    boolean negativeZero = v < 0 || v == 0 && 1 / v < 0;
    return negativeZero && !s.startsWith("-") ? "-" + s : s;
  }

  private static String sci(double v) {
    if (v == 0) {
      return (1 / v < 0 ? "-" : "") + "0." + "0".repeat(PRECISION) + "e+00";
    }
    BigDecimal bd = new BigDecimal(v).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
    int exponent = bd.precision() - bd.scale() - 1;
    String mantissa = bd.movePointLeft(exponent).setScale(PRECISION, RoundingMode.HALF_EVEN).toPlainString();
    int e = Math.abs(exponent);
    return mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
  }
}
