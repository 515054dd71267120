package io.github.reactorasyncio.cli;

import java.util.Arrays;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@link DemoServer} on Reactor Netty. Concurrency: handlers run on the shared event loops and wait on
 * {@code Mono.delay} (parallel scheduler); counters are atomics. Cancellation: the in-flight count is left
 * exactly once per request, by whichever comes first of "response starts" and "handler cancelled or ended".
 */
final class EmbeddedDemoServer implements DemoServer {

    private static final int CHUNK = 8192;

    private final Duration latency;
    private final Duration jitter;
    private final double errorRate;
    private final DisposableServer server;

    private final AtomicLong requests = new AtomicLong();
    // Invariant: inFlight == requests received whose response has not started and whose handler is still alive.
    private final AtomicInteger inFlight = new AtomicInteger();
    // Invariant: maxInFlight >= every value inFlight ever had.
    private final AtomicInteger maxInFlight = new AtomicInteger();
    // Invariant: openConnections == accepted channels not yet closed.
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong injectedErrors = new AtomicLong();
    private final Map<String, AtomicInteger> flakyCounts = new ConcurrentHashMap<>();

    EmbeddedDemoServer(Duration latency, Duration jitter, double errorRate, boolean h2c) {
        this.latency = latency;
        this.jitter = jitter;
        this.errorRate = errorRate;
        HttpServer http = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .compress(1024)
                .doOnChannelInit((observer, channel, remote) -> {
                    openConnections.incrementAndGet();
                    channel.closeFuture().addListener(f -> openConnections.decrementAndGet());
                })
                .route(routes -> routes
                        .get("/item/{n}", counted(this::item))
                        .get("/status/{code}", counted(this::status))
                        .get("/bytes/{n}", counted((req, res) -> bytes(req, res, true)))
                        .get("/stream/{n}", counted((req, res) -> bytes(req, res, false)))
                        .get("/redirect/{n}", counted(this::redirect))
                        .get("/flaky/{key}/{failures}", counted(this::flaky))
                        .post("/flaky/{key}/{failures}", counted(this::flaky))
                        .get("/hang", tracked(Mono::never, (req, res) -> Mono.empty())));
        if (h2c) {
            http = http.protocol(HttpProtocol.HTTP11, HttpProtocol.H2C);
        }
        this.server = http.bindNow(Duration.ofSeconds(10));
    }

    /** Wraps a route: counts the request in flight until the response starts, after the latency. */
    private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> counted(
            BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> route) {
        return tracked(this::delay, route);
    }

    private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> tracked(
            Supplier<Mono<?>> wait, BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> route) {
        return (req, res) -> {
            requests.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            AtomicBoolean waiting = new AtomicBoolean(true);
            Runnable answered = () -> {
                if (waiting.compareAndSet(true, false)) {
                    inFlight.decrementAndGet();
                }
            };
            return wait.get().then(Mono.defer(() -> {
                        answered.run();
                        return Mono.from(route.apply(req, res));
                    }))
                    .doFinally(signal -> answered.run());
        };
    }

    private Mono<?> delay() {
        long nanos = latency.toNanos();
        if (!jitter.isZero()) {
            long spread = jitter.toNanos();
            nanos += ThreadLocalRandom.current().nextLong(-spread, spread + 1);
        }
        // Always asynchronous, even for a zero wait. Answering synchronously from within the handler, mixed with
        // delayed answers on the same keep-alive connections, lost requests here (the server saw 299 of 300, or
        // left one unanswered) with Reactor Netty 1.3.7; observed, not yet reduced to a minimal reproduction.
        return Mono.delay(Duration.ofNanos(Math.max(0, nanos)));
    }

    private Publisher<Void> item(HttpServerRequest req, HttpServerResponse res) {
        if (errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
            injectedErrors.incrementAndGet();
            return res.status(HttpResponseStatus.SERVICE_UNAVAILABLE).sendString(Mono.just("injected error\n"));
        }
        return res.header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                .sendString(Mono.just("item " + req.param("n") + "\n"));
    }

    private Publisher<Void> status(HttpServerRequest req, HttpServerResponse res) {
        int code = parse(req.param("code"), 200);
        return res.status(code < 100 || code > 999 ? 400 : code).sendString(Mono.just("status " + code + "\n"));
    }

    private Publisher<Void> bytes(HttpServerRequest req, HttpServerResponse res, boolean declareLength) {
        long n = Math.max(0, parse(req.param("n"), 0));
        byte[] chunk = new byte[CHUNK];
        Arrays.fill(chunk, (byte) 'x');
        Flux<ByteBuf> body = Flux.generate(() -> n, (left, sink) -> {
            if (left <= 0) {
                sink.complete();
                return 0L;
            }
            int size = (int) Math.min(CHUNK, left);
            sink.next(Unpooled.wrappedBuffer(chunk, 0, size));
            return left - size;
        });
        if (declareLength) {
            res.header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(n));
        }
        return res.send(body);
    }

    private Publisher<Void> redirect(HttpServerRequest req, HttpServerResponse res) {
        int n = parse(req.param("n"), 0);
        if (n <= 0) {
            return res.sendString(Mono.just("arrived\n"));
        }
        return res.status(HttpResponseStatus.FOUND).header(HttpHeaderNames.LOCATION, "/redirect/" + (n - 1)).send();
    }

    private Publisher<Void> flaky(HttpServerRequest req, HttpServerResponse res) {
        int failures = parse(req.param("failures"), 0);
        int seen = flakyCounts.computeIfAbsent(req.param("key"), k -> new AtomicInteger()).getAndIncrement();
        if (seen >= failures) {
            return res.sendString(Mono.just("recovered after " + failures + " failures\n"));
        }
        String retryAfter = new QueryStringDecoder(req.uri()).parameters()
                .getOrDefault("retryAfter", List.of()).stream().findFirst().orElse(null);
        if (retryAfter != null) {
            res.header(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        return res.status(HttpResponseStatus.SERVICE_UNAVAILABLE).sendString(Mono.just("failure " + (seen + 1) + "\n"));
    }

    private static int parse(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        }
        catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public DemoServerStatistics statistics() {
        return new DemoServerStatistics(requests.get(), inFlight.get(), maxInFlight.get(), openConnections.get(),
                injectedErrors.get());
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        DemoServerStatistics s = statistics();
        return "DemoServer[" + baseUrl() + ", latency " + latency + " ± " + jitter
                + (errorRate > 0 ? ", error rate " + errorRate : "") + ", requests " + s.requests() + ", in flight "
                + s.inFlight() + " (max " + s.maxInFlight() + "), connections " + s.openConnections() + "]";
    }
}
