package io.github.reactorasyncio.spring;

/**
 * A {@link ConcurrencyLimit} refused to run a piece of work: its queue was full, or the work waited its maximum
 * wait without getting a permit. Flow control, not a bug: it carries no stack trace, so rejecting under load
 * stays cheap.
 */
public final class ConcurrencyLimitExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the work was refused. */
    public enum Reason {
        /** {@code maxConcurrent + maxQueue} runs were already admitted; refused at once without waiting. */
        QUEUE_FULL,
        /** Admitted, but no permit was granted within {@code maxWait}; the work was never started. */
        TIMED_OUT
    }

    /** The name of the limit that refused. */
    private final String limitName;
    /** Why the limit refused. */
    private final Reason reason;

    ConcurrencyLimitExceededException(ConcurrencyLimit limit, Reason reason, Throwable cause) {
        super(message(limit, reason), cause, false, false);
        this.limitName = limit.name();
        this.reason = reason;
    }

    private static String message(ConcurrencyLimit limit, Reason reason) {
        return switch (reason) {
            case QUEUE_FULL -> "concurrency limit '" + limit.name() + "' is full: " + limit.maxConcurrent()
                    + " running and " + limit.maxQueue() + " queued (" + limit.semaphore() + ")";
            case TIMED_OUT -> "concurrency limit '" + limit.name() + "' granted no permit within "
                    + limit.maxWait().toMillis() + "ms (" + limit.semaphore() + ")";
        };
    }

    /** @return the name of the limit that refused */
    public String limitName() {
        return limitName;
    }

    /** {@return why the limit refused: its queue was full, or the wait timed out} */
    public Reason reason() {
        return reason;
    }
}
