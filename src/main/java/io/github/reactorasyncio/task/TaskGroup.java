package io.github.reactorasyncio.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import reactor.core.publisher.Mono;

/**
 * The handle a {@link Asyncio#taskGroup(java.util.function.Function) task group}'s body spawns child tasks with.
 *
 * <p>A group is <em>open</em> while its body or any child is running, <em>shutting down</em> from its first
 * failure or the caller's cancel until everything inside is done, and <em>closed</em> after that. Children may
 * spawn further children while the group is open (also after the body has finished).
 *
 * <p>Corresponds to {@code asyncio.TaskGroup} (Python 3.11).
 */
public sealed interface TaskGroup permits TaskGroupImpl {

    /**
     * Starts {@code work} as a child task named {@code Task-N}. Corresponds to {@code TaskGroup.create_task(coro)}.
     *
     * @param <T>  the type of the child's value
     * @param work the child's work, subscribed now; not null
     * @return the running child task; its failure fails the group
     * @throws NullPointerException  "work" if {@code work} is null
     * @throws IllegalStateException "TaskGroup is shutting down: cannot spawn a task" after a failure or cancel,
     *                               "TaskGroup is closed: cannot spawn a task" once the group has finished
     */
    <T> Task<T> spawn(Mono<? extends T> work);

    /**
     * As {@link #spawn(Mono)}, with a name. Corresponds to {@code TaskGroup.create_task(coro, name=name)}.
     *
     * @param <T>  the type of the child's value
     * @param work the child's work, subscribed now; not null
     * @param name the child task's name; not null
     * @return the running child task; its failure fails the group
     * @throws NullPointerException  "work" or "name" if either is null
     * @throws IllegalStateException if the group is shutting down or closed, as for {@link #spawn(Mono)}
     */
    <T> Task<T> spawn(Mono<? extends T> work, String name);

    /**
     * Every failure a group's error carries, in the order they happened: the error itself, then what it carries as
     * suppressed. Corresponds to reading {@code ExceptionGroup.exceptions}:
     * {@code taskGroup(...).onErrorResume(e -> report(TaskGroup.failures(e)))}. For an error that did not come from
     * a group it is that error alone (plus any suppressed it has).
     *
     * @param error the error a group failed with (or any error); not null
     * @return an unmodifiable list: {@code error} first, then its suppressed exceptions in order
     * @throws NullPointerException "error" if {@code error} is null
     */
    static List<Throwable> failures(Throwable error) {
        Objects.requireNonNull(error, "error");
        List<Throwable> all = new ArrayList<>(1 + error.getSuppressed().length);
        all.add(error);
        all.addAll(Arrays.asList(error.getSuppressed()));
        return List.copyOf(all);
    }
}
