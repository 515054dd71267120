package io.github.reactorasyncio.task;

/**
 * When {@link Asyncio#wait(java.util.Collection, ReturnWhen, java.time.Duration)} hands back its
 * {@link WaitResult}. Whatever the choice, {@code wait} also returns when its timeout elapses, and it never cancels
 * a task.
 *
 * <p>Corresponds to {@code asyncio.FIRST_COMPLETED}, {@code asyncio.FIRST_EXCEPTION} and
 * {@code asyncio.ALL_COMPLETED}.
 */
public enum ReturnWhen {
    /** As soon as at least one task is done (with a value, an error or cancelled). */
    FIRST_COMPLETED,
    /**
     * As soon as one task fails with an error other than cancellation; if none fails, when all are done
     * (then equivalent to {@link #ALL_COMPLETED}).
     */
    FIRST_EXCEPTION,
    /** When every task is done. */
    ALL_COMPLETED
}
