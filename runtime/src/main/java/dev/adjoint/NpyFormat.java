package dev.adjoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Tensor#save} and {@link Tensor#load}: NumPy's {@code .npy} format (version 1.0 written, 1.0, 2.0 and
 * 3.0 read), so that data and weights move to and from {@code numpy.save}/{@code numpy.load} and, through
 * {@code torch.from_numpy}, PyTorch.
 *
 * <p>Written: a little-endian {@code float64} array ({@code '<f8'}) in C order, the header padded so that the
 * data starts at a multiple of 64 bytes, as NumPy writes it. Read: {@code float64}, {@code float32}, signed and
 * unsigned integers of 1, 2, 4 and 8 bytes and {@code bool}, in either byte order and in C or Fortran order,
 * converted to {@code double} (an {@code int64} beyond 2^53 is rounded, as {@code (double)} rounds it).
 */
final class NpyFormat {
  private NpyFormat() {}

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  static void save(Tensor t, Path file) throws IOException {
    int[] shape = t.shapeRef();
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    if (shape.length > 1) {
      dims.setLength(dims.length() - 2); // (2, 3); a 1-D shape keeps its comma: (5,)
    } else if (shape.length == 1) {
      dims.setLength(dims.length() - 1);
    }
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    double[] values = t.values();
    ByteBuffer data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    data.asDoubleBuffer().put(values);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(MAGIC);
      out.write(new byte[] {1, 0, (byte) header.length(), (byte) (header.length() >>> 8)});
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      out.write(data.array());
    }
  }

  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  static Tensor load(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readAllBytes();
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes.length <= i || bytes[i] != MAGIC[i]) {
        throw new IOException(file + " is not a .npy file (no \\x93NUMPY magic)");
      }
    }
    if (bytes.length < 10) {
      throw new IOException(file + ": truncated .npy header");
    }
    int major = bytes[6];
    int headerLength;
    int start;
    if (major == 1) {
      headerLength = Short.toUnsignedInt(buf.getShort(8));
      start = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new IOException(file + ": truncated .npy header");
      }
      headerLength = buf.getInt(8);
      start = 12;
    } else {
      throw new IOException(file + ": unsupported .npy format version " + major + "." + bytes[7]);
    }
    if (headerLength < 0 || start + headerLength > bytes.length) {
      throw new IOException(file + ": truncated .npy header");
    }
    String header = new String(bytes, start, headerLength,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = field(DESCR, header, file);
    boolean fortran = field(FORTRAN, header, file).equals("True");
    int[] shape = parseShape(field(SHAPE, header, file), file);
    long count = 1;
    for (int d : shape) {
      count *= d;
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new IOException(file + ": " + count + " elements do not fit in one Tensor");
    }
    int n = (int) count;
    int at = start + headerLength;
    double[] values = decode(descr, buf, at, n, file);
    if (fortran && shape.length > 1) {
      values = fromFortranOrder(values, shape);
    }
    return Tensor.wrap(values, shape);
  }

  private static String field(Pattern p, String header, Path file) throws IOException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IOException(file + ": .npy header without " + p.pattern().split("'")[1] + ": " + header.trim());
    }
    return m.group(1);
  }

  private static int[] parseShape(String text, Path file) throws IOException {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String s = part.trim();
      if (s.isEmpty()) {
        continue;
      }
      if (s.endsWith("L")) {
        s = s.substring(0, s.length() - 1); // written by Python 2
      }
      try {
        int d = Integer.parseInt(s);
        if (d < 0) {
          throw new NumberFormatException();
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        throw new IOException(file + ": bad .npy shape (" + text + ")");
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double[] decode(String descr, ByteBuffer buf, int at, int n, Path file) throws IOException {
    if (descr.length() < 3) {
      throw new IOException(file + ": unsupported .npy dtype '" + descr + "'");
    }
    char order = descr.charAt(0);
    char kind = descr.charAt(1);
    int size;
    try {
      size = Integer.parseInt(descr.substring(2));
    } catch (NumberFormatException e) {
      throw new IOException(file + ": unsupported .npy dtype '" + descr + "'");
    }
    boolean supported = switch (kind) {
      case 'f' -> size == 4 || size == 8;
      case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
      case 'b' -> size == 1;
      default -> false;
    };
    if (!supported || "<>|=".indexOf(order) < 0) {
      throw new IOException(file + ": unsupported .npy dtype '" + descr + "' (float64, float32, integers and bool"
          + " are read)");
    }
    if ((long) n * size > buf.capacity() - at) {
      throw new IOException(file + ": .npy data shorter than its shape says");
    }
    ByteBuffer b = buf.duplicate().order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      int p = at + i * size;
      r[i] = switch (kind) {
        case 'f' -> size == 8 ? b.getDouble(p) : b.getFloat(p);
        case 'b' -> b.get(p) != 0 ? 1 : 0;
        case 'i' -> switch (size) {
          case 1 -> b.get(p);
          case 2 -> b.getShort(p);
          case 4 -> b.getInt(p);
          default -> b.getLong(p);
        };
        default -> switch (size) {
          case 1 -> Byte.toUnsignedInt(b.get(p));
          case 2 -> Short.toUnsignedInt(b.getShort(p));
          case 4 -> Integer.toUnsignedLong(b.getInt(p));
          default -> unsigned(b.getLong(p));
        };
      };
    }
    return r;
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2 + (v & 1);
  }

  /** Column-major values of {@code shape} in row-major order. */
  private static double[] fromFortranOrder(double[] f, int[] shape) {
    int rank = shape.length;
    double[] r = new double[f.length];
    int[] index = new int[rank];
    int[] fStride = new int[rank];
    int s = 1;
    for (int d = 0; d < rank; d++) {
      fStride[d] = s;
      s *= shape[d];
    }
    for (int i = 0; i < r.length; i++) {
      int p = 0;
      for (int d = 0; d < rank; d++) {
        p += index[d] * fStride[d];
      }
      r[i] = f[p];
      for (int d = rank - 1; d >= 0; d--) {
        if (++index[d] < shape[d]) {
          break;
        }
        index[d] = 0;
      }
    }
    return r;
  }
}
