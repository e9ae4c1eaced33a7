package dev.adjoint.runtime;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Put by the Adjoint processor on the generated forward member {@code CGrad.m(...)} of a method with an
 * array result: what that result may share storage with. Later compilations read it back, so that a caller
 * never writes into an array that is really its own argument or a constant. A companion without it (written
 * by an older processor) counts as "may alias every parameter and every constant". Not for hand use.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface ResultAlias {
  /** The positions of the parameters the result may be (or be a row of). */
  int[] parameters() default {};

  /** Whether the result may be (a row of) a {@code static final} array. */
  boolean constant() default false;
}
