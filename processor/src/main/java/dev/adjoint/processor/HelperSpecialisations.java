package dev.adjoint.processor;

import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import dev.adjoint.processor.AdjointProcessor.ClassWork;
import dev.adjoint.processor.AdjointProcessor.HelperRead;
import dev.adjoint.processor.analyze.AliasPolicy;
import dev.adjoint.processor.analyze.Summaries;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.emit.MethodSize;
import dev.adjoint.processor.differentiate.Refusal;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.read.HelperCalls;
import dev.adjoint.processor.read.MethodReader;
import dev.adjoint.processor.read.ModelTypes;
import dev.adjoint.processor.read.Problem;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.util.Elements;

/**
 * The plain helper specialisations of {@link AdjointProcessor}'s round: read for a class with the helpers they
 * call in turn, their problems reported on the helper's own line with the chain of calls that reaches it (once
 * per round), and differentiated.
 */
final class HelperSpecialisations {
  private final AdjointProcessor processor;
  private final Trees trees;
  private final Elements elements;
  /** The helper problems reported this round, so that a helper reached twice reports each problem once. */
  private final Set<List<Object>> reported = new HashSet<>();

  HelperSpecialisations(AdjointProcessor processor, Trees trees, Elements elements) {
    this.processor = processor;
    this.trees = trees;
    this.elements = elements;
  }

  /**
   * The specialisations differentiated in this round (their calls of {@code @Differentiable} methods on the
   * general entries, as forward modes make them), by {@code companion#member}: a caller's mHvp goes through
   * theirs where they have one.
   */
  private java.util.Map<String, MethodIr> forModes = java.util.Map.of();

  /** Keeps the specialisations of {@code work} for {@link #hasHvp}; {@code methods} by {@code owner#name}. */
  void forModes(List<ClassWork> work, java.util.Map<String, MethodIr> methods) {
    forModes = new java.util.HashMap<>();
    for (ClassWork w : work) {
      w.helpers.forEach((member, h) -> {
        if (h.differentiated()) {
          h.read().result().method().ifPresent(m -> forModes.put(companionOf(m) + "#" + m.name(),
              dev.adjoint.processor.read.ActivityPatterns.generalCalls(m, methods)));
        }
      });
    }
  }

  /**
   * Whether the specialisation {@code callee} gets {@code Gradient} and {@code Hvp} members (the decision of
   * {@code ForwardModeWriter} for a helper): one differentiated in this round, whose parameters and
   * differentiated ones are the call's, with a second-order program of its own ({@code calleesWithHvp} for
   * its own calls). {@code decided} memoises; a recursive call asks again while this is decided and gets
   * false: no mHvp through it.
   */
  boolean hasHvp(dev.adjoint.processor.ir.Callee.DifferentiableMethod callee, java.util.Map<String, Boolean> decided,
      java.util.function.Predicate<dev.adjoint.processor.ir.Callee.DifferentiableMethod> calleesWithHvp) {
    MethodIr helper = forModes.get(callee.companion() + "#" + callee.member());
    if (helper == null || helper.differentiableParameters().isEmpty()
        || !helper.parameters().stream().map(MethodIr.Parameter::type).toList().equals(callee.parameterTypes())) {
      return false;
    }
    for (int k = 0; k < helper.parameters().size(); k++) {
      MethodIr.Parameter p = helper.parameters().get(k);
      String component = callee.gradientComponents().get(k);
      if (p.differentiable() ? !p.sourceName().equals(component) : component != null) {
        return false;
      }
    }
    String key = "helper " + callee.companion() + "#" + callee.member();
    Boolean known = decided.get(key);
    if (known != null) {
      return known;
    }
    decided.put(key, false);
    boolean has = dev.adjoint.processor.emit.ForwardModeWriter.hasHvp(helper, calleesWithHvp);
    decided.put(key, has);
    return has;
  }

  /** The specialisation {@code member} of {@code companion} differentiated in this round (general calls), or null. */
  MethodIr specialisation(String companion, String member) {
    return forModes.get(companion + "#" + member);
  }

