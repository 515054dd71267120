package io.github.reactorasyncio.http;

import io.github.reactorasyncio.cli.DemoServer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The limit: a server that counts concurrent requests never sees more than K, and the limit is actually used
 * (reaches K), for thousands of URLs over real loopback sockets.
 */
class FetcherLimitTest {

    static DemoServer server;

    @BeforeAll
    static void start() {
        server = DemoServer.builder().latency(Duration.ofMillis(2)).jitter(Duration.ofMillis(2)).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "limit {0}, {1} URLs")
    @CsvSource({"1, 300", "10, 3000", "100, 5000"})
    void serverNeverSeesMoreThanTheLimit(int limit, int count) {
        // The server's max is cumulative, so each case gets its own server.
        try (Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(limit).build());
             DemoServer own = DemoServer.builder().latency(Duration.ofMillis(2)).jitter(Duration.ofMillis(2))
                     .start()) {
            List<FetchResult> results = fetcher.fetchAll(own.itemUrls(count)).collectList()
                    .block(Duration.ofSeconds(60));

            assertThat(results).hasSize(count);
            assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            assertThat(results.stream().map(FetchResult::index).distinct().count()).isEqualTo(count);
            assertThat(own.statistics().requests()).isEqualTo(count);
            assertThat(own.statistics().maxInFlight()).isBetween(1, limit);
            // The limit is reached, not merely respected (thousands of 2 ms requests always fill it).
            assertThat(fetcher.statistics().maxInFlight()).isEqualTo(limit);
            assertThat(fetcher.statistics().inFlight()).isZero();
            // Keep-alive: connections are reused, never more than the limit.
            assertThat(own.statistics().openConnections()).isBetween(1, limit);
        }
    }

    @Test
    void orderedModeEmitsInInputOrderWithTheSameLimit() {
        try (Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(8).ordered(true).build())) {
            List<FetchResult> results = fetcher.fetchAll(server.itemUrls(200)).collectList()
                    .block(Duration.ofSeconds(30));
            assertThat(results).extracting(FetchResult::index)
                    .containsExactlyElementsOf(LongStream.range(0, 200).boxed().toList());
            assertThat(fetcher.statistics().maxInFlight()).isLessThanOrEqualTo(8);
        }
    }

    @Test
    void completionOrderKeepsTheInputIndex() {
        try (Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(20).build())) {
            List<FetchResult> results = fetcher.fetchAll(server.itemUrls(300)).collectList()
                    .block(Duration.ofSeconds(30));
            Map<Long, String> urlByIndex = results.stream()
                    .collect(Collectors.toMap(FetchResult::index, FetchResult::url));
            assertThat(urlByIndex).hasSize(300);
            urlByIndex.forEach((i, url) -> assertThat(url).endsWith("/item/" + i));
        }
    }
}
