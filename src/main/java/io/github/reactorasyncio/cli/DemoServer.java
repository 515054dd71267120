package io.github.reactorasyncio.cli;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * A local HTTP server to fetch from without the internet: Reactor Netty's {@code HttpServer} on 127.0.0.1, a
 * random free port, answering after a latency with jitter and, optionally, with 503s at a given rate. The
 * {@code fetch} command uses it for its demo run, the tests as their target.
 *
 * <p>Routes (GET; {@code /flaky} also POST):
 * <ul>
 *   <li>{@code /item/{n}} — the demo resource: a short text body, or a 503 (with the error rate)</li>
 *   <li>{@code /status/{code}} — answers with that status</li>
 *   <li>{@code /bytes/{n}} — a body of n bytes, streamed in 8 KiB chunks with a {@code Content-Length}</li>
 *   <li>{@code /stream/{n}} — the same without {@code Content-Length} (chunked)</li>
 *   <li>{@code /redirect/{n}} — 302 to {@code /redirect/{n-1}}; {@code /redirect/0} is a 200</li>
 *   <li>{@code /hang} — never answers (until the client goes away)</li>
 *   <li>{@code /flaky/{key}/{failures}[?retryAfter=s]} — the first {@code failures} requests for {@code key}
 *       get a 503 (with {@code Retry-After: s} if given), later ones a 200</li>
 * </ul>
 * Every route waits the latency first, except {@code /hang}, which waits forever.
 *
 * <p><b>Counting.</b> A request is in flight from the moment its headers arrive until its response starts. A
 * client cannot see the end of a response before it starts, so the server's in-flight count never exceeds the
 * client's: {@link DemoServerStatistics#maxInFlight()} is an independent witness of the client's limit.
 * A request whose connection closes while it waits leaves the count when Reactor Netty cancels its handler, so
 * right after the client cancels requests the server's count can briefly exceed the client's.
 *
 * <p>{@link #close()} stops the server and waits (at most a few seconds) for it to unbind.
 */
public interface DemoServer extends AutoCloseable {

    /**
     * Starts a server with the demo defaults: 50 ms ± 20 ms latency, no errors.
     *
     * @return the running server, bound to 127.0.0.1 on a free port; {@link #close()} it when done
     */
    static DemoServer start() {
        return builder().start();
    }

    /**
     * Settings to start a server with, from the demo defaults.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * The server's root URL.
     *
     * @return {@code http://127.0.0.1:<port>}, without a trailing slash
     */
    String baseUrl();

    /**
     * The free port the server was bound to.
     *
     * @return the server's TCP port on 127.0.0.1
     */
    int port();

    /**
     * {@code baseUrl() + path}; the path must start with "/".
     *
     * @param path the path (and query), starting with "/"; not null
     * @return the absolute URL of {@code path} on this server
     * @throws NullPointerException     if {@code path} is null
     * @throws IllegalArgumentException if {@code path} does not start with "/"
     */
    default String url(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with \"/\" (was \"" + path + "\")");
        }
        return baseUrl() + path;
    }

    /**
     * The demo resource number {@code n}.
     *
     * @param n the resource number, {@code >= 0}
     * @return {@code baseUrl() + "/item/" + n}
     */
    default String itemUrl(long n) {
        return baseUrl() + "/item/" + n;
    }

    /**
     * {@code count} distinct demo URLs: {@link #itemUrl} 0 .. {@code count - 1}.
     *
     * @param count how many URLs, {@code >= 0}
     * @return an unmodifiable list of {@code count} absolute URLs, in index order
     * @throws IllegalArgumentException if {@code count < 0}
     */
    default List<String> itemUrls(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative (was " + count + ")");
        }
        return IntStream.range(0, count).mapToObj(this::itemUrl).toList();
    }

    /**
     * What the server has seen so far, such as the most requests it ever had in flight at once.
     *
     * @return a snapshot of the server's counters
     */
    DemoServerStatistics statistics();

    @Override
    void close();

    /** Settings of a demo server; {@link #start()} binds it. */
    final class Builder {
        private Duration latency = Duration.ofMillis(50);
        private Duration jitter = Duration.ofMillis(20);
        private double errorRate;
        private boolean h2c;

        private Builder() {
        }

        /**
         * Mean wait before answering (default 50 ms).
         *
         * @param latency the wait, not negative; not null
         * @return this builder
         * @throws NullPointerException     if {@code latency} is null
         * @throws IllegalArgumentException if {@code latency} is negative
         */
        public Builder latency(Duration latency) {
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative (was " + latency + ")");
            }
            this.latency = latency;
            return this;
        }

        /**
         * Uniform spread around the latency: each wait is in [latency - jitter, latency + jitter], at least 0
         * (default 20 ms).
         *
         * @param jitter the spread, not negative; zero for a fixed latency; not null
         * @return this builder
         * @throws NullPointerException     if {@code jitter} is null
         * @throws IllegalArgumentException if {@code jitter} is negative
         */
        public Builder jitter(Duration jitter) {
            Objects.requireNonNull(jitter, "jitter");
            if (jitter.isNegative()) {
                throw new IllegalArgumentException("jitter must not be negative (was " + jitter + ")");
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * Probability in [0, 1] that a {@code /item} request gets a 503 (default 0).
         *
         * @param errorRate the probability, in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code errorRate} is outside [0, 1] or NaN
         */
        public Builder errorRate(double errorRate) {
            if (!(errorRate >= 0 && errorRate <= 1)) {
                throw new IllegalArgumentException("errorRate must be in [0, 1] (was " + errorRate + ")");
            }
            this.errorRate = errorRate;
            return this;
        }

        /**
         * Also accept HTTP/2 over cleartext (h2c upgrade and prior knowledge); default {@code false}.
         *
         * @param h2c {@code true} to accept h2c besides HTTP/1.1
         * @return this builder
         */
        public Builder h2c(boolean h2c) {
            this.h2c = h2c;
            return this;
        }

        /**
         * Binds 127.0.0.1 on a free port and starts serving.
         *
         * @return the running server; {@link DemoServer#close()} it when done
         */
        public DemoServer start() {
            return new EmbeddedDemoServer(latency, jitter, errorRate, h2c);
        }
    }
}
