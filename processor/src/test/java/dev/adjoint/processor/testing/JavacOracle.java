package dev.adjoint.processor.testing;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.read.MethodReader;
import dev.adjoint.processor.read.ModelTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * javac as the oracle for the reader's typing. The processor sees unattributed trees, so
 * {@link MethodReader} types method bodies itself; here the same source is attributed by javac
 * ({@link JavacTask#analyze()}), every {@code @Differentiable} method is read by {@link MethodReader} on
 * javac's own trees, and for every expression the reader typed and every call it resolved, its answer is
 * compared with javac's ({@link Trees#getTypeMirror}, {@link Trees#getElement}).
 */
public final class JavacOracle {
  private JavacOracle() {}

  /** What one source gave: whether javac attributed it, the counts compared, and every disagreement. */
  public record Outcome(String name, boolean attributed, String javacErrors, int expressions, int calls,
      List<String> disagreements) {}

  /** Attributes {@code source} (one compilation unit, named for messages by {@code name}) and compares. */
  public static Outcome check(String name, String source) {
    return check(name, source, r -> r);
  }

  /** As {@link #check(String, String)}, with the reader's answers passed through {@code tamper} (self-tests). */
  public static Outcome check(String name, String source,
      java.util.function.UnaryOperator<MethodReader.Result> tamper) {
    return check(name, List.of(new Source(fileName(source), source)), null, e -> false, tamper);
  }

  /**
   * Several files attributed together; with {@code generatedTo} set, the Adjoint processor runs first and
   * writes there (so sources that use their companions attribute), and the reader is then run again on
   * javac's attributed trees.
   */
  public static Outcome checkFiles(String name, List<Path> files, Path generatedTo,
      java.util.function.Predicate<String> toleratedError) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (Path f : files) {
      try {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        sources.add(new Source(fileName(text), text));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return check(name, sources, generatedTo, toleratedError, r -> r);
  }

  private static Outcome check(String name, List<JavaFileObject> sources, Path generatedTo,
      java.util.function.Predicate<String> toleratedError, java.util.function.UnaryOperator<MethodReader.Result> tamper) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    // Attribute every class even when some report errors (tolerated ones, outside @Differentiable methods).
    List<String> options = new ArrayList<>(List.of("-classpath", System.getProperty("java.class.path"),
        "-XDshould-stop.ifError=FLOW"));
    if (generatedTo == null) {
      options.add("-proc:none");
    } else {
      options.addAll(List.of("-d", generatedTo.toString(), "-s", generatedTo.toString()));
    }
    JavacTask task = (JavacTask) javac.getTask(null, null, diagnostics, options, null, sources);
    if (generatedTo != null) {
      task.setProcessors(List.of(new dev.adjoint.processor.AdjointProcessor()));
    }
    List<CompilationUnitTree> units = new ArrayList<>();
    try {
      task.parse().forEach(units::add);
      task.analyze();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .map(d -> d.getLineNumber() + ": " + d.getMessage(null)).filter(toleratedError.negate())
        .collect(Collectors.joining("\n"));
    if (!errors.isEmpty()) {
      return new Outcome(name, false, errors, 0, 0, List.of());
    }
    Trees trees = Trees.instance(task);
    List<String> disagreements = new ArrayList<>();
    int[] counts = new int[2];
    for (CompilationUnitTree unit : units) {
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitMethod(MethodTree tree, Void unused) {
          Element e = trees.getElement(getCurrentPath());
          if (e instanceof ExecutableElement m && ModelTypes.isDifferentiable(m)) {
            // The unit the reader sees (after annotation processing javac may attribute fresh trees).
            TreePath methodPath = trees.getPath(m);
            CompilationUnitTree read = methodPath == null ? unit : methodPath.getCompilationUnit();
            compare(name, read, trees, tamper.apply(MethodReader.read(trees, task.getElements(), m)),
                disagreements, counts);
          }
          return super.visitMethod(tree, unused);
        }
      }.scan(unit, null);
    }
    return new Outcome(name, true, "", counts[0], counts[1], disagreements);
  }

  private static void compare(String name, CompilationUnitTree unit, Trees trees, MethodReader.Result read,
      List<String> out, int[] counts) {
    for (Map.Entry<Tree, String> e : read.expressionTypes().entrySet()) {
      TreePath path = TreePath.getPath(unit, e.getKey());
      TypeMirror javacType = path == null ? null : trees.getTypeMirror(path);
      String expected = javacType == null ? "(none)" : javacType.toString();
      counts[0]++;
      if (!expected.equals(e.getValue())) {
        out.add(where(name, unit, trees, e.getKey()) + ": the reader types it " + e.getValue() + ", javac "
            + expected);
      }
    }
    for (Map.Entry<MethodInvocationTree, ExecutableElement> e : read.resolvedCalls().entrySet()) {
      TreePath path = TreePath.getPath(unit, e.getKey());
      Element javacChoice = path == null ? null : trees.getElement(path);
      counts[1]++;
      if (!e.getValue().equals(javacChoice)) {
        out.add(where(name, unit, trees, e.getKey()) + ": the reader calls " + describe(e.getValue()) + ", javac "
            + (javacChoice instanceof ExecutableElement m ? describe(m) : String.valueOf(javacChoice)));
      }
    }
  }

  private static String where(String name, CompilationUnitTree unit, Trees trees, Tree tree) {
    long start = trees.getSourcePositions().getStartPosition(unit, tree);
    long line = start < 0 ? 0 : unit.getLineMap().getLineNumber(start);
    return name + " line " + line + " '" + tree + "'";
  }

  /** {@code pkg.C.m(int, double)}. */
  public static String describe(ExecutableElement m) {
    return m.getEnclosingElement() + "." + m.getSimpleName() + "(" + m.getParameters().stream()
        .map(p -> p.asType().toString()).collect(Collectors.joining(", ")) + ")";
  }

  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile("public\\s+(?:final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s+(\\w+)");
  private static final Pattern ANY_TYPE =
      Pattern.compile("(?:class|interface|record|enum)\\s+(\\w+)");

  /** The file name javac expects: the public top-level type's, else the first type's. */
  private static String fileName(String source) {
    Matcher pkg = PACKAGE.matcher(source);
    String dir = pkg.find() ? pkg.group(1).replace('.', '/') + "/" : "";
    Matcher m = PUBLIC_TYPE.matcher(source);
    if (!m.find()) {
      m = ANY_TYPE.matcher(source);
      if (!m.find()) {
        return dir + "Unnamed.java";
      }
    }
    return dir + m.group(1) + ".java";
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String text;

    Source(String path, String text) {
      super(URI.create("string:///" + path), Kind.SOURCE);
      this.text = text;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }

  /**
   * The Java programs held as string constants (literals, text blocks and concatenations of them) in the
   * test sources under {@code root} that mention {@code @Differentiable}: whole compilation units as they
   * are, class members wrapped in the tests' usual {@code demo.F}. Keyed by file and line.
   */
  public static Map<String, String> programsInTestSources(Path root) {
    Map<String, String> programs = new java.util.LinkedHashMap<>();
    List<Path> files;
    try (var walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    for (Path f : files) {
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      JavacTask task = (JavacTask) javac.getTask(null, null, d -> { }, List.of("-proc:none"), null,
          List.of(new Source(f.getFileName().toString(), text)));
      try {
        for (CompilationUnitTree unit : task.parse()) {
          new TreeScanner<Void, Void>() {
            @Override
            public Void scan(Tree tree, Void unused) {
              String s = tree == null ? null : constantString(tree);
              if (s == null) {
                return super.scan(tree, unused);
              }
              if (s.contains("@Differentiable")) {
                long line = unit.getLineMap().getLineNumber(
                    Trees.instance(task).getSourcePositions().getStartPosition(unit, tree));
                programs.put(root.relativize(f) + ":" + line, s.contains("class ") ? s : wrap(s));
              }
              return null;
            }
          }.scan(unit, null);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return programs;
  }

  private static String wrap(String members) {
    return "package demo;\nimport dev.adjoint.Differentiable;\nimport dev.adjoint.Tensor;\nfinal class F {\n"
        + members + "\n}\n";
  }

  private static String constantString(Tree t) {
    if (t instanceof LiteralTree l && l.getValue() instanceof String s) {
      return s;
    }
    if (t instanceof ParenthesizedTree p) {
      return constantString(p.getExpression());
    }
    if (t instanceof BinaryTree b && b.getKind() == Tree.Kind.PLUS) {
      String left = constantString(b.getLeftOperand());
      String right = left == null ? null : constantString(b.getRightOperand());
      return right == null ? null : left + right;
    }
    return null;
  }
}
