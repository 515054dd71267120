package io.github.reactorasyncio.http;

import static io.github.reactorasyncio.http.FetcherCancellationTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Schedulers;

/**
 * {@link Http1Transport}'s contract, attacked from the server's side of real loopback connections
 * ({@link HostileServer} records which connection every request came on, and its head): what a request sends, when
 * a connection is reused and when never, the one resend on a new connection, redirects, cancellation mid-body,
 * close, and TLS with host-name verification (in a JVM of its own, which trusts the test certificate).
 */
class Http1TransportTest {

    static final FetchOptions ONE_AT_A_TIME = FetchOptions.builder().concurrency(1).ordered(true)
            .timeout(Duration.ofSeconds(10)).build();

    static HostileServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new HostileServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Fetches {@code paths} of the server in order with {@code options}; returns the results and what it saw. */
    static Fetched fetch(FetchOptions options, String... paths) {
        int before = server.requests().size();
        List<FetchResult> results;
        try (Fetcher fetcher = Fetcher.create(options)) {
            results = fetcher.fetchAll(List.of(paths).stream().map(server::url).toList())
                    .collectList().block(Duration.ofSeconds(30));
        }
        List<HostileServer.Request> seen = server.requests();
        return new Fetched(results, seen.subList(before, seen.size()));
    }

    record Fetched(List<FetchResult> results, List<HostileServer.Request> seen) {
        int connection(int request) {
            return seen.get(request).connection();
        }
    }

