/** A Spring Boot application on the Latchkey starter: the few lines a host writes. */
@NullMarked
package dev.latchkey.examples.spring;

import org.jspecify.annotations.NullMarked;
