package io.github.reactorasyncio.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Keeps every client of the fan-out benchmark ({@code src/bench/fanout/run.sh}) from rotting inside
 * {@code mvn verify}: each fetches a loopback server a few times with a small limit and must report one latency per
 * request. Not timed; the numbers are in docs/performance.md.
 */
class FanoutDriverSmokeTest {

    private static final int COUNT = 50;

    private static DisposableServer server;

    @BeforeAll
    static void startServer() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/instant", (request, response) -> response.sendString(Mono.just("ok\n"))))
                .bindNow();
    }

    @AfterAll
    static void stopServer() {
        server.disposeNow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fetcher", "fetcher-lean", "bare", "jdk", "hc5", "okhttp"})
    @Timeout(60)
    void everyClientAnswersEveryRequest(String mode) {
        List<String> urls = Collections.nCopies(COUNT, "http://127.0.0.1:" + server.port() + "/instant");

        long[] latencies = FanoutDriver.pass(mode, 4, urls).fetchAll();

        assertThat(latencies).hasSize(COUNT);
        assertThat(Arrays.stream(latencies).min().getAsLong()).isPositive();
    }
}
