package dev.adjoint.processor.robustness;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.AdjointProcessor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor in the environments users build in: a {@code ProcessingEnvironment} wrapped in a
 * {@link Proxy} (as IntelliJ does) and a compiler without javac's Tree API (as Eclipse's).
 */
public class BuildEnvironmentTest {
  private static final JavaFileObject SOURCE = JavaFileObjects.forSourceString("demo.F", """
      package demo;

      import dev.adjoint.Differentiable;

      public final class F {
        @Differentiable
        public static double f(double x) {
          return x * x;
        }
      }
      """);

  /** Runs {@link AdjointProcessor} with its environment behind a dynamic proxy that holds the real one. */
  private static final class WrappingProcessor extends AbstractProcessor {
    private final AdjointProcessor delegate = new AdjointProcessor();

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      InvocationHandler handler = new ForwardingHandler(env);
      delegate.init((ProcessingEnvironment) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {ProcessingEnvironment.class}, handler));
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return delegate.process(annotations, round);
    }
  }

  /** Like IntelliJ's handler: the wrapped environment sits in a field. */
  private static final class ForwardingHandler implements InvocationHandler {
    private final ProcessingEnvironment wrapped;

    ForwardingHandler(ProcessingEnvironment wrapped) {
      this.wrapped = wrapped;
    }

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
      return method.invoke(wrapped, args);
    }
  }

  @Test
  void unwrapsAProxiedProcessingEnvironment() {
    Compilation c = javac().withProcessors(new WrappingProcessor()).compile(SOURCE);
    assertEquals(Compilation.Status.SUCCESS, c.status(), c.diagnostics().toString());
    assertTrue(c.generatedSourceFile("demo.FGrad").isPresent());
  }

  @Test
  void saysPlainlyWhenTheCompilerHasNoTreeApi() {
    List<String> errors = errorsFromACompilerWithoutTreeApi();
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).contains("needs javac's Compiler Tree API"), errors.get(0));
    assertTrue(errors.get(0).contains("Eclipse's compiler is not supported"), errors.get(0));
  }

  /**
   * The errors the processor reports, through a processing environment that is not javac's and wraps
   * nothing, for one {@code @Differentiable} method; also the case of the catalogue's row for Eclipse.
   */
  public static List<String> errorsFromACompilerWithoutTreeApi() {
    ClassLoader loader = BuildEnvironmentTest.class.getClassLoader();
    List<String> errors = new ArrayList<>();
    Messager messager = (Messager) Proxy.newProxyInstance(loader,
        new Class<?>[] {Messager.class}, (p, m, args) -> {
          if (m.getName().equals("printMessage") && args[0] == Diagnostic.Kind.ERROR) {
            errors.add(String.valueOf(args[1]));
          }
          return null;
        });
    // An environment that is not javac's and wraps nothing: Trees.instance refuses it.
    ProcessingEnvironment foreign = (ProcessingEnvironment) Proxy.newProxyInstance(loader,
        new Class<?>[] {ProcessingEnvironment.class}, (p, m, args) -> switch (m.getName()) {
          case "getMessager" -> messager;
          case "getSourceVersion" -> SourceVersion.latestSupported();
          case "getOptions" -> java.util.Map.of();
          default -> null;
        });
    javax.lang.model.element.Name qualifiedName = (javax.lang.model.element.Name) Proxy.newProxyInstance(
        loader, new Class<?>[] {javax.lang.model.element.Name.class},
        (p, m, args) -> switch (m.getName()) {
          case "contentEquals" -> "dev.adjoint.Differentiable".contentEquals((CharSequence) args[0]);
          case "toString" -> "dev.adjoint.Differentiable";
          case "hashCode" -> 1;
          case "equals" -> p == args[0];
          default -> null;
        });
    TypeElement annotation = (TypeElement) Proxy.newProxyInstance(loader,
        new Class<?>[] {TypeElement.class}, (p, m, args) -> switch (m.getName()) {
          case "getQualifiedName" -> qualifiedName;
          case "hashCode" -> 2;
          case "equals" -> p == args[0];
          default -> null;
        });
    Element method = (Element) Proxy.newProxyInstance(loader,
        new Class<?>[] {javax.lang.model.element.ExecutableElement.class}, (p, m, args) -> switch (m.getName()) {
          case "getKind" -> ElementKind.METHOD;
          case "getEnclosingElement" -> annotation;
          case "hashCode" -> 3;
          case "equals" -> p == args[0];
          default -> null;
        });
    RoundEnvironment round = (RoundEnvironment) Proxy.newProxyInstance(loader,
        new Class<?>[] {RoundEnvironment.class},
        (p, m, args) -> m.getName().equals("getElementsAnnotatedWith") ? Set.of(method) : null);

    AdjointProcessor processor = new AdjointProcessor();
    processor.init(foreign);
    assertFalse(processor.process(Set.of(annotation), round));
    return errors;
  }
}
