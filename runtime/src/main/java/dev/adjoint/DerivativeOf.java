package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Supplies the derivative of the {@code @Differentiable} method named {@link #value()} in the same class:
 * that method's body is then run as it is, not differentiated (it may call any library, such as a special
 * function), and its reverse pass calls this method.
 *
 * <p>The annotated method is static and takes the parameters of {@code m} followed by {@code upstream}, of
 * {@code m}'s result type; it returns {@code upstream} times the derivative with respect to {@code m}'s
 * differentiable parameter ({@code double}) when {@code m} has one, else a {@code double[]} with one entry per
 * differentiable parameter, in parameter order. Supported for now: {@code m} of {@code double} parameters
 * (and {@code int}, {@code long}, {@code boolean} ones, never differentiated) with a {@code double} result.
 *
 * <pre>{@code
 * @Differentiable static double lgamma(double x) { return Gamma.logGamma(x); }
 * @DerivativeOf("lgamma") static double lgammaDerivative(double x, double upstream) {
 *   return upstream * Gamma.digamma(x);
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface DerivativeOf {
  /** The name of the {@code @Differentiable} method, in the same class, whose derivative this is. */
  String value();
}
