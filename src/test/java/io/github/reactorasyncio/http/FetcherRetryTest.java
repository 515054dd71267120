package io.github.reactorasyncio.http;

import io.github.reactorasyncio.cli.DemoServer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Retries over real sockets: 5xx recovered, attempts counted, the last answer standing, POST left alone. */
class FetcherRetryTest {

    static DemoServer server;

    @BeforeAll
    static void start() {
        server = DemoServer.builder().latency(Duration.ofMillis(1)).jitter(Duration.ZERO).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static FetchResult fetch(FetchOptions.Builder options, String path) {
        try (Fetcher fetcher = Fetcher.create(options.retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
                .build())) {
            return fetcher.fetch(server.url(path)).block(Duration.ofSeconds(30));
        }
    }

    @Test
    void a503IsRetriedUntilItRecovers() {
        FetchResult r = fetch(FetchOptions.builder().retries(3), "/flaky/recovers/2");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attempts()).isEqualTo(3);
    }

    @Test
    void whenRetriesRunOutTheLastAnswerStands() {
        FetchResult r = fetch(FetchOptions.builder().retries(1), "/flaky/gives-up/5");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.answered()).isTrue();
        assertThat(r.attempts()).isEqualTo(2);
    }

    @Test
    void aRetryAfterAboveTheBackoffCapIsNotWaitedFor() {
        FetchResult r = fetch(FetchOptions.builder().retries(3), "/flaky/later/1?retryAfter=120");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.attempts()).isEqualTo(1);
    }

    @Test
    void postIsNotRetriedUnlessAsked() {
        assertThat(fetch(FetchOptions.builder().method("POST").retries(3), "/flaky/post/1").attempts())
                .isEqualTo(1);
        FetchResult asked = fetch(FetchOptions.builder().method("post").retries(3).retryNonIdempotent(true),
                "/flaky/post-asked/1");
        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.attempts()).isEqualTo(2);
    }

    @Test
    void transportFailuresAreRetriedAndCounted() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (Fetcher fetcher = Fetcher.create(FetchOptions.builder().retries(2)
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build())) {
            FetchResult refused = fetcher.fetch("http://127.0.0.1:" + port + "/").block(Duration.ofSeconds(30));
            assertThat(refused.errorKind()).isEqualTo(FetchErrorKind.CONNECTION_REFUSED);
            assertThat(refused.attempts()).isEqualTo(3);
            assertThat(fetcher.statistics().attempts()).isEqualTo(3);
            assertThat(fetcher.statistics().requests()).isEqualTo(1);
        }
    }

    @Test
    void aBatchWithErrorRateRecoversWithRetries() {
        try (DemoServer flaky = DemoServer.builder().latency(Duration.ofMillis(1)).errorRate(0.2).start();
             Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(10).retries(8)
                     .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5)).build())) {
            List<FetchResult> results = fetcher.fetchAll(flaky.itemUrls(300)).collectList()
                    .block(Duration.ofSeconds(60));
            assertThat(results).hasSize(300).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            assertThat(flaky.statistics().injectedErrors()).isPositive();
            assertThat(results.stream().mapToInt(FetchResult::attempts).sum())
                    .isEqualTo(300 + flaky.statistics().injectedErrors());
        }
    }
}
