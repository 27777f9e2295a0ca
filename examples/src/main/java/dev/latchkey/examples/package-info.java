/** The example auth server on the JDK's HTTP server, and the facade used directly from code. */
@NullMarked
package dev.latchkey.examples;

import org.jspecify.annotations.NullMarked;
