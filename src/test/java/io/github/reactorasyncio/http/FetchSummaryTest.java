package io.github.reactorasyncio.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Histogram, errors by kind, nearest-rank percentiles, throughput; and FetchResult's own invariant. */
class FetchSummaryTest {

    @Test
    void summarizesAnswersAndFailures() {
        List<FetchResult> results = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            results.add(FetchResult.answer(i, "u" + i, i % 10 == 0 ? 404 : 200, 10, Duration.ofMillis(i), 1));
        }
        results.add(FetchResult.failure(101, "x", FetchErrorKind.TIMEOUT, "slow", Duration.ofSeconds(9), 1));
        results.add(FetchResult.failure(102, "y", FetchErrorKind.UNKNOWN_HOST, "no", Duration.ZERO, 0));

        FetchSummary s = FetchSummary.of(results, 10, 7, Duration.ofSeconds(2));

        assertThat(s.requests()).isEqualTo(102);
        assertThat(s.answered()).isEqualTo(100);
        assertThat(s.failed()).isEqualTo(2);
        assertThat(s.ok()).isEqualTo(90);
        assertThat(s.statuses()).containsExactly(Map.entry(200, 90L), Map.entry(404, 10L));
        assertThat(s.errors()).containsExactly(Map.entry(FetchErrorKind.UNKNOWN_HOST, 1L),
                Map.entry(FetchErrorKind.TIMEOUT, 1L));
        assertThat(s.bytes()).isEqualTo(1000);
        // Percentiles over answered requests only (failures have no meaningful latency), nearest rank, to the
        // histogram's resolution of 0.05 %.
        assertThat(s.latencyP50()).isCloseTo(Duration.ofMillis(50), Duration.ofNanos(50_000_000 / 2000));
        assertThat(s.latencyP90()).isCloseTo(Duration.ofMillis(90), Duration.ofNanos(90_000_000 / 2000));
        assertThat(s.latencyP99()).isCloseTo(Duration.ofMillis(99), Duration.ofNanos(99_000_000 / 2000));
        assertThat(s.requestsPerSecond()).isEqualTo(51.0);
        assertThat(s.maxInFlight()).isEqualTo(7);
        assertThat(s.limit()).isEqualTo(10);
    }

    /**
     * The builder summarizes as results stream past: a million latencies (1..10^6 µs) give nearest-rank
     * percentiles within 0.05 %, and a summary taken midway counts only what was added so far.
     */
    @Test
    void theBuilderSummarizesIncrementally() {
        FetchSummary.Builder builder = FetchSummary.builder();
        FetchSummary empty = builder.build(10, 0, Duration.ZERO);
        for (int i = 1; i <= 1_000_000; i++) {
            builder.add(FetchResult.answer(i, "u", 200, 1, Duration.ofNanos(i * 1000L), 1));
            if (i == 1000) {
                FetchSummary midway = builder.build(10, 3, Duration.ofSeconds(1));
                assertThat(midway.requests()).isEqualTo(1000);
                assertThat(midway.latencyP50()).isCloseTo(Duration.ofNanos(500_000), Duration.ofNanos(250));
            }
        }
        builder.add(FetchResult.failure(0, "x", FetchErrorKind.TIMEOUT, "slow", Duration.ofHours(1), 1));
        FetchSummary s = builder.build(10, 10, Duration.ofSeconds(10));
        assertThat(empty.requests()).isZero();
        assertThat(s.requests()).isEqualTo(1_000_001);
        assertThat(s.answered()).isEqualTo(1_000_000);
        assertThat(s.bytes()).isEqualTo(1_000_000);
        assertThat(s.errors()).containsExactly(Map.entry(FetchErrorKind.TIMEOUT, 1L));
        assertThat(s.latencyP50()).isCloseTo(Duration.ofMillis(500), Duration.ofNanos(500_000_000 / 2000));
        assertThat(s.latencyP90()).isCloseTo(Duration.ofMillis(900), Duration.ofNanos(900_000_000 / 2000));
        assertThat(s.latencyP99()).isCloseTo(Duration.ofMillis(990), Duration.ofNanos(990_000_000 / 2000));
    }

    @Test
    void emptyBatch() {
        FetchSummary s = FetchSummary.of(List.of(), 10, 0, Duration.ZERO);
        assertThat(s.requests()).isZero();
        assertThat(s.latencyP99()).isEqualTo(Duration.ZERO);
        assertThat(s.requestsPerSecond()).isZero();
        assertThat(s.errors()).isEmpty();
    }

    @Test
    void aResultHasEitherAStatusOrAnErrorKind() {
        assertThatThrownBy(() -> new FetchResult(0, "u", 0, 0, Duration.ZERO, 1, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FetchResult needs exactly one of status or errorKind (status 0, errorKind null)");
        assertThatThrownBy(() -> new FetchResult(0, "u", 200, 0, Duration.ZERO, 1, FetchErrorKind.TIMEOUT, "x"))
                .hasMessage("FetchResult needs exactly one of status or errorKind (status 200, errorKind TIMEOUT)");
        assertThatThrownBy(() -> new FetchResult(0, null, 200, 0, Duration.ZERO, 1, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("url");
    }
}