  private static String companionOf(MethodIr m) {
    return m.packageName().isEmpty() ? m.companionSimpleName() : m.packageName() + "." + m.companionSimpleName();
  }

  /** A new round: problems reported in the last one are reported again. */
  void newRound() {
    reported.clear();
  }

  /**
   * Reads the helper specialisations {@code requests} of {@code caller} (reached by {@code chain}, null for
   * a {@code @Differentiable} method) that {@code work} does not have yet, and theirs in turn.
   */
  void read(ClassWork work, HelperCalls.Names names, ExecutableElement caller, String chain,
      List<HelperCalls.Request> requests) {
    for (HelperCalls.Request request : requests) {
      if (work.helpers.containsKey(request.member())) {
        continue;
      }
      String callerName = chain == null ? "'" + caller.getSimpleName() + "'"
          : "helper '" + caller.getSimpleName() + "'";
      String reached = "called from " + callerName + HelperCalls.line(trees, caller, request.call())
          + (chain == null ? "" : ", " + chain);
      HelperCalls.Read read = HelperCalls.read(trees, elements, request.helper(), null,
          new HelperCalls.Context(names, ModelTypes.companionName(work.owner), request.active(), request.member()));
      work.helpers.put(request.member(), new HelperRead(request.helper(), read, reached, request.differentiated()));
      for (Problem p : read.result().problems()) {
        report(p.tree(), request.helper(), reached, p.message());
      }
      read(work, names, request.helper(), reached, read.requests());
    }
  }

  /** A problem of a helper: on the helper's own line, with the chain of calls that reach it; once per round. */
  void report(Tree tree, ExecutableElement helper, String chain, String message) {
    if (reported.add(java.util.Arrays.asList(tree == null ? helper : tree, message))) {
      processor.report(tree, helper, "in helper '" + helper.getSimpleName() + "', " + chain + ": " + message);
    }
  }

  /** Whether {@code requests} reach (transitively, through {@code work}'s helpers) one of {@code broken}. */
  static boolean reachesAny(ClassWork work, List<HelperCalls.Request> requests, java.util.Set<String> broken,
      java.util.Set<String> seen) {
    for (HelperCalls.Request r : requests) {
      if (broken.contains(r.member())) {
        return true;
      }
      HelperRead h = work.helpers.get(r.member());
      if (seen.add(r.member()) && h != null && reachesAny(work, h.read().requests(), broken, seen)) {
        return true;
      }
    }
    return false;
  }

  /** A helper specialisation differentiated, its refusals reported on the helper with its call chain. */
  Optional<AdjointProgram> differentiate(HelperRead h, Summaries summaries) {
    MethodReader.Result read = h.read().result();
    try {
      MethodIr ir = read.method().get();
      List<AliasPolicy.Problem> aliasing = AliasPolicy.check(ir, summaries);
      for (AliasPolicy.Problem p : aliasing) {
        report(read.originTrees().get(p.origin().id()), h.helper(), h.chain(), p.message());
      }
      if (!aliasing.isEmpty()) {
        return Optional.empty();
      }
      AdjointProgram program = processor.reverseProgram(ir);
      if (MethodSize.estimate(program) > MethodSize.LIMIT) {
        report(null, h.helper(), h.chain(), "'" + h.helper().getSimpleName() + "' is too large to differentiate:"
            + " its generated sweeps come to about " + MethodSize.estimate(program) + " bytes of bytecode in one"
            + " method, over the JVM's limit of 65535 (javac: code too large); split it into smaller methods");
        return Optional.empty();
      }
      return Optional.of(program);
    } catch (Refusal r) {
      report(read.originTrees().get(r.origin().id()), h.helper(), h.chain(), r.getMessage());
      return Optional.empty();
    } catch (Throwable t) {
      processor.error(h.helper(), processor.internalError("differentiating the helper " + h.helper().getSimpleName(), t));
      return Optional.empty();
    }
  }
}
