/** JMH benchmarks of Adjoint's generated gradients against the forward pass and their peers. */
package dev.adjoint.benchmarks;
