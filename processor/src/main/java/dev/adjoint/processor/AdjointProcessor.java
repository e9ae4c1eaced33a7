package dev.adjoint.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import dev.adjoint.processor.analyze.AliasPolicy;
import dev.adjoint.processor.analyze.Summaries;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.Recomputable;
import dev.adjoint.processor.differentiate.Refusal;
import dev.adjoint.processor.differentiate.ReverseSweep;
import dev.adjoint.processor.emit.CompanionWriter;
import dev.adjoint.processor.emit.GeneratedNames;
import dev.adjoint.processor.emit.MethodSize;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.summary.ResultAlias;
import dev.adjoint.processor.read.CustomDerivatives;
import dev.adjoint.processor.read.HelperCalls;
import dev.adjoint.processor.read.MethodReader;
import dev.adjoint.processor.read.ModelTypes;
import dev.adjoint.processor.read.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The Adjoint annotation processor: for every class with {@code @Differentiable} methods, writes a
 * companion {@code <Class>Grad} with their forward passes and hand-unrolled reverse passes.
 *
 * <p>Stages: {@link MethodReader} (trees to IR) → {@link ReverseSweep} (analyses and adjoint IR) →
 * {@link CompanionWriter} (IR to Java). Nothing escapes {@link #process}: unsupported code is a compile
 * error on its line, and an internal failure an error on the method naming this processor.
 */
@AutoService(Processor.class)
// "*": javac does not report annotations on methods of local and anonymous classes, so the processor asks
// to see every round and looks for @Differentiable itself; it claims nothing (process returns false).
@SupportedAnnotationTypes("*")
public final class AdjointProcessor extends AbstractProcessor {
  private Trees trees;
  private Messager messager;
  private String unavailable;
  /** The plain helper specialisations this round reads, reports and differentiates. */
  private HelperSpecialisations helpers;
  /** The methods read in this round, by {@code owner#name}: nested gradients ask whether theirs have mHvp. */
  private Map<String, MethodIr> roundMethods = Map.of();
  /** Whether those methods' companions get mHvp, as decided so far (recursion asks while deciding). */
  private final Map<String, Boolean> hvpDecided = new HashMap<>();
  /** The tangent members {@code m$tan} of this round's methods ({@link RecursiveTangents}). */
  private final RecursiveTangents tangents = new RecursiveTangents();

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public synchronized void init(ProcessingEnvironment processingEnv) {
    super.init(processingEnv);
    messager = processingEnv.getMessager();
    try {
      trees = Trees.instance(ProcessingEnvironments.unwrap(processingEnv));
      helpers = new HelperSpecialisations(this, trees, processingEnv.getElementUtils());
    } catch (IllegalArgumentException | LinkageError e) {
      unavailable = "Adjoint (" + getClass().getName() + ") needs javac's Compiler Tree API to read method bodies,"
          + " but this compiler (" + processingEnv.getClass().getName() + ") does not provide it. Compile with"
          + " javac (Maven, Gradle and IntelliJ's javac mode all use it); Eclipse's compiler is not supported.";
    }
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    try {
      processRound(annotations, round);
    } catch (Throwable t) {
      // Never let anything escape: report it on the compilation instead.
      messager.printMessage(Diagnostic.Kind.ERROR, internalError("processing a round", t));
    }
    return false;
  }

  private void processRound(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    importedNames = null;
    Map<TypeElement, List<ExecutableElement>> byClass = new LinkedHashMap<>();
    for (TypeElement annotation : annotations) {
      if (annotation.getQualifiedName().contentEquals(CustomDerivatives.DERIVATIVE_OF)) {
        SignatureRules.checkDerivativeTargets(round.getElementsAnnotatedWith(annotation), messager);
      }
      if (!annotation.getQualifiedName().contentEquals(ModelTypes.DIFFERENTIABLE)) {
        continue;
      }
      for (Element e : round.getElementsAnnotatedWith(annotation)) {
        if (e.getKind() != ElementKind.METHOD) {
          messager.printMessage(Diagnostic.Kind.ERROR, "@Differentiable applies to static methods only", e);
          continue;
        }
        byClass.computeIfAbsent((TypeElement) e.getEnclosingElement(), k -> new ArrayList<>())
            .add((ExecutableElement) e);
      }
    }
    if (trees != null) {
      refuseLocalClasses(round);
    }
    if (byClass.isEmpty()) {
      return;
    }
    if (trees == null) {
      for (List<ExecutableElement> methods : byClass.values()) {
        messager.printMessage(Diagnostic.Kind.ERROR, unavailable, methods.get(0));
      }
      return;
    }
    // Read every method first: the alias summaries of callees in this compilation need their bodies.
    List<ClassWork> work = new ArrayList<>();
    HelperCalls.Names names = new HelperCalls.Names();
    helpers.newRound();
    byClass.forEach((owner, methods) -> work.add(readClass(owner, methods, names)));
    List<MethodIr> all = new ArrayList<>();
    for (ClassWork w : work) {
      for (Read r : w.reads) {
        all.add(r.result.method().get());
      }
    }
    // Only @Differentiable methods have m$pullback and mHvp; helper specialisations keep their tapes and have
    // neither. Keyed by member name, so a helper named like a @Differentiable method is not mistaken for it.
    recomputed = recomputedIn(all);
    roundMethods = new HashMap<>();
    hvpDecided.clear();
    for (MethodIr m : all) {
      roundMethods.put(m.ownerCanonicalName() + "#" + m.name(), m);
    }
    // Forward modes go through callees' general entries, not their activity specialisations.
    Map<String, MethodIr> read = new HashMap<>(roundMethods);
    roundMethods.replaceAll((k, m) -> dev.adjoint.processor.read.ActivityPatterns.generalCalls(m, read));
    helpers.forModes(work, read);
    tangents.newRound(roundMethods, helpers, hvpDecided, this::hasHvp,
        m -> GeneratedNames.of(m, processingEnv.getElementUtils()).rename(m));
    for (ClassWork w : work) {
      for (HelperRead h : w.helpers.values()) {
        if (h.differentiated) {
          h.read.result().method().ifPresent(all::add);
        }
      }
    }
    Summaries summaries = Summaries.of(all, this::compiledResultAlias);
    for (ClassWork w : work) {
      finishClass(w, summaries);
    }
  }

  /** The class names of the packages generated code imports, listed once per round ({@link GeneratedNames}). */
  private Set<String> importedNames;

  /** The generated names of {@code m}, with the imported packages' class names listed once per round. */
  private GeneratedNames generatedNames(MethodIr m) {
    if (importedNames == null) {
      importedNames = GeneratedNames.importedNames(processingEnv.getElementUtils());
    }
    return GeneratedNames.of(m, importedNames);
  }

  /** The keys ({@link Summaries#key}) of this round's methods that callers recompute ({@link Recomputable}). */
  private Set<String> recomputed = Set.of();

  /** The keys of this round's recomputed methods with {@code m$atResult} ({@link Recomputable#derivativeAtResult}). */
  private final Set<String> atResult = new java.util.HashSet<>();

  /** The methods of {@code all} whose sweeps are tiny, pure and tape-free: callers recompute them. */
  private Set<String> recomputedIn(List<MethodIr> all) {
    atResult.clear();
    Set<String> out = new java.util.HashSet<>();
    for (MethodIr m : all) {
      if (!Recomputable.candidate(m)) {
        continue;
      }
      try {
        // A candidate calls no differentiated method, so how its callers are treated does not matter here.
        MethodIr renamed = generatedNames(m).rename(m);
        if (Recomputable.of(ReverseSweep.differentiate(renamed))) {
          out.add(Summaries.key(m.ownerCanonicalName(), m.name()));
          if (Recomputable.derivativeAtResult(renamed) != null) {
            atResult.add(Summaries.key(m.ownerCanonicalName(), m.name()));
          }
        }
      } catch (Throwable e) {
        // Refused or failed: reported when the method itself is differentiated; its callers keep its tape.
      }
    }
    return out;
  }

  /**
   * Whether calls of {@code callee} are recomputed: decided above for this round's methods, read from the
   * companion ({@code m$pullback}) for classes compiled earlier.
   */
  private boolean isRecomputed(Callee.DifferentiableMethod callee) {
    if (recomputed.contains(Summaries.key(callee.owner(), callee.member()))) {
      return true;
    }
    TypeElement companion = processingEnv.getElementUtils().getTypeElement(callee.companion());
    if (companion == null) {
      return false;
    }
    String name = Recomputable.pullbackName(callee.member());
    return javax.lang.model.util.ElementFilter.methodsIn(companion.getEnclosedElements()).stream()
        .anyMatch(m -> m.getSimpleName().contentEquals(name) && !m.getParameters().isEmpty()
            // this version's pullback returns the double adjoints in the caller's registers (its last parameter)
            && m.getParameters().get(m.getParameters().size() - 1).asType().toString()
                .equals("dev.adjoint.runtime.DoubleTape"));
  }

  /**
   * Whether recomputed calls of {@code callee} may call its {@code m$atResult}: decided above for this round's
   * methods, read from the companion for classes compiled earlier.
   */
  private boolean hasAtResult(Callee.DifferentiableMethod callee) {
    if (atResult.contains(Summaries.key(callee.owner(), callee.member()))) {
      return true;
    }
    TypeElement companion = processingEnv.getElementUtils().getTypeElement(callee.companion());
    String name = Recomputable.atResultName(callee.member());
    return companion != null && javax.lang.model.util.ElementFilter.methodsIn(companion.getEnclosedElements())
        .stream().anyMatch(m -> m.getSimpleName().contentEquals(name) && m.getParameters().size() == 2);
  }

  /** One class's methods as read, the helper specialisations they need, and whether any failed already. */
  static final class ClassWork {
    final TypeElement owner;
    final List<Read> reads = new ArrayList<>();
    /** By member name, in the order requested. */
    final Map<String, HelperRead> helpers = new LinkedHashMap<>();
    boolean failed;

    ClassWork(TypeElement owner) {
      this.owner = owner;
    }
  }

  record Read(ExecutableElement method, MethodReader.Result result, List<HelperCalls.Request> requests) {}

  /**
   * A plain helper specialisation read for a class: {@code chain} says how it is reached
   * ({@code "called from 'loss' at line 12"}), for its messages.
   */
  record HelperRead(ExecutableElement helper, HelperCalls.Read read, String chain, boolean differentiated) {}

  /**
   * What the array result of a callee compiled earlier may alias, from the {@code ResultAlias} annotation
   * on its companion's forward member; without one (an older companion), anything.
   */
  private ResultAlias compiledResultAlias(Callee.DifferentiableMethod callee) {
    ResultAlias unknown = ResultAlias.unknown(callee.parameterTypes().size());
    TypeElement companion = processingEnv.getElementUtils().getTypeElement(callee.companion());
    if (companion == null) {
      return unknown;
    }
    for (ExecutableElement m : javax.lang.model.util.ElementFilter.methodsIn(companion.getEnclosedElements())) {
      if (!m.getSimpleName().contentEquals(callee.name())) {
        continue;
      }
      for (AnnotationMirror a : m.getAnnotationMirrors()) {
        TypeElement type = (TypeElement) a.getAnnotationType().asElement();
        if (!type.getQualifiedName().contentEquals(CompanionWriter.RESULT_ALIAS)) {
          continue;
        }
        List<Integer> parameters = new ArrayList<>();
        boolean constant = false;
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
            : processingEnv.getElementUtils().getElementValuesWithDefaults(a).entrySet()) {
          String name = e.getKey().getSimpleName().toString();
          if (name.equals("parameters") && e.getValue().getValue() instanceof List<?> values) {
            for (Object v : values) {
              if (v instanceof AnnotationValue av && av.getValue() instanceof Integer k) {
                parameters.add(k);
              }
            }
          } else if (name.equals("constant") && e.getValue().getValue() instanceof Boolean b) {
            constant = b;
          }
        }
        return new ResultAlias(parameters, constant);
      }
    }
    return unknown;
  }

  /** Local and anonymous classes are not among the round's annotated elements: scan their trees. */
  private void refuseLocalClasses(RoundEnvironment round) {
    java.util.Set<com.sun.source.tree.CompilationUnitTree> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Element root : round.getRootElements()) {
      com.sun.source.util.TreePath path = trees.getPath(root);
      if (path == null || !seen.add(path.getCompilationUnit())) {
        continue;
      }
      for (com.sun.source.tree.MethodTree m : LocalClassScan.in(path.getCompilationUnit())) {
        trees.printMessage(Diagnostic.Kind.ERROR, "@Differentiable methods must be in a top-level or static nested"
            + " class: the companion of a local or anonymous class could not be named; move '" + m.getName()
            + "' to a top-level or static nested class", m, path.getCompilationUnit());
      }
    }
  }

  private ClassWork readClass(TypeElement owner, List<ExecutableElement> methods, HelperCalls.Names names) {
    ClassWork work = new ClassWork(owner);
    Map<String, List<ExecutableElement>> byName = new HashMap<>();
    for (ExecutableElement m : methods) {
      String name = m.getSimpleName().toString();
      byName.computeIfAbsent(Character.toUpperCase(name.charAt(0)) + name.substring(1), k -> new ArrayList<>())
          .add(m);
    }
    Map<ExecutableElement, String> memberClashes = MemberClashes.of(methods, processingEnv.getTypeUtils());
    for (ExecutableElement method : methods) {
      try {
        String name = method.getSimpleName().toString();
        if (memberClashes.containsKey(method)) {
          error(method, memberClashes.get(method));
          work.failed = true;
          continue;
        }
        List<ExecutableElement> same = byName.get(Character.toUpperCase(name.charAt(0)) + name.substring(1));
        if (same.size() > 1) {
          error(method, "@Differentiable methods need distinct names: '" + name + "' is overloaded (or differs"
              + " only in case), and its companion members " + name + "Forward, " + name + "Vjp... would clash;"
              + " rename one of them");
          work.failed = true;
          continue;
        }
        Optional<HelperCalls.Read> read = read(owner, method, names);
        read.ifPresent(r -> work.reads.add(new Read(method, r.result(), r.requests())));
        work.failed |= read.isEmpty();
        if (read.isPresent()) {
          helpers.read(work, names, method, null, read.get().requests());
        }
      } catch (Throwable t) {
        work.failed = true;
        error(method, internalError("reading " + method.getSimpleName(), t));
      }
    }
    return work;
  }

  private void finishClass(ClassWork work, Summaries summaries) {
    TypeElement owner = work.owner;
    List<AdjointProgram> programs = new ArrayList<>();
    boolean failed = work.failed;
    Map<String, ResultAlias> aliases = new HashMap<>();
    // Helpers first: a method that reaches a helper that cannot be differentiated is not written either.
    List<AdjointProgram> helperPrograms = new ArrayList<>();
    java.util.Set<String> brokenHelpers = new java.util.HashSet<>();
    work.helpers.forEach((member, h) -> {
      if (!h.differentiated) {
        // Only checked: it runs as a constant, nothing is written for it.
        if (h.read.result().method().isEmpty()) {
          brokenHelpers.add(member);
        }
        return;
      }
      Optional<AdjointProgram> program = h.read.result().method().isEmpty() ? Optional.empty()
          : helpers.differentiate(h, summaries);
      program.ifPresent(p -> aliases.put(p.method().name(), summaries.resultAlias(p.method())));
      program.ifPresentOrElse(helperPrograms::add, () -> brokenHelpers.add(member));
    });
    Map<String, dev.adjoint.processor.ir.Shape> shapes = new HashMap<>();
    for (Read r : work.reads) {
      if (HelperSpecialisations.reachesAny(work, r.requests(), brokenHelpers, new java.util.HashSet<>())) {
        failed = true;
        continue;
      }
      // read without problems, so the shape is not refused
      dev.adjoint.processor.read.RecordShapes.shape(r.method)
          .ifPresent(s -> shapes.put(r.method.getSimpleName().toString(), s));
      try {
        Optional<AdjointProgram> program = differentiate(r.method, r.result, summaries).map(p -> new AdjointProgram(
            dev.adjoint.processor.read.ActivityPatterns.generalCalls(p.method(), roundMethods), p.locals(),
            p.result(), p.counters(), p.forward(), p.adjoints(), p.reverse(), p.tapes(), p.consumesRecording(), p.fused()));
        program.ifPresent(p -> aliases.put(p.method().name(), summaries.resultAlias(p.method())));
        program.ifPresent(programs::add);
        failed |= program.isEmpty();
      } catch (Throwable t) {
        failed = true;
        error(r.method, internalError("differentiating " + r.method.getSimpleName(), t));
      }
    }
    if (programs.isEmpty() && failed) {
      return;
    }
    // A helper's forward modes, as a method's, go through callees' general entries.
    helperPrograms.replaceAll(p -> new AdjointProgram(
        dev.adjoint.processor.read.ActivityPatterns.generalCalls(p.method(), roundMethods), p.locals(),
        p.result(), p.counters(), p.forward(), p.adjoints(), p.reverse(), p.tapes(), p.consumesRecording(), p.fused()));
    java.util.Set<String> plumbing = new java.util.HashSet<>(work.helpers.keySet());
    List<AdjointProgram> withHelpers = new ArrayList<>(programs);
    withHelpers.addAll(helperPrograms);
    // tangent members m$tan, for second-order programs (written as helpers' members)
    for (AdjointProgram tangent : tangents.of(ModelTypes.companionName(owner), withHelpers, work.helpers.keySet(),
        shapes.keySet())) {
      helperPrograms.add(tangent);
      plumbing.add(tangent.method().name());
    }
    programs.addAll(helperPrograms);
    try {
      MethodIr first = programs.get(0).method();
      JavaFile file = CompanionWriter.write(first.packageName(), first.companionSimpleName(),
          first.ownerCanonicalName(), programs, List.of(owner), aliases,
          GeneratedNames.shadowedJavaLang(processingEnv.getElementUtils(), first.packageName()),
          plumbing, this::hasHvp, shapes);
      // (Checked helpers have no program: only differentiated ones are among the programs.)
      CompanionWriter.writeTo(file, processingEnv.getFiler());
    } catch (IOException e) {
      error(owner, "Adjoint could not write the companion " + ModelTypes.companionName(owner) + ": " + e.getMessage());
    } catch (Throwable t) {
      error(owner, internalError("writing " + ModelTypes.companionName(owner), t));
    }
  }

  /** The method read into IR (its problems reported), or empty when it cannot be differentiated. */
  private Optional<HelperCalls.Read> read(TypeElement owner, ExecutableElement method, HelperCalls.Names names) {
    if (!SignatureRules.check(owner, method, messager)) {
      return Optional.empty();
    }
    if (trees.getTree(method) == null || trees.getPath(method) == null) {
      error(method, "Adjoint cannot read the body of '" + method.getSimpleName() + "': its source is not part of"
          + " this compilation");
      return Optional.empty();
    }
    List<ExecutableElement> derivatives = CustomDerivatives.of(owner, method.getSimpleName().toString());
    ExecutableElement derivative = derivatives.isEmpty() ? null : derivatives.get(0);
    if (derivatives.size() > 1) {
      error(derivatives.get(1), "'" + method.getSimpleName() + "' has two @DerivativeOf methods, '"
          + derivatives.get(0).getSimpleName() + "' and '" + derivatives.get(1).getSimpleName() + "': keep one");
      return Optional.empty();
    }
    if (derivative != null) {
      Optional<String> problem = CustomDerivatives.check(method, derivative);
      if (problem.isPresent()) {
        error(derivative, problem.get());
        return Optional.empty();
      }
    }
    HelperCalls.Read read = HelperCalls.read(trees, processingEnv.getElementUtils(), method, derivative,
        new HelperCalls.Context(names, ModelTypes.companionName(owner), null, null));
    for (Problem p : read.result().problems()) {
      report(p.tree(), method, p.message());
    }
    return read.result().method().isEmpty() ? Optional.empty() : Optional.of(read);
  }

  private Optional<AdjointProgram> differentiate(ExecutableElement method, MethodReader.Result read,
      Summaries summaries) {
    List<AliasPolicy.Problem> aliasing = AliasPolicy.check(read.method().get(), summaries);
    for (AliasPolicy.Problem p : aliasing) {
      report(read.originTrees().get(p.origin().id()), method, p.message());
    }
    if (!aliasing.isEmpty()) {
      return Optional.empty();
    }
    try {
      MethodIr ir = read.method().get();
      AdjointProgram program = reverseProgram(ir);
      if (MethodSize.estimate(program) > MethodSize.LIMIT) {
        error(method, "'" + method.getSimpleName() + "' is too large to differentiate: its generated sweeps come to"
            + " about " + MethodSize.estimate(program) + " bytes of bytecode in one method, over the JVM's limit of"
            + " 65535 (javac: code too large); split it into smaller @Differentiable methods");
        return Optional.empty();
      }
      return Optional.of(program);
    } catch (Refusal r) {
      report(read.originTrees().get(r.origin().id()), method, r.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The reverse-mode program of {@code ir} (a {@code @Differentiable} method or a helper specialisation),
   * checked for calls it cannot differentiate, with generated names renamed away from the user's.
   */
  AdjointProgram reverseProgram(MethodIr ir) {
    dev.adjoint.processor.differentiate.OpaqueHelpers.check(ir, this::hasHvp);
    MethodIr renamed = generatedNames(ir).rename(ir);
    AdjointProgram program = ReverseSweep.differentiate(renamed, this::isRecomputed, this::hasAtResult, true);
    if (MethodSize.estimate(program) > MethodSize.LIMIT) {
      // Checkpointing copies loop bodies into the reverse sweep: without it the method may still fit.
      program = ReverseSweep.differentiate(renamed, this::isRecomputed, this::hasAtResult, false);
    }
    return program;
  }

  /**
   * Whether the companion of {@code callee} has {@code mHvp}: decided as its writer will decide for a method
   * read in this round, read off the class for a companion compiled earlier. For a callee with records or an
   * object: whether its companion has the flat tangent member ({@link FlatTangents}).
   */
  private boolean hasHvp(Callee.DifferentiableMethod callee) {
    if (dev.adjoint.processor.differentiate.TangentCalls.isMember(callee.member())) {
      return tangents.hasMember(callee, processingEnv);
    }
    if (callee.flattened()) {
      return FlatTangents.has(callee, roundMethods.values(), hvpDecided, this::hasHvp, processingEnv);
    }
    if (!callee.member().equals(callee.name())) {
      return helpers.hasHvp(callee, hvpDecided, this::hasHvp);
    }
    String key = callee.owner() + "#" + callee.member();
    MethodIr now = roundMethods.get(key);
    if (now != null) {
      Boolean known = hvpDecided.get(key);
      if (known != null) {
        return known;
      }
      hvpDecided.put(key, false); // a recursive call asks again while this is decided: no mHvp through it
      boolean has = dev.adjoint.processor.emit.ForwardModeWriter.hasHvp(now, this::hasHvp);
      hvpDecided.put(key, has);
      return has;
    }
    TypeElement companion = processingEnv.getElementUtils().getTypeElement(callee.companion());
    if (companion == null) {
      return false;
    }
    List<ExecutableElement> members = javax.lang.model.util.ElementFilter.methodsIn(companion.getEnclosedElements());
    // as ForwardModeWriter.hasHvp decides for this round's methods: a double result with Tensor parameters has none
    // for callers (its mHvp, when the result is one tensor read at the end, is double backward, emit.ItemHvp)
    boolean doubleOfTensors = members.stream().anyMatch(m -> m.getSimpleName().contentEquals(callee.member())
        && m.getReturnType().getKind() == javax.lang.model.type.TypeKind.DOUBLE && m.getParameters().stream()
            .anyMatch(p -> p.asType().toString().equals("dev.adjoint.Tensor")));
    return !doubleOfTensors && members.stream().anyMatch(m -> m.getSimpleName().contentEquals(callee.member() + "Hvp"));
  }

  void report(Tree tree, ExecutableElement method, String message) {
    if (tree == null) {
      error(method, message);
      return;
    }
    trees.printMessage(Diagnostic.Kind.ERROR, message, tree, trees.getPath(method).getCompilationUnit());
  }

  void error(Element element, String message) {
    messager.printMessage(Diagnostic.Kind.ERROR, message, element);
  }

  String internalError(String what, Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    String[] lines = trace.toString().split("\n");
    StringBuilder top = new StringBuilder();
    for (int i = 0; i < Math.min(6, lines.length); i++) {
      top.append('\n').append(lines[i].strip());
    }
    return "Adjoint internal error (" + getClass().getName() + ") while " + what + ": " + t
        + ". This is a bug in Adjoint, not in your code; please report it with this message." + top;
  }
}
