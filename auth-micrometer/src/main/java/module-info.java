/** Micrometer metrics for Latchkey: audit-event counters, facade-operation and store-call timers. */
// Micrometer has no module descriptor, only an automatic name; its MeterRegistry is part of this module's API.
@SuppressWarnings("requires-transitive-automatic")
module dev.latchkey.auth.micrometer {
    requires transitive dev.latchkey.auth;
    requires transitive micrometer.core;
    requires static org.jspecify;
    requires org.slf4j;

    exports dev.latchkey.auth.micrometer;
}
