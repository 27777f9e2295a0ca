/**
 * Latchkey in a servlet container. {@link dev.latchkey.auth.servlet.LatchkeyFilter} verifies Bearer access tokens
 * and enforces per-path role rules; {@link dev.latchkey.auth.servlet.AuthEndpointsServlet} serves send-otp,
 * verify-otp, refresh, session, sign-out and the JWK Set with the HTTP contract of the example server; {@link
 * dev.latchkey.auth.servlet.ErrorResponses} writes the one error shape both use, {@code {"error","message"}}.
 */
@NullMarked
package dev.latchkey.auth.servlet;

import org.jspecify.annotations.NullMarked;