    @Test
    void aRequestNamesItsHostAndTheClientAndOffersGzipUnlessToldNotTo() {
        HostileServer.Request get = fetch(ONE_AT_A_TIME, "/ok").seen().get(0);
        assertThat(get.head()).startsWith("GET /ok HTTP/1.1\r\n");
        assertThat(get.header("Host")).isEqualTo(server.url("").substring("http://".length()));
        assertThat(get.header("User-Agent")).isEqualTo("reactor-asyncio-fetch");
        assertThat(get.header("Accept-Encoding")).isEqualTo("gzip");
        assertThat(get.header("Content-Length")).as("no body, no length on a GET").isNull();

        HostileServer.Request plain = fetch(ONE_AT_A_TIME.toBuilder().compress(false).build(), "/ok").seen().get(0);
        assertThat(plain.header("Accept-Encoding")).isNull();
        HostileServer.Request post = fetch(ONE_AT_A_TIME.toBuilder().method("POST").build(), "/ok").seen().get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.header("Content-Length")).isEqualTo("0");
    }

    @Test
    void aKeepAliveConnectionServesTheNextRequestAndConnectionCloseEndsIt() {
        Fetched f = fetch(ONE_AT_A_TIME, "/ok", "/ok", "/close", "/ok");
        assertThat(f.results()).extracting(FetchResult::status).containsExactly(200, 200, 200, 200);
        assertThat(f.connection(1)).isEqualTo(f.connection(0));
        assertThat(f.connection(2)).isEqualTo(f.connection(0));
        assertThat(f.connection(3)).as("after Connection: close").isNotEqualTo(f.connection(2));
    }

    @Test
    void aHeadResponseHasNoBodyAndLeavesTheConnectionReusable() {
        Fetched f = fetch(ONE_AT_A_TIME.toBuilder().method("HEAD").build(), "/ok", "/ok");
        assertThat(f.results()).allSatisfy(r -> {
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.bytes()).isZero();
        });
        assertThat(f.connection(1)).isEqualTo(f.connection(0));
    }

    @Test
    void aReusedConnectionDroppedBeforeTheResponseIsResentOnceOnANewOne() {
        Fetched f = fetch(ONE_AT_A_TIME, "/ok", "/drop", "/ok");
        FetchResult dropped = f.results().get(1);
        FetcherFaultTest.assertFailure(dropped, FetchErrorKind.CONNECTION_RESET,
                "connection closed by the server before the response");
        assertThat(dropped.attempts()).as("the resend is not an attempt").isEqualTo(1);
        assertThat(f.seen()).extracting(HostileServer.Request::path).containsExactly("/ok", "/drop", "/drop", "/ok");
        assertThat(f.connection(1)).as("sent on the reused connection").isEqualTo(f.connection(0));
        assertThat(f.connection(2)).as("resent on a new one").isNotEqualTo(f.connection(1));
        assertThat(f.results().get(2).status()).isEqualTo(200);
    }

    @Test
    void aNewConnectionDroppedBeforeTheResponseIsNotResent() {
        Fetched f = fetch(ONE_AT_A_TIME, "/drop");
        FetcherFaultTest.assertFailure(f.results().get(0), FetchErrorKind.CONNECTION_RESET, "before the response");
        assertThat(f.seen()).hasSize(1);
    }

    @Test
    void aNonIdempotentRequestIsNotResent() {
        Fetched f = fetch(ONE_AT_A_TIME.toBuilder().method("POST").build(), "/ok", "/drop");
        assertThat(f.results().get(1).errorKind()).isEqualTo(FetchErrorKind.CONNECTION_RESET);
        assertThat(f.seen()).extracting(HostileServer.Request::path).containsExactly("/ok", "/drop");
    }

    @Test
    void a303IsFollowedWithGetAtTheResolvedLocationOnTheSameConnection() {
        Fetched f = fetch(ONE_AT_A_TIME.toBuilder().method("POST").build(), "/see-other");
        assertThat(f.results().get(0).status()).as(f.results().get(0).toString()).isEqualTo(200);
        assertThat(f.results().get(0).bytes()).as("the final response's body only").isEqualTo(2);
        assertThat(f.seen()).extracting(r -> r.method() + " " + r.path()).containsExactly("POST /see-other", "GET /ok");
        assertThat(f.connection(1)).as("the redirect's body was read, its connection reused").isEqualTo(f.connection(0));
    }

    @Test
    void aRedirectToAnotherHostNameGoesThere() {
        Fetched f = fetch(ONE_AT_A_TIME, "/elsewhere");
        assertThat(f.results().get(0).status()).as(f.results().get(0).toString()).isEqualTo(200);
        assertThat(f.seen().get(1).header("Host")).startsWith("localhost:");
        assertThat(f.connection(1)).as("another host, another pool").isNotEqualTo(f.connection(0));
    }

    @Test
    void aRedirectToAnUnsupportedSchemeIsAProtocolError() {
        FetcherFaultTest.assertFailure(fetch(ONE_AT_A_TIME, "/to-ftp").results().get(0), FetchErrorKind.PROTOCOL_ERROR,
                "HTTP 302 with an unusable Location \"ftp://127.0.0.1/file\": unsupported scheme \"ftp\"");
    }

    @Test
    void cancellingMidBodyClosesTheConnectionAndNoLaterRequestGetsIt() throws Exception {
        try (Fetcher fetcher = Fetcher.create(ONE_AT_A_TIME)) {
            fetcher.fetch(server.url("/ok")).block(Duration.ofSeconds(10));
            int before = server.requests().size();
            Disposable stalled = fetcher.fetch(server.url("/stall-body")).subscribe();
            eventually("the stalled request reached the server", () -> server.requests().size() == before + 1);
            TimeUnit.MILLISECONDS.sleep(100);  // its head and first bytes are in
            stalled.dispose();
            eventually("the cancelled connection closed", () -> fetcher.statistics().connectionsAcquired() == 0
                    && fetcher.statistics().connectionsIdle() == 0);
            assertThat(fetcher.fetch(server.url("/ok")).block(Duration.ofSeconds(10)).status()).isEqualTo(200);
            List<HostileServer.Request> seen = server.requests();
            assertThat(seen.get(before).path()).isEqualTo("/stall-body");
            assertThat(seen.get(before + 1).connection()).isNotEqualTo(seen.get(before).connection());
            assertThat(fetcher.statistics().inFlight()).isZero();
        }
    }

    @Test
    void aBatchUsesAtMostTheLimitOfConnectionsAndLeavesThemAllIdle() {
        FetchOptions four = FetchOptions.builder().concurrency(4).build();
        int before = server.requests().size();
        try (Fetcher fetcher = Fetcher.create(four)) {
            List<FetchResult> results = fetcher.fetchAll(java.util.Collections.nCopies(200, server.url("/ok")))
                    .collectList().block(Duration.ofSeconds(30));
            assertThat(results).hasSize(200).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            long connections = server.requests().subList(before, server.requests().size()).stream()
                    .mapToInt(HostileServer.Request::connection).distinct().count();
            assertThat(connections).isBetween(1L, 4L);
            FetchStatistics stats = fetcher.statistics();
            assertThat(stats.connectionsAcquired()).isZero();
            assertThat(stats.connectionsIdle()).isEqualTo((int) connections);
            assertThat(stats.pendingAcquires()).isZero();
        }
    }

    @Test
    void idleConnectionsToManyHostsNeverOutnumberTheLimit() throws Exception {
        try (Fetcher fetcher = Fetcher.create(ONE_AT_A_TIME)) {
            String otherHost = server.url("/ok").replace("127.0.0.1", "localhost");
            assertThat(fetcher.fetch(server.url("/ok")).block(Duration.ofSeconds(10)).status()).isEqualTo(200);
            assertThat(fetcher.fetch(otherHost).block(Duration.ofSeconds(10)).status()).isEqualTo(200);
            eventually("the connection beyond the limit closed", () -> fetcher.statistics().connectionsAcquired() == 0);
            assertThat(fetcher.statistics().connectionsIdle()).as("one idle connection for a limit of 1").isEqualTo(1);
            assertThat(fetcher.toString()).contains("0 busy / 1 idle to 1 host(s)");
        }
    }

    @Test
    void aHostWhoseConnectionsAllClosedLeavesNoPoolBehind() throws Exception {
        try (Fetcher fetcher = Fetcher.create(ONE_AT_A_TIME)) {
            assertThat(fetcher.fetch(server.url("/close")).block(Duration.ofSeconds(10)).status()).isEqualTo(200);
            eventually("the host's pool dropped", () -> fetcher.toString().contains("0 busy / 0 idle to 0 host(s)"));
            assertThat(fetcher.fetch(server.url("/ok")).block(Duration.ofSeconds(10)).status())
                    .as("a new pool for the host").isEqualTo(200);
            assertThat(fetcher.toString()).contains("0 busy / 1 idle to 1 host(s)");
        }
    }

    @Test
    void aClosedFetcherHoldsNoConnectionAndFailsNewRequests() throws Exception {
        Fetcher fetcher = Fetcher.create(ONE_AT_A_TIME);
        assertThat(fetcher.fetch(server.url("/ok")).block(Duration.ofSeconds(10)).status()).isEqualTo(200);
        fetcher.close();
        eventually("connections closed", () -> fetcher.statistics().connectionsIdle() == 0
                && fetcher.statistics().connectionsAcquired() == 0);
        FetcherFaultTest.assertFailure(fetcher.fetch(server.url("/ok")).block(Duration.ofSeconds(10)),
                FetchErrorKind.IO_ERROR, "the fetcher is closed");
        assertThat(fetcher.toString()).endsWith(", closed]");
    }

    /**
     * Random batches over every kind of path (healthy, closing, dropping, stalling, redirecting, resetting, broken,
     * TLS that fails), each cut at a random moment, two at a time on one fetcher: afterwards no connection is left
     * busy, no more than the limit idle, no turn held, no error dropped but an exchange's own failure racing its
     * cut, and a healthy batch still answers 200 on every URL. Twice: with timeouts short enough to race the cuts, and with timeouts that never fire, so that only
     * the cancel itself can free a stalled connection. Replay: {@code mvn test
     * -Dtest=Http1TransportTest#randomCancelsOverHostilePathsStrandNothing -Dhttp1.seed=SEED}.
     */
    @Test
    void randomCancelsOverHostilePathsStrandNothing() throws Exception {
        long seed = Long.getLong("http1.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay: mvn test -Dtest=Http1TransportTest#"
                + "randomCancelsOverHostilePathsStrandNothing -Dhttp1.seed=" + seed + ")";
        Random random = new Random(seed);
        FetchOptions racing = FetchOptions.builder().concurrency(4).connectTimeout(Duration.ofSeconds(1))
                .responseTimeout(Duration.ofMillis(300)).timeout(Duration.ofMillis(600)).maxBodyBytes(100_000)
                .maxRedirects(3).build();
        FetchOptions neverTimingOut = racing.toBuilder().responseTimeout(Duration.ofMinutes(5))
                .timeout(Duration.ofMinutes(5)).build();
        // A result that races its cut reaches a permit already cancelled, which drops it to Hooks.onNextDropped
        // (a debug log, as Reactive Streams allows a signal after cancel). An exchange's failure that races its cut
        // can reach Reactor's timeout operator after that was cancelled, which drops it to Hooks.onErrorDropped (seen
        // once in about a dozen runs, a FetchFailure). Anything else dropped would be a bug of the fetcher's own.
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            cutAtRandom(racing, random, replay + ", short timeouts");
            cutAtRandom(neverTimingOut, random, replay + ", no timeout fires");
        }
        finally {
            Hooks.resetOnErrorDropped();
        }
        assertThat(dropped).as(replay + ": only exchange failures that raced their cut are dropped")
                .allSatisfy(e -> assertThat(e).isInstanceOfAny(FetchFailure.class, java.io.IOException.class));
    }

    private static void cutAtRandom(FetchOptions options, Random random, String replay) throws Exception {
        List<String> paths = List.of(server.url("/ok"), server.url("/ok"), server.url("/close"), server.url("/drop"),
                server.url("/stall-body"), server.url("/see-other"), server.url("/elsewhere"), server.url("/loop"),
                server.url("/reset"), server.url("/short-body"), server.url("/long-body"), server.url("/bad-chunk"),
                server.url("/silent"), server.closingUrl(), server.selfSignedUrl());
        try (Fetcher fetcher = Fetcher.create(options)) {
            List<List<String>> batches = new ArrayList<>();
            List<Integer> cuts = new ArrayList<>();
            for (int round = 0; round < 24; round++) {
                batches.add(random.ints(12, 0, paths.size()).mapToObj(paths::get).toList());
                cuts.add(random.nextInt(500));
            }
            Flux.range(0, batches.size())
                    .flatMap(round -> fetcher.fetchAll(batches.get(round))
                            .take(Duration.ofMillis(cuts.get(round)), Schedulers.parallel()), 2)
                    .blockLast(Duration.ofSeconds(60));

            eventually(replay + ": every connection released", () -> fetcher.statistics().connectionsAcquired() == 0);
            FetchStatistics stats = fetcher.statistics();
            assertThat(stats.inFlight()).as(replay).isZero();
            assertThat(stats.maxInFlight()).as(replay).isLessThanOrEqualTo(4);
            assertThat(stats.connectionsIdle()).as(replay).isLessThanOrEqualTo(4);
            List<FetchResult> healthy = fetcher.fetchAll(java.util.Collections.nCopies(20, server.url("/ok")))
                    .collectList().block(Duration.ofSeconds(30));
            assertThat(healthy).as(replay).hasSize(20).allSatisfy(r -> assertThat(r.status()).as(replay + " " + r)
                    .isEqualTo(200));
        }
    }

    @Test
    void tlsWorksWithATrustedCertificateAndChecksTheHostName() throws Exception {
        Path output = Files.createTempFile("tls-main", ".txt");
        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TrustedTlsMain.class.getName())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(java.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String printed = Files.readString(output);
        Files.delete(output);
        assertThat(java.exitValue()).as(printed).isZero();
        assertThat(printed).contains("localhost: 200 200 200 on 1 connection(s)")
                .contains("127.0.0.1: TLS_ERROR");
    }

    /** The child JVM of the TLS test: trusts the server's certificate through the JDK's standard property. */
    static final class TrustedTlsMain {
        public static void main(String[] args) throws Exception {
            Path trustStore = Files.createTempFile("trusted", ".p12");
            try (HostileServer tls = new HostileServer(trustStore)) {
                System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
                System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
                System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
                try (Fetcher fetcher = Fetcher.create(ONE_AT_A_TIME)) {
                    String url = tls.tlsUrl("localhost", "/ok");
                    List<FetchResult> results = fetcher.fetchAll(List.of(url, url, url))
                            .collectList().block(Duration.ofSeconds(30));
                    long connections = tls.requests().stream().mapToInt(HostileServer.Request::connection)
                            .distinct().count();
                    System.out.println("localhost: " + String.join(" ", results.stream()
                            .map(r -> r.status() == 0 ? r.toString() : String.valueOf(r.status())).toList())
                            + " on " + connections + " connection(s)");
                    FetchResult wrongName = fetcher.fetch(tls.tlsUrl("127.0.0.1", "/ok")).block(Duration.ofSeconds(30));
                    System.out.println("127.0.0.1: " + wrongName.errorKind() + " " + wrongName.errorMessage());
                }
            }
            finally {
                Files.deleteIfExists(trustStore);
            }
        }
    }
}
