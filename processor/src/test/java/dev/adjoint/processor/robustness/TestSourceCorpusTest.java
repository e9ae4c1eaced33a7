package dev.adjoint.processor.robustness;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java source the processor module's tests hand to the compiler (each text block of
 * {@code src/test/java}, a class body fragment wrapped in {@code demo.F} as the tests do), compiled alone
 * through the processor: whenever the processor reports nothing, the generated companion must compile.
 * Sources marked {@code // ERROR} are meant to be refused, and sources that are not whole on their own
 * (templates, one file of several) fail in javac before the companion matters; neither can hide an
 * error inside a generated file, which fails this test with the file, line and message.
 */
class TestSourceCorpusTest {
  private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"[ \\t]*\\n(.*?)\"\"\"", Pattern.DOTALL);
  private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
  private static final Pattern TYPE = Pattern.compile("(?m)^(?:public\\s+|final\\s+|abstract\\s+)*"
      + "(?:class|interface|record|enum)\\s+(\\w+)");

  /** One text block: where it is, and the compilation unit it stands for. */
  private record Source(String where, String qualifiedName, String text) {}

  @Test
  void everyGeneratedCompanionCompiles() throws IOException {
    Path root = Path.of("src/test/java");
    assertTrue(Files.isDirectory(root), "run from the processor module: no " + root.toAbsolutePath());
    List<Source> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        String text = Files.readString(file);
        Matcher m = TEXT_BLOCK.matcher(text);
        while (m.find()) {
          String block = m.group(1).stripIndent();
          if (!block.contains("@Differentiable") || block.contains("// ERROR")) {
            continue;
          }
          int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
          sources.add(source(root.relativize(file) + ":" + line, block));
        }
      }
    }
    List<String> failures = new ArrayList<>();
    int compiled = 0;
    for (Source s : sources) {
      Compilation c;
      try {
        c = CompiledCompanion.compilation(List.of(JavaFileObjects.forSourceString(s.qualifiedName(), s.text())),
            List.of());
      } catch (AssertionError e) {
        failures.add(s.where() + ": " + e.getMessage());
        continue;
      }
      if (c.status() == Compilation.Status.SUCCESS && !c.generatedSourceFiles().isEmpty()) {
        compiled++;
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " test sources got a companion javac rejects:\n" + String.join("\n\n", failures));
    }
    // The corpus is real: most of the test sources compile with their companions.
    System.out.println("corpus: " + compiled + " of " + sources.size() + " compiled with a companion");
    assertTrue(compiled >= 60, "only " + compiled + " of " + sources.size() + " test sources compiled");
  }

  private static Source source(String where, String block) {
    Matcher type = TYPE.matcher(block);
    boolean unit = PACKAGE.matcher(block).find() || block.stripLeading().startsWith("import ");
    if (unit && type.find()) {
      Matcher pkg = PACKAGE.matcher(block);
      String name = (pkg.find() ? pkg.group(1) + "." : "") + type.group(1);
      return new Source(where, name, block);
    }
    return new Source(where, "demo.F", "package demo;\n\nimport dev.adjoint.Differentiable;\nimport dev.adjoint.NoGrad;\n"
        + "import dev.adjoint.Tensor;\n\nfinal class F {\n" + block + "}\n");
  }
}
