/** JMH benchmarks of access tokens and a load harness over every backend; never deployed. */
@NullMarked
package dev.latchkey.benchmarks;

import org.jspecify.annotations.NullMarked;
