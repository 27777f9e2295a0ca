/** Micrometer metrics for Latchkey: audit-event counters, facade-operation and store-call timers. */
module dev.latchkey.auth.micrometer {
    requires transitive dev.latchkey.auth;
    requires transitive micrometer.core;
    requires org.slf4j;

    exports dev.latchkey.auth.micrometer;
}
