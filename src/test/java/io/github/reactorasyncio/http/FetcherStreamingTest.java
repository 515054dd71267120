package io.github.reactorasyncio.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reactorasyncio.cli.DemoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

/**
 * fetchAll streams: a million-URL Flux is pulled as turns free up, never ahead of the results by more than the
 * limit, and results reach the consumer while the source is still far from complete.
 */
class FetcherStreamingTest {

    private static final int LIMIT = 10;
    private static final int MILLION = 1_000_000;

    static DemoServer server;

    @BeforeAll
    static void start() {
        server = DemoServer.builder().latency(Duration.ofMillis(1)).jitter(Duration.ZERO).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "ordered {0}")
    @ValueSource(booleans = {false, true})
    void aMillionUrlSourceIsPulledNoFurtherThanTheLimitAheadOfTheResults(boolean ordered) {
        AtomicLong requested = new AtomicLong();
        AtomicBoolean sourceCompleted = new AtomicBoolean();
        Flux<String> source = Flux.range(0, MILLION).map(server::itemUrl)
                .doOnRequest(n -> requested.addAndGet(n))
                .doOnComplete(() -> sourceCompleted.set(true));
        List<Long> aheadAtEachResult = new ArrayList<>();
        try (Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(LIMIT).ordered(ordered).build())) {
            List<FetchResult> results = fetcher.fetchAll(source)
                    .doOnNext(r -> {
                        assertThat(sourceCompleted).as("a result arrives before the source completes").isFalse();
                        aheadAtEachResult.add(requested.get() - aheadAtEachResult.size());
                    })
                    .take(300)
                    .collectList()
                    .block(Duration.ofSeconds(60));

            assertThat(results).hasSize(300).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            // flatMap asks for LIMIT URLs, then for more only as requests finish: never more than the limit
            // (plus the one URL whose result is being delivered) beyond the results seen.
            assertThat(aheadAtEachResult).allSatisfy(ahead -> assertThat(ahead).isBetween(1L, LIMIT + 1L));
            assertThat(requested.get()).isLessThan(300 + LIMIT + 2);
            assertThat(sourceCompleted).isFalse();
        }
    }
}
