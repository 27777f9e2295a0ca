/**
 * Contract test suites for Latchkey store implementations. A store author extends {@link
 * dev.latchkey.auth.testkit.UserDatabaseContract}, {@link dev.latchkey.auth.testkit.OTPStoreContract}, {@link
 * dev.latchkey.auth.testkit.RateLimitStoreContract}, {@link dev.latchkey.auth.testkit.SessionStoreContract} and {@link
 * dev.latchkey.auth.testkit.RevocationListContract} from their own test sources.
 */
module dev.latchkey.auth.testkit {
    // Nullness annotations (TYPE_USE, so part of the exported API): needed to compile, not at run time.
    requires static transitive org.jspecify;
    requires transitive dev.latchkey.auth;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;

    exports dev.latchkey.auth.testkit;

    // JUnit discovers and invokes the inherited test methods reflectively.
    opens dev.latchkey.auth.testkit to
            org.junit.platform.commons;
}
