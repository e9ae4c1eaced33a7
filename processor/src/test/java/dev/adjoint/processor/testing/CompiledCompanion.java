package dev.adjoint.processor.testing;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.AdjointProcessor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Compiles sources in memory through {@link AdjointProcessor}, asserts success, and loads every class the
 * compilation wrote (sources' classes and generated companions) into a fresh class loader whose parent is
 * the test class loader (so {@code dev.adjoint.runtime.*} is shared). Calls are by reflection.
 */
public final class CompiledCompanion {
  private final Compilation compilation;
  private final Map<String, byte[]> classFiles;
  private final ClassLoader loader;

  private CompiledCompanion(Compilation compilation, Map<String, byte[]> classFiles) {
    this.compilation = compilation;
    this.classFiles = classFiles;
    this.loader = new BytesClassLoader(classFiles, CompiledCompanion.class.getClassLoader());
  }

  /** {@code source} is the text of class {@code qualifiedName}; compiled with the processor, must succeed. */
  public static CompiledCompanion compile(String qualifiedName, String source) {
    return compile(List.of(JavaFileObjects.forSourceString(qualifiedName, source)), List.of());
  }

  /** Several sources, optional extra class path entries (prepended to the test class path). */
  public static CompiledCompanion compile(List<JavaFileObject> sources, List<File> extraClasspath) {
    return compile(sources, extraClasspath, true);
  }

  /** Compiles, must succeed; {@code withProcessor} false compiles plain Java (annotation ignored). */
  public static CompiledCompanion compile(List<JavaFileObject> sources, List<File> extraClasspath,
      boolean withProcessor) {
    Compilation c = compilation(sources, extraClasspath, withProcessor);
    if (c.status() != Compilation.Status.SUCCESS) {
      fail("compilation failed:\n" + describe(c));
    }
    return new CompiledCompanion(c, classFiles(c));
  }

  /** Just the compilation, whatever its outcome. */
  public static Compilation compilation(List<JavaFileObject> sources, List<File> extraClasspath) {
    return compilation(sources, extraClasspath, true);
  }

  /** With or without the Adjoint processor. */
  public static Compilation compilation(List<JavaFileObject> sources, List<File> extraClasspath,
      boolean withProcessor) {
    var compiler = withProcessor ? javac().withProcessors(new AdjointProcessor()) : javac().withOptions("-proc:none");
    if (!extraClasspath.isEmpty()) {
      List<File> cp = new ArrayList<>(extraClasspath);
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        cp.add(new File(entry));
      }
      compiler = compiler.withClasspath(cp);
    }
    Compilation c = compiler.compile(sources);
    List<String> generatedErrors = errorsInGeneratedFiles(c, sources);
    if (!generatedErrors.isEmpty()) {
      // Whatever the test expects, generated code that does not compile is a bug of the processor.
      fail("javac rejected generated code (the processor must either refuse the source or write code that"
          + " compiles):\n" + String.join("\n", generatedErrors) + "\n" + rejectedSources(c, sources));
    }
    return c;
  }

  /**
   * The errors javac reported inside files the processor generated, as {@code file:line: message}. Empty
   * when the processor reported errors itself: javac then stops before compiling generated files.
   */
  public static List<String> errorsInGeneratedFiles(Compilation c, List<JavaFileObject> sources) {
    java.util.Set<String> given = new java.util.HashSet<>();
    for (JavaFileObject f : sources) {
      given.add(f.toUri().toString());
    }
    List<String> out = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : c.errors()) {
      // Not one of the sources given: a file the processor generated.
      if (d.getSource() != null && !given.contains(d.getSource().toUri().toString())) {
        out.add(d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null));
      }
    }
    return out;
  }

  /** The generated files javac rejected, with line numbers. */
  private static String rejectedSources(Compilation c, List<JavaFileObject> sources) {
    java.util.Set<String> given = new java.util.HashSet<>();
    for (JavaFileObject f : sources) {
      given.add(f.toUri().toString());
    }
    java.util.Map<String, JavaFileObject> rejected = new java.util.LinkedHashMap<>();
    for (Diagnostic<? extends JavaFileObject> d : c.errors()) {
      if (d.getSource() != null && !given.contains(d.getSource().toUri().toString())) {
        rejected.putIfAbsent(d.getSource().toUri().toString(), d.getSource());
      }
    }
    StringBuilder out = new StringBuilder();
    for (JavaFileObject f : rejected.values()) {
      out.append("---- ").append(f.getName()).append('\n');
      try {
        String[] lines = f.getCharContent(true).toString().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          out.append(String.format("%4d  %s%n", i + 1, lines[i]));
        }
      } catch (IOException | RuntimeException e) {
        out.append("(text unavailable: ").append(e).append(")\n");
      }
    }
    return out.toString();
  }

  public static Compilation compilation(String qualifiedName, String source) {
    return compilation(List.of(JavaFileObjects.forSourceString(qualifiedName, source)), List.of());
  }

  /** Every diagnostic, and the generated sources, for failure messages. */
  public static String describe(Compilation c) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      out.append(d.getKind()).append(' ')
          .append(d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber())
          .append(": ").append(d.getMessage(null)).append('\n');
    }
    if (c.status() != Compilation.Status.SUCCESS) {
      return out.toString();
    }
    for (JavaFileObject f : c.generatedSourceFiles()) {
      try {
        out.append("---- ").append(f.getName()).append('\n').append(f.getCharContent(true)).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toString();
  }

  private static Map<String, byte[]> classFiles(Compilation c) {
    Map<String, byte[]> out = new HashMap<>();
    for (JavaFileObject f : c.generatedFiles()) {
      if (f.getKind() != JavaFileObject.Kind.CLASS) {
        continue;
      }
      String path = f.toUri().getPath();
      int at = path.indexOf("CLASS_OUTPUT/");
      String relative = at >= 0 ? path.substring(at + "CLASS_OUTPUT/".length()) : path.replaceFirst("^/+", "");
      String binaryName = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
      try (InputStream in = f.openInputStream()) {
        out.put(binaryName, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** This compilation's classes plus those of {@code other} (another compilation's output on the class path). */
  public CompiledCompanion withClassesFrom(CompiledCompanion other) {
    Map<String, byte[]> all = new HashMap<>(other.classFiles);
    all.putAll(classFiles);
    return new CompiledCompanion(compilation, all);
  }

  /** This compilation with the class {@code binaryName} replaced by {@code replacement}'s (for self-tests). */
  public CompiledCompanion replacing(String binaryName, CompiledCompanion replacement) {
    Map<String, byte[]> all = new HashMap<>(classFiles);
    byte[] bytes = replacement.classFiles.get(binaryName);
    if (bytes == null) {
      throw new AssertionError(binaryName + " not in " + replacement.classFiles.keySet());
    }
    all.put(binaryName, bytes);
    return new CompiledCompanion(compilation, all);
  }

  public Compilation compilation() {
    return compilation;
  }

  /** The binary names of every class this compilation wrote. */
  public java.util.Set<String> classNames() {
    return classFiles.keySet();
  }

  /** Writes every class file under {@code dir} (package directories), for a later compilation's class path. */
  public Path writeClassesTo(Path dir) {
    try {
      for (Map.Entry<String, byte[]> e : classFiles.entrySet()) {
        Path file = dir.resolve(e.getKey().replace('.', '/') + ".class");
        Files.createDirectories(file.getParent());
        Files.write(file, e.getValue());
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The indices of {@code m}'s {@code @NoGrad} parameters ({@code m} declared in a class this compilation
   * wrote), read from its class file: the annotation is not visible to reflection.
   */
  public java.util.Set<Integer> noGradParameters(Method m) {
    byte[] bytes = classFiles.get(m.getDeclaringClass().getName());
    if (bytes == null) {
      throw new AssertionError(m.getDeclaringClass().getName() + " not in " + classFiles.keySet());
    }
    return NoGradParameters.of(bytes, m);
  }

  /** The source text of a generated file, e.g. {@code demo.FGrad}. */
  public String generatedSource(String qualifiedName) {
    String suffix = qualifiedName.replace('.', '/') + ".java";
    for (JavaFileObject f : compilation.generatedSourceFiles()) {
      if (f.toUri().getPath().endsWith(suffix)) {
        try {
          return f.getCharContent(true).toString();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new AssertionError("no generated source " + qualifiedName + " among "
        + compilation.generatedSourceFiles().stream().map(JavaFileObject::getName).collect(Collectors.toList()));
  }

  public Class<?> load(String binaryName) {
    try {
      return Class.forName(binaryName, true, loader);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("class " + binaryName + " was not generated; have " + classFiles.keySet(), e);
    }
  }

  /** The only method named {@code name} in {@code type} (declared, any visibility). */
  public static Method method(Class<?> type, String name) {
    List<Method> found = Arrays.stream(type.getDeclaredMethods())
        .filter(m -> m.getName().equals(name) && !m.isSynthetic())
        .toList();
    if (found.size() != 1) {
      throw new AssertionError(type.getName() + " has " + found.size() + " methods named " + name + ": " + found);
    }
    Method m = found.get(0);
    m.setAccessible(true);
    return m;
  }

  /** Calls the static method {@code owner.name(args)}, unwrapping an exception it throws. */
  public Object callStatic(String owner, String name, Object... args) {
    return invoke(method(load(owner), name), null, args);
  }

  /** Calls a public instance method found by name and argument count (e.g. a tape's {@code backward}). */
  public static Object call(Object target, String name, Object... args) {
    List<Method> found = new ArrayList<>();
    for (Method m : target.getClass().getDeclaredMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length && !Modifier.isStatic(m.getModifiers())) {
        found.add(m);
      }
    }
    if (found.size() != 1) {
      throw new AssertionError(target.getClass().getName() + " has " + found.size() + " methods " + name + "/"
          + args.length);
    }
    Method m = found.get(0);
    m.setAccessible(true);
    return invoke(m, target, args);
  }

  /** Invokes, rethrowing what the method threw (a RuntimeException or Error) as is. */
  public static Object invoke(Method m, Object target, Object... args) {
    try {
      return m.invoke(target, args);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    } catch (InvocationTargetException e) {
      Throwable t = e.getCause();
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error err) {
        throw err;
      }
      throw new AssertionError(t);
    }
  }

  /** The components of a record, in declaration order, as name → value. */
  public static Map<String, Object> components(Object record) {
    if (!record.getClass().isRecord()) {
      throw new AssertionError(record.getClass() + " is not a record");
    }
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Method accessor = c.getAccessor();
      accessor.setAccessible(true);
      out.put(c.getName(), invoke(accessor, record));
    }
    return out;
  }

  private static final class BytesClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    BytesClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
      super(parent);
      this.classes = classes;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null && classes.containsKey(name)) {
          c = findClass(name); // child first for compiled classes, so a stale copy elsewhere never wins
        }
        if (c == null) {
          return super.loadClass(name, resolve);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }

  /**
   * The text of the generated method {@code name} in {@code generated} (from its signature to the next member's
   * Javadoc); fails when there is no such method.
   */
  public static String member(String generated, String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("static \\S+ " + name + "\\(").matcher(generated);
    org.junit.jupiter.api.Assertions.assertTrue(m.find(), name);
    int at = m.start();
    int end = generated.indexOf("/**", at);
    return generated.substring(at, end < 0 ? generated.length() : end);
  }
}
