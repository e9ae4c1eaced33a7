package dev.adjoint.processor;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import javax.annotation.processing.ProcessingEnvironment;

/**
 * Finds javac's own {@link ProcessingEnvironment} behind the wrappers IDEs and build tools put around it
 * (IntelliJ's {@link Proxy}, Gradle's delegating classes), as other tree-reading processors do: the Tree
 * API only accepts javac's instance.
 */
final class ProcessingEnvironments {
  private ProcessingEnvironments() {}

  static ProcessingEnvironment unwrap(ProcessingEnvironment env) {
    ProcessingEnvironment current = env;
    for (int depth = 0; depth < 8 && current != null; depth++) {
      if (current.getClass().getName().startsWith("com.sun.tools.javac.")) {
        return current;
      }
      Object holder = Proxy.isProxyClass(current.getClass()) ? Proxy.getInvocationHandler(current) : current;
      ProcessingEnvironment inner = delegateIn(holder);
      if (inner == null || inner == current) {
        return current;
      }
      current = inner;
    }
    return current;
  }

  /** The first field of {@code holder} (or its superclasses) holding another ProcessingEnvironment. */
  private static ProcessingEnvironment delegateIn(Object holder) {
    for (Class<?> c = holder.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (!ProcessingEnvironment.class.isAssignableFrom(f.getType()) && f.getType() != Object.class) {
          continue;
        }
        try {
          f.setAccessible(true);
          Object value = f.get(holder);
          if (value instanceof ProcessingEnvironment env && value != holder) {
            return env;
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          // inaccessible under the module system: try the next field
        }
      }
    }
    return null;
  }
}
