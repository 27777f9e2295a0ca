package dev.latchkey.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The login page (static HTML, CSS and plain JavaScript from the jar), with a Content-Security-Policy that allows
 * only this origin's script and no inline code, and {@code Referrer-Policy: no-referrer} so that the single-use
 * sign-in code in the page's URL is never sent elsewhere.
 */
final class StaticPage {
    private static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
                    + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            "Referrer-Policy",
            "no-referrer",
            "X-Frame-Options",
            "DENY");

    private StaticPage() {}

    static void register(Router router) {
        router.add("GET", "/", exchange -> file("index.html", "text/html; charset=utf-8"));
        router.add("GET", "/app.js", exchange -> file("app.js", "text/javascript; charset=utf-8"));
        router.add("GET", "/app.css", exchange -> file("app.css", "text/css; charset=utf-8"));
    }

    private static Reply file(String name, String type) {
        try (InputStream in = StaticPage.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                return Reply.error(404, "not_found", "no such file");
            }
            return Reply.raw(200, type, in.readAllBytes(), HEADERS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
