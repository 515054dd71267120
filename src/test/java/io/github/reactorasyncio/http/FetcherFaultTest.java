package io.github.reactorasyncio.http;

import io.github.reactorasyncio.cli.DemoServer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * One test per kind of bad input. Each runs a batch of healthy URLs with the bad ones mixed in, and checks the
 * batch completes, every URL has exactly one result, the healthy ones are 200 and the bad ones say what went
 * wrong. Real loopback sockets; timeouts are one second.
 */
class FetcherFaultTest {

    static DemoServer server;

    @BeforeAll
    static void start() {
        server = DemoServer.builder().latency(Duration.ofMillis(1)).jitter(Duration.ZERO).start();
        // Warm up (class loading, first connection) so the short timeouts below only ever hit the bad URLs.
        try (Fetcher warmUp = Fetcher.create()) {
            warmUp.fetchAll(server.itemUrls(10)).blockLast(Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Runs 20 healthy URLs with {@code bad} interleaved; returns the results of the bad ones by URL. */
    static Map<String, FetchResult> batchWith(FetchOptions options, String... bad) {
        List<String> urls = new ArrayList<>(server.itemUrls(20));
        for (int i = 0; i < bad.length; i++) {
            urls.add(3 * i + 1, bad[i]);
        }
        List<FetchResult> results;
        try (Fetcher fetcher = Fetcher.create(options)) {
            results = fetcher.fetchAll(urls).collectList().block(Duration.ofSeconds(30));
            assertThat(fetcher.statistics().inFlight()).isZero();
        }
        assertThat(results).hasSize(urls.size());
        assertThat(results).extracting(FetchResult::index).doesNotHaveDuplicates();
        results.forEach(r -> assertThat(r.url()).isEqualTo(urls.get((int) r.index())));
        Map<String, FetchResult> byUrl = results.stream()
                .collect(Collectors.toMap(FetchResult::url, Function.identity()));
        server.itemUrls(20).forEach(u -> assertThat(byUrl.get(u).status()).as(u).isEqualTo(200));
        return byUrl;
    }

    static Map<String, FetchResult> batchWith(String... bad) {
        return batchWith(FetchOptions.builder().concurrency(4).build(), bad);
    }

    static void assertFailure(FetchResult r, FetchErrorKind kind, String messagePart) {
        assertThat(r.answered()).isFalse();
        assertThat(r.status()).isZero();
        assertThat(r.errorKind()).as(r.toString()).isEqualTo(kind);
        assertThat(r.errorMessage()).contains(messagePart);
    }

    @Test
    void malformedUrlsAreRejectedBeforeSending() {
        Map<String, FetchResult> r = batchWith("http://exa mple.com/", "just text", "http:///nohost", "");
        assertFailure(r.get("http://exa mple.com/"), FetchErrorKind.MALFORMED_URL, "malformed URL: Illegal character");
        assertFailure(r.get("just text"), FetchErrorKind.MALFORMED_URL, "malformed URL");
        assertFailure(r.get("http:///nohost"), FetchErrorKind.MALFORMED_URL, "no host");
        assertFailure(r.get(""), FetchErrorKind.MALFORMED_URL, "no scheme");
        assertThat(r.get("just text").attempts()).isZero();
    }

    @Test
    void aPortOutOfRangeIsAMalformedUrlNeverSent() {
        String url = "http://127.0.0.1:99999/";
        FetchResult r = batchWith(url).get(url);
        assertFailure(r, FetchErrorKind.MALFORMED_URL, "malformed URL: port 99999 out of range (1-65535)");
        assertThat(r.attempts()).isZero();
    }

    @Test
    void aUnicodeHostNameIsSentInItsIdnaForm() {
        java.net.URI uri = DefaultFetcher.validate("http://user@b\u00fccher.example:8080/a?b=c");
        assertThat(uri.getHost()).isEqualTo("xn--bcher-kva.example");
        assertThat(uri.getPort()).isEqualTo(8080);
        assertThat(uri.getUserInfo()).isEqualTo("user");
        assertThat(uri.getRawPath() + "?" + uri.getRawQuery()).isEqualTo("/a?b=c");
        String url = "http://b\u00fccher.invalid/";
        assertFailure(batchWith(url).get(url), FetchErrorKind.UNKNOWN_HOST, "unknown host xn--bcher-kva.invalid");
    }

    @Test
    void unsupportedSchemeIsRejectedBeforeSending() {
        FetchResult r = batchWith("ftp://127.0.0.1/file").get("ftp://127.0.0.1/file");
        assertFailure(r, FetchErrorKind.UNSUPPORTED_SCHEME, "unsupported scheme \"ftp\" (only http and https)");
        assertThat(r.attempts()).isZero();
    }

    @Test
    void unknownHostFailsWithoutALookup() {
        String url = "http://nonexistent.invalid/x";
        assertFailure(batchWith(url).get(url), FetchErrorKind.UNKNOWN_HOST, "unknown host nonexistent.invalid");
    }

    @Test
    void connectionRefusedOnAClosedPort() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/";
        FetchResult r = batchWith(url).get(url);
        assertFailure(r, FetchErrorKind.CONNECTION_REFUSED, "connection refused by 127.0.0.1:" + port);
        assertThat(r.attempts()).isEqualTo(1);
    }

    @Test
    void refusalMessagesAreReadableWhateverNettySays() {
        assertThat(FetchFailure.refused("finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:9"))
                .isEqualTo("connection refused by 127.0.0.1:9");
        assertThat(FetchFailure.refused("Connection refused")).isEqualTo("connection refused");
        assertThat(FetchFailure.refused(null)).isEqualTo("connection refused");
        assertThat(FetchFailure.refused("odd")).isEqualTo("connection refused (odd)");
    }

    @Test
    void resetMidBody() throws IOException {
        try (ResettingServer resetting = new ResettingServer()) {
            FetchResult r = batchWith(resetting.url()).get(resetting.url());
            assertThat(r.errorKind()).as(r.toString()).isEqualTo(FetchErrorKind.CONNECTION_RESET);
            assertThat(r.errorMessage()).isNotBlank();
        }
    }

    @Test
    void serverThatNeverAnswersHitsTheExchangeTimeout() {
        String hang = server.url("/hang");
        FetchOptions options = FetchOptions.builder().concurrency(4).timeout(Duration.ofSeconds(1)).build();
        FetchResult r = batchWith(options, hang).get(hang);
        assertFailure(r, FetchErrorKind.TIMEOUT, "no complete response within PT1S");
        assertThat(r.latency()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void withATimerSchedulerTheExchangeTimeoutRunsOnItSoVirtualTimeDrivesIt() throws Exception {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        FetchOptions options = FetchOptions.builder().concurrency(1).timeout(Duration.ofMinutes(5))
                .responseTimeout(Duration.ofMinutes(10)).timerScheduler(clock).build();
        try (Fetcher fetcher = Fetcher.create(options)) {
            long before = server.statistics().requests();
            CompletableFuture<FetchResult> result = fetcher.fetch(server.url("/hang")).toFuture();
            FetcherCancellationTest.eventually("the request reached the server",
                    () -> server.statistics().requests() > before);
            assertThat(result).isNotDone();
            clock.advanceTimeBy(Duration.ofMinutes(5));
            assertFailure(result.get(10, TimeUnit.SECONDS), FetchErrorKind.TIMEOUT, "no complete response within PT5M");
        }
    }

    @Test
    void serverThatNeverAnswersHitsTheResponseTimeout() {
        String hang = server.url("/hang");
        FetchOptions options = FetchOptions.builder().concurrency(4).responseTimeout(Duration.ofSeconds(1)).build();
        assertFailure(batchWith(options, hang).get(hang), FetchErrorKind.RESPONSE_TIMEOUT,
                "nothing received for PT1S");
    }

    @Test
    void responseTimeoutNotShorterThanTheExchangeTimeoutLeavesItToTheExchangeTimeout() {
        String hang = server.url("/hang");
        FetchOptions options = FetchOptions.builder().concurrency(4).responseTimeout(Duration.ofSeconds(1))
                .timeout(Duration.ofSeconds(1)).build();
        FetchResult r = batchWith(options, hang).get(hang);
        assertFailure(r, FetchErrorKind.TIMEOUT, "no complete response within PT1S");
        assertThat(r.latency()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void errorStatusesAreAnswersNotFailures() {
        String notFound = server.url("/status/404");
        String broken = server.url("/status/500");
        Map<String, FetchResult> r = batchWith(notFound, broken);
        assertThat(r.get(notFound).answered()).isTrue();
        assertThat(r.get(notFound).status()).isEqualTo(404);
        assertThat(r.get(notFound).errorKind()).isNull();
        assertThat(r.get(broken).status()).isEqualTo(500);
        assertThat(r.get(broken).successful()).isFalse();
        assertThat(r.get(broken).attempts()).as("no retries unless asked").isEqualTo(1);
    }

    @Test
    void declaredBodyOverTheLimitIsRefusedWithoutReading() {
        String big = server.url("/bytes/200000");
        String fits = server.url("/bytes/65536");
        // Uncompressed, so the server sends Content-Length (a gzip body's length says nothing about its size).
        FetchOptions options = FetchOptions.builder().concurrency(4).maxBodyBytes(65536).compress(false).build();
        Map<String, FetchResult> r = batchWith(options, big, fits);
        assertFailure(r.get(big), FetchErrorKind.BODY_TOO_LARGE,
                "body over the limit of 65536 bytes: server declares 200000 bytes");
        assertThat(r.get(fits).bytes()).isEqualTo(65536);
    }

    @Test
    void streamedBodyOverTheLimitStopsReadingAndAbortsTheConnection() {
        // 1 GB without Content-Length: only stopping early makes this finish in time.
        String huge = server.url("/stream/1000000000");
        FetchOptions options = FetchOptions.builder().concurrency(4).maxBodyBytes(100_000).build();
        FetchResult r = batchWith(options, huge).get(huge);
        assertFailure(r, FetchErrorKind.BODY_TOO_LARGE, "body over the limit of 100000 bytes: server sent more");
        assertThat(r.bytes()).isZero();
    }

    @Test
    void redirectsAreFollowedUpToTheBound() {
        String three = server.url("/redirect/3");
        String ten = server.url("/redirect/10");
        Map<String, FetchResult> r = batchWith(FetchOptions.builder().concurrency(4).maxRedirects(5).build(),
                three, ten);
        assertThat(r.get(three).status()).isEqualTo(200);
        assertFailure(r.get(ten), FetchErrorKind.TOO_MANY_REDIRECTS, "still HTTP 302 after 5 redirects");
    }

    @Test
    void withoutFollowingRedirectsA302IsAnAnswer() {
        String one = server.url("/redirect/1");
        assertThat(batchWith(FetchOptions.builder().maxRedirects(0).build(), one).get(one).status()).isEqualTo(302);
    }
}
