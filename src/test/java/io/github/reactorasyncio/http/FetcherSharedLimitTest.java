package io.github.reactorasyncio.http;

import io.github.reactorasyncio.cli.DemoServer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.github.reactorasyncio.sync.Semaphore;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** A Semaphore shared across pipelines and fetchers bounds their sum, on a server that counts. */
class FetcherSharedLimitTest {

    @Test
    void twoFetchersSharingASemaphoreNeverExceedItsPermitsTogether() {
        Semaphore api = Semaphore.create("api", 5);
        FetchOptions options = FetchOptions.builder().concurrency(10).sharedLimit(api).build();
        try (DemoServer server = DemoServer.builder().latency(Duration.ofMillis(3)).jitter(Duration.ofMillis(2))
                .start();
             Fetcher first = Fetcher.create(options);
             Fetcher second = Fetcher.create(options.toBuilder().name("second").build())) {
            List<FetchResult> results = Flux.merge(first.fetchAll(server.itemUrls(500)),
                            second.fetchAll(server.itemUrls(500)))
                    .collectList().block(Duration.ofSeconds(60));

            assertThat(results).hasSize(1000).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            assertThat(server.statistics().maxInFlight()).isBetween(1, 5);
            assertThat(first.statistics().maxInFlight() + second.statistics().maxInFlight())
                    .isGreaterThanOrEqualTo(5);
            assertThat(api.availablePermits()).isEqualTo(5);
            assertThat(api.waiting()).isZero();
        }
    }

    @Test
    void singleFetchesAreLimitedByTheSharedSemaphore() {
        Semaphore api = Semaphore.create("api", 7);
        try (DemoServer server = DemoServer.builder().latency(Duration.ofMillis(3)).start();
             Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(7).sharedLimit(api).build())) {
            // 300 independent callers at once, as in a web application: only the semaphore limits them.
            List<FetchResult> results = Flux.range(0, 300)
                    .flatMap(i -> fetcher.fetch(server.url("/item/" + i)), 300)
                    .collectList().block(Duration.ofSeconds(60));

            assertThat(results).hasSize(300).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            assertThat(server.statistics().maxInFlight()).isBetween(1, 7);
            assertThat(fetcher.statistics().maxInFlight()).isEqualTo(7);
            assertThat(api.availablePermits()).isEqualTo(7);
        }
    }
}
