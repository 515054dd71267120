package io.github.reactorasyncio.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a batch mixing healthy URLs with one URL per misbehaviour of a {@link HostileServer}. Every healthy
 * URL must answer 200, every bad one fail with a kind a user can act on, every URL have exactly one result, and no
 * connection be used again after a response that broke HTTP/1.1 on it (counted at the server).
 */
class HostileServerTest {

    // Short timeouts so the whole suite takes seconds: a 1 byte/s drip never falls silent for 1.5 s, so only
    // the 2.5 s exchange timeout ends it.
    static final FetchOptions OPTIONS = FetchOptions.builder().concurrency(4).connectTimeout(Duration.ofSeconds(1))
            .responseTimeout(Duration.ofMillis(1500)).timeout(Duration.ofMillis(2500)).maxBodyBytes(100_000)
            .maxRedirects(3).build();

    static HostileServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new HostileServer();
        // Warm up (class loading, the first TLS context, the first connection) so the short timeouts below only
        // ever hit the misbehaviours, also on a loaded machine.
        try (Fetcher warmUp = Fetcher.create()) {
            warmUp.fetchAll(List.of(server.url("/ok"), server.selfSignedUrl())).blockLast(Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static List<FetchResult> fetch(FetchOptions options, List<String> urls) {
        List<FetchResult> results;
        try (Fetcher fetcher = Fetcher.create(options)) {
            results = fetcher.fetchAll(urls).collectList().block(Duration.ofSeconds(60));
            assertThat(fetcher.statistics().inFlight()).isZero();
        }
        assertThat(results).hasSize(urls.size());
        assertThat(results).extracting(FetchResult::index).doesNotHaveDuplicates();
        results.forEach(r -> assertThat(r.url()).isEqualTo(urls.get((int) r.index())));
        return results;
    }

    @Test
    void everyMisbehaviourFailsWithAnActionableKindAndHealthyUrlsAllAnswer() {
        Map<String, FetchErrorKind> bad = new LinkedHashMap<>();
        bad.put(server.url("/reset"), FetchErrorKind.CONNECTION_RESET);
        bad.put(server.url("/silent"), FetchErrorKind.RESPONSE_TIMEOUT);
        bad.put(server.url("/drip"), FetchErrorKind.TIMEOUT);
        bad.put(server.url("/bad-status"), FetchErrorKind.PROTOCOL_ERROR);
        bad.put(server.url("/huge-header"), FetchErrorKind.PROTOCOL_ERROR);
        bad.put(server.url("/long-body"), FetchErrorKind.PROTOCOL_ERROR);
        bad.put(server.url("/short-body"), FetchErrorKind.CONNECTION_RESET);
        bad.put(server.url("/bad-chunk"), FetchErrorKind.PROTOCOL_ERROR);
        bad.put(server.url("/huge"), FetchErrorKind.BODY_TOO_LARGE);
        bad.put(server.url("/loop"), FetchErrorKind.TOO_MANY_REDIRECTS);
        bad.put(server.closingUrl(), FetchErrorKind.CONNECTION_RESET);
        bad.put(server.selfSignedUrl(), FetchErrorKind.TLS_ERROR);
        bad.put(server.stalledTlsUrl(), FetchErrorKind.TIMEOUT);
        String http10 = server.url("/http10");
        String healthy = server.url("/ok");
        List<String> urls = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (String url : bad.keySet()) {
                urls.add(url);
                urls.add(healthy);
                urls.add(healthy);
            }
            urls.add(http10);
            urls.add(healthy);
        }

        List<FetchResult> results = fetch(OPTIONS, urls);

        for (FetchResult r : results) {
            if (r.url().equals(healthy) || r.url().equals(http10)) {
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
            }
            else {
                assertThat(r.errorKind()).as(r.toString()).isEqualTo(bad.get(r.url()));
                assertThat(r.errorMessage()).as(r.toString()).isNotBlank();
            }
        }
        assertNoConnectionReusedAfterAViolation();
    }

    @Test
    void theRequestAfterATooLongBodyGoesOnAFreshConnection() {
        List<FetchResult> results = fetch(OPTIONS.toBuilder().concurrency(1).ordered(true).build(),
                List.of(server.url("/ok"), server.url("/long-body"), server.url("/ok")));
        assertThat(results.get(0).status()).isEqualTo(200);
        assertThat(results.get(1).errorKind()).as(results.get(1).toString()).isEqualTo(FetchErrorKind.PROTOCOL_ERROR);
        assertThat(results.get(1).errorMessage()).contains("beyond the end of the response");
        assertThat(results.get(2).status()).as(results.get(2).toString()).isEqualTo(200);
        assertNoConnectionReusedAfterAViolation();
    }

    @Test
    void aRequestThatFailsOnAReusedConnectionBeforeItsResponseIsRetriedOnceOnAFreshOne() {
        int before = server.requests().size();
        // The junk comes 500 ms after a complete response, when the next request is already waiting on the
        // connection: it can only be noticed as the start of that request's response.
        List<FetchResult> results = fetch(OPTIONS.toBuilder().concurrency(1).ordered(true).build(),
                List.of(server.url("/late-extra"), server.url("/ok")));
        assertThat(results.get(0).status()).isEqualTo(200);
        assertThat(results.get(1).status()).as(results.get(1).toString()).isEqualTo(200);
        assertThat(results.get(1).attempts()).as("not counted as a retry").isEqualTo(1);
        List<HostileServer.Request> seen = server.requests().subList(before, server.requests().size());
        assertThat(seen).extracting(HostileServer.Request::path).containsExactly("/late-extra", "/ok", "/ok");
        assertThat(seen.get(1).connection()).isEqualTo(seen.get(0).connection());
        assertThat(seen.get(2).connection()).isNotEqualTo(seen.get(1).connection());
    }

    @Test
    void aNonIdempotentRequestIsNotRetriedOnAFreshConnection() {
        FetchOptions post = OPTIONS.toBuilder().concurrency(1).ordered(true).method("POST").build();
        List<FetchResult> results = fetch(post, List.of(server.url("/late-extra"), server.url("/ok")));
        assertThat(results.get(1).errorKind()).as(results.get(1).toString()).isEqualTo(FetchErrorKind.PROTOCOL_ERROR);
    }

    /** On every connection, a response that broke HTTP/1.1 was the last one. */
    static void assertNoConnectionReusedAfterAViolation() {
        Map<Integer, List<String>> byConnection = server.requests().stream().collect(Collectors.groupingBy(
                HostileServer.Request::connection, Collectors.mapping(HostileServer.Request::path, Collectors.toList())));
        byConnection.forEach((connection, paths) -> {
            for (int i = 0; i < paths.size() - 1; i++) {
                assertThat(HostileServer.VIOLATIONS).as("connection %d served %s", connection, paths)
                        .doesNotContain(paths.get(i));
            }
        });
    }
}
