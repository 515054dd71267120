package io.github.reactorasyncio.task;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The two sets {@link Asyncio#wait(java.util.Collection, ReturnWhen, java.time.Duration)} returns: the tasks that
 * were done when it returned and those still pending. Both are unmodifiable and iterate in the order the tasks were
 * given to {@code wait}. Pending tasks are still running: {@code wait} never cancels anything.
 *
 * <p>Corresponds to the {@code (done, pending)} tuple of {@code asyncio.wait}.
 *
 * @param done    tasks that were done (value, error or cancelled) at the moment {@code wait} returned
 * @param pending tasks that were still running at that moment
 * @param <T>     the tasks' value type
 */
public record WaitResult<T>(Set<Task<T>> done, Set<Task<T>> pending) {

    /**
     * Copies both sets, keeping their iteration order, into unmodifiable sets.
     *
     * @param done    the tasks that were done; not null
     * @param pending the tasks still running; not null
     * @throws NullPointerException "done" or "pending" if either is null
     */
    public WaitResult {
        done = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(done, "done")));
        pending = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(pending, "pending")));
    }
}
