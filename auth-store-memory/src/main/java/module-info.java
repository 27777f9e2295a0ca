/** Thread-safe in-memory implementations of the Latchkey stores, for single-process hosts and tests. */
module dev.latchkey.auth.store.memory {
    // Nullness annotations (TYPE_USE, so part of the exported API): needed to compile, not at run time.
    requires static transitive org.jspecify;
    requires transitive dev.latchkey.auth;

    exports dev.latchkey.auth.store.memory;
}
