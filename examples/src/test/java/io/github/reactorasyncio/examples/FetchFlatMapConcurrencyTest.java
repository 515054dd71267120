package io.github.reactorasyncio.examples;

import static io.github.reactorasyncio.examples.FetchFlatMapConcurrency.LIMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.github.reactorasyncio.examples.FetchFlatMapConcurrency.Run;
import io.github.reactorasyncio.cli.DemoServer;
import io.github.reactorasyncio.sync.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * Real sockets on loopback, a demo server of its own per run answering after 200 ms ± 10 ms. The only timing
 * relied on: the pipelines start their first requests (10 or 20) in less than that, so they are all under way
 * before any answer; no assertion reads a clock.
 */
class FetchFlatMapConcurrencyTest {

    private static final int URLS = 60;
    private static final Supplier<DemoServer> SERVERS =
            () -> DemoServer.builder().latency(Duration.ofMillis(200)).jitter(Duration.ofMillis(10)).start();

    private final List<String> lines = new ArrayList<>();

    @Test
    void onePipelineFlatMapTenActsAsASemaphoreOfTen() {
        Run run = FetchFlatMapConcurrency.onePipeline(lines::add, SERVERS, URLS).block(Duration.ofSeconds(60));

        assertThat(run.requests()).isEqualTo(URLS);
        assertThat(run.ok()).isEqualTo(URLS);
        assertThat(run.underWay()).isEqualTo(LIMIT);
        assertThat(run.serverMaxInFlight()).isBetween(1, LIMIT);
        assertThat(lines).singleElement().asString().matches("one pipeline, flatMap\\(fetch, 10\\) +60/60 "
                + "answered 200, 10 under way at most, the server saw +([1-9]|10) at once, \\d+\\.\\d{3} s");
    }

    @Test
    void twoPipelinesEachLimitedToTenTogetherExceedTen() {
        Run run = FetchFlatMapConcurrency.twoPipelines(lines::add, SERVERS, URLS).block(Duration.ofSeconds(60));

        assertThat(run.ok()).isEqualTo(URLS);
        assertThat(run.underWay()).isEqualTo(2 * LIMIT);
        // The point of the run: a per-pipeline limit is not a limit on the server.
        assertThat(run.serverMaxInFlight()).isBetween(LIMIT + 1, 2 * LIMIT);
        assertThat(lines).singleElement().asString().startsWith("two pipelines, flatMap(fetch, 10) each ")
                .contains("60/60 answered 200, 20 under way at most");
    }

    @Test
    void twoPipelinesSharingOneSemaphoreNeverShowTheServerMoreThanTen() {
        Semaphore api = Semaphore.create("api", LIMIT);

        Run run = FetchFlatMapConcurrency.twoPipelinesSharing(api, lines::add, SERVERS, URLS)
                .block(Duration.ofSeconds(60));

        assertThat(run.ok()).isEqualTo(URLS);
        // Both pipelines use their ten slots; half of those requests wait in the semaphore, not at the server.
        assertThat(run.underWay()).isEqualTo(2 * LIMIT);
        assertThat(run.serverMaxInFlight()).isBetween(1, LIMIT);
        assertThat(api.availablePermits()).isEqualTo(LIMIT);
        assertThat(api.waiting()).isZero();
        assertThat(lines).singleElement().asString().startsWith("two pipelines sharing api (10 permits) ")
                .contains("60/60 answered 200, 20 under way at most");
    }

    @Test
    void twoPipelinesNeedTwoUrls() {
        assertThatThrownBy(() -> FetchFlatMapConcurrency.twoPipelines(lines::add, SERVERS, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("count must be at least 2 (was 1)");
    }
}
