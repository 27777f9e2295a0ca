package dev.latchkey.auth.spi;

import dev.latchkey.auth.User;
import java.util.Objects;

/**
 * Outcome of {@link UserDatabase#upsert}.
 *
 * @param user the stored user: the one just inserted or the one that already existed
 * @param created {@code true} when this call inserted the user
 */
public record UpsertResult(User user, boolean created) {
    public UpsertResult {
        Objects.requireNonNull(user, "user");
    }
}
