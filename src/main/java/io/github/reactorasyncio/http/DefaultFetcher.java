package io.github.reactorasyncio.http;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.reactorasyncio.sync.Semaphore;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link Fetcher} on one {@link Transport} of its own: {@link Http1Transport} (HTTP/1.1 on plain Netty), or
 * {@link ReactorNettyTransport} when HTTP/2 is offered. The fetcher owns the request's life (turn, shared permit,
 * retries, result, counters); the transport owns connections, bytes and each attempt's whole-exchange timeout.
 *
 * <p>Concurrency: each pipeline is limited by flatMap (see {@link Fetcher}); the fetcher as a whole by its own
 * {@code Semaphore(concurrency)}, which only matters when several pipelines or single fetches overlap. Requests
 * reach the transport only holding a turn, so at most {@code concurrency} attempts are ever outstanding there.
 * Counters are atomics.
 *
 * <p>Cancellation: the transport closes the connection of a cancelled attempt (a half-read response cannot be
 * reused), before or after the response started. The in-flight counter is left exactly once per
 * request (guarded), on termination or on cancel, whichever comes first.
 */
final class DefaultFetcher implements Fetcher {

    private final FetchOptions options;
    private final RetryPolicy retryPolicy;
    // Whether a failed attempt may be tried again at all; false skips the retry operators entirely.
    private final boolean retrying;
    // HTTP/1.1 on plain Netty unless HTTP/2 is offered, which Reactor Netty negotiates.
    private final Transport transport;
    // Bounds requests in flight across all pipelines and single fetches of this fetcher to `concurrency`, so no
    // more than that many attempts are ever outstanding in the transport. With one pipeline, flatMap never lets
    // more than `concurrency` ask, and this semaphore is never contended.
    private final Semaphore turns;

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    // Invariant: inFlight == requests that passed their turn and have not terminated or been cancelled.
    private final AtomicInteger inFlight = new AtomicInteger();
    // Invariant: maxInFlight >= every value inFlight ever had.
    private final AtomicInteger maxInFlight = new AtomicInteger();

    DefaultFetcher(FetchOptions options) {
        this.options = options;
        this.retryPolicy = RetryPolicy.from(options);
        this.retrying = options.mayRetry();
        this.turns = Semaphore.create(options.name() + "-turns", options.concurrency());
        this.transport = options.http2() || options.h2c() ? new ReactorNettyTransport(options)
                : new Http1Transport(options);
    }

    @Override
    public Flux<FetchResult> fetchAll(Publisher<String> urls) {
        Objects.requireNonNull(urls, "urls");
        int limit = options.concurrency();
        return Flux.defer(() -> {
            // Numbers the URLs in arrival order without index()'s Tuple2 per URL: flatMap calls its mapper
            // serially, once per URL, so a plain counter per subscription is enough.
            long[] next = {0};
            Flux<String> source = Flux.from(urls);
            // The prefetch of 1 keeps URLs in the source until a turn frees up instead of buffering 256 of them.
            // Unordered, MonoMerge is flatMap(fetch, limit, 1) without flatMap's walk over all `limit` inners
            // on every completion.
            return options.ordered()
                    ? source.flatMapSequential(url -> fetchOne(next[0]++, url), limit, 1)
                    : MonoMerge.of(source, url -> fetchOne(next[0]++, url), limit);
        });
    }

    @Override
    public Flux<FetchResult> fetchAll(Iterable<String> urls) {
        return fetchAll(Flux.fromIterable(Objects.requireNonNull(urls, "urls")));
    }

    @Override
    public Mono<FetchResult> fetch(String url) {
        Objects.requireNonNull(url, "url");
        return fetchOne(0, url);
    }

    private Mono<FetchResult> fetchOne(long index, String url) {
        return Mono.defer(() -> {
            URI uri;
            try {
                uri = validate(url);
            }
            catch (FetchFailure rejected) {
                return Mono.just(FetchResult.failure(index, url, rejected.kind(), rejected.getMessage(),
                        Duration.ZERO, 0));
            }
            Mono<FetchResult> exchange = exchange(index, url, uri);
            Semaphore shared = options.sharedLimit();
            // Own turn first, then the shared permit: never hold a permit other fetchers need while queued
            // behind this fetcher's own limit. One fixed order, so the two can never deadlock.
            return turns.withPermit(shared == null ? exchange : shared.withPermit(exchange));
        });
    }

    /** One request, retries included, from its turn to its result. */
    private Mono<FetchResult> exchange(long index, String url, URI uri) {
        return Mono.defer(() -> {
            requests.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Request request = new Request(index, url);
            Mono<RetryPolicy.Attempt> answer = Mono.defer(() -> {
                        request.tries++;
                        attempts.incrementAndGet();
                        return transport.attempt(uri);
                    });
            if (retrying) {
                // Only here: with no retries a 5xx is an answer as it stands, and retryWhen's machinery (a
                // sink and a concatMap per request) would cost even if it never fired.
                answer = answer
                        .onErrorMap(e -> !(e instanceof FetchFailure), e -> FetchFailure.classify(e, options))
                        .flatMap(a -> RetryPolicy.retryableStatus(a.status())
                                ? Mono.<RetryPolicy.Attempt>error(new RetryPolicy.RetryableStatus(a)) : Mono.just(a))
                        .retryWhen(retryPolicy.asRetry())
                        .onErrorResume(RetryPolicy.RetryableStatus.class, e -> Mono.just(e.attempt()));
            }
            return ExchangeEnd.of(answer, request);
        });
    }

