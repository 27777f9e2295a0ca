/** Implementation details of the core (the Ed25519 JWS signer and verifier); not exported, not an API. */
@NullMarked
package dev.latchkey.auth.internal;

import org.jspecify.annotations.NullMarked;
