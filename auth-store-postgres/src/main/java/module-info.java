/** Latchkey stores over PostgreSQL: users, refresh sessions, one-time codes and throttle counters. */
module dev.latchkey.auth.store.postgres {
    // Nullness annotations (TYPE_USE, so part of the exported API): needed to compile, not at run time.
    requires static transitive org.jspecify;
    requires transitive dev.latchkey.auth;
    requires org.slf4j;
    requires transitive java.sql;
    requires com.zaxxer.hikari;
    // The driver of the pool we build; DatabaseUrl also asks it whether it can read the JDBC URL.
    requires org.postgresql.jdbc;

    exports dev.latchkey.auth.store.postgres;
}
