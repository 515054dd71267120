package io.github.reactorasyncio.http;

/**
 * Why a URL got no usable HTTP answer. A response with any status, 4xx and 5xx included, is an answer and has no
 * error kind: the server spoke, the tool did its job (see {@link FetchResult#answered()}).
 *
 * <p>Each kind says whether a retry may help ({@link #transientFailure()}); the fetcher retries only those, and
 * only for idempotent methods unless told otherwise (see {@link FetchOptions.Builder#retryNonIdempotent}).
 */
public enum FetchErrorKind {
    /** The text is not a URL at all, or has no host. Never sent. */
    MALFORMED_URL(false),
    /** A URL with a scheme other than {@code http} or {@code https}. Never sent. */
    UNSUPPORTED_SCHEME(false),
    /** The host name does not resolve (including RFC 6761 {@code .invalid} names, rejected without a lookup). */
    UNKNOWN_HOST(false),
    /** Nothing listens on the port: the TCP connect was refused. */
    CONNECTION_REFUSED(true),
    /** The TCP connect did not complete within {@link FetchOptions#connectTimeout()}. */
    CONNECT_TIMEOUT(true),
    /** Connected, but nothing was read for {@link FetchOptions#responseTimeout()}. */
    RESPONSE_TIMEOUT(true),
    /** One attempt took longer than {@link FetchOptions#timeout()} as a whole (connect, request, full body). */
    TIMEOUT(true),
    /** The peer closed or reset the connection before the response was complete. */
    CONNECTION_RESET(true),
    /** The body exceeded {@link FetchOptions#maxBodyBytes()}; reading stopped and the connection was aborted. */
    BODY_TOO_LARGE(false),
    /** Still a redirect after {@link FetchOptions#maxRedirects()} hops. */
    TOO_MANY_REDIRECTS(false),
    /** No pooled connection became free within {@link FetchOptions#connectTimeout()}. */
    POOL_EXHAUSTED(false),
    /**
     * The response broke HTTP/1.1: an invalid status line, a header section over the HTTP codec's 8 KiB, an invalid
     * chunk, or bytes beyond the response's end. The connection is closed, never reused.
     */
    PROTOCOL_ERROR(false),
    /** The TLS handshake failed, e.g. the server's certificate is not trusted (self-signed); the message says why. */
    TLS_ERROR(false),
    /** Any other I/O failure; the message says what. */
    IO_ERROR(true);

    private final boolean transientFailure;

    FetchErrorKind(boolean transientFailure) {
        this.transientFailure = transientFailure;
    }

    /**
     * Whether the same request may succeed if tried again later (so a retry is worth it).
     *
     * @return {@code true} for a failure worth retrying
     */
    public boolean transientFailure() {
        return transientFailure;
    }
}
