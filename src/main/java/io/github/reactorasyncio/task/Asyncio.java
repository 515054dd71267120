package io.github.reactorasyncio.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import io.github.reactorasyncio.sync.CancellationJoin;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * asyncio's task-coordination functions as Reactor operators: start work as a {@link Task}, gather, wait, time out,
 * shield, iterate in completion order, run a {@link TaskGroup}, and push blocking or CPU-bound work to other
 * threads.
 *
 * <p>Conventions shared by every method:
 * <ul>
 *   <li>Operators returning a {@code Mono}/{@code Flux} are cold: nothing starts until subscription, and each
 *       subscription starts its own work. Only {@link #createTask} starts work at call time.</li>
 *   <li>Timers use {@code Schedulers.parallel()} resolved at subscription, so {@code StepVerifier.withVirtualTime}
 *       controls them.</li>
 *   <li>Arguments are checked at call time: a null argument throws {@code NullPointerException} naming it
 *       ({@code "works[2]"} for a list element); a timeout that is zero or negative throws
 *       {@code IllegalArgumentException("timeout must be positive, was PT0S")}.</li>
 *   <li>A value-less work ({@code Mono<Void>}, or any Mono completing empty) has the value {@code null}, like
 *       asyncio's {@code None}.</li>
 * </ul>
 */
public final class Asyncio {

    private Asyncio() {
    }

    // ---------------------------------------------------------------------------------------------- tasks

    /**
     * Starts {@code work} now, subscribing on the calling thread, and returns its handle named {@code Task-N}.
     * Corresponds to {@code asyncio.create_task(coro)} and {@code asyncio.ensure_future(coro)}; unlike asyncio,
     * the work starts before this method returns (put a {@code subscribeOn} on the work to start it elsewhere).
     * The task's own contract (cancel, join, result) is on {@link Task}.
     *
     * @param <T>  the type of the task's value
     * @param work the work to subscribe to now; not null
     * @return the running task's handle
     * @throws NullPointerException "work" if {@code work} is null
     */
    public static <T> Task<T> createTask(Mono<? extends T> work) {
        return TaskImpl.start(work, null);
    }

    /**
     * As {@link #createTask(Mono)}, with a name. Corresponds to {@code asyncio.create_task(coro, name=name)}.
     *
     * @param <T>  the type of the task's value
     * @param work the work to subscribe to now; not null
     * @param name the task's name, as {@link Task#name()} reports it; not null
     * @return the running task's handle
     * @throws NullPointerException "work" or "name" if either is null
     */
    public static <T> Task<T> createTask(Mono<? extends T> work, String name) {
        Objects.requireNonNull(name, "name");
        return TaskImpl.start(work, name);
    }

    /**
     * As {@link #createTask(Mono)}, deferred to subscription: each subscription starts {@code work} as a new task
     * named {@code Task-N} and emits its handle. The task's work sees the subscriber's Reactor Context, as the tasks
     * of {@code gather}, {@code TaskGroup.spawn} and {@code shield} do, so a task started inside a
     * {@code withPermit}/{@code withLock} scope is that scope's descendant: a nested-starvation deadlock through it
     * is detected, and a Lock it leaves held is reported with the task as the holder. {@code createTask} called
     * inside {@code Mono.defer} or {@code Mono.fromCallable} cannot see that Context, so its task has no ancestors
     * (docs/deadlocks.md, "Chains that lose the family tree"): write {@code startTask(work).flatMap(Task::join)}
     * instead of {@code Mono.defer(() -> createTask(work).join())}.
     *
     * @param <T>  the type of the task's value
     * @param work the work to start as a task, once per subscription; not null
     * @return a Mono that starts the task on subscription, on the subscribing thread, and emits its running handle
     * @throws NullPointerException "work" if {@code work} is null
     */
    public static <T> Mono<Task<T>> startTask(Mono<? extends T> work) {
        Objects.requireNonNull(work, "work");
        return Mono.deferContextual(context -> Mono.just(TaskImpl.start(work, null, context)));
    }

    /**
     * As {@link #startTask(Mono)}, the task named {@code name}.
     *
     * @param <T>  the type of the task's value
     * @param work the work to start as a task, once per subscription; not null
     * @param name the task's name, as {@link Task#name()} and deadlock reports give it; not null
     * @return a Mono that starts the task on subscription and emits its running handle
     * @throws NullPointerException "work" or "name" if either is null
     */
    public static <T> Mono<Task<T>> startTask(Mono<? extends T> work, String name) {
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(name, "name");
        return Mono.deferContextual(context -> Mono.just(TaskImpl.start(work, name, context)));
    }

    // --------------------------------------------------------------------------------------------- gather

    /**
     * Runs every work concurrently as a task and emits their values in argument order.
     * Corresponds to {@code asyncio.gather(*aws)}.
     * <ul>
     *   <li>all succeed: the list of values in argument order ({@code null} for an empty work; unlike
     *       {@code Mono.zip}, which completes empty if any source is empty); no works: an empty list;</li>
     *   <li>a work fails: that first error reaches the caller at once; <b>the other tasks keep running</b> (as in
     *       asyncio). Their values are discarded; a later error of theirs goes to {@code Hooks.onErrorDropped};</li>
     *   <li>no timeout of its own (wrap it in {@link #waitFor(Mono, Duration)});</li>
     *   <li>caller cancels: every still-running task is cancelled.</li>
     * </ul>
     * Pick this when the works are independent and you only need to know that one failed (asyncio parity).
     * Pick {@link #gatherStructured(List)} when a failure makes the others pointless (the usual case in a server:
     * nothing outlives the request), and {@link #gatherSettled(List)} when you want every outcome.
     *
     * @param <T>   the type of the works' values
     * @param works the works to run, each started as a task once per subscription to the result; not null, nor
     *     any element
     * @return a Mono of every value in argument order, or of the first error
     * @throws NullPointerException "works" or "works[i]" if the list or an element is null
     */
    public static <T> Mono<List<T>> gather(List<? extends Mono<? extends T>> works) {
        return Gather.outcomes(checkedWorks(works), Gather.OnFailure.PROPAGATE_KEEP_RUNNING).map(Gather::values);
    }

    /**
     * Varargs form of {@link #gather(List)}.
     *
     * @param <T>   the type of the works' values
     * @param works the works, in argument order; not null, nor any element
     * @return a Mono of every value in argument order, or of the first error
     * @throws NullPointerException "works" or "works[i]" if the array or an element is null
     */
    @SafeVarargs
    public static <T> Mono<List<T>> gather(Mono<? extends T>... works) {
        return gather(Arrays.asList(Objects.requireNonNull(works, "works")));
    }

    /**
     * Waits for tasks that are already running and emits their values in argument order. Corresponds to
     * {@code asyncio.gather(*tasks)} over tasks, including its cancel: cancelling the gather cancels the tasks.
     * (Named apart from {@link #gather(List)}: a {@code List<Task>} overload would clash with it by erasure.)
     * <ul>
     *   <li>all succeed: their values in argument order ({@code null} for a task that completed empty); no tasks:
     *       an empty list;</li>
     *   <li>a task fails, or was cancelled by someone else: that first error ({@code CancellationException} for a
     *       cancelled task) reaches the caller at once; <b>the other tasks keep running</b>, as in asyncio;</li>
     *   <li>caller cancels (including Reactor's {@code timeout()} and {@code dispose()}): every task is cancelled
     *       ({@link Task#cancel()}, a no-op on a task already done). Compare
     *       {@code gather(tasks.stream().map(Task::join).toList())}, whose cancel leaves the tasks running because
     *       a {@code join()} never cancels its task.</li>
     * </ul>
     *
     * @param <T>   the type of the tasks' values
     * @param tasks the running tasks to wait for; not null, nor any element
     * @return a Mono of every task's value in argument order, or of the first error
     * @throws NullPointerException "tasks" or "tasks[i]" if the list or an element is null
     */
    public static <T> Mono<List<T>> gatherTasks(List<? extends Task<? extends T>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        List<Task<? extends T>> checked = new ArrayList<>(tasks.size());
        List<Mono<? extends T>> joins = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            Task<? extends T> task = Objects.requireNonNull(tasks.get(i), "tasks[" + i + "]");
            checked.add(task);
            joins.add(task.join());
        }
        return Asyncio.<T>gather(joins).doOnCancel(() -> checked.forEach(Task::cancel));
    }

    /**
     * Varargs form of {@link #gatherTasks(List)}.
     *
     * @param <T>   the type of the tasks' values
     * @param tasks the tasks, in argument order; not null, nor any element
     * @return a Mono of every task's value in argument order, or of the first error
     * @throws NullPointerException "tasks" or "tasks[i]" if the array or an element is null
     */
    @SafeVarargs
    public static <T> Mono<List<T>> gatherTasks(Task<? extends T>... tasks) {
        return gatherTasks(Arrays.asList(Objects.requireNonNull(tasks, "tasks")));
    }

    /**
     * Runs every work concurrently as a task and emits every outcome, value or error, in argument order.
     * Corresponds to {@code asyncio.gather(*aws, return_exceptions=True)}.
     * <ul>
     *   <li>all done: the list of {@link Outcome}s in argument order (failures included); no works: an empty
     *       list; it never errors;</li>
     *   <li>caller cancels: every still-running task is cancelled.</li>
     * </ul>
     *
     * @param <T>   the type of the works' values
     * @param works the works to run, each started as a task once per subscription to the result; not null, nor
     *     any element
     * @return a Mono of every work's outcome in argument order; it never errors
     * @throws NullPointerException "works" or "works[i]" if the list or an element is null
     */
    public static <T> Mono<List<Outcome<T>>> gatherSettled(List<? extends Mono<? extends T>> works) {
        return Gather.outcomes(checkedWorks(works), Gather.OnFailure.SETTLE);
    }

    /**
     * Varargs form of {@link #gatherSettled(List)}.
     *
     * @param <T>   the type of the works' values
     * @param works the works, in argument order; not null, nor any element
     * @return a Mono of every work's outcome in argument order; it never errors
     * @throws NullPointerException "works" or "works[i]" if the array or an element is null
     */
    @SafeVarargs
    public static <T> Mono<List<Outcome<T>>> gatherSettled(Mono<? extends T>... works) {
        return gatherSettled(Arrays.asList(Objects.requireNonNull(works, "works")));
    }

    /**
     * As {@link #gather(List)}, but a failure first cancels every other still-running task: when the caller sees
     * the error, nothing started by this gather is still running. This is what {@code Mono.zip} and
     * {@link #taskGroup} do; asyncio's {@code gather} does not. Corresponds to {@code asyncio.gather} inside an
     * {@code asyncio.TaskGroup}.
     * <ul>
     *   <li>all succeed: the list of values in argument order; no works: an empty list;</li>
     *   <li>a work fails: the others are cancelled, then the caller gets the first error; a sibling failing in the
     *       same instant goes to {@code Hooks.onErrorDropped};</li>
     *   <li>caller cancels: every still-running task is cancelled.</li>
     * </ul>
     *
     * @param <T>   the type of the works' values
     * @param works the works to run, each started as a task once per subscription to the result; not null, nor
     *     any element
     * @return a Mono of every value in argument order, or of the first error once the other tasks are cancelled
     * @throws NullPointerException "works" or "works[i]" if the list or an element is null
     */
    public static <T> Mono<List<T>> gatherStructured(List<? extends Mono<? extends T>> works) {
        return Gather.outcomes(checkedWorks(works), Gather.OnFailure.PROPAGATE_CANCEL_SIBLINGS).map(Gather::values);
    }

    /**
     * Varargs form of {@link #gatherStructured(List)}.
     *
     * @param <T>   the type of the works' values
     * @param works the works, in argument order; not null, nor any element
     * @return a Mono of every value in argument order, or of the first error once the other tasks are cancelled
     * @throws NullPointerException "works" or "works[i]" if the array or an element is null
     */
    @SafeVarargs
    public static <T> Mono<List<T>> gatherStructured(Mono<? extends T>... works) {
        return gatherStructured(Arrays.asList(Objects.requireNonNull(works, "works")));
    }

    // ------------------------------------------------------------------------------------------ wait

    /**
     * Waits until {@code returnWhen} holds for {@code tasks} or {@code timeout} elapses, whichever is first, and
     * emits which tasks were done and which were pending at that moment. Corresponds to
     * {@code asyncio.wait(tasks, timeout=timeout, return_when=returnWhen)}.
     * <ul>
     *   <li>condition met (at subscription already, or later): the {@link WaitResult};</li>
     *   <li>timeout: the {@link WaitResult} too &mdash; <b>never a TimeoutException</b>;</li>
     *   <li>a task fails: not an error of {@code wait}; the task is in {@code done} with its exception;</li>
     *   <li>caller cancels: waiting stops.</li>
     * </ul>
     * It never cancels a task, in any case: pending tasks keep running.
     *
     * @param <T>        the type of the tasks' values
     * @param tasks      the running tasks to watch; not empty, no element null; a task listed twice counts once
     * @param returnWhen which condition ends the wait; not null
     * @param timeout    the longest to wait, {@code > 0}; not null
     * @return a Mono of the tasks done and pending when the condition was met or the timeout elapsed
     * @throws NullPointerException     "tasks", "tasks[i]", "returnWhen" or "timeout" if null
     * @throws IllegalArgumentException "tasks must not be empty", or "timeout must be positive, was D"
     */
    public static <T> Mono<WaitResult<T>> wait(Collection<? extends Task<T>> tasks, ReturnWhen returnWhen,
                                               Duration timeout) {
        return Waiting.await(checkedTasks(tasks), Objects.requireNonNull(returnWhen, "returnWhen"),
                positive(timeout, "timeout"));
    }

    /**
     * {@link #wait(Collection, ReturnWhen, Duration)} without a timeout: waits until {@code returnWhen} holds.
     *
     * @param <T>        the type of the tasks' values
     * @param tasks      the running tasks to watch; not empty, no element null; a task listed twice counts once
     * @param returnWhen which condition ends the wait; not null
     * @return a Mono of the tasks done and pending when the condition was met
     * @throws NullPointerException     "tasks", "tasks[i]" or "returnWhen" if null
     * @throws IllegalArgumentException "tasks must not be empty"
     */
    public static <T> Mono<WaitResult<T>> wait(Collection<? extends Task<T>> tasks, ReturnWhen returnWhen) {
        return Waiting.await(checkedTasks(tasks), Objects.requireNonNull(returnWhen, "returnWhen"), null);
    }

    /**
     * {@link #wait(Collection, ReturnWhen, Duration)} with {@link ReturnWhen#ALL_COMPLETED}: returns when all are
     * done or the timeout elapses. Corresponds to {@code asyncio.wait(tasks, timeout=timeout)}.
     *
     * @param <T>     the type of the tasks' values
     * @param tasks   the running tasks to watch; not empty, no element null; a task listed twice counts once
     * @param timeout the longest to wait, {@code > 0}; not null
     * @return a Mono of the tasks done and pending when all were done or the timeout elapsed
     * @throws NullPointerException     "tasks", "tasks[i]" or "timeout" if null
     * @throws IllegalArgumentException "tasks must not be empty", or "timeout must be positive, was D"
     */
    public static <T> Mono<WaitResult<T>> wait(Collection<? extends Task<T>> tasks, Duration timeout) {
        return wait(tasks, ReturnWhen.ALL_COMPLETED, timeout);
    }

    // ------------------------------------------------------------------------------------------ wait_for

    /**
     * Subscribes to {@code work} and gives it {@code timeout} to finish. Corresponds to
     * {@code asyncio.wait_for(coro, timeout)}.
     * <ul>
     *   <li>value or completion in time: passed through;</li>
     *   <li>error in time: passed through;</li>
     *   <li>timeout: the work is cancelled and the caller gets
     *       {@code TimeoutException("waitFor timed out after 1500 ms")};</li>
     *   <li>caller cancels: the work is cancelled.</li>
     * </ul>
     * To let the work go on after the timeout, as {@code wait_for(shield(x))}: {@code waitFor(shield(work), t)}.
     *
     * @param <T>     the type of the work's value
     * @param work    the work to subscribe to, once per subscription to the result; not null
     * @param timeout how long the work may take, {@code > 0}; not null
     * @return a Mono that mirrors {@code work} if it terminates in time, or fails with a {@code TimeoutException}
     * @throws NullPointerException     "work" or "timeout" if null
     * @throws IllegalArgumentException "timeout must be positive, was D"
     */
    public static <T> Mono<T> waitFor(Mono<T> work, Duration timeout) {
        Objects.requireNonNull(work, "work");
        Duration limit = positive(timeout, "timeout");
        return Mono.deferContextual(context -> {
            CancellationJoin join = CancellationJoin.open(context);
            // timeout() cancels the work before it subscribes the fallback, so the join has counted every
            // re-acquire the cancel left behind by the time settled() is subscribed.
            return work.timeout(limit, join.settled().then(Mono.error(() -> timedOut(limit))))
                    .contextWrite(join::attach);
        });
    }

    /**
     * Joins {@code task} for at most {@code timeout}; on timeout <b>cancels the task</b>, as asyncio's
     * {@code wait_for(task, timeout)} does (a plain {@code waitFor(task.join(), t)} would leave it running).
     * <ul>
     *   <li>task done in time: its value, error, or {@code CancellationException} if it was cancelled;</li>
     *   <li>timeout: the task is cancelled and the caller gets
     *       {@code TimeoutException("waitFor timed out after N ms")};</li>
     *   <li>caller cancels: the task is cancelled.</li>
     * </ul>
     *
     * @param <T>     the type of the task's value
     * @param task    the running task to join; not null
     * @param timeout how long to wait for the task, {@code > 0}; not null
     * @return a Mono of the task's value or error if it is done in time, or of a {@code TimeoutException} once the
     *     task has been cancelled
     * @throws NullPointerException     "task" or "timeout" if null
     * @throws IllegalArgumentException "timeout must be positive, was D"
     */
    public static <T> Mono<T> waitFor(Task<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task");
        Duration limit = positive(timeout, "timeout");
        return Mono.defer(() -> task.join().timeout(limit, Mono.defer(() -> {
            task.cancel();
            return cleanupSettled(task).then(Mono.error(() -> timedOut(limit)));
        }))).doOnCancel(task::cancel);
    }

    /** What a cancel of {@code task} left behind has finished (see {@link CancellationJoin}). */
    static Mono<Void> cleanupSettled(Task<?> task) {
        return task instanceof TaskImpl<?> own ? own.cleanupSettled() : Mono.empty();
    }

    private static TimeoutException timedOut(Duration limit) {
        return new TimeoutException("waitFor timed out after " + limit.toMillis() + " ms");
    }

    // ------------------------------------------------------------------------------------------ shield

    /**
     * A cancellation barrier: each subscription starts {@code work} as a task and joins it; cancelling the
     * subscription does not cancel the work. Corresponds to {@code asyncio.shield(aw)}.
     * <ul>
     *   <li>work succeeds or fails while subscribed: passed through;</li>
     *   <li>caller cancels (directly, or through a timeout such as {@code waitFor(shield(w), t)}): the caller
     *       stops waiting, the work runs to completion; a value is discarded, an error is reported through
     *       {@code Hooks.onErrorDropped} (with the caller's context) so it is never silently lost.</li>
     * </ul>
     * To shield work whose result you still want after cancelling, create a task and shield that
     * ({@link #shield(Task)}).
     *
     * @param <T>  the type of the work's value
     * @param work the work to start as a task, once per subscription to the result; not null
     * @return a Mono that mirrors the work's outcome and whose cancel leaves the work running
     * @throws NullPointerException "work" if null
     */
    public static <T> Mono<T> shield(Mono<? extends T> work) {
        Objects.requireNonNull(work, "work");
        return Mono.deferContextual(context -> {
            TaskImpl<T> task = TaskImpl.start(work, null, context);
            return task.join().doOnCancel(() -> task.whenDone(() -> reportAbandonedError(task, context)));
        });
    }

    /**
     * Joins {@code task} without ever cancelling it: {@link Task#join()} is already a cancellation barrier. The
     * task keeps its outcome, so nothing is reported anywhere when the caller leaves. Corresponds to
     * {@code asyncio.shield(task)}.
     *
     * @param <T>  the type of the task's value
     * @param task the task to join; not null
     * @return {@code task.join()}: a Mono of the task's value or error, whose cancel leaves the task running
     * @throws NullPointerException "task" if null
     */
    public static <T> Mono<T> shield(Task<T> task) {
        return Objects.requireNonNull(task, "task").join();
    }

    private static void reportAbandonedError(Task<?> task, reactor.util.context.ContextView context) {
        if (task.outcome().orElseThrow() instanceof Outcome.Failure<?> failure) {
            Operators.onErrorDropped(failure.error(), Context.of(context));
        }
    }

    // ------------------------------------------------------------------------------------- as_completed

    /**
     * Runs every work concurrently and emits the values in completion order. Corresponds to
     * {@code asyncio.as_completed(aws)}.
     * <ul>
     *   <li>all succeed: every value as it arrives, then completion (an empty work contributes no element);
     *       no works: completes empty;</li>
     *   <li>a work fails: the error ends the Flux and the other works are cancelled (asyncio would leave them
     *       running, but here no handle to them would remain);</li>
     *   <li>caller cancels: every running work is cancelled.</li>
     * </ul>
     * Plain Reactor: {@code Flux.merge} with unbounded concurrency.
     *
     * @param <T>   the type of the works' values
     * @param works the works to run, all subscribed at once per subscription to the result; not null, nor any
     *     element
     * @return a Flux of the works' values in the order they arrive, ending with the first error if one fails
     * @throws NullPointerException "works" or "works[i]" if the list or an element is null
     */
    public static <T> Flux<T> asCompleted(List<? extends Mono<? extends T>> works) {
        List<Mono<? extends T>> checked = checkedWorks(works);
        return Flux.defer(() -> Flux.fromIterable(checked).flatMap(Function.identity(), Math.max(1, checked.size())));
    }

    /**
     * Varargs form of {@link #asCompleted(List)}.
     *
     * @param <T>   the type of the works' values
     * @param works the works, in argument order; not null, nor any element
     * @return a Flux of the works' values in the order they arrive, ending with the first error if one fails
     * @throws NullPointerException "works" or "works[i]" if the array or an element is null
     */
    @SafeVarargs
    public static <T> Flux<T> asCompleted(Mono<? extends T>... works) {
        return asCompleted(Arrays.asList(Objects.requireNonNull(works, "works")));
    }

    // ------------------------------------------------------------------------------------------ TaskGroup

    /**
     * Runs {@code body} with a fresh {@link TaskGroup} and completes when the body's Mono and every task spawned
     * into the group are done. Corresponds to {@code async with asyncio.TaskGroup() as group: ...} (Python 3.11).
     * <ul>
     *   <li>all succeed: the body's value (empty if the body's Mono is empty);</li>
     *   <li>the body or a child fails: every other child and the body are cancelled, the group waits for them,
     *       then errors with the first failure, every later failure attached as suppressed; cancellations of
     *       children are not failures. The siblings are cancelled at once, on the failing thread, so a failure
     *       counts only if it happened before its task's cancel: a sibling failing on another thread in the same
     *       instant is kept as suppressed, but one whose failure is due at the same (virtual) time and has not run
     *       yet is cancelled and not reported. asyncio, which cancels on a later loop turn, reports both in its
     *       {@code ExceptionGroup};</li>
     *   <li>caller cancels: the body and all children are cancelled;</li>
     *   <li>{@code spawn} after the group shut down or closed: {@code IllegalStateException}.</li>
     * </ul>
     * No timeout of its own: wrap the result in {@link #waitFor(Mono, Duration)} (asyncio's
     * {@code async with timeout(...)}), whose cancel takes the whole group down.
     *
     * @param <R>  the type of the body's value
     * @param body called once per subscription, with the group; it may spawn children and returns the body's Mono
     * @return a Mono of the body's value once the body and every child are done, or of the first failure
     * @throws NullPointerException "body" if null (at call time); "body returned null" as the group's error
     */
    public static <R> Mono<R> taskGroup(Function<? super TaskGroup, ? extends Mono<? extends R>> body) {
        return TaskGroupImpl.run(body);
    }

    /**
     * A task group whose body only spawns children: {@code runTaskGroup(group -> { group.spawn(a);
     * group.spawn(b); })}, the same as {@link #taskGroup(Function)} with a body returning {@code Mono.empty()}.
     * Completes empty when every child is done; the termination cases are those of {@link #taskGroup(Function)},
     * and {@link TaskGroup#failures(Throwable)} lists every failure of its error. (A {@code taskGroup} overload
     * taking a {@code Consumer} would make every lambda body ambiguous, hence the name.) Corresponds to
     * {@code async with asyncio.TaskGroup() as group:} whose block only creates tasks.
     *
     * @param spawner called once per subscription, with the group, to spawn its children
     * @return a Mono that completes empty once every child is done, or fails with the first failure
     * @throws NullPointerException "spawner" if null (at call time)
     */
    public static Mono<Void> runTaskGroup(Consumer<? super TaskGroup> spawner) {
        Objects.requireNonNull(spawner, "spawner");
        return TaskGroupImpl.run(group -> {
            spawner.accept(group);
            return Mono.<Void>empty();
        });
    }

    // --------------------------------------------------------------------------------- threads, executors

    /**
     * Runs blocking {@code work} on {@code Schedulers.boundedElastic()}. Corresponds to
     * {@code asyncio.to_thread(func)} and {@code loop.run_in_executor(None, func)}.
     * <ul>
     *   <li>returns a value: that value ({@code null}: completes empty);</li>
     *   <li>throws: that exception;</li>
     *   <li>caller cancels while it runs: the worker thread is interrupted, so blocking calls that honour
     *       interruption ({@code Thread.sleep}, {@code BlockingQueue.take}, NIO channels) end early; its result or
     *       exception is then dropped. Work that ignores interruption runs to its end.</li>
     * </ul>
     *
     * @param <T>  the type of the work's result
     * @param work the blocking work, called once per subscription on a bounded-elastic thread; not null
     * @return a Mono of the work's result (empty for {@code null}), or of what it threw
     * @throws NullPointerException "work" if null
     */
    public static <T> Mono<T> toThread(Callable<? extends T> work) {
        return runOn(work, Schedulers::boundedElastic);
    }

    /**
     * Runs CPU-bound {@code work} on {@code Schedulers.parallel()} (one thread per core); same termination cases
     * as {@link #toThread(Callable)}, including interruption on cancel. Never block in it. Corresponds to
     * {@code loop.run_in_executor(ProcessPoolExecutor(), func)}: Java threads run in parallel, no process is
     * needed.
     *
     * @param <T>  the type of the work's result
     * @param work the CPU-bound work, called once per subscription on a parallel thread; not null
     * @return a Mono of the work's result (empty for {@code null}), or of what it threw
     * @throws NullPointerException "work" if null
     */
    public static <T> Mono<T> compute(Callable<? extends T> work) {
        return runOn(work, Schedulers::parallel);
    }

    /**
     * Runs {@code work} on {@code scheduler}; same termination cases as {@link #toThread(Callable)} (whether cancel
     * interrupts depends on the scheduler: Reactor's own schedulers and {@code Schedulers.fromExecutorService} do).
     *
     * @param <T>       the type of the work's result
     * @param scheduler the scheduler to run the work on; not null
     * @param work      the work, called once per subscription on {@code scheduler}; not null
     * @return a Mono of the work's result (empty for {@code null}), or of what it threw
     * @throws NullPointerException "work" or "scheduler" if null
     */
    public static <T> Mono<T> runOn(Scheduler scheduler, Callable<? extends T> work) {
        Objects.requireNonNull(scheduler, "scheduler");
        return runOn(work, () -> scheduler);
    }

    /**
     * Runs {@code work} on {@code executor}. Corresponds to {@code loop.run_in_executor(executor, func)} and
     * {@code concurrent.futures.Executor.submit}. If {@code executor} is an {@code ExecutorService}, cancel
     * interrupts the running work; a plain {@code Executor} cannot be interrupted, so the work then runs to its end
     * and its result is dropped. The executor is not shut down by this library.
     *
     * @param <T>      the type of the work's result
     * @param executor the executor to run the work on; not null
     * @param work     the work, called once per subscription on {@code executor}; not null
     * @return a Mono of the work's result (empty for {@code null}), or of what it threw
     * @throws NullPointerException "executor" or "work" if null
     */
    public static <T> Mono<T> runInExecutor(Executor executor, Callable<? extends T> work) {
        Objects.requireNonNull(executor, "executor");
        Scheduler scheduler = executor instanceof ExecutorService service
                ? Schedulers.fromExecutorService(service)
                : Schedulers.fromExecutor(executor);
        return runOn(work, () -> scheduler);
    }

    private static <T> Mono<T> runOn(Callable<? extends T> work, java.util.function.Supplier<Scheduler> scheduler) {
        Objects.requireNonNull(work, "work");
        return Mono.defer(() -> Mono.<T>fromCallable(work).subscribeOn(scheduler.get()));
    }

    // ------------------------------------------------------------------------------------------ sleep

    /**
     * Completes after {@code delay} on {@code Schedulers.parallel()}; cancelling cancels the timer. Zero is allowed
     * (asyncio's {@code sleep(0)}: yield once). Corresponds to {@code asyncio.sleep(delay)}.
     *
     * @param delay how long to wait, {@code >= 0}; not null
     * @return a Mono that completes empty after {@code delay}, timed from each subscription
     * @throws NullPointerException     "delay" if null
     * @throws IllegalArgumentException "delay must not be negative, was D"
     */
    public static Mono<Void> sleep(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        return Mono.defer(() -> Mono.delay(delay).then());
    }

    // ------------------------------------------------------------------------------------------ arguments

    private static <T> List<Mono<? extends T>> checkedWorks(List<? extends Mono<? extends T>> works) {
        Objects.requireNonNull(works, "works");
        List<Mono<? extends T>> copy = new ArrayList<>(works.size());
        for (int i = 0; i < works.size(); i++) {
            copy.add(Objects.requireNonNull(works.get(i), "works[" + i + "]"));
        }
        return copy;
    }

    private static <T> List<TaskImpl<T>> checkedTasks(Collection<? extends Task<T>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("tasks must not be empty");
        }
        LinkedHashSet<TaskImpl<T>> distinct = new LinkedHashSet<>();
        int i = 0;
        for (Task<T> task : tasks) {
            distinct.add((TaskImpl<T>) Objects.requireNonNull(task, "tasks[" + i++ + "]"));
        }
        return new ArrayList<>(distinct);
    }

    private static Duration positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
        return duration;
    }
}
