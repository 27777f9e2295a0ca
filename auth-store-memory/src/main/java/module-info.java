/** Thread-safe in-memory implementations of the Latchkey stores, for single-process hosts and tests. */
module dev.latchkey.auth.store.memory {
    requires transitive dev.latchkey.auth;

    exports dev.latchkey.auth.store.memory;
}
