package io.github.reactorasyncio.http;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * When and after how long a failed attempt is tried again: exponential backoff with jitter, and a server's
 * {@code Retry-After} as a floor.
 *
 * <p>Why not {@code Retry.backoff}: its delay is a function of the retry count only, while {@code Retry-After}
 * makes the delay a function of the failure. The curve is the same as {@code Retry.backoff}'s: {@code first *
 * 2^n}, capped, scaled by a random factor in [1 - jitter, 1 + jitter] and capped again.
 *
 * <p>Retried: a {@link FetchFailure} whose kind is {@link FetchErrorKind#transientFailure() transient}, and a
 * {@link RetryableStatus} (a 5xx or 429 answer). Anything else, or the last failure once the retries are used up,
 * passes through unchanged (never wrapped in a {@code RetryExhaustedException}), so the caller sees what really
 * happened. A {@code Retry-After} above the backoff cap ends the retries: the server said "not soon".
 *
 * <p>Delays run on the given scheduler, so virtual time drives them in tests.
 */
final class RetryPolicy {

    private final int maxRetries;
    private final Duration first;
    private final Duration max;
    private final double jitter;
    private final Scheduler scheduler;
    private final DoubleSupplier random;

    RetryPolicy(int maxRetries, Duration first, Duration max, double jitter, Scheduler scheduler,
                DoubleSupplier random) {
        this.maxRetries = maxRetries;
        this.first = first;
        this.max = max;
        this.jitter = jitter;
        this.scheduler = scheduler;
        this.random = random;
    }

    static RetryPolicy from(FetchOptions options) {
        return new RetryPolicy(options.mayRetry() ? options.retries() : 0, options.retryBackoff(),
                options.retryMaxBackoff(), options.retryJitter(), options.timerScheduler(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** An answer that asks to be retried: 5xx or 429. */
    static boolean retryableStatus(int status) {
        return status == 429 || status >= 500 && status <= 599;
    }

    Retry asRetry() {
        return Retry.from(signals -> signals.concatMap(signal -> {
            Throwable failure = signal.failure();
            Duration delay = signal.totalRetries() < maxRetries ? delayFor(failure, signal.totalRetries()) : null;
            return delay == null ? Mono.error(failure) : Mono.delay(delay, scheduler);
        }));
    }

    /** The delay before retry number {@code retry} (0-based), or null when this failure must not be retried. */
    Duration delayFor(Throwable failure, long retry) {
        Duration retryAfter = Duration.ZERO;
        if (failure instanceof RetryableStatus status) {
            retryAfter = status.retryAfter();
            if (retryAfter.compareTo(max) > 0) {
                return null;
            }
        }
        else if (!(failure instanceof FetchFailure f) || !f.kind().transientFailure()) {
            return null;
        }
        Duration backoff = backoff(retry);
        return backoff.compareTo(retryAfter) >= 0 ? backoff : retryAfter;
    }

    Duration backoff(long retry) {
        long firstNanos = first.toNanos();
        long maxNanos = max.toNanos();
        long exponential = retry >= 62 || firstNanos > (maxNanos >> Math.min(retry, 62)) ? maxNanos
                : Math.min(maxNanos, firstNanos << retry);
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofNanos(Math.min(maxNanos, (long) (exponential * factor)));
    }

    @Override
    public String toString() {
        return "RetryPolicy[retries " + maxRetries + ", backoff " + first + ".." + max + ", jitter " + jitter + "]";
    }

    /** An attempt answered with a retryable status; carries the answer so it can stand if retries run out. */
    static final class RetryableStatus extends RuntimeException {
        private final Attempt attempt;

        RetryableStatus(Attempt attempt) {
            super("HTTP " + attempt.status(), null, false, false);
            this.attempt = attempt;
        }

        Attempt attempt() {
            return attempt;
        }

        /** The server's {@code Retry-After} in seconds, ZERO when absent or not a number of seconds. */
        Duration retryAfter() {
            return attempt.retryAfter();
        }
    }

    /** What one attempt got: a status, the body size, and the server's Retry-After (ZERO when absent). */
    record Attempt(int status, long bytes, Duration retryAfter) {
    }
}
