package io.github.reactorasyncio.http;

import java.net.IDN;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

import io.github.reactorasyncio.sync.Semaphore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientState;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * {@link Fetcher} on one Reactor Netty {@link HttpClient} and one {@link ConnectionProvider} of its own.
 *
 * <p>Concurrency: each pipeline is limited by flatMap (see {@link Fetcher}); the fetcher as a whole by its own
 * {@code Semaphore(concurrency)}, which only matters when several pipelines or single fetches overlap. The pool
 * has {@code concurrency} connections per host. Requests reach the pool only holding a turn, so at most
 * {@code concurrency} live ones ever wait there: its pending queue is used only while a
 * finished or cancelled request's connection is still on its way back (Reactor Netty completes the body before
 * it releases the connection; a cancelled one is closed asynchronously). Counters are atomics.
 *
 * <p>Cancellation: Reactor Netty closes the connection of a cancelled attempt (a half-read response cannot be
 * reused), before or after the response started. The in-flight counter is left exactly once per
 * request (guarded), on termination or on cancel, whichever comes first.
 *
 * <p>Broken responses: with HTTP/2 not offered, every connection carries a {@link ConnectionGuard}, so a response
 * that breaks HTTP/1.1 is a {@link FetchErrorKind#PROTOCOL_ERROR} and its connection is closed, never reused. An
 * idempotent request the guard failed before its response began on a reused connection is sent once more, on a
 * connection opened for it, without counting as an attempt.
 */
final class ReactorNettyFetcher implements Fetcher {

    private final FetchOptions options;
    private final RetryPolicy retryPolicy;
    // Whether a failed attempt may be tried again at all; false skips the retry operators entirely.
    private final boolean retrying;
    private final ConnectionProvider provider;
    // Bounds requests in flight across all pipelines and single fetches of this fetcher to the pool's size, so
    // no more than `concurrency` live requests ever wait inside the pool. With one pipeline, flatMap never lets
    // more than `concurrency` ask, and this semaphore is never contended.
    private final Semaphore turns;
    // The request method applied once, to the pooled client and to the one that opens a connection of its own
    // (null unless the method is idempotent and connections guarded). HttpClient.request(method) copies the
    // client's whole configuration (~270 B per request in JFR's allocation samples) and uri() copies it again;
    // a sender is immutable (uri() works on its copy), so one serves every request.
    private final HttpClient.RequestSender sender;
    private final HttpClient.RequestSender freshSender;
    // The whole-exchange timeout, assembled once: Mono.timeout(Duration, Scheduler) builds a Mono.delay per call
    // and, at every subscription, a description naming the source (a walk up the operator chain and a
    // StringBuilder, ~2 % of the CPU on the instant endpoint) for a message FetchFailure replaces anyway.
    private final Mono<Long> exchangeDeadline;
    private final Mono<RetryPolicy.Attempt> exchangeTimedOut;

    // Pool metrics by pool id + remote address, registered by Reactor Netty as pools for new hosts appear.
    private final Map<String, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();

    // Tracked here: ConnectionProvider.isDisposed() is true as long as no host has been contacted yet.
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    // Invariant: inFlight == requests that passed their turn and have not terminated or been cancelled.
    private final AtomicInteger inFlight = new AtomicInteger();
    // Invariant: maxInFlight >= every value inFlight ever had.
    private final AtomicInteger maxInFlight = new AtomicInteger();

    ReactorNettyFetcher(FetchOptions options) {
        this.options = options;
        HttpMethod method = HttpMethod.valueOf(options.method());
        this.retryPolicy = RetryPolicy.from(options);
        this.retrying = options.mayRetry();
        this.turns = Semaphore.create(options.name() + "-turns", options.concurrency());
        // onErrorReturn as in Mono.timeout(Duration): a timer the scheduler rejects still ends the wait.
        this.exchangeDeadline = Mono.delay(options.timeout(), options.timerScheduler()).onErrorReturn(0L);
        this.exchangeTimedOut = Mono.error(() -> new TimeoutException("no complete response within "
                + options.timeout()));
        this.provider = ConnectionProvider.builder(options.name())
                .maxConnections(options.concurrency())
                // No count bound: only requests holding one of `turns` ever reach the pool, so at most
                // `concurrency` live ones wait here. A tight count bound was wrong: the pool keeps cancelled
                // acquires counted for a while, and after cancellations it rejected live requests (stress test).
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(options.connectTimeout())
                .maxIdleTime(Duration.ofSeconds(30))
                .metrics(true, () -> new PoolRegistrar(pools))
                .build();
        this.sender = configure(HttpClient.create(provider), options).request(method);
        // HTTP/1.1 connections are guarded (see ConnectionGuard); a GET that failed on a reused one before its
        // response began gets one more try on a connection of its own, opened for it and closed after it.
        boolean guarded = !options.http2() && !options.h2c();
        this.freshSender = guarded && FetchOptions.IDEMPOTENT_METHODS.contains(options.method())
                ? configure(HttpClient.newConnection(), options).request(method) : null;
    }

    /** The fetcher's settings on {@code base}, the pooled client or the one that opens a fresh connection. */
    private static HttpClient configure(HttpClient base, FetchOptions options) {
        base = base
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        options.connectTimeout().toMillis()))
                .keepAlive(true)
                .compress(options.compress())
                .headers(h -> h.set(HttpHeaderNames.USER_AGENT, "reactor-asyncio-fetch"));
        if (!options.http2() && !options.h2c()) {
            base = base.doOnConnected(ReactorNettyFetcher::guard);
        }
        // One timer per attempt where one is enough: the whole-exchange timer starts at subscription, the read
        // timer only once the request is sent, so a response timeout not shorter than the exchange timeout
        // can never fire first, and installing it would be pure cost.
        if (options.responseTimeout().compareTo(options.timeout()) < 0) {
            base = options.http2() || options.h2c() ? base.responseTimeout(options.responseTimeout())
                    : withResponseSilenceTimer(base, options.responseTimeout().toNanos());
        }
        if (options.http2() || options.h2c()) {
            base = base.protocol(protocols(options));
        }
        if (options.maxRedirects() > 0) {
            int bound = options.maxRedirects();
            base = base.followRedirect((request, response) ->
                    isRedirect(response.status().code()) && request.redirectedFrom().length < bound);
        }
        return base;
    }

    /** Installs a {@link ConnectionGuard} around the HTTP/1.1 codec of a new connection, once. */
    private static void guard(Connection connection) {
        ChannelPipeline pipeline = connection.channel().pipeline();
        if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(ConnectionGuard.NAME) == null) {
            ConnectionGuard guard = new ConnectionGuard();
            pipeline.addAfter(NettyPipeline.HttpCodec, ConnectionGuard.NAME, guard);
            pipeline.addBefore(NettyPipeline.HttpCodec, ConnectionGuard.BYTES_NAME, guard.bytes);
        }
    }

    /**
     * Reactor Netty's {@code responseTimeout} semantics for HTTP/1.1, with one {@link ResponseSilenceTimer} per
     * connection instead of a handler added and removed on every request. HTTP/2 keeps Reactor Netty's (its
     * streams are channels of their own).
     */
    private static HttpClient withResponseSilenceTimer(HttpClient client, long timeoutNanos) {
        return client
                .doOnConnected(connection -> {
                    ChannelPipeline pipeline = connection.channel().pipeline();
                    if (pipeline.get(ResponseSilenceTimer.NAME) == null) {
                        ResponseSilenceTimer timer = new ResponseSilenceTimer(timeoutNanos);
                        if (pipeline.get(NettyPipeline.HttpCodec) != null) {
                            pipeline.addBefore(NettyPipeline.HttpCodec, ResponseSilenceTimer.NAME, timer);
                        }
                        else {
                            pipeline.addFirst(ResponseSilenceTimer.NAME, timer);
                        }
                    }
                })
                .observe((connection, state) -> {
                    boolean sent = state == HttpClientState.REQUEST_SENT;
                    if (sent || state == HttpClientState.RESPONSE_COMPLETED || state == ConnectionObserver.State.RELEASED) {
                        Channel channel = connection.channel();
                        if (channel.pipeline().get(ResponseSilenceTimer.NAME) instanceof ResponseSilenceTimer timer) {
                            Runnable change = sent ? timer::armed : timer::disarmed;
                            if (channel.eventLoop().inEventLoop()) {
                                change.run();
                            }
                            else {
                                channel.eventLoop().execute(change);
                            }
                        }
                    }
                });
    }

    private static HttpProtocol[] protocols(FetchOptions options) {
        if (options.http2() && options.h2c()) {
            return new HttpProtocol[] {HttpProtocol.HTTP11, HttpProtocol.H2, HttpProtocol.H2C};
        }
        return options.h2c() ? new HttpProtocol[] {HttpProtocol.HTTP11, HttpProtocol.H2C}
                : new HttpProtocol[] {HttpProtocol.HTTP11, HttpProtocol.H2};
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
                        return attempt(uri);
                    })
                    .timeout(exchangeDeadline, exchangeTimedOut);
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

    /**
     * One attempt. A failure on a reused connection before the response began (the guard's verdict) is tried once
     * more on a fresh connection, for idempotent methods, without counting as an attempt.
     */
    private Mono<RetryPolicy.Attempt> attempt(URI uri) {
        Mono<RetryPolicy.Attempt> first = send(sender, uri);
        return freshSender == null ? first : first.onErrorResume(
                e -> e instanceof FetchFailure f && f.beforeResponseOnReusedConnection(),
                e -> send(freshSender, uri));
    }

    private Mono<RetryPolicy.Attempt> send(HttpClient.RequestSender via, URI uri) {
        return via.uri(uri)
                .response(this::readBody)
                .single();
    }

    /**
     * Counts the body without keeping it. Stopping early (size limit, redirect bound, error, cancel) leaves the
     * body unread; Reactor Netty then closes the connection instead of returning it to the pool, and only if
     * the response is really incomplete (closing it ourselves could hit a connection already handed on).
     */
    private Mono<RetryPolicy.Attempt> readBody(HttpClientResponse response, ByteBufFlux body) {
        int status = response.status().code();
        if (options.maxRedirects() > 0 && isRedirect(status)
                && response.responseHeaders().contains(HttpHeaderNames.LOCATION)) {
            return Mono.error(new FetchFailure(FetchErrorKind.TOO_MANY_REDIRECTS, "still HTTP " + status
                    + " after " + options.maxRedirects() + " redirects (last: " + response.resourceUrl() + ")"));
        }
        long limit = options.maxBodyBytes();
        String declared = response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null && !response.responseHeaders().contains(HttpHeaderNames.CONTENT_ENCODING)
                && parseLong(declared) > limit) {
            return Mono.error(tooLarge("declares " + declared + " bytes"));
        }
        Duration retryAfter = retryAfter(response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER));
        return body
                .reduce(0L, (sum, buffer) -> {
                    long total = sum + buffer.readableBytes();
                    if (total > limit) {
                        throw tooLarge("sent more than that");
                    }
                    return total;
                })
                .map(bytes -> new RetryPolicy.Attempt(status, bytes, retryAfter));
    }

    private FetchFailure tooLarge(String what) {
        return new FetchFailure(FetchErrorKind.BODY_TOO_LARGE,
                "body over the limit of " + options.maxBodyBytes() + " bytes: server " + what);
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

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        }
        catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public FetchStatistics statistics() {
        return new FetchStatistics(requests.get(), attempts.get(), inFlight.get(), maxInFlight.get(),
                sum(ConnectionPoolMetrics::acquiredSize), sum(ConnectionPoolMetrics::idleSize),
                sum(ConnectionPoolMetrics::pendingAcquireSize));
    }

    private int sum(ToIntFunction<ConnectionPoolMetrics> metric) {
        return pools.values().stream().mapToInt(metric).sum();
    }

    @Override
    public FetchOptions options() {
        return options;
    }

    @Override
    public void dispose() {
        if (closed.compareAndSet(false, true)) {
            provider.dispose();
        }
    }

    @Override
    public boolean isDisposed() {
        return closed.get();
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
                + ", connections " + s.connectionsAcquired() + " busy / " + s.connectionsIdle() + " idle"
                + (isDisposed() ? ", closed" : "") + "]";
    }

    /** Receives Reactor Netty's per-host pool metrics without Micrometer. */
    private record PoolRegistrar(Map<String, ConnectionPoolMetrics> pools) implements ConnectionProvider.MeterRegistrar {
        @Override
        public void registerMetrics(String poolName, String id, SocketAddress remoteAddress,
                                    ConnectionPoolMetrics metrics) {
            pools.put(id + remoteAddress, metrics);
        }

        @Override
        public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
            pools.remove(id + remoteAddress);
        }
    }
}
