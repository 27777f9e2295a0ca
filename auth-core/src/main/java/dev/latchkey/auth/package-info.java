/**
 * The Latchkey facade ({@link dev.latchkey.auth.AuthFacade}), its settings, the values it returns and the errors it
 * throws.
 */
@NullMarked
package dev.latchkey.auth;

import org.jspecify.annotations.NullMarked;
