package dev.adjoint;

import static dev.adjoint.Numeric.check;
import static dev.adjoint.Numeric.param;

import org.junit.jupiter.api.Test;

/** Every differentiable operation checked against central differences (expected values never come from the code under test). */
class OpGradientTest {

  @Test
  void addSubMulDivSameShape() {
    Tensor a = param(1, 2, 3);
    Tensor b = param(2, 0.5, 2.0, 2, 3);
    check(x -> x[0].add(x[1]), a, b);
    check(x -> x[0].sub(x[1]), a, b);
    check(x -> x[0].mul(x[1]), a, b);
    check(x -> x[0].div(x[1]), a, b);
  }

  @Test
  void broadcastRowVector() { // [2,3] + [3]
    Tensor a = param(3, 2, 3);
    Tensor b = param(4, 0.5, 2.0, 3);
    check(x -> x[0].add(x[1]), a, b);
    check(x -> x[0].sub(x[1]), a, b);
    check(x -> x[0].mul(x[1]), a, b);
    check(x -> x[0].div(x[1]), a, b);
    check(x -> x[1].div(x[0].abs().add(1)), a, b);
  }

  @Test
  void broadcastColumnTimesRow() { // [2,1] * [1,3] -> [2,3]
    Tensor a = param(5, 2, 1);
    Tensor b = param(6, 0.5, 2.0, 1, 3);
    check(x -> x[0].mul(x[1]), a, b);
    check(x -> x[0].add(x[1]), a, b);
    check(x -> x[0].div(x[1]), a, b);
    check(x -> x[1].sub(x[0]), a, b);
  }

  @Test
  void broadcastScalarTensorAndDoubleOperands() {
    Tensor a = param(7, 2, 3);
    Tensor s = param(8, 0.5, 2.0); // 0-dimensional
    check(x -> x[0].mul(x[1]), a, s);
    check(x -> x[1].div(x[0].square().add(1)), a, s);
    check(x -> x[0].add(2.5).mul(-1.5).sub(0.25).div(4.0), a);
    check(x -> x[0].neg(), a);
  }

  @Test
  void broadcastRank3() { // [2,1,3] with [4,1]
    check(x -> x[0].mul(x[1]), param(9, 2, 1, 3), param(10, 4, 1));
    check(x -> x[0].expand(2, 4, 3).mul(x[1]), param(11, 4, 3), param(12, 2, 1, 1));
  }

  @Test
  void elementwiseFunctions() {
    Tensor a = param(13, 3, 4);
    Tensor pos = param(14, 0.3, 3.0, 3, 4);
    check(x -> x[0].exp(), a);
    check(x -> x[0].log(), pos);
    check(x -> x[0].sqrt(), pos);
    check(x -> x[0].tanh(), a);
    check(x -> x[0].sigmoid(), a);
    check(x -> x[0].relu(), a);
    check(x -> x[0].abs(), a);
    check(x -> x[0].square(), a);
    check(x -> x[0].pow(3), a);
    check(x -> x[0].pow(-1.5), pos);
    check(x -> x[0].pow(0.5), pos);
  }

  @Test
  void powWithTensorExponentBroadcast() {
    Tensor base = param(15, 0.5, 2.0, 2, 3);
    Tensor exponent = param(16, -1.0, 2.0, 3);
    check(x -> x[0].pow(x[1]), base, exponent);
    check(x -> x[0].pow(x[1]), base, param(17, 0.5, 1.5));
  }

  @Test
  void matmulAllRanks() {
    check(x -> x[0].matmul(x[1]), param(20, 4), param(21, 4)); // dot
    check(x -> x[0].matmul(x[1]), param(22, 2, 3), param(23, 3, 4)); // mm
    check(x -> x[0].matmul(x[1]), param(24, 3), param(25, 3, 2)); // vector-matrix
    check(x -> x[0].matmul(x[1]), param(26, 2, 3), param(27, 3)); // matrix-vector
    check(x -> x[0].matmul(x[1]), param(28, 2, 2, 3), param(29, 2, 3, 4)); // bmm
    check(x -> x[0].matmul(x[1]), param(30, 2, 2, 3), param(31, 3, 4)); // batch x matrix
    check(x -> x[0].matmul(x[1]), param(32, 2, 3), param(33, 2, 3, 4)); // matrix x batch
    check(x -> x[0].matmul(x[1]), param(34, 1, 2, 3), param(35, 2, 3, 4)); // batch 1 broadcast
    check(x -> x[0].dot(x[1]), param(36, 5), param(37, 5));
  }

