package dev.latchkey.examples.spring;

import dev.latchkey.auth.AuthPrincipal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The application's own API, protected by Latchkey's tokens through Spring Security. */
@RestController
class ApiController {

    /** Any valid token: the caller, from the verified claims. */
    @GetMapping("/api/me")
    Map<String, Object> me(@AuthenticationPrincipal AuthPrincipal principal) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", principal.userId().toString());
        user.put("tenantId", principal.tenantId());
        user.put("role", principal.role());
        user.put("permissions", new TreeSet<>(principal.permissions()));
        return Map.of("user", user);
    }

    /** A URL rule: {@code /api/admin/**} needs the role {@code admin}. */
    @GetMapping("/api/admin/stats")
    Map<String, Object> adminStats() {
        return Map.of("status", "ok");
    }

    /** A method rule: the {@code reports:read} permission. */
    @GetMapping("/api/reports")
    @PreAuthorize("hasAuthority('reports:read')")
    Map<String, Object> reports() {
        return Map.of("reports", java.util.List.of());
    }

    /** A method rule on the role. */
    @GetMapping("/api/audit")
    @PreAuthorize("hasRole('admin')")
    Map<String, Object> audit() {
        return Map.of("audit", "ok");
    }
}
