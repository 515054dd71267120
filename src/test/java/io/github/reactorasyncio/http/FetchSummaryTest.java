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
        // Percentiles over answered requests only: failures have no meaningful latency.
        assertThat(s.latencyP50()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.latencyP90()).isEqualTo(Duration.ofMillis(90));
        assertThat(s.latencyP99()).isEqualTo(Duration.ofMillis(99));
        assertThat(s.requestsPerSecond()).isEqualTo(51.0);
        assertThat(s.maxInFlight()).isEqualTo(7);
        assertThat(s.limit()).isEqualTo(10);
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
