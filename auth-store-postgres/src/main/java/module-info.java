/** Latchkey stores over PostgreSQL: users, refresh sessions, one-time codes and throttle counters. */
module dev.latchkey.auth.store.postgres {
    // Nullness annotations (TYPE_USE, so part of the exported API): needed to compile, not at run time.
    requires static transitive org.jspecify;
    requires transitive dev.latchkey.auth;
    requires org.slf4j;
    requires transitive java.sql;
    requires com.zaxxer.hikari;
    // The driver: the pool we build loads it, DatabaseUrl asks it whether it can read the JDBC URL, and the
    // revocation listener uses its PGConnection (LISTEN/NOTIFY).
    requires org.postgresql.jdbc;
    // Annotations on pgjdbc's classes, read by javac only.
    requires static org.checkerframework.checker.qual;

    exports dev.latchkey.auth.store.postgres;
}
