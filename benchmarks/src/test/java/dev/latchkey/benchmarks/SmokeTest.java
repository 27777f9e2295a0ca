package dev.latchkey.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CI's smoke run: every harness scenario for about a second, and every token benchmark once. It checks that numbers
 * come out, never what they are.
 */
class SmokeTest {

    @Test
    void harnessMeasuresEveryScenarioOnEveryBackendAndCountsRoundTrips() throws Exception {
        List<Backend> backends = List.of(Backend.MEMORY, Backend.POSTGRES, Backend.POSTGRES_REDIS);
        LoadHarness.Report report = new LoadHarness(
                        Duration.ofMillis(500), new int[] {1, 16}, backends, 5, LoadHarness.OPERATIONS, 20)
                .run();
        System.out.print(LoadHarness.format(report));

        assertThat(report.rows()).filteredOn(r -> r.operations() > 0).hasSize(4 + 3 * 2 * 4);
        assertThat(report.rows()).filteredOn(r -> r.operations() > 0).allSatisfy(r -> assertThat(r.perSecond())
                .isPositive());
        assertThat(report.rows())
                .filteredOn(r -> r.backend().equals("pg") && r.operation().equals("login"))
                .allSatisfy(r -> assertThat(r.pgRoundTrips()).isPositive());
        assertThat(report.rows())
                .filteredOn(r -> r.backend().equals("pg+redis") && r.operation().equals("login"))
                .allSatisfy(r -> assertThat(r.redisRoundTrips()).isPositive());
        assertThat(report.propagation()).hasSize(2);
        assertThat(report.propagation())
                .as("propagation is measured through a live revocation mirror, and every sign-out arrives")
                .allSatisfy(p -> {
                    assertThat(p.mirror()).isEqualTo("mirror live");
                    assertThat(p.neverRefused()).isZero();
                });
    }

    @Test
    void everyTokenBenchmarkRunsForEveryAlgorithm() throws Exception {
        for (String algorithm : List.of("HS256", "ES256", "EdDSA", "RS256")) {
            TokenBenchmarks b = new TokenBenchmarks();
            b.algorithm = algorithm;
            b.setUp();
            assertThat(b.latchkeySign()).isNotBlank();
            assertThat(b.latchkeyVerifyCached()).isNotNull();
            assertThat(b.jjwtSign()).isNotBlank();
            assertThat(b.jose4jSign()).isNotBlank();
            assertThat(b.jcaSign()).isNotEmpty();
            b.nimbusSign();
            b.auth0Sign();
        }
    }

    @Test
    void theSummaryShowsACacheHitUnderFiftyNanosecondsAndLeavesOutOperationsNotRun() {
        String summary = RunAll.summary(
                Map.of(
                        "HS256",
                        Map.of(
                                "latchkeyVerifyCold", 2.02,
                                "latchkeyVerifyCached", 0.046,
                                "auth0Verify", 2.85,
                                "nimbusVerify", 8.30,
                                "jcaVerify", 0.75)),
                null);

        assertThat(summary)
                .contains("| HS256 | verify | 2.02 | 0.046 | 8.30 | 2.85 | n/a | n/a | 0.75 | 0.71 | 2.69 |");
        assertThat(summary).contains("| HS256 | 2.02 | 0.046 | 0.24 | 0.71 | n/a | n/a | 0.71 | 2.69 |");
        assertThat(summary).doesNotContain("| sign |").doesNotContain("NaN");
    }

    @Test
    void interleavedVerificationMeasuresEveryLibraryThatHasTheAlgorithm() throws Exception {
        List<InterleavedVerify.Result> es256 = InterleavedVerify.measure("ES256", 3, 2_000_000);
        List<InterleavedVerify.Result> eddsa = InterleavedVerify.measure("EdDSA", 3, 2_000_000);
        System.out.print(InterleavedVerify.format(es256));

        assertThat(es256)
                .extracting(InterleavedVerify.Result::library)
                .containsExactly("latchkey", "nimbus", "auth0", "jjwt", "jose4j", "jca");
        assertThat(eddsa)
                .as("java-jwt and bare nimbus have no EdDSA")
                .extracting(InterleavedVerify.Result::library)
                .containsExactly("latchkey", "jjwt", "jose4j", "jca");
        assertThat(es256).allSatisfy(r -> assertThat(r.minMicros())
                .isPositive()
                .isLessThanOrEqualTo(r.medianMicros())
                .isLessThanOrEqualTo(r.maxMicros()));
    }
}
