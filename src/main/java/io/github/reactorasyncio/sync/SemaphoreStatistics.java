package io.github.reactorasyncio.sync;

import java.time.Duration;

/**
 * A point-in-time snapshot of a {@link Semaphore} or {@link Lock}. The fields are read without a common lock,
 * so under concurrent use they are each exact but not necessarily mutually consistent.
 *
 * @param name        the primitive's name
 * @param capacity    permits that exist: the initial count plus any grown by {@link Semaphore#release()} beyond it
 * @param available   permits that can be had right now (0 while waiters are queued)
 * @param inUse       permits currently held ({@code capacity - available})
 * @param waiting     acquires queued and not yet granted, cancelled or timed out
 * @param longestWait how long the oldest queued acquire has waited ({@link Duration#ZERO} when none waits)
 * @param cancelled   queued acquires withdrawn by cancellation since creation
 * @param timedOut    queued acquires that gave up after their maximum wait since creation
 */
public record SemaphoreStatistics(
        String name,
        int capacity,
        int available,
        int inUse,
        int waiting,
        Duration longestWait,
        long cancelled,
        long timedOut) {
}
