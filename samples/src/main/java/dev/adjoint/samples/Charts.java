package dev.adjoint.samples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnitSource;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts for the samples, drawn with JFreeChart without a display. */
final class Charts {
  static {
    // Render off-screen: no X server on CI or a build machine. Set before any AWT class loads.
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Chart size in pixels. */
  static final int WIDTH = 900;

  static final int HEIGHT = 560;

  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)
  };

  /**
   * One named series of points.
   *
   * @param name the legend entry
   * @param x abscissae
   * @param y ordinates, as many as {@code x}
   */
  record Series(String name, double[] x, double[] y) {
    Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException(name + ": " + x.length + " x values but " + y.length + " y values");
      }
    }
  }

  /** Where the samples write their charts: {@code samples/target/plots}, from the repository root or samples/. */
  static Path plotDirectory() {
    Path samples = Files.isDirectory(Path.of("samples", "src")) ? Path.of("samples") : Path.of(".");
    return samples.resolve("target").resolve("plots");
  }

  /**
   * Lines, one per series, on a linear x axis and a linear or logarithmic y axis.
   *
   * @param dashed series whose index is in this set are drawn dashed (e.g. held-out curves)
   */
  static void lines(String title, String xLabel, String yLabel, List<Series> series, boolean logY,
      java.util.Set<Integer> dashed, Path png) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Series s : series) {
      data.addSeries(xy(s));
    }
    NumberAxis xAxis = new NumberAxis(xLabel);
    xAxis.setAutoRangeIncludesZero(false);
    xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    xAxis.setUpperMargin(0.01);
    NumberAxis yAxis;
    XYPlot plot;
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < series.size(); i++) {
      renderer.setSeriesPaint(i, PALETTE[(dashed.contains(i) ? i - 1 : i) % PALETTE.length]);
      renderer.setSeriesStroke(i, dashed.contains(i)
          ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f)
          : new BasicStroke(2f));
    }
    if (logY) {
      LogAxis log = new LogAxis(yLabel);
      log.setStandardTickUnits(new NumberTickUnitSource());
      log.setSmallestValue(1e-6);
      plot = new XYPlot(data, xAxis, log, renderer);
    } else {
      yAxis = new NumberAxis(yLabel);
      yAxis.setAutoRangeIncludesZero(true);
      plot = new XYPlot(data, xAxis, yAxis, renderer);
    }
    write(chart(title, plot), png);
  }

  /** Observed points as markers and model trajectories as lines. */
  static void trajectories(String title, String xLabel, String yLabel, Series points, List<Series> lines, Path png)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(xy(points));
    for (Series s : lines) {
      data.addSeries(xy(s));
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    renderer.setSeriesLinesVisible(0, false);
    renderer.setSeriesShapesVisible(0, true);
    renderer.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
    renderer.setSeriesPaint(0, Color.BLACK);
    Color[] lineColors = {new Color(0x7f7f7f), new Color(0x2ca02c), new Color(0xd62728)};
    for (int i = 1; i <= lines.size(); i++) {
      renderer.setSeriesShapesVisible(i, false);
      renderer.setSeriesLinesVisible(i, true);
      renderer.setSeriesPaint(i, lineColors[(i - 1) % lineColors.length]);
      // The last line (a fit) is drawn last, dashed over the thick reference line it should match.
      renderer.setSeriesStroke(i, i == 1
          ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
          : i == lines.size()
              ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {12f, 6f}, 0f)
              : new BasicStroke(5f));
    }
    NumberAxis xAxis = new NumberAxis(xLabel);
    xAxis.setAutoRangeIncludesZero(true);
    xAxis.setUpperMargin(0.01);
    xAxis.setLowerMargin(0.01);
    NumberAxis yAxis = new NumberAxis(yLabel);
    yAxis.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
    // JFreeChart draws the last series first by default: draw in order, so the fit is on top.
    plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
    write(chart(title, plot), png);
  }

  private static XYSeries xy(Series s) {
    XYSeries out = new XYSeries(s.name(), false, true);
    for (int i = 0; i < s.x().length; i++) {
      out.add(s.x()[i], s.y()[i]);
    }
    return out;
  }

  private static JFreeChart chart(String title, XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    plot.setDomainGridlinesVisible(true);
    plot.setRangeGridlinesVisible(true);
    Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    plot.getDomainAxis().setLabelFont(label);
    plot.getRangeAxis().setLabelFont(label);
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    LegendTitle legend = chart.getLegend();
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    return chart;
  }

  private static void write(JFreeChart chart, Path png) throws IOException {
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
  }
}
