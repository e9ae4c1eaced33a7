package dev.adjoint.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The training sample's data: Fisher's Iris measurements (shipped as a resource) and seeded spirals. */
public final class Datasets {
  private Datasets() {}

  /**
   * A classification data set.
   *
   * @param name a short name for printing
   * @param x one row of features per example
   * @param y the class of each example, {@code 0 ≤ y < classes.length}
   * @param classes the class names
   * @param features the feature names
   */
  public record Dataset(String name, double[][] x, int[] y, String[] classes, String[] features) {
    /** Number of examples. */
    public int size() {
      return y.length;
    }

    /** The examples at {@code rows}, in that order. */
    public Dataset rows(int[] rows) {
      double[][] sx = new double[rows.length][];
      int[] sy = new int[rows.length];
      for (int i = 0; i < rows.length; i++) {
        sx[i] = x[rows[i]].clone();
        sy[i] = y[rows[i]];
      }
      return new Dataset(name, sx, sy, classes, features);
    }
  }

  /**
   * A training set and a held-out set.
   *
   * @param train examples to fit on
   * @param heldOut examples never trained on, for the accuracy that counts
   */
  public record Split(Dataset train, Dataset heldOut) {}

  /** The resource holding the Iris table (see {@code NOTICE-iris.md} beside it). */
  static final String IRIS_RESOURCE = "/iris.csv";

  /**
   * Fisher's Iris data: 150 flowers, 4 measurements in cm, 3 species (50 each). The file is scikit-learn's
   * {@code iris.csv} as Debian ships it; its first line is {@code 150,4,setosa,versicolor,virginica}
   * (rows, features, class names), then one {@code sepal length, sepal width, petal length, petal width,
   * class} row per flower.
   *
   * @return the 150 examples in file order
   */
  public static Dataset iris() {
    try (InputStream in = Datasets.class.getResourceAsStream(IRIS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + IRIS_RESOURCE + " not on the class path");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      String[] header = reader.readLine().split(",");
      int rows = Integer.parseInt(header[0].trim());
      int columns = Integer.parseInt(header[1].trim());
      String[] classes = new String[header.length - 2];
      System.arraycopy(header, 2, classes, 0, classes.length);
      double[][] x = new double[rows][columns];
      int[] y = new int[rows];
      for (int i = 0; i < rows; i++) {
        String line = reader.readLine();
        if (line == null) {
          throw new IllegalStateException(IRIS_RESOURCE + ": expected " + rows + " rows, found " + i);
        }
        String[] cells = line.split(",");
        for (int j = 0; j < columns; j++) {
          x[i][j] = Double.parseDouble(cells[j].trim());
        }
        y[i] = Integer.parseInt(cells[columns].trim());
      }
      return new Dataset("iris", x, y, classes,
          new String[] {"sepal length", "sepal width", "petal length", "petal width"});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Two interleaved spirals in the plane, a classic set that no linear classifier separates: class
   * {@code c} has points at angle {@code θ + cπ} and radius {@code θ / (turns·2π)} for θ uniform in
   * {@code [0, turns·2π]}, with Gaussian noise of standard deviation {@code noise} on both coordinates.
   *
   * @param perClass points per spiral
   * @param turns how many turns each spiral makes
   * @param noise standard deviation of the noise
   * @param seed the generator's seed
   * @return {@code 2·perClass} examples, the classes interleaved
   */
  public static Dataset spirals(int perClass, double turns, double noise, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[2 * perClass][];
    int[] y = new int[2 * perClass];
    double span = turns * 2 * Math.PI;
    for (int i = 0; i < perClass; i++) {
      double theta = span * random.nextDouble();
      double radius = theta / span;
      for (int c = 0; c < 2; c++) {
        double angle = theta + c * Math.PI;
        int row = 2 * i + c;
        x[row] = new double[] {
          radius * Math.cos(angle) + noise * random.nextGaussian(),
          radius * Math.sin(angle) + noise * random.nextGaussian()
        };
        y[row] = c;
      }
    }
    return new Dataset("spirals", x, y, new String[] {"spiral A", "spiral B"}, new String[] {"x1", "x2"});
  }

  /**
   * A seeded, stratified split: from each class, a shuffled {@code heldOutFraction} of its examples goes to
   * the held-out set; both sets are then shuffled.
   */
  public static Split split(Dataset data, double heldOutFraction, long seed) {
    Random random = new Random(seed);
    List<Integer> train = new ArrayList<>();
    List<Integer> heldOut = new ArrayList<>();
    for (int c = 0; c < data.classes().length; c++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        if (data.y()[i] == c) {
          members.add(i);
        }
      }
      java.util.Collections.shuffle(members, random);
      int held = (int) Math.round(heldOutFraction * members.size());
      heldOut.addAll(members.subList(0, held));
      train.addAll(members.subList(held, members.size()));
    }
    java.util.Collections.shuffle(train, random);
    java.util.Collections.shuffle(heldOut, random);
    return new Split(data.rows(train.stream().mapToInt(Integer::intValue).toArray()),
        data.rows(heldOut.stream().mapToInt(Integer::intValue).toArray()));
  }

  /**
   * Standardizes both sets with the training set's per-feature mean and standard deviation (the held-out
   * set's statistics are never looked at).
   */
  public static Split standardize(Split split) {
    double[][] train = split.train().x();
    int d = train[0].length;
    double[] mean = new double[d];
    double[] sd = new double[d];
    for (double[] row : train) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j] / train.length;
      }
    }
    for (double[] row : train) {
      for (int j = 0; j < d; j++) {
        sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / (train.length - 1);
      }
    }
    for (int j = 0; j < d; j++) {
      sd[j] = Math.sqrt(sd[j]);
    }
    return new Split(scaled(split.train(), mean, sd), scaled(split.heldOut(), mean, sd));
  }

  private static Dataset scaled(Dataset data, double[] mean, double[] sd) {
    double[][] x = new double[data.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[mean.length];
      for (int j = 0; j < mean.length; j++) {
        x[i][j] = (data.x()[i][j] - mean[j]) / sd[j];
      }
    }
    return new Dataset(data.name(), x, data.y(), data.classes(), data.features());
  }
}
