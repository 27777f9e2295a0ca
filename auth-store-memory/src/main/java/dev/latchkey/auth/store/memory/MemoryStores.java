package dev.latchkey.auth.store.memory;

/**
 * The in-memory stores together, for wiring an {@code AuthFacade} in one line:
 *
 * <pre>{@code
 * MemoryStores stores = MemoryStores.create();
 * AuthFacade auth = AuthFacade.builder()
 *         .userDatabase(stores.userDatabase())
 *         .otpStore(stores.otpStore())
 *         .sessionStore(stores.sessionStore())
 *         .revocationList(stores.revocationList())
 *         ...
 * }</pre>
 *
 * <p>State lives in this process only: it is lost on restart and not shared between instances of the application.
 */
public final class MemoryStores {
    private final MemoryUserDatabase userDatabase;
    private final MemoryOTPStore otpStore;
    private final MemorySessionStore sessionStore;
    private final MemoryRevocationList revocationList;

    private MemoryStores(
            MemoryUserDatabase userDatabase,
            MemoryOTPStore otpStore,
            MemorySessionStore sessionStore,
            MemoryRevocationList revocationList) {
        this.userDatabase = userDatabase;
        this.otpStore = otpStore;
        this.sessionStore = sessionStore;
        this.revocationList = revocationList;
    }

    /** Empty stores with the default bounds. */
    public static MemoryStores create() {
        return new MemoryStores(
                new MemoryUserDatabase(), new MemoryOTPStore(), new MemorySessionStore(), new MemoryRevocationList());
    }

    public MemoryUserDatabase userDatabase() {
        return userDatabase;
    }

    public MemoryOTPStore otpStore() {
        return otpStore;
    }

    public MemorySessionStore sessionStore() {
        return sessionStore;
    }

    /** An optional deny-list for access tokens of signed-out sessions; pass it to the builder to use it. */
    public MemoryRevocationList revocationList() {
        return revocationList;
    }
}
