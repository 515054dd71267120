package io.github.reactorasyncio.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP/1.1 response timeout ({@link ResponseSilenceTimer}, one per connection): it measures silence after the
 * request, restarts on every read, and does not count the time a connection sits idle in the pool.
 */
class ResponseSilenceTimerTest {

    static DisposableServer server;
    /** Connections the server accepted: a connection closed by a stray timer would make the next request open one. */
    static final AtomicInteger connections = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .doOnChannelInit((observer, channel, remoteAddress) -> connections.incrementAndGet())
                .route(routes -> routes
                        .get("/ok", (req, res) -> res.sendString(Mono.just("ok")))
                        // 6 chunks 300 ms apart: 1.5 s in all, never 1 s of silence.
                        .get("/drip", (req, res) -> res.sendString(
                                Flux.interval(Duration.ofMillis(300)).take(6).map(i -> "x")))
                        // Status, headers and one chunk, then silence.
                        .get("/stall", (req, res) -> res.sendString(Flux.just("x").concatWith(Flux.never()))))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow();
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    static FetchOptions options() {
        return FetchOptions.builder().concurrency(1).responseTimeout(Duration.ofSeconds(1)).compress(false).build();
    }

    @Test
    void aSlowBodyThatKeepsSendingIsNotTimedOut() {
        try (Fetcher fetcher = Fetcher.create(options())) {
            FetchResult r = fetcher.fetch(url("/drip")).block(Duration.ofSeconds(20));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.bytes()).isEqualTo(6);
        }
    }

    @Test
    void silenceAfterTheFirstChunkIsAResponseTimeout() {
        try (Fetcher fetcher = Fetcher.create(options())) {
            FetchResult r = fetcher.fetch(url("/stall")).block(Duration.ofSeconds(20));
            assertThat(r.errorKind()).as(r.toString()).isEqualTo(FetchErrorKind.RESPONSE_TIMEOUT);
            assertThat(r.errorMessage()).isEqualTo("nothing received for PT1S");
        }
    }

    @Test
    void timeIdleInThePoolDoesNotCountAgainstTheNextRequest() {
        try (Fetcher fetcher = Fetcher.create(options())) {
            // One connection (concurrency 1), idle for 1.5 s between the two requests: longer than the timeout.
            int before = connections.get();
            List<FetchResult> results = fetcher.fetch(url("/ok"))
                    .concatWith(Mono.delay(Duration.ofMillis(1500)).then(fetcher.fetch(url("/ok"))))
                    .collectList().block(Duration.ofSeconds(20));
            assertThat(results).extracting(FetchResult::status).containsExactly(200, 200);
            assertThat(connections.get() - before).as("both requests on one kept-alive connection").isEqualTo(1);
        }
    }
}
