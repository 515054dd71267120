package io.github.reactorasyncio.http;

import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * {@link Transport} on one Reactor Netty {@link HttpClient} and one {@link ConnectionProvider} of its own: the
 * fetcher's transport when HTTP/2 is offered (ALPN {@code h2}, or the {@code h2c} upgrade), which Reactor Netty
 * negotiates and multiplexes.
 *
 * <p>The pool has {@code concurrency} connections per host. Requests reach the pool only holding a turn, so at most
 * {@code concurrency} live ones ever wait there: its pending queue is used only while a finished or cancelled
 * request's connection is still on its way back (Reactor Netty completes the body before it releases the
 * connection; a cancelled one is closed asynchronously).
 *
 * <p>Cancellation: Reactor Netty closes the connection of a cancelled attempt (a half-read response cannot be
 * reused), before or after the response started.
 *
 * <p>Unlike {@link Http1Transport}, it has no {@link ConnectionGuard}: a server that answers HTTP/1.1 to an
 * HTTP/2 offer gets Reactor Netty's own handling of broken responses, and its own response timeout.
 */
final class ReactorNettyTransport implements Transport {

    private final FetchOptions options;
    private final ConnectionProvider provider;
    // The request method applied once: HttpClient.request(method) copies the client's whole configuration and uri()
    // copies it again; a sender is immutable (uri() works on its copy), so one serves every request.
    private final HttpClient.RequestSender sender;
    // The whole-exchange timeout, assembled once: Mono.timeout(Duration, Scheduler) builds a Mono.delay per call
    // and, at every subscription, a description naming the source (a walk up the operator chain and a
    // StringBuilder) for a message FetchFailure replaces anyway.
    private final Mono<Long> exchangeDeadline;
    private final Mono<RetryPolicy.Attempt> exchangeTimedOut;
    // Pool metrics by pool id + remote address, registered by Reactor Netty as pools for new hosts appear.
    private final Map<String, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();
    // Tracked here: ConnectionProvider.isDisposed() is true as long as no host has been contacted yet.
    private final AtomicBoolean disposed = new AtomicBoolean();

    ReactorNettyTransport(FetchOptions options) {
        this.options = options;
        HttpMethod method = HttpMethod.valueOf(options.method());
        this.provider = ConnectionProvider.builder(options.name())
                .maxConnections(options.concurrency())
                // No count bound: only requests holding one of the fetcher's turns ever reach the pool, so at most
                // `concurrency` live ones wait here. A tight count bound was wrong: the pool keeps cancelled
                // acquires counted for a while, and after cancellations it rejected live requests (stress test).
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(options.connectTimeout())
                .maxIdleTime(Duration.ofSeconds(30))
                .metrics(true, () -> new PoolRegistrar(pools))
                .build();
        this.sender = configure(HttpClient.create(provider), options).request(method);
        // onErrorReturn as in Mono.timeout(Duration): a timer the scheduler rejects still ends the wait.
        this.exchangeDeadline = Mono.delay(options.timeout(), options.timerScheduler()).onErrorReturn(0L);
        this.exchangeTimedOut = Mono.error(() -> Transport.timedOut(options));
    }

    /** The fetcher's settings on the pooled client. */
    private static HttpClient configure(HttpClient base, FetchOptions options) {
        base = base
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        options.connectTimeout().toMillis()))
                .keepAlive(true)
                .compress(options.compress())
                .headers(h -> h.set(HttpHeaderNames.USER_AGENT, "reactor-asyncio-fetch"));
        // One timer per attempt where one is enough: the whole-exchange timer starts at subscription, the read
        // timer only once the request is sent, so a response timeout not shorter than the exchange timeout
        // can never fire first, and installing it would be pure cost.
        if (options.responseTimeout().compareTo(options.timeout()) < 0) {
            base = base.responseTimeout(options.responseTimeout());
        }
        base = base.protocol(protocols(options));
        if (options.maxRedirects() > 0) {
            int bound = options.maxRedirects();
            base = base.followRedirect((request, response) ->
                    Transport.isRedirect(response.status().code()) && request.redirectedFrom().length < bound);
        }
        return base;
    }

    private static HttpProtocol[] protocols(FetchOptions options) {
        if (options.http2() && options.h2c()) {
            return new HttpProtocol[] {HttpProtocol.HTTP11, HttpProtocol.H2, HttpProtocol.H2C};
        }
        return options.h2c() ? new HttpProtocol[] {HttpProtocol.HTTP11, HttpProtocol.H2C}
                : new HttpProtocol[] {HttpProtocol.HTTP11, HttpProtocol.H2};
    }

    @Override
    public Mono<RetryPolicy.Attempt> attempt(URI uri) {
        return sender.uri(uri)
                .response(this::readBody)
                .single()
                .timeout(exchangeDeadline, exchangeTimedOut);
    }

    /**
     * Counts the body without keeping it. Stopping early (size limit, redirect bound, error, cancel) leaves the
     * body unread; Reactor Netty then closes the connection instead of returning it to the pool, and only if
     * the response is really incomplete (closing it ourselves could hit a connection already handed on).
     */
    private Mono<RetryPolicy.Attempt> readBody(HttpClientResponse response, ByteBufFlux body) {
        int status = response.status().code();
        if (options.maxRedirects() > 0 && Transport.isRedirect(status)
                && response.responseHeaders().contains(HttpHeaderNames.LOCATION)) {
            return Mono.error(Transport.tooManyRedirects(status, options, response.resourceUrl()));
        }
        long limit = options.maxBodyBytes();
        String declared = response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null && !response.responseHeaders().contains(HttpHeaderNames.CONTENT_ENCODING)
                && Transport.parseLong(declared) > limit) {
            return Mono.error(Transport.tooLarge(options, "declares " + declared + " bytes"));
        }
        Duration retryAfter = Transport.retryAfter(response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER));
        return body
                .reduce(0L, (sum, buffer) -> {
                    long total = sum + buffer.readableBytes();
                    if (total > limit) {
                        throw Transport.tooLarge(options, "sent more than that");
                    }
                    return total;
                })
                .map(bytes -> new RetryPolicy.Attempt(status, bytes, retryAfter));
    }

    @Override
    public int connectionsAcquired() {
        return sum(ConnectionPoolMetrics::acquiredSize);
    }

    @Override
    public int connectionsIdle() {
        return sum(ConnectionPoolMetrics::idleSize);
    }

    @Override
    public int pendingAcquires() {
        return sum(ConnectionPoolMetrics::pendingAcquireSize);
    }

    @Override
    public int hosts() {
        return pools.size();
    }

    private int sum(ToIntFunction<ConnectionPoolMetrics> metric) {
        return pools.values().stream().mapToInt(metric).sum();
    }

    @Override
    public void dispose() {
        if (disposed.compareAndSet(false, true)) {
            provider.dispose();
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed.get();
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
