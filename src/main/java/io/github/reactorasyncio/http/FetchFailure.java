package io.github.reactorasyncio.http;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLHandshakeException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * A failed attempt, already classified: the only error type that leaves one attempt of the fetcher's pipeline.
 * Stackless, because thousands of them are expected in a bad batch and the stack says nothing the kind does not.
 */
final class FetchFailure extends RuntimeException {

    private final FetchErrorKind kind;
    private final boolean beforeResponseOnReusedConnection;

    FetchFailure(FetchErrorKind kind, String message) {
        this(kind, message, false);
    }

    private FetchFailure(FetchErrorKind kind, String message, boolean beforeResponseOnReusedConnection) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.beforeResponseOnReusedConnection = beforeResponseOnReusedConnection;
    }

    /** A {@link FetchErrorKind#PROTOCOL_ERROR} on a reused connection before the request's own response began. */
    static FetchFailure onReusedConnection(String message) {
        return new FetchFailure(FetchErrorKind.PROTOCOL_ERROR, message, true);
    }

    FetchErrorKind kind() {
        return kind;
    }

    /** Whether this failed a reused connection before the response began: a fresh connection may well succeed. */
    boolean beforeResponseOnReusedConnection() {
        return beforeResponseOnReusedConnection;
    }

    /**
     * Maps what Reactor and Reactor Netty signal to a kind, walking the cause chain because Netty wraps
     * (e.g. a {@code DecoderException} around the real cause).
     */
    static FetchFailure classify(Throwable error, FetchOptions options) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            FetchFailure known = classifyOne(t, options);
            if (known != null) {
                return known;
            }
        }
        return new FetchFailure(FetchErrorKind.IO_ERROR, describe(error));
    }

    private static FetchFailure classifyOne(Throwable t, FetchOptions options) {
        if (t instanceof FetchFailure f) {
            return f;
        }
        if (t instanceof TimeoutException) {
            return Transport.timedOut(options);
        }
        if (t instanceof ReadTimeoutException) {
            return new FetchFailure(FetchErrorKind.RESPONSE_TIMEOUT,
                    "nothing received for " + options.responseTimeout());
        }
        if (t instanceof ConnectTimeoutException) {
            return new FetchFailure(FetchErrorKind.CONNECT_TIMEOUT, describe(t));
        }
        if (t instanceof ConnectException) {
            return new FetchFailure(FetchErrorKind.CONNECTION_REFUSED, refused(t.getMessage()));
        }
        if (t instanceof SSLHandshakeException && !(t instanceof SslHandshakeTimeoutException)) {
            return new FetchFailure(FetchErrorKind.TLS_ERROR, "TLS handshake failed: " + t.getMessage());
        }
        if (t instanceof UnknownHostException) {
            return new FetchFailure(FetchErrorKind.UNKNOWN_HOST, "unknown host " + t.getMessage());
        }
        if (t instanceof PrematureCloseException
                || (t instanceof SocketException || isNativeIo(t)) && String.valueOf(t.getMessage()).contains("reset")) {
            return new FetchFailure(FetchErrorKind.CONNECTION_RESET, describe(t));
        }
        // The pool's own exceptions live in a shaded package that is not API; their names are stable.
        String type = t.getClass().getSimpleName();
        if (type.equals("PoolAcquirePendingLimitException") || type.equals("PoolAcquireTimeoutException")) {
            return new FetchFailure(FetchErrorKind.POOL_EXHAUSTED, describe(t));
        }
        if (t instanceof DecoderException && t.getCause() == null) {
            return new FetchFailure(FetchErrorKind.PROTOCOL_ERROR, describe(t));
        }
        return null;
    }

    /** Netty's "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:9" made readable. */
    static String refused(String message) {
        String marker = "Connection refused";
        int at = message == null ? -1 : message.indexOf(marker);
        if (at < 0) {
            return "connection refused" + (message == null ? "" : " (" + message + ")");
        }
        String where = message.substring(at + marker.length()).replaceFirst("^: /?", "");
        return where.isEmpty() ? "connection refused" : "connection refused by " + where;
    }

    private static boolean isNativeIo(Throwable t) {
        return t.getClass().getName().equals("io.netty.channel.unix.Errors$NativeIoException");
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + message;
    }
}
