package dev.adjoint.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The embedded default: rows held in this JVM, split into batches of consecutive rows whose gradients are
 * computed on a pool of threads. Each batch's sum goes into its own array and the arrays are added in batch
 * order, so the result does not depend on the number of threads or on scheduling; it differs from one
 * serial pass over all rows only by the order of the floating-point additions.
 */
public final class LocalData implements TrainingData, AutoCloseable {
  private final List<Batch> batches = new ArrayList<>();
  private final int rows;
  private final int features;
  private final ExecutorService pool;

  /**
   * Validates and splits the rows (they are referenced, not copied; do not change them while training).
   *
   * @param x the rows
   * @param y their labels, 0 or 1
   * @param batchSize rows per batch (the unit of parallel work)
   * @param threads worker threads
   * @throws IllegalArgumentException naming the first bad row (wrong feature count, non-finite feature,
   *     label not 0 or 1)
   */
  public LocalData(double[][] x, double[] y, int batchSize, int threads) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " rows but " + y.length + " labels");
    }
    if (x.length == 0) {
      throw new IllegalArgumentException("no rows");
    }
    if (batchSize < 1 || threads < 1) {
      throw new IllegalArgumentException("batchSize and threads must be positive, got " + batchSize + " and "
          + threads);
    }
    this.rows = x.length;
    this.features = x[0] == null ? 0 : x[0].length;
    for (int i = 0; i < x.length; i++) {
      Batch.checkRow(i, x[i], y[i], features);
    }
    for (int start = 0; start < x.length; start += batchSize) {
      int end = Math.min(x.length, start + batchSize);
      double[][] bx = new double[end - start][];
      System.arraycopy(x, start, bx, 0, bx.length);
      double[] by = new double[end - start];
      System.arraycopy(y, start, by, 0, by.length);
      batches.add(new Batch(start, bx, by));
    }
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "adjoint-gradient");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public long count() {
    return rows;
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public double sumLossAndGradient(BatchLoss loss, double[] params, double[] gradient) {
    int dim = params.length;
    List<Future<double[]>> parts = new ArrayList<>(batches.size());
    for (Batch b : batches) {
      parts.add(pool.submit(() -> {
        double[] part = new double[dim + 1];
        part[dim] = loss.addLossAndGradient(params, b.x(), b.y(), part);
        return part;
      }));
    }
    java.util.Arrays.fill(gradient, 0);
    double total = 0;
    try {
      for (Future<double[]> f : parts) {
        double[] part = f.get();
        for (int j = 0; j < dim; j++) {
          gradient[j] += part[j];
        }
        total += part[dim];
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while summing gradients", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
    return total;
  }

  /** Stops the worker threads. */
  @Override
  public void close() {
    pool.shutdownNow();
  }
}
