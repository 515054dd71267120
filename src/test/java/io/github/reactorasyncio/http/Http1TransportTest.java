package io.github.reactorasyncio.http;

import static io.github.reactorasyncio.http.FetcherCancellationTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

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

    /** The deadline of an attempt whose server stays silent closes its connection: it is never reused. */
    @Test
    void aTimedOutAttemptClosesItsConnection() throws Exception {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        FetchOptions options = ONE_AT_A_TIME.toBuilder().timeout(Duration.ofSeconds(1))
                .responseTimeout(Duration.ofMinutes(5)).timerScheduler(clock).build();
        try (Fetcher fetcher = Fetcher.create(options)) {
            int before = server.requests().size();
            CompletableFuture<FetchResult> silent = fetcher.fetch(server.url("/silent")).toFuture();
            eventually("the request reached the server", () -> server.requests().size() > before);
            clock.advanceTimeBy(Duration.ofSeconds(1));
            FetchResult r = silent.get(10, TimeUnit.SECONDS);
            assertThat(r.errorKind()).as(r.toString()).isEqualTo(FetchErrorKind.TIMEOUT);
            assertThat(r.errorMessage()).isEqualTo("no complete response within PT1S");
            eventually("the silent connection closed, not pooled", () -> fetcher.statistics().connectionsAcquired() == 0
                    && fetcher.statistics().connectionsIdle() == 0);
        }
    }

    /** An attempt that ends first disposes its deadline: no timer per request is left waiting out the timeout. */
    @Test
    void anAttemptThatEndsFirstDisposesItsDeadline() {
        List<Disposable> deadlines = new CopyOnWriteArrayList<>();
        Scheduler recording = new Scheduler() {
            @Override
            public Disposable schedule(Runnable task) {
                return Schedulers.parallel().schedule(task);
            }

            @Override
            public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
                Disposable d = Schedulers.parallel().schedule(task, delay, unit);
                deadlines.add(d);
                return d;
            }

            @Override
            public Worker createWorker() {
                return Schedulers.parallel().createWorker();
            }
        };
        try (Fetcher fetcher = Fetcher.create(ONE_AT_A_TIME.toBuilder().timerScheduler(recording).build())) {
            List<FetchResult> results = fetcher.fetchAll(List.of(server.url("/ok"), server.url("/reset"),
                    server.url("/ok"))).collectList().block(Duration.ofSeconds(10));
            assertThat(results).extracting(r -> r.status() == 200 ? "200" : r.errorKind().name())
                    .containsExactly("200", "CONNECTION_RESET", "200");
        }
        assertThat(deadlines).hasSize(3).allSatisfy(d -> assertThat(d.isDisposed()).isTrue());
    }

    /** A timer scheduler that rejects the deadline times the attempt out at once, before any request is sent. */
    @Test
    void aRejectedDeadlineTimesTheAttemptOutAtOnce() {
        Scheduler stopped = Schedulers.newSingle("stopped");
        stopped.dispose();
        try (Fetcher fetcher = Fetcher.create(ONE_AT_A_TIME.toBuilder().timerScheduler(stopped).build())) {
            int before = server.requests().size();
            FetchResult r = fetcher.fetch(server.url("/ok")).block(Duration.ofSeconds(10));
            assertThat(r.errorKind()).as(r.toString()).isEqualTo(FetchErrorKind.TIMEOUT);
            assertThat(server.requests()).hasSize(before);
            assertThat(fetcher.statistics().connectionsAcquired() + fetcher.statistics().connectionsIdle()).isZero();
        }
    }

    /**
     * The attempt's deadline fired (on the test's thread, by virtual time) at random moments around the instant the
     * server's reset fails the same attempt (on the event loop): each attempt ends exactly once, as TIMEOUT or as
     * CONNECTION_RESET, both outcomes occur, nothing goes to {@code Hooks.onErrorDropped} (Reactor's timeout operator
     * dropped the loser of this race), and no connection is left open. Replay: {@code mvn test
     * -Dtest=Http1TransportTest#aDeadlineRacingAFailureEndsTheAttemptOnceAndDropsNothing -Dhttp1.seed=SEED}.
     */
    @Test
    void aDeadlineRacingAFailureEndsTheAttemptOnceAndDropsNothing() throws Exception {
        long seed = Long.getLong("http1.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay: mvn test -Dtest=Http1TransportTest#"
                + "aDeadlineRacingAFailureEndsTheAttemptOnceAndDropsNothing -Dhttp1.seed=" + seed + ")";
        Random random = new Random(seed);
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        FetchOptions options = ONE_AT_A_TIME.toBuilder().timeout(Duration.ofSeconds(1)).timerScheduler(clock).build();
        String reset = server.url("/reset");
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        Map<FetchErrorKind, Integer> outcomes = new EnumMap<>(FetchErrorKind.class);
        try (Fetcher fetcher = Fetcher.create(options)) {
            // How long the reset takes to fail an attempt here: the deadline is fired within that spread.
            long[] took = new long[30];
            for (int i = 0; i < took.length; i++) {
                long start = System.nanoTime();
                int attempt = i;
                FetchResult r = fetcher.fetch(reset).doOnNext(failed -> took[attempt] = System.nanoTime() - start)
                        .block(Duration.ofSeconds(10));
                assertThat(r.errorKind()).as(replay + " " + r).isEqualTo(FetchErrorKind.CONNECTION_RESET);
            }
            Arrays.sort(took);
            // A staircase keeps the deadline at the moment the reset arrives: later after a TIMEOUT, earlier after
            // a CONNECTION_RESET, each time with a random offset of up to two steps either way.
            long aim = took[took.length / 2];
            long step = Math.max(200, (took[took.length * 9 / 10] - took[took.length / 10]) / 40);
            for (int i = 0; i < 3000; i++) {
                CompletableFuture<List<FetchResult>> ended = fetcher.fetch(reset).flux().collectList().toFuture();
                long fireAt = System.nanoTime() + aim + (long) ((random.nextDouble() - 0.5) * 4 * step);
                while (System.nanoTime() < fireAt) {
                    Thread.onSpinWait();
                }
                clock.advanceTimeBy(Duration.ofSeconds(1));
                List<FetchResult> results = ended.get(10, TimeUnit.SECONDS);
                assertThat(results).as(replay + ": one result per attempt").hasSize(1);
                FetchErrorKind kind = results.get(0).errorKind();
                assertThat(kind).as(replay + " " + results).isIn(FetchErrorKind.TIMEOUT, FetchErrorKind.CONNECTION_RESET);
                outcomes.merge(kind, 1, Integer::sum);
                aim = Math.max(0, aim + (kind == FetchErrorKind.TIMEOUT ? step : -step));
            }
            // A deadline that fires while the connection is still opening leaves it unused, and idle.
            eventually(replay + ": no connection busy", () -> fetcher.statistics().connectionsAcquired() == 0
                    && fetcher.statistics().connectionsIdle() <= 1);
        }
        finally {
            Hooks.resetOnErrorDropped();
        }
        assertThat(dropped).as(replay + ": nothing dropped (outcomes " + outcomes + ")").isEmpty();
        assertThat(outcomes).as(replay + ": the deadline raced the reset both ways").containsKeys(
                FetchErrorKind.TIMEOUT, FetchErrorKind.CONNECTION_RESET);
    }

    /**
     * Random batches over every kind of path (healthy, closing, dropping, stalling, redirecting, resetting, broken,
     * TLS that fails), each cut at a random moment, two at a time on one fetcher: afterwards no connection is left
     * busy, no more than the limit idle, no turn held, no error dropped, and a healthy batch still answers 200 on every URL. Twice: with timeouts short enough to race the cuts, and with timeouts that never fire, so that only
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
        // (a debug log, as Reactive Streams allows a signal after cancel). No error may be dropped: an exchange's
        // failure racing its cut or its deadline loses one CAS (see aDeadlineRacingAFailure...).
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            cutAtRandom(racing, random, replay + ", short timeouts");
            cutAtRandom(neverTimingOut, random, replay + ", no timeout fires");
        }
        finally {
            Hooks.resetOnErrorDropped();
        }
        assertThat(dropped).as(replay + ": no error dropped").isEmpty();
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
