package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The record-of-parameters sample: gradients against central differences, and the fit it reaches. */
class ModelFitTest {
  @Test
  void theGradientIsAParamsRecordThatMatchesCentralDifferences() {
    ModelFit.Data data = ModelFit.syntheticData(20, 3);
    ModelFit.Params p = new ModelFit.Params(new double[] {0.3, -0.7}, 0.2);
    ModelFit.Params g = ModelFit_DataGrad.lossGradient(data, p).p();
    double h = 1e-6;
    for (int j = 0; j < 2; j++) {
      double[] plus = p.w().clone();
      double[] minus = p.w().clone();
      plus[j] += h;
      minus[j] -= h;
      double numeric = (data.loss(new ModelFit.Params(plus, p.bias()))
          - data.loss(new ModelFit.Params(minus, p.bias()))) / (2 * h);
      assertEquals(numeric, g.w()[j], 1e-6, "w[" + j + "]");
    }
    double numeric = (data.loss(new ModelFit.Params(p.w(), p.bias() + h))
        - data.loss(new ModelFit.Params(p.w(), p.bias() - h))) / (2 * h);
    assertEquals(numeric, g.bias(), 1e-6, "bias");
    // the record's own instance method: d/dw |w|^2 = 2 w
    assertArrayEquals(new double[] {0.6, -1.4}, ModelFit_ParamsGrad.l2Gradient(p).self().w(), 1e-12);
  }

  @Test
  void gradientDescentRecoversTheLineTheDataWasMadeFrom() {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    ModelFit.Params p = ModelFit.fit(ModelFit.syntheticData(200, 7), new ModelFit.Params(new double[2], 0), 0.1,
        500, new PrintStream(progress, true, StandardCharsets.UTF_8));
    assertEquals(2.0, p.w()[0], 0.05);
    assertEquals(-3.0, p.w()[1], 0.05);
    assertEquals(0.5, p.bias(), 0.05);
    assertEquals(6, progress.toString(StandardCharsets.UTF_8).lines().count());
  }
}
