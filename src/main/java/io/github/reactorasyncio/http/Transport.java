package io.github.reactorasyncio.http;

import java.net.URI;
import java.time.Duration;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * How a {@link DefaultFetcher} speaks HTTP: one attempt at a URL, redirects followed, within the attempt's
 * deadline, over connections the transport pools. The fetcher owns everything else (turns, the shared limit,
 * retries, results, counters); a transport owns connections, bytes and the attempt's time.
 *
 * <ul>
 *   <li>{@link Http1Transport}: HTTP/1.1 on plain Netty, the default;</li>
 *   <li>{@link ReactorNettyTransport}: Reactor Netty's {@code HttpClient}, when HTTP/2 ({@code h2} or {@code h2c}) is
 *       offered.</li>
 * </ul>
 *
 * <p>Contract of {@link #attempt}: the Mono emits one {@link RetryPolicy.Attempt} (any status is an answer) or an
 * error, {@link FetchFailure} or whatever the network raised (the fetcher classifies it). An attempt not ended
 * within {@link FetchOptions#timeout()} of its subscription, timed on {@link FetchOptions#timerScheduler()}, ends
 * with the {@link #timedOut} failure (or a {@code TimeoutException}, which classifies as the same). Cancelling it,
 * or its timeout, closes the connection of a half-done exchange; it never leaves a connection in the pool that a
 * later request could find mid-response. Every attempt may be subscribed once.
 */
interface Transport extends Disposable {

    /** Closes every connection; idempotent, never blocks. {@link #isDisposed()} is true from then on. */
    @Override
    void dispose();

    @Override
    boolean isDisposed();

    /** One attempt at {@code uri}: at most {@code concurrency} are ever outstanding at once (the fetcher's turns). */
    Mono<RetryPolicy.Attempt> attempt(URI uri);

    /** Connections open and serving an exchange (or being opened for one), all hosts. */
    int connectionsAcquired();

    /** Connections open and idle (keep-alive), all hosts. */
    int connectionsIdle();

    /** Acquires waiting inside the pool. */
    int pendingAcquires();

    /** Hosts (scheme, name, port) the pool holds connections to, or a pool for, right now. */
    int hosts();

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Retry-After in delta-seconds; an HTTP-date or garbage counts as absent (ZERO). */
    static Duration retryAfter(String header) {
        if (header == null) {
            return Duration.ZERO;
        }
        long seconds = parseLong(header.strip());
        return seconds > 0 ? Duration.ofSeconds(seconds) : Duration.ZERO;
    }

    /** A declared Content-Length, or -1 if it is not a number. */
    static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        }
        catch (NumberFormatException e) {
            return -1;
        }
    }

    static FetchFailure tooManyRedirects(int status, FetchOptions options, String lastUrl) {
        return new FetchFailure(FetchErrorKind.TOO_MANY_REDIRECTS, "still HTTP " + status + " after "
                + options.maxRedirects() + " redirects (last: " + lastUrl + ")");
    }

    /** The attempt's whole-exchange timeout ({@link FetchOptions#timeout()}) passed before its end. */
    static FetchFailure timedOut(FetchOptions options) {
        return new FetchFailure(FetchErrorKind.TIMEOUT, "no complete response within " + options.timeout());
    }

    static FetchFailure tooLarge(FetchOptions options, String what) {
        return new FetchFailure(FetchErrorKind.BODY_TOO_LARGE,
                "body over the limit of " + options.maxBodyBytes() + " bytes: server " + what);
    }
}
