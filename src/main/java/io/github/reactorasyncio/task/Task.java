package io.github.reactorasyncio.task;

import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * A piece of work that is already running, with its outcome cached: the handle {@link Asyncio#createTask} returns.
 *
 * <p><b>Lifecycle.</b> A task is <em>pending</em> from creation until its work signals a value, completion or an
 * error, or until {@link #cancel()} wins; then it is <em>done</em> and never changes again. A task cancelled after
 * it completed stays completed ({@code cancel()} returns {@code false}); a task that was cancelled ignores any signal
 * its work sends afterwards (a late error goes to {@code Hooks.onErrorDropped}, never silently lost).
 *
 * <p><b>Joining vs sharing.</b> {@link #join()} replays the outcome to any number of subscribers, early or late.
 * Cancelling a {@code join()} subscription does <em>not</em> cancel the task &mdash; unlike
 * {@code Mono.share()}/{@code cache()}, where the last subscriber leaving cancels the source (reactor-core issues
 * 2680 and 3740). Only {@link #cancel()} cancels. So {@code join()} is itself a cancellation barrier
 * ({@code asyncio.shield} of a task).
 *
 * <p><b>Happens-before.</b> Everything the work did before signalling happens-before {@code isDone()} returning
 * {@code true} and before any {@code join()} subscriber receives the outcome.
 *
 * <p><b>Unretrieved errors.</b> asyncio logs "Task exception was never retrieved" when a failed task is garbage
 * collected. This library does not: any report made when the task fails would be false for a task that is joined
 * later, and a report at garbage-collection time is non-deterministic. The error stays in the task
 * ({@link #exception()}, {@link #join()}). Operators that drop a task they created (a gather whose caller already
 * got an error, a {@link Asyncio#shield(Mono) shield} whose caller left) report such errors themselves, because
 * nobody else can retrieve them.
 *
 * <p>Corresponds to {@code asyncio.Task} (and to {@code asyncio.Future}, whose result-holding role it plays).
 *
 * @param <T> the value type; a task whose work completes empty has the value {@code null}, like asyncio's
 *            {@code None}
 */
public sealed interface Task<T> permits TaskImpl {

    /** @return the task's name; {@code Task-N} by default, with N from a process-wide counter as in asyncio */
    String name();

    /**
     * Renames the task. Corresponds to {@code Task.set_name}.
     *
     * @param name the new name
     * @throws NullPointerException "name" if {@code name} is null
     */
    void setName(String name);

    /**
     * Cancels the work if the task is still pending. Corresponds to {@code Task.cancel()}.
     *
     * @return {@code true} if this call cancelled the task (it was pending; it is now done and cancelled);
     *         {@code false} if it was already done (value, error, or an earlier cancel), in which case nothing changes
     */
    boolean cancel();

    /** @return true once the task has a value, an error, or was cancelled. Corresponds to {@code Task.done()}. */
    boolean isDone();

    /** @return true if {@link #cancel()} won while the task was pending. Corresponds to {@code Task.cancelled()}. */
    boolean isCancelled();

    /**
     * Corresponds to {@code Task.result()}.
     *
     * @return the value ({@code null} if the work completed empty)
     * @throws IllegalStateException "Task 'NAME' is not done yet" while pending
     * @throws java.util.concurrent.CancellationException if the task was cancelled
     * @throws java.util.concurrent.CompletionException wrapping the error if the work failed with a checked
     *         exception; unchecked exceptions and errors are rethrown as they are
     */
    T result();

    /**
     * Corresponds to {@code Task.exception()}.
     *
     * @return the error the work failed with, or {@code null} if it produced a value
     * @throws IllegalStateException "Task 'NAME' is not done yet" while pending
     * @throws java.util.concurrent.CancellationException if the task was cancelled
     */
    Throwable exception();

    /**
     * @return the outcome once done (a cancelled task's is a {@link Outcome.Failure} holding a
     *         {@link java.util.concurrent.CancellationException}); empty while pending
     */
    Optional<Outcome<T>> outcome();

    /**
     * A {@code Mono} of the task's outcome, replayed to every subscriber whenever it subscribes. Corresponds to
     * {@code await task}.
     *
     * <p>Termination cases of a subscription:
     * <ul>
     *   <li>the work produced a value: that value, then completion; it completed empty: completion only;</li>
     *   <li>the work failed: the same error instance, to every subscriber;</li>
     *   <li>the task was cancelled: {@link java.util.concurrent.CancellationException}
     *       "Task 'NAME' was cancelled";</li>
     *   <li>the subscriber cancels: only that subscription ends; the task keeps running.</li>
     * </ul>
     *
     * @return the replaying join
     */
    Mono<T> join();
}
