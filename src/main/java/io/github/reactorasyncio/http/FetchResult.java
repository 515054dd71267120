package io.github.reactorasyncio.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome for one input URL. The fetcher emits exactly one per input, whatever happened, so a batch never
 * loses a URL and never fails as a whole: the equivalent of {@code asyncio.gather(..., return_exceptions=True)}.
 *
 * <p>Either {@link #answered()} (a status arrived; {@code errorKind} and {@code errorMessage} are null) or not
 * ({@code status} is 0, {@code errorKind} says why and {@code errorMessage} gives the detail, naming the URL's
 * host or the limit involved).
 *
 * @param index        position of the URL in the input (0-based), kept whatever the emission order
 * @param url          the URL as given
 * @param status       the final HTTP status after redirects and retries, or 0 when there was no answer
 * @param bytes        body bytes received after decompression (0 when there was no answer)
 * @param latency      from the moment the request got its turn (permit) to its result, retries and backoff included
 * @param attempts     requests actually tried: 1 without retries, 0 when the URL was rejected before sending
 * @param errorKind    why there was no answer, or null
 * @param errorMessage detail for {@code errorKind}, or null
 */
public record FetchResult(long index, String url, int status, long bytes, Duration latency, int attempts,
                          FetchErrorKind errorKind, String errorMessage) {

    /**
     * Checks that the result is either an answer or a failure.
     *
     * @param index        position of the URL in the input
     * @param url          the URL as given; not null
     * @param status       the final HTTP status, or 0 for a failure
     * @param bytes        body bytes received
     * @param latency      time from the request's turn to its result; not null
     * @param attempts     requests actually tried
     * @param errorKind    why there was no answer; null for an answer
     * @param errorMessage detail for {@code errorKind}, or null
     * @throws NullPointerException     if {@code url} or {@code latency} is null
     * @throws IllegalArgumentException unless exactly one of {@code status} (non-zero) and {@code errorKind}
     *                                  (non-null) is given
     */
    public FetchResult {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(latency, "latency");
        if ((errorKind == null) == (status == 0)) {
            throw new IllegalArgumentException("FetchResult needs exactly one of status or errorKind (status "
                    + status + ", errorKind " + errorKind + ")");
        }
    }

    static FetchResult answer(long index, String url, int status, long bytes, Duration latency, int attempts) {
        return new FetchResult(index, url, status, bytes, latency, attempts, null, null);
    }

    static FetchResult failure(long index, String url, FetchErrorKind kind, String message, Duration latency,
                               int attempts) {
        return new FetchResult(index, url, 0, 0, latency, attempts, Objects.requireNonNull(kind, "kind"), message);
    }

    /**
     * A status line arrived (any status, 4xx/5xx included): the server answered.
     *
     * @return {@code true} if there is a status, {@code false} if {@link #errorKind()} says why not
     */
    public boolean answered() {
        return errorKind == null;
    }

    /**
     * Answered with a 2xx status.
     *
     * @return {@code true} if {@link #status()} is in 200..299
     */
    public boolean successful() {
        return status >= 200 && status < 300;
    }
}
