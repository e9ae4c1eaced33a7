package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Tensor#save}/{@link Tensor#load} against NumPy's own {@code .npy} reader and writer, where installed. */
class NpyFormatTest {
  @TempDir Path dir;

  @Test
  void roundTripKeepsShapeAndEveryBit() throws IOException {
    double[] v = {1.5, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.NEGATIVE_INFINITY};
    for (int[] shape : new int[][] {{6}, {2, 3}, {3, 1, 2}}) {
      Path f = dir.resolve("a.npy");
      Tensor.fromArray(v, shape).save(f);
      Tensor back = Tensor.load(f);
      assertArrayEquals(shape, back.shape());
      for (int i = 0; i < v.length; i++) {
        assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(back.toArray()[i]));
      }
      assertEquals(0, (Files.size(f) - 6 * 8) % 64, "data starts at a multiple of 64 bytes, as NumPy writes");
    }
    Path s = dir.resolve("s.npy");
    Tensor.of(2.5).sum().save(s);
    assertEquals(0, Tensor.load(s).dim());
    assertEquals(2.5, Tensor.load(s).item());
    Path e = dir.resolve("e.npy");
    Tensor.zeros(0, 3).save(e);
    assertArrayEquals(new int[] {0, 3}, Tensor.load(e).shape());
  }

  @Test
  void savesAViewInRowMajorOrder() throws IOException {
    Tensor base = Tensor.fromArray(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Path f = dir.resolve("t.npy");
    base.t().save(f);
    assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, Tensor.load(f).toArray());
    assertArrayEquals(new int[] {3, 2}, Tensor.load(f).shape());
  }

  @Test
  void refusesWhatIsNotNpy() throws IOException {
    Path f = dir.resolve("x.npy");
    Files.writeString(f, "hello");
    IOException e = assertThrows(IOException.class, () -> Tensor.load(f));
    assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());
  }

  @Test
  void numpyReadsWhatTensorWrites() throws IOException {
    Path f = dir.resolve("w.npy");
    Tensor.fromArray(new double[] {0.1, -2, 3e300, 4.25, 5, -6.5}, 2, 3).save(f);
    List<String> out = numpy("import numpy as np\na = np.load(r'" + f + "')\n"
        + "print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'])\nprint(' '.join(float(x).hex() for x in a.ravel()))");
    assertEquals("float64 (2, 3) True", out.get(0));
    String[] hex = out.get(1).split(" ");
    double[] expected = {0.1, -2, 3e300, 4.25, 5, -6.5};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], Double.parseDouble(hex[i]), 0.0);
    }
  }

  @Test
  void tensorReadsWhatNumpyWrites() throws IOException {
    String d = dir.toString();
    numpy("import numpy as np\n"
        + "np.save(r'" + d + "/f8.npy', np.array([[0.1, 2.0, -3.5], [4.0, 5.5, 1e-300]]))\n"
        + "np.save(r'" + d + "/f4.npy', np.array([0.5, -1.25], dtype=np.float32))\n"
        + "np.save(r'" + d + "/i8.npy', np.arange(6, dtype=np.int64).reshape(3, 2) - 2)\n"
        + "np.save(r'" + d + "/u1.npy', np.array([0, 200, 255], dtype=np.uint8))\n"
        + "np.save(r'" + d + "/b.npy', np.array([True, False, True]))\n"
        + "np.save(r'" + d + "/be.npy', np.array([1.5, -2.0], dtype='>f8'))\n"
        + "np.save(r'" + d + "/fo.npy', np.asfortranarray(np.arange(6.0).reshape(2, 3)))\n"
        + "np.save(r'" + d + "/sc.npy', np.float64(7.25))\n"
        + "print('ok')");
    Tensor f8 = Tensor.load(dir.resolve("f8.npy"));
    assertArrayEquals(new int[] {2, 3}, f8.shape());
    assertArrayEquals(new double[] {0.1, 2.0, -3.5, 4.0, 5.5, 1e-300}, f8.toArray(), 0.0);
    assertArrayEquals(new double[] {0.5, -1.25}, Tensor.load(dir.resolve("f4.npy")).toArray(), 0.0);
    Tensor i8 = Tensor.load(dir.resolve("i8.npy"));
    assertArrayEquals(new int[] {3, 2}, i8.shape());
    assertArrayEquals(new double[] {-2, -1, 0, 1, 2, 3}, i8.toArray(), 0.0);
    assertArrayEquals(new double[] {0, 200, 255}, Tensor.load(dir.resolve("u1.npy")).toArray(), 0.0);
    assertArrayEquals(new double[] {1, 0, 1}, Tensor.load(dir.resolve("b.npy")).toArray(), 0.0);
    assertArrayEquals(new double[] {1.5, -2.0}, Tensor.load(dir.resolve("be.npy")).toArray(), 0.0);
    Tensor fo = Tensor.load(dir.resolve("fo.npy"));
    assertArrayEquals(new int[] {2, 3}, fo.shape());
    assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, fo.toArray(), 0.0);
    Tensor sc = Tensor.load(dir.resolve("sc.npy"));
    assertEquals(0, sc.dim());
    assertEquals(7.25, sc.item());
  }

  @Test
  void weightsReachPyTorchThroughNumpy() throws IOException {
    Path f = dir.resolve("w.npy");
    Tensor w = Tensor.fromArray(new double[] {1, 2, 3, 4}, 2, 2);
    w.save(f);
    List<String> out = TorchOracle.run("import numpy as np, torch\n"
        + "w = torch.from_numpy(np.load(r'" + f + "'))\n"
        + "print(w.dtype, (w @ w).sum().item())");
    // [[1,2],[3,4]]^2 = [[7,10],[15,22]], sum 54 (by hand)
    assertEquals("torch.float64 54.0", out.get(0));
  }

  /** Runs {@code script} under the first Python that imports numpy (the test is skipped without one). */
  private static List<String> numpy(String script) throws IOException {
    for (String python : new String[] {"python3", "/usr/bin/python3"}) {
      List<String> probe = python(python, "import numpy\nprint('ok')");
      if (probe != null && probe.equals(List.of("ok"))) {
        List<String> out = python(python, script);
        if (out == null) {
          throw new AssertionError("python failed on:\n" + script);
        }
        return out;
      }
    }
    assumeTrue(false, "NumPy is not installed");
    return null;
  }

  private static List<String> python(String python, String script) throws IOException {
    Path f = Files.createTempFile("npy", ".py");
    try {
      Files.writeString(f, script);
      Process p = new ProcessBuilder(python, f.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        System.err.println(out);
        return null;
      }
      return out.lines().filter(l -> !l.isBlank()).map(String::strip).toList();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(f);
    }
  }
}
