package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The physics sample: gradient descent through the simulation recovers the spring's parameters. */
class SpringFitTest {
  private static double loss(double[] p, double[] observed) {
    return SpringFit.loss(p[0], p[1], p[2], p[3], SpringFit.DT, SpringFit.STEPS_PER_OBSERVATION, observed);
  }

  @Test
  void reversePassThroughTheSimulationMatchesCentralDifferences() {
    double[] observed = SpringFit.observations(SpringFit.TRUTH, SpringFit.SEED);
    double[] p = {3.0, 1.0, 0.5, 0.5};
    SpringFitGrad.LossGradient g = SpringFitGrad.lossGradient(p[0], p[1], p[2], p[3], SpringFit.DT,
        SpringFit.STEPS_PER_OBSERVATION, observed);
    double[] ad = {g.k(), g.c(), g.x0(), g.v0()};
    for (int i = 0; i < 4; i++) {
      double h = 1e-6;
      double[] plus = p.clone();
      double[] minus = p.clone();
      plus[i] += h;
      minus[i] -= h;
      double fd = (loss(plus, observed) - loss(minus, observed)) / (2 * h);
      assertEquals(fd, ad[i], 1e-6 * Math.max(1, Math.abs(fd)), "parameter " + i);
    }
    // The observations' gradient too: d/d observed[j] = −2 (x_j − observed_j) / n.
    double[] x = SpringFit.simulate(p[0], p[1], p[2], p[3], SpringFit.DT, SpringFit.STEPS_PER_OBSERVATION,
        observed.length);
    for (int j = 0; j < observed.length; j += 13) {
      assertEquals(-2 * (x[j] - observed[j]) / observed.length, g.observed()[j], 1e-12);
    }
  }

  @Test
  void fitRecoversTheTrueParametersFromAFarStart(@TempDir Path dir) throws Exception {
    double[] observed = SpringFit.observations(SpringFit.TRUTH, SpringFit.SEED);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SpringFit.Fit fit = SpringFit.fit(observed, SpringFit.START, SpringFit.STEPS, SpringFit.LEARNING_RATE,
        new PrintStream(out, true, StandardCharsets.UTF_8), 100);
    SpringFit.Parameters f = fit.fitted();
    // The start is off by 1 in k and by 0.7 in c; the fit must land near the truth (noise sd 0.05 limits it).
    assertEquals(SpringFit.TRUTH.k(), f.k(), 0.1, "k");
    assertEquals(SpringFit.TRUTH.c(), f.c(), 0.05, "c");
    assertEquals(SpringFit.TRUTH.x0(), f.x0(), 0.1, "x0");
    assertEquals(SpringFit.TRUTH.v0(), f.v0(), 0.1, "v0");
    // At the optimum the residual is about the noise variance, far below where it started.
    double noiseVariance = SpringFit.NOISE * SpringFit.NOISE;
    assertTrue(fit.loss() < 1.5 * noiseVariance, "final loss " + fit.loss());
    assertTrue(fit.losses().get(0) > 10 * noiseVariance, "initial loss " + fit.losses().get(0));
    // Step 1 and every 100th until nothing changes at the printed precision, then one line saying so.
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.size() < 16, String.join("\n", lines));
    assertTrue(lines.get(lines.size() - 1).contains("converged"), String.join("\n", lines));
    assertTrue(fit.losses().size() < SpringFit.STEPS, "stopped early");
    for (int i = 1; i + 1 < lines.size(); i++) {
      String state = lines.get(i).substring(lines.get(i).indexOf("loss"));
      String previous = lines.get(i - 1).substring(lines.get(i - 1).indexOf("loss"));
      assertNotEquals(previous, state, "no two reports alike");
    }

    Path png = dir.resolve("spring.png");
    SpringFit.plot(observed, fit, png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(Charts.WIDTH, image.getWidth());
    assertEquals(Charts.HEIGHT, image.getHeight());
    assertTrue(Files.size(png) > 10_000);
  }
}
