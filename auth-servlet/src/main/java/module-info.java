/** Latchkey for any Jakarta Servlet 6 container: the Bearer-token filter with path rules, and the auth endpoints. */
module dev.latchkey.auth.servlet {
    requires transitive dev.latchkey.auth;
    requires transitive jakarta.servlet;
    requires com.fasterxml.jackson.databind;
    requires static org.jspecify;
    requires org.slf4j;

    exports dev.latchkey.auth.servlet;
}
