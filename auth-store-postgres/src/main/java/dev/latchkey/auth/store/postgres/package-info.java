/**
 * Latchkey stores over PostgreSQL, on the host's data source or a HikariCP pool: start from {@link
 * dev.latchkey.auth.store.postgres.PostgresStores}.
 */
@NullMarked
package dev.latchkey.auth.store.postgres;

import org.jspecify.annotations.NullMarked;
