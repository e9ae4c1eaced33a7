package dev.adjoint.processor.property;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames a generated program's variables to names from Java's and the generated code's vocabulary
 * ({@code wait}, {@code Math}, package roots, runtime classes, {@code upstream}, generated member names),
 * so that the random generators also check that user names never break the companion. About half the
 * variables of a program are renamed (fields keep theirs); a differentiable parameter never gets a name a record component
 * cannot have (those are refused by design, see docs/diagnostics.md).
 */
final class Vocabulary {
  static final List<String> NAMES = List.of("dev", "java", "javax", "demo", "Math", "StrictMath", "Double",
      "Integer", "System", "Object", "String", "Tensor", "DoubleTape", "IntTape", "RefTape", "ArrayAdjoints",
      "TensorAdjoints", "Backward", "Pullback", "F", "FGrad", "FTape", "FGradient", "upstream", "retainGraph",
      "gradient", "tape", "pullback", "record", "value", "state", "input", "freed", "recorded", "fVjp",
      "fForward", "fGradient", "var", "wait", "clone", "hashCode", "toString", "notify", "notifyAll", "finalize",
      "getClass");
  private static final Set<String> NOT_COMPONENTS = Set.of("wait", "clone", "hashCode", "toString", "notify",
      "notifyAll", "finalize", "getClass");
  private static final Pattern DECLARED =
      Pattern.compile("\\b(?:double|int|long|boolean)(?:\\[\\])*\\s+([A-Za-z_]\\w*)\\b(?!\\s*\\()");
  private static final Pattern FIELD =
      Pattern.compile("\\bstatic\\s+(?:final\\s+)?(?:double|int|long|boolean)(?:\\[\\])*\\s+(\\w+)\\s*[;=]");
  private static final Pattern IDENTIFIER = Pattern.compile("\\b[A-Za-z_]\\w*\\b");

  private Vocabulary() {}

  /** {@code source} with about half its variables renamed from {@link #NAMES}, drawn by {@code r}. */
  static String rename(String source, Random r) {
    Set<String> present = new LinkedHashSet<>();
    Matcher id = IDENTIFIER.matcher(source);
    while (id.find()) {
      present.add(id.group());
    }
    StringBuilder signatures = new StringBuilder();
    Matcher m = Pattern.compile("static [\\w\\[\\]]+ \\w+\\(([^)]*)\\)").matcher(source);
    while (m.find()) {
      signatures.append(m.group(1)).append(", ");
    }
    Set<String> declared = new LinkedHashSet<>();
    Matcher d = DECLARED.matcher(source);
    while (d.find()) {
      declared.add(d.group(1));
    }
    // Fields keep their names: tests read some of them (a call counter) by reflection.
    Matcher field = FIELD.matcher(source);
    while (field.find()) {
      declared.remove(field.group(1));
    }
    List<String> free = new ArrayList<>(NAMES);
    free.removeAll(present);
    Map<String, String> renames = new HashMap<>();
    for (String name : declared) {
      if (free.isEmpty() || r.nextBoolean()) {
        continue;
      }
      boolean component = Pattern.compile("double(?:\\[\\])*\\s+" + name + "\\b").matcher(signatures).find();
      List<String> allowed = free.stream().filter(n -> !component || !NOT_COMPONENTS.contains(n)).toList();
      String to = allowed.get(r.nextInt(allowed.size()));
      free.remove(to);
      renames.put(name, to);
    }
    String out = source;
    if (renames.containsValue("Math") || renames.containsValue("StrictMath")) {
      // The program's own Math.f(...) calls would see the variable: call them through a static import.
      out = out.replace("Math.", "").replace("import dev.adjoint.Differentiable;",
          "import dev.adjoint.Differentiable;\nimport static java.lang.Math.*;");
    }
    for (Map.Entry<String, String> e : renames.entrySet()) {
      out = out.replaceAll("(?<![.\\w])" + Pattern.quote(e.getKey()) + "\\b", Matcher.quoteReplacement(e.getValue()));
      // a gradient record's accessor, FGrad.gGradient(a, b).a(), follows its parameter's name
      out = out.replaceAll("(?<=\\.)" + Pattern.quote(e.getKey()) + "(?=\\(\\))", Matcher.quoteReplacement(e.getValue()));
    }
    return out;
  }
}
