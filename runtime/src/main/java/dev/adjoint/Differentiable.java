package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static method whose body Adjoint differentiates at compile time.
 *
 * <p>The annotation processor ({@code dev.adjoint:adjoint-processor}) reads the method body and writes a
 * companion class {@code <Class>Grad} in the same package with, for a method {@code m}:
 *
 * <ul>
 *   <li>{@code m(args)}: the forward pass alone;
 *   <li>{@code mForward(args)}: the forward pass that keeps what the reverse pass needs, as an {@code MTape};
 *   <li>{@code MTape.backward(upstream[, retainGraph])}: the reverse pass, returning the vector-Jacobian
 *       product as a record {@code MGradient} with one component per differentiable parameter;
 *   <li>{@code mVjp(args, upstream)} and, for {@code double} results, {@code mGradient(args)}.
 * </ul>
 *
 * <p>Differentiable types are {@code double}, {@code double[]} and {@code double[][]}; {@code int},
 * {@code long} and {@code boolean} values steer control flow and indexing and are never differentiated.
 * Anything the processor cannot differentiate exactly is a compile error on the offending line.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Differentiable {}
