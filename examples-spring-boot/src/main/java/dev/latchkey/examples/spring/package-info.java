/** A Spring Boot application on the Latchkey starter: the few lines a host writes. */
package dev.latchkey.examples.spring;
