package dev.adjoint.processor.property;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.read.MethodReader;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The generators' list of Math functions is the reader's: a function added there is generated too. */
class MathCallsTest {
  @Test
  void theGeneratorsCoverEverySupportedMathFunction() {
    assertEquals(new TreeSet<>(MethodReader.mathFunctions()), new TreeSet<>(MathCalls.FUNCTIONS));
    for (String f : MathCalls.FUNCTIONS) {
      MathCalls.call(f, new Random(1), () -> "x");
    }
  }
}
