package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter of a {@code @Differentiable} method that is not differentiated, such as training data:
 * it has no component in the gradient record, and the reverse pass spends nothing on it. Like every input,
 * it is never mutated.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface NoGrad {}
