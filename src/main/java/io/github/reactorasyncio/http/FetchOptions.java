package io.github.reactorasyncio.http;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Immutable settings of a {@link Fetcher}. Start from {@link #defaults()} or {@link #builder()}; every setter
 * validates its argument and names it in the exception.
 *
 * <p>The limit: {@link #concurrency()} is the {@code flatMap} concurrency of {@link Fetcher#fetchAll(Iterable)},
 * the bound on everything one Fetcher has in flight, and the connection pool's {@code maxConnections} per host.
 * A request reaches the pool only once it has its turn, so the pool cannot hold a second, hidden queue of
 * requests: the limit is the one you set. To share a limit with other work, see {@link Builder#sharedLimit}: a
 * {@link Semaphore} every request must also hold a permit of.
 *
 * <p>Time: every timer (whole-exchange timeout, retry backoff) runs on {@link #timerScheduler()}, so tests can
 * swap in a virtual-time scheduler; connect and response timeouts are Netty channel timers and always real.
 */
public final class FetchOptions {

    /** The HTTP methods RFC 9110 defines as idempotent: only these are retried unless asked otherwise. */
    static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

    private final String name;
    private final int concurrency;
    private final boolean ordered;
    private final String method;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final Duration timeout;
    private final int maxRedirects;
    private final long maxBodyBytes;
    private final boolean compress;
    private final boolean http2;
    private final boolean h2c;
    private final int retries;
    private final Duration retryBackoff;
    private final Duration retryMaxBackoff;
    private final double retryJitter;
    private final boolean retryNonIdempotent;
    private final Scheduler timerScheduler;
    private final Semaphore sharedLimit;

    private FetchOptions(Builder b) {
        this.name = b.name;
        this.concurrency = b.concurrency;
        this.ordered = b.ordered;
        this.method = b.method;
        this.connectTimeout = b.connectTimeout;
        this.responseTimeout = b.responseTimeout;
        this.timeout = b.timeout;
        this.maxRedirects = b.maxRedirects;
        this.maxBodyBytes = b.maxBodyBytes;
        this.compress = b.compress;
        this.http2 = b.http2;
        this.h2c = b.h2c;
        this.retries = b.retries;
        this.retryBackoff = b.retryBackoff;
        this.retryMaxBackoff = b.retryMaxBackoff;
        this.retryJitter = b.retryJitter;
        this.retryNonIdempotent = b.retryNonIdempotent;
        this.timerScheduler = b.timerScheduler;
        this.sharedLimit = b.sharedLimit;
    }

    /**
     * Limit 10, GET, connect 5 s, response 10 s, whole exchange 30 s, 5 redirects, 4 MiB bodies, gzip, no retry.
     *
     * @return the default settings, the same as {@code builder().build()}
     */
    public static FetchOptions defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the {@link #defaults()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these settings, to derive a variant; changing it leaves this object as it is.
     *
     * @return a new builder initialised from these settings
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * {@return the fetcher's name: of its limit ({@code name-turns}) and, with HTTP/2 offered, of Reactor Netty's
     * connection pool (in its logs and metrics)}
     */
    public String name() { return name; }
    /**
     * {@return the limit: at most this many requests in flight per Fetcher (and per {@code fetchAll}), and
     * connections per host; {@code >= 1}}
     */
    public int concurrency() { return concurrency; }
    /**
     * {@return whether {@code fetchAll} emits in input order ({@code flatMapSequential}) instead of completion
     * order}
     */
    public boolean ordered() { return ordered; }
    /**
     * {@return the request method, upper case}
     */
    public String method() { return method; }
    /**
     * {@return the TCP connect timeout, positive}
     */
    public Duration connectTimeout() { return connectTimeout; }
    /**
     * Longest silence while waiting for or reading the response, from the moment the request is written (Reactor
     * Netty's {@code responseTimeout} semantics). One
     * not shorter than {@link #timeout()} can never fire first (the exchange timeout starts earlier), so the
     * fetcher installs none then, and such a wait ends as a {@link FetchErrorKind#TIMEOUT}.
     *
     * @return the response silence timeout, positive
     */
    public Duration responseTimeout() { return responseTimeout; }
    /**
     * {@return the longest one attempt may take as a whole: connect, send, status and the full body; positive}
     */
    public Duration timeout() { return timeout; }
    /**
     * {@return how many redirects are followed per request, {@code >= 0}; 0 returns 3xx responses as they are}
     */
    public int maxRedirects() { return maxRedirects; }
    /**
     * {@return the largest body read, in bytes, {@code >= 0}; a longer body is a
     * {@link FetchErrorKind#BODY_TOO_LARGE} and its connection is aborted}
     */
    public long maxBodyBytes() { return maxBodyBytes; }
    /**
     * {@return whether to ask for gzip/deflate and decompress}
     */
    public boolean compress() { return compress; }
    /**
     * {@return whether to offer HTTP/2 (negotiated by ALPN over TLS)}
     */
    public boolean http2() { return http2; }
    /**
     * {@return whether to also offer HTTP/2 over cleartext (h2c upgrade) on {@code http:} URLs}
     */
    public boolean h2c() { return h2c; }
    /**
     * {@return how many retries follow the first attempt, for transient failures and 5xx/429 answers;
     * {@code >= 0}}
     */
    public int retries() { return retries; }
    /**
     * {@return the first retry delay, positive; it doubles per retry}
     */
    public Duration retryBackoff() { return retryBackoff; }
    /**
     * {@return the cap of the retry delay, not below {@link #retryBackoff()}; a {@code Retry-After} longer than
     * this ends the retries}
     */
    public Duration retryMaxBackoff() { return retryMaxBackoff; }
    /**
     * {@return the jitter factor in [0, 1]: each delay is scaled by a random factor in
     * [1 - jitter, 1 + jitter]}
     */
    public double retryJitter() { return retryJitter; }
    /**
     * {@return whether to retry methods that are not idempotent (POST, PATCH) as well}
     */
    public boolean retryNonIdempotent() { return retryNonIdempotent; }
    /**
     * {@return the scheduler of the exchange timeout and retry delays}
     */
    public Scheduler timerScheduler() { return timerScheduler; }
    /**
     * {@return the semaphore every request must also hold a permit of, or null if there is none (see
     * {@link Builder#sharedLimit})}
     */
    public Semaphore sharedLimit() { return sharedLimit; }

    /** Whether a failed request with this method may be sent again. */
    boolean mayRetry() {
        return retries > 0 && (retryNonIdempotent || IDEMPOTENT_METHODS.contains(method));
    }

    @Override
    public String toString() {
        return "FetchOptions[" + name + ", concurrency " + concurrency + (ordered ? ", ordered" : "") + ", " + method
                + ", connect " + connectTimeout + ", response " + responseTimeout + ", timeout " + timeout
                + ", redirects " + maxRedirects + ", maxBody " + maxBodyBytes + (compress ? ", gzip" : "")
                + (http2 ? ", h2" : "") + (h2c ? ", h2c" : "") + ", retries " + retries
                + (retries > 0 ? " (backoff " + retryBackoff + ".." + retryMaxBackoff + ", jitter " + retryJitter
                        + (retryNonIdempotent ? ", non-idempotent too" : "") + ")" : "")
                + (sharedLimit != null ? ", shared limit " + sharedLimit.name() : "")
                + "]";
    }

    /** Mutable, single-thread builder; {@link #build()} snapshots it. */
    public static final class Builder {
        private String name = "fetch";
        private int concurrency = 10;
        private boolean ordered;
        private String method = "GET";
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration responseTimeout = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofSeconds(30);
        private int maxRedirects = 5;
        private long maxBodyBytes = 4L * 1024 * 1024;
        private boolean compress = true;
        private boolean http2;
        private boolean h2c;
        private int retries;
        private Duration retryBackoff = Duration.ofMillis(100);
        private Duration retryMaxBackoff = Duration.ofSeconds(5);
        private double retryJitter = 0.5;
        private boolean retryNonIdempotent;
        private Scheduler timerScheduler = Schedulers.parallel();
        private Semaphore sharedLimit;

        private Builder() {
        }

        private Builder(FetchOptions o) {
            name = o.name;
            concurrency = o.concurrency;
            ordered = o.ordered;
            method = o.method;
            connectTimeout = o.connectTimeout;
            responseTimeout = o.responseTimeout;
            timeout = o.timeout;
            maxRedirects = o.maxRedirects;
            maxBodyBytes = o.maxBodyBytes;
            compress = o.compress;
            http2 = o.http2;
            h2c = o.h2c;
            retries = o.retries;
            retryBackoff = o.retryBackoff;
            retryMaxBackoff = o.retryMaxBackoff;
            retryJitter = o.retryJitter;
            retryNonIdempotent = o.retryNonIdempotent;
            timerScheduler = o.timerScheduler;
            sharedLimit = o.sharedLimit;
        }

        /**
         * Sets the name of the connection pool (default {@code fetch}).
         *
         * @param name the pool's name; not null, not blank
         * @return this builder
         * @throws NullPointerException     if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets the limit on requests in flight and connections per host (default 10); see
         * {@link FetchOptions#concurrency()}.
         *
         * @param concurrency the limit, {@code >= 1}
         * @return this builder
         * @throws IllegalArgumentException if {@code concurrency < 1}
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1 (was " + concurrency + ")");
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * Sets whether {@code fetchAll} emits results in input order (default {@code false}: completion order).
         *
         * @param ordered {@code true} for input order
         * @return this builder
         */
        public Builder ordered(boolean ordered) {
            this.ordered = ordered;
            return this;
        }

        /**
         * Sets the request method (default {@code GET}); it is stored upper case.
         *
         * @param method an HTTP method token of letters only, in any case; not null
         * @return this builder
         * @throws NullPointerException     if {@code method} is null
         * @throws IllegalArgumentException if {@code method} is not letters only
         */
        public Builder method(String method) {
            Objects.requireNonNull(method, "method");
            if (!method.matches("[A-Za-z]+")) {
                throw new IllegalArgumentException("method must be an HTTP method token (was \"" + method + "\")");
            }
            this.method = method.toUpperCase(Locale.ROOT);
            return this;
        }

        /**
         * Sets the TCP connect timeout (default 5 s).
         *
         * @param connectTimeout the timeout, positive; not null
         * @return this builder
         * @throws NullPointerException     if {@code connectTimeout} is null
         * @throws IllegalArgumentException if {@code connectTimeout} is zero or negative
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Sets the longest silence while waiting for or reading the response (default 10 s); see
         * {@link FetchOptions#responseTimeout()}.
         *
         * @param responseTimeout the timeout, positive; not null
         * @return this builder
         * @throws NullPointerException     if {@code responseTimeout} is null
         * @throws IllegalArgumentException if {@code responseTimeout} is zero or negative
         */
        public Builder responseTimeout(Duration responseTimeout) {
            this.responseTimeout = positive(responseTimeout, "responseTimeout");
            return this;
        }

        /**
         * Sets the longest one attempt may take as a whole (default 30 s).
         *
         * @param timeout the timeout, positive; not null
         * @return this builder
         * @throws NullPointerException     if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /**
         * Sets how many redirects are followed per request (default 5).
         *
         * @param maxRedirects the number of redirects, {@code >= 0}; 0 returns 3xx responses as they are
         * @return this builder
         * @throws IllegalArgumentException if {@code maxRedirects < 0}
         */
        public Builder maxRedirects(int maxRedirects) {
            if (maxRedirects < 0) {
                throw new IllegalArgumentException("maxRedirects must not be negative (was " + maxRedirects + ")");
            }
            this.maxRedirects = maxRedirects;
            return this;
        }

        /**
         * Sets the largest body read (default 4 MiB); a longer one is a
         * {@link FetchErrorKind#BODY_TOO_LARGE}.
         *
         * @param maxBodyBytes the limit in bytes, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if {@code maxBodyBytes < 0}
         */
        public Builder maxBodyBytes(long maxBodyBytes) {
            if (maxBodyBytes < 0) {
                throw new IllegalArgumentException("maxBodyBytes must not be negative (was " + maxBodyBytes + ")");
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Sets whether to ask for gzip/deflate and decompress (default {@code true}).
         *
         * @param compress {@code true} to compress
         * @return this builder
         */
        public Builder compress(boolean compress) {
            this.compress = compress;
            return this;
        }

        /**
         * Sets whether to offer HTTP/2, negotiated by ALPN over TLS (default {@code false}).
         *
         * @param http2 {@code true} to offer HTTP/2
         * @return this builder
         */
        public Builder http2(boolean http2) {
            this.http2 = http2;
            return this;
        }

        /**
         * Sets whether to also offer HTTP/2 over cleartext (h2c upgrade) on {@code http:} URLs (default
         * {@code false}).
         *
         * @param h2c {@code true} to offer h2c
         * @return this builder
         */
        public Builder h2c(boolean h2c) {
            this.h2c = h2c;
            return this;
        }

        /**
         * Sets how many retries follow the first attempt (default 0: no retry).
         *
         * @param retries the number of retries, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if {@code retries < 0}
         */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must not be negative (was " + retries + ")");
            }
            this.retries = retries;
            return this;
        }

        /**
         * Exponential backoff from {@code first} doubling up to {@code max} (default 100 ms up to 5 s).
         *
         * @param first the first retry delay, positive; not null
         * @param max   the cap of every delay, not below {@code first}; not null
         * @return this builder
         * @throws NullPointerException     if {@code first} or {@code max} is null
         * @throws IllegalArgumentException if either is zero or negative, or {@code max} is below {@code first}
         */
        public Builder retryBackoff(Duration first, Duration max) {
            positive(first, "first");
            positive(max, "max");
            if (max.compareTo(first) < 0) {
                throw new IllegalArgumentException("retry backoff max " + max + " is below first " + first);
            }
            this.retryBackoff = first;
            this.retryMaxBackoff = max;
            return this;
        }

        /**
         * Sets the jitter factor of retry delays (default 0.5); see {@link FetchOptions#retryJitter()}.
         *
         * @param retryJitter the factor, in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code retryJitter} is outside [0, 1] or NaN
         */
        public Builder retryJitter(double retryJitter) {
            if (!(retryJitter >= 0 && retryJitter <= 1)) {
                throw new IllegalArgumentException("retryJitter must be in [0, 1] (was " + retryJitter + ")");
            }
            this.retryJitter = retryJitter;
            return this;
        }

        /**
         * Sets whether methods that are not idempotent (POST, PATCH) are retried too (default {@code false}).
         *
         * @param retryNonIdempotent {@code true} to retry them as well
         * @return this builder
         */
        public Builder retryNonIdempotent(boolean retryNonIdempotent) {
            this.retryNonIdempotent = retryNonIdempotent;
            return this;
        }

        /**
         * Sets the scheduler of the exchange timeout and retry delays (default {@code Schedulers.parallel()}).
         *
         * @param timerScheduler the scheduler, for instance a virtual-time one in tests; not null
         * @return this builder
         * @throws NullPointerException     if {@code timerScheduler} is null
         */
        public Builder timerScheduler(Scheduler timerScheduler) {
            this.timerScheduler = Objects.requireNonNull(timerScheduler, "timerScheduler");
            return this;
        }

        /**
         * Makes every request also hold a permit of {@code semaphore} while it runs (from its first attempt to its
         * result, retries included): a limit shared with other work, such as all calls of a WebFlux application
         * to one API, whichever Fetcher or pipeline they come from. It applies to {@link Fetcher#fetch(String)}
         * too. The permit is taken before the request counts as in flight and released exactly once on result or
         * cancel (see {@link Semaphore#withPermit}); waiting for it is queued FIFO in the semaphore, not in the
         * pool. {@link #concurrency} still bounds the fetcher and sizes its pool, so the effective limit is the
         * smaller of the two: give {@code concurrency} at least the semaphore's permits if this fetcher should be
         * able to use them all. The fetcher's own turn is taken before the shared permit, so a request never
         * holds a shared permit while queued behind its own fetcher. Null removes the shared limit.
         *
         * @param semaphore the shared limit, or null for none
         * @return this builder
         */
        public Builder sharedLimit(Semaphore semaphore) {
            this.sharedLimit = semaphore;
            return this;
        }

        /**
         * Snapshots the settings; the builder may be changed and built again afterwards.
         *
         * @return new immutable settings
         */
        public FetchOptions build() {
            return new FetchOptions(this);
        }

        private static Duration positive(Duration d, String arg) {
            Objects.requireNonNull(d, arg);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(arg + " must be positive (was " + d + ")");
            }
            return d;
        }
    }
}