    /**
     * One request's bookkeeping, one object per request. It leaves the in-flight count exactly once (guarded),
     * before its result travels downstream: flatMap starts the next URL from within that onNext, and leaving only
     * after it would count one request too many.
     */
    private final class Request implements ExchangeEnd.Outcome<RetryPolicy.Attempt, FetchResult> {
        private final long index;
        private final String url;
        private final long start = System.nanoTime();
        // Written on each attempt's subscription, read where the result is built, maybe on a timer thread.
        private volatile int tries;
        // Invariant: true until this request has left inFlight; flips once.
        private final AtomicBoolean holding = new AtomicBoolean(true);

        Request(long index, String url) {
            this.index = index;
            this.url = url;
        }

        @Override
        public FetchResult answered(RetryPolicy.Attempt a) {
            leave();
            return FetchResult.answer(index, url, a.status(), a.bytes(), since(start), tries);
        }

        @Override
        public FetchResult failed(Throwable e) {
            leave();
            FetchFailure f = FetchFailure.classify(e, options);
            return FetchResult.failure(index, url, f.kind(), f.getMessage(), since(start), tries);
        }

        @Override
        public void cancelled() {
            leave();
        }

        void leave() {
            if (holding.compareAndSet(true, false)) {
                inFlight.decrementAndGet();
            }
        }
    }

    static URI validate(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
            if (uri.getHost() == null && uri.getRawAuthority() != null && !isAscii(uri.getRawAuthority())) {
                uri = withAsciiHost(uri);
            }
        }
        catch (URISyntaxException e) {
            throw new FetchFailure(FetchErrorKind.MALFORMED_URL, "malformed URL: " + e.getMessage());
        }
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new FetchFailure(FetchErrorKind.MALFORMED_URL, "malformed URL: no scheme (want http:// or https://)");
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchFailure(FetchErrorKind.UNSUPPORTED_SCHEME,
                    "unsupported scheme \"" + scheme + "\" (only http and https)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new FetchFailure(FetchErrorKind.MALFORMED_URL, "malformed URL: no host");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new FetchFailure(FetchErrorKind.MALFORMED_URL,
                    "malformed URL: port " + uri.getPort() + " out of range (1-65535)");
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("invalid") || h.endsWith(".invalid") || h.endsWith(".invalid.")) {
            // RFC 6761 §6.4: resolvers should answer NXDOMAIN for .invalid without asking anyone.
            throw new FetchFailure(FetchErrorKind.UNKNOWN_HOST,
                    "unknown host " + host + " (.invalid is reserved by RFC 6761 and never resolves)");
        }
        return uri;
    }

    /**
     * The URI with its Unicode host name in IDNA ASCII form ({@code bücher.example} to
     * {@code xn--bcher-kva.example}): {@link URI} parses a non-ASCII host as no host at all.
     */
    private static URI withAsciiHost(URI uri) throws URISyntaxException {
        String authority = uri.getRawAuthority();
        int at = authority.lastIndexOf('@');
        int colon = authority.lastIndexOf(':');
        int hostEnd = colon > at ? colon : authority.length();
        String ascii;
        try {
            ascii = IDN.toASCII(authority.substring(at + 1, hostEnd), IDN.ALLOW_UNASSIGNED);
        }
        catch (IllegalArgumentException e) {
            throw new URISyntaxException(uri.toString(), "invalid international host name (" + e.getMessage() + ")");
        }
        String text = uri.toString();
        int start = text.indexOf(authority);
        return new URI(text.substring(0, start) + authority.substring(0, at + 1) + ascii
                + authority.substring(hostEnd) + text.substring(start + authority.length()));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public FetchStatistics statistics() {
        return new FetchStatistics(requests.get(), attempts.get(), inFlight.get(), maxInFlight.get(),
                transport.connectionsAcquired(), transport.connectionsIdle(), transport.pendingAcquires());
    }

    @Override
    public FetchOptions options() {
        return options;
    }

    @Override
    public void dispose() {
        transport.dispose();
    }

    @Override
    public boolean isDisposed() {
        return transport.isDisposed();
    }

    @Override
    public void close() {
        dispose();
    }

    @Override
    public String toString() {
        FetchStatistics s = statistics();
        return "Fetcher[" + options.name() + ", limit " + options.concurrency() + ", in flight " + s.inFlight()
                + " (max " + s.maxInFlight() + "), requests " + s.requests() + ", attempts " + s.attempts()
                + ", connections " + s.connectionsAcquired() + " busy / " + s.connectionsIdle() + " idle to "
                + transport.hosts() + " host(s)"
                + (isDisposed() ? ", closed" : "") + "]";
    }
}