  @Test
  void shapeOperations() {
    Tensor a = param(40, 2, 3, 4);
    check(x -> x[0].transpose(0, 2), a);
    check(x -> x[0].transpose(-1, 1), a);
    check(x -> x[0].reshape(4, -1), a);
    check(x -> x[0].view(24), a);
    check(x -> x[0].unsqueeze(1).squeeze(1).t(), param(41, 2, 3));
    check(x -> x[0].expand(3, 2, 4), param(42, 2, 1));
  }

  @Test
  void reductions() {
    Tensor a = param(50, 2, 3, 4);
    check(x -> x[0].sum(), a);
    check(x -> x[0].mean(), a);
    for (int d = -3; d < 3; d++) {
      int dim = d;
      check(x -> x[0].sum(dim, false), a);
      check(x -> x[0].sum(dim, true), a);
      check(x -> x[0].mean(dim, false), a);
      check(x -> x[0].mean(dim, true), a);
      check(x -> x[0].max(dim, false), a);
      check(x -> x[0].min(dim, true), a);
    }
    check(x -> x[0].max(), a);
    check(x -> x[0].min(), a);
  }

  @Test
  void softmaxAndLogSoftmaxEveryDim() {
    Tensor a = param(60, 2, 3, 4);
    for (int d = 0; d < 3; d++) {
      int dim = d;
      check(x -> x[0].softmax(dim), a);
      check(x -> x[0].logSoftmax(dim), a);
    }
  }

  @Test
  void crossEntropy() {
    Tensor logits = param(61, 4, 5);
    check(x -> Tensor.crossEntropy(x[0], new int[] {0, 4, 2, 2}), logits);
    check(x -> Tensor.crossEntropy(x[0].mul(10), new int[] {1, 1, 3, 0}), logits);
  }

  @Test
  void indexingSlicingJoining() {
    Tensor a = param(70, 3, 4);
    check(x -> x[0].select(0, 1), a);
    check(x -> x[0].select(1, -1), a);
    check(x -> x[0].index(2, 3), a);
    check(x -> x[0].index(2), a);
    check(x -> x[0].slice(0, 1, 3), a);
    check(x -> x[0].slice(1, -3, 100), a);
    Tensor b = param(71, 3, 2);
    check(x -> Tensor.cat(1, x[0], x[1], x[0]), a, b);
    check(x -> Tensor.cat(0, x[0].t(), x[1].t()), a, b);
    check(x -> Tensor.stack(0, x[0], x[0].mul(2)), a);
    check(x -> Tensor.stack(2, x[0], x[1].sum(1, true).expand(3, 4).add(x[0])), a, b);
    check(x -> Tensor.stack(-1, x[0].index(0, 1), x[0].index(2, 2), x[1].index(1, 1)), a, b);
  }

  @Test
  void compositeNetworkWithSharedUses() {
    Tensor w1 = param(80, 4, 3);
    Tensor b1 = param(81, 3);
    Tensor w2 = param(82, 3, 2);
    Tensor in = Tensor.randn(new Generator().manualSeed(83), 5, 4);
    check(x -> {
      Tensor h = x[0].matmul(x[1]).add(x[2]).tanh();
      Tensor logits = h.matmul(x[3]).add(h.sum(1, true).mul(0.1));
      return Tensor.crossEntropy(logits, new int[] {0, 1, 1, 0, 1}).add(x[1].square().sum().mul(1e-2));
    }, in, w1, b1, w2);
  }

  @Test
  void fromPullbackFusedNode() {
    check(x -> fusedSquare(x[0]).mul(x[1]), param(90, 2, 3), param(91, 3));
  }

  /** A hand-written fused {@code x*x} node, as generated code would add. */
  static Tensor fusedSquare(Tensor x) {
    Tensor value = Tensor.noGrad(() -> x.mul(x));
    Tensor saved = x.detach();
    return Tensor.fromPullback("SquareFusedBackward", value, g -> new Tensor[] {g.mul(saved).mul(2)}, x);
  }
}
