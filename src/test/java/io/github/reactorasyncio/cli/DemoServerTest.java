package io.github.reactorasyncio.cli;

import io.github.reactorasyncio.http.Fetcher;
import io.github.reactorasyncio.http.FetchResult;
import io.github.reactorasyncio.http.FetchOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The demo server's routes, error rate, h2c, and misuse messages. */
class DemoServerTest {

    @Test
    void routesAnswerAsDocumented() {
        try (DemoServer server = DemoServer.builder().latency(Duration.ofMillis(1)).jitter(Duration.ZERO).start();
             Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(1).build())) {
            assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port());
            List<FetchResult> r = fetcher.fetchAll(List.of(server.url("/item/7"), server.url("/status/418"),
                    server.url("/bytes/20000"), server.url("/stream/30000"), server.url("/redirect/2"),
                    server.url("/flaky/k/1"), server.url("/flaky/k/1"), server.url("/nope"))).collectList()
                    .block(Duration.ofSeconds(30));
            assertThat(r).extracting(FetchResult::status).containsExactly(200, 418, 200, 200, 200, 503, 200, 404);
            assertThat(r.get(0).bytes()).isEqualTo("item 7\n".length());
            // Bodies over 1 KiB are gzipped by the server and inflated by the client: the size is the original.
            assertThat(r.get(2).bytes()).isEqualTo(20000);
            assertThat(r.get(3).bytes()).isEqualTo(30000);
            assertThat(server.statistics().requests()).as("404 is not a route").isEqualTo(9);
            assertThat(server.toString()).startsWith("DemoServer[" + server.baseUrl() + ", latency PT0.001S ± PT0S");
        }
    }

    @Test
    void errorRateInjects503s() {
        try (DemoServer server = DemoServer.builder().latency(Duration.ZERO).jitter(Duration.ZERO).errorRate(1)
                .start();
             Fetcher fetcher = Fetcher.create()) {
            List<FetchResult> r = fetcher.fetchAll(server.itemUrls(20)).collectList().block(Duration.ofSeconds(30));
            assertThat(r).allSatisfy(x -> assertThat(x.status()).isEqualTo(503));
            assertThat(server.statistics().injectedErrors()).isEqualTo(20);
        }
    }

    @Test
    void h2cClientAndServerKeepTheLimit() {
        try (DemoServer server = DemoServer.builder().latency(Duration.ofMillis(2)).h2c(true).start();
             Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(5).h2c(true).build())) {
            List<FetchResult> r = fetcher.fetchAll(server.itemUrls(200)).collectList().block(Duration.ofSeconds(30));
            assertThat(r).hasSize(200).allSatisfy(x -> assertThat(x.status()).isEqualTo(200));
            assertThat(server.statistics().maxInFlight()).isBetween(1, 5);
        }
    }

    @Test
    void misuse() {
        assertThatThrownBy(() -> DemoServer.builder().latency(Duration.ofMillis(-1)))
                .hasMessage("latency must not be negative (was PT-0.001S)");
        assertThatThrownBy(() -> DemoServer.builder().errorRate(1.5)).hasMessage("errorRate must be in [0, 1] (was 1.5)");
        assertThatThrownBy(() -> DemoServer.builder().jitter(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("jitter");
        try (DemoServer server = DemoServer.builder().latency(Duration.ZERO).start()) {
            assertThatThrownBy(() -> server.url("item")).hasMessage("path must start with \"/\" (was \"item\")");
            assertThatThrownBy(() -> server.itemUrls(-1)).hasMessage("count must not be negative (was -1)");
        }
    }
}
