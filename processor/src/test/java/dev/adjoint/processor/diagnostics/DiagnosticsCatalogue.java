package dev.adjoint.processor.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Reads the tables of {@code docs/diagnostics.md} and checks one case against one row.
 *
 * <p>Only tables whose first column is headed {@code refused} are read.
 * A row is keyed by the text of its first cell (the refused construct, as written in the Markdown). Its
 * message cell quotes one or more messages in backticks (alternatives separated by {@code /}). In a quote,
 * {@code \|} is a {@code |}, {@code ...} or {@code …} stands for any text and a name in single quotes ({@code 'f'}, {@code 'C.m'}) for any
 * name in single quotes; everything else must appear literally, the first part at the very start of the
 * message. A case passes when the diagnostic reported on its marked line starts with the case's expected
 * message and matches one of its row's quotes.
 */
final class DiagnosticsCatalogue {
  static final String MARK = "// ERROR";

  private DiagnosticsCatalogue() {}

  /** One table row: its section, the first cell, and the quoted messages of the second cell. */
  record Row(String section, String refused, List<String> quotes) {
    /** Whether {@code message} matches one of this row's quotes (see the class comment). */
    boolean matches(String message) {
      return quotes.stream().anyMatch(q -> pattern(q).matcher(message).lookingAt());
    }

    @Override
    public String toString() {
      return section + " / " + refused;
    }
  }

  /** The rows of every table of the catalogue, in order. */
  static List<Row> rows(Path catalogue) {
    List<String> lines;
    try {
      lines = Files.readAllLines(catalogue);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + catalogue, e);
    }
    List<Row> rows = new ArrayList<>();
    String section = "";
    boolean header = false;
    boolean refusals = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        section = line.substring(3).trim();
        header = true;
        continue;
      }
      if (!line.startsWith("|")) {
        header = true;
        continue;
      }
      if (header || line.startsWith("|---")) {
        if (header) {
          // only tables of refusals (first column "refused") list messages; others are informational
          refusals = splitCells(line)[0].equals("refused");
        }
        header = false; // the first table line is the header; the next one the separator
        continue;
      }
      if (!refusals) {
        continue;
      }
      String[] cells = splitCells(line);
      assertTrue(cells.length >= 2, "a catalogue row needs a message cell: " + line);
      List<String> quotes = new ArrayList<>();
      Matcher m = Pattern.compile("`([^`]*)`").matcher(cells[1]);
      while (m.find()) {
        quotes.add(m.group(1).replace("\\|", "|")); // a | in a table cell is written \|
      }
      assertFalse(quotes.isEmpty(), "a catalogue row must quote its message in backticks: " + line);
      rows.add(new Row(section, cells[0], quotes));
    }
    return rows;
  }

  /** The cells of a Markdown table line; a {@code |} inside backticks does not split. */
  private static String[] splitCells(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean code = false;
    for (int i = 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '`') {
        code = !code;
      }
      if (c == '|' && !code) {
        cells.add(cell.toString().trim());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    return cells.toArray(String[]::new);
  }

  /** A quote as a regular expression: {@code ...} any text, {@code 'name'} any quoted name. */
  static Pattern pattern(String quote) {
    StringBuilder regex = new StringBuilder();
    Matcher m = Pattern.compile("\\s*(\\.\\.\\.|…)\\s*|'[^' ]+'").matcher(quote);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(quote.substring(last, m.start())));
      regex.append(m.group().startsWith("'") ? "'[^']+'" : "\\s*.*?\\s*");
      last = m.end();
    }
    regex.append(Pattern.quote(quote.substring(last)));
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  /** Something the catalogue promises: a refusal (or run-time error) with a message. */
  interface Case {
    /** The message the case expects: the reported one must start with it. */
    String message();

    /** Runs the case; fails unless the message is reported where the case says; returns the reported one. */
    String check();
  }

  /**
   * A compile error: {@code sources} compiled together with the processor (and {@code classpath} before the
   * test class path); the one line marked {@code // ERROR} in them must carry an error starting with
   * {@code message}, and no internal error may be reported.
   */
  record Refused(List<JavaFileObject> sources, List<String> texts, List<File> classpath, String message)
      implements Case {
    @Override
    public String check() {
      Compilation c = CompiledCompanion.compilation(sources, classpath);
      assertEquals(Compilation.Status.FAILURE, c.status(), "compiled without an error:\n" + texts);
      RefusedConstructDiagnosticsTest.assertNoInternalError(c);
      JavaFileObject file = null;
      int line = -1;
      for (int i = 0; i < texts.size(); i++) {
        if (texts.get(i).contains(MARK)) {
          assertEquals(null, file, "one marked line in all the sources");
          file = sources.get(i);
          line = RefusedConstructDiagnosticsTest.markedLine(texts.get(i));
        }
      }
      assertTrue(file != null, "no " + MARK + " line in\n" + texts);
      List<String> onLine = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : c.errors()) {
        if (d.getSource() != null && d.getSource().toUri().equals(file.toUri()) && d.getLineNumber() == line) {
          onLine.add(d.getMessage(null));
        }
      }
      String where = file.getName() + ":" + line;
      return onLine.stream().filter(m -> m.startsWith(message)).findFirst().orElseGet(() -> fail(
          "expected an error starting with \"" + message + "\" on " + where + "; errors there: " + onLine + "\nall:\n"
          + CompiledCompanion.describe(c)));
    }
  }

  /** A message reported without a source position (by a thrown exception or a bare Messager call). */
  record Reported(Supplier<String> run, String message) implements Case {
    @Override
    public String check() {
      String reported = run.get();
      assertTrue(reported.startsWith(message), "expected a message starting with \"" + message + "\", got: "
          + reported);
      return reported;
    }
  }

  /** Members wrapped into {@code demo.F}, refused on the marked line. */
  static Case refused(String members, String message) {
    return source("demo.F", wrap(members), message);
  }

  /** A whole compilation unit {@code qualifiedName}, refused on the marked line. */
  static Case source(String qualifiedName, String text, String message) {
    return new Refused(List.of(JavaFileObjects.forSourceString(qualifiedName, text)), List.of(text), List.of(),
        message);
  }

  /** Several compilation units, given as alternating qualified names and texts. */
  static Case sources(List<File> classpath, String message, String... namesAndTexts) {
    List<JavaFileObject> files = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < namesAndTexts.length; i += 2) {
      files.add(JavaFileObjects.forSourceString(namesAndTexts[i], namesAndTexts[i + 1]));
      texts.add(namesAndTexts[i + 1]);
    }
    return new Refused(files, texts, classpath, message);
  }

  /** The simple class name and message of what {@code body} throws, as {@code Name: message}. */
  static String thrownBy(Runnable body) {
    try {
      body.run();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    return fail("nothing was thrown");
  }

  static String wrap(String members) {
    return "package demo;\nimport dev.adjoint.Differentiable;\nimport dev.adjoint.NoGrad;\nimport dev.adjoint.Tensor;"
        + "\nfinal class F {\n" + members + "}\n";
  }
}
