package io.github.reactorasyncio.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One run of a task group: the body and every child are tasks; the group answers when all of them are done.
 *
 * <p>Concurrency: all state is guarded by {@code this}; tasks are cancelled and the caller is signalled outside
 * the monitor so no user code runs while it is held.
 *
 * <p>Cancellation: the first failure (body or child, other than a cancellation) or the caller's cancel moves the
 * group to SHUTTING_DOWN and cancels the body and every running child. Cancelled tasks end at once, so the group
 * finishes right after.
 */
final class TaskGroupImpl implements TaskGroup {

    private enum State { OPEN, SHUTTING_DOWN, CLOSED }

    private final MonoSink<Object> caller;

    /** OPEN -> SHUTTING_DOWN -> CLOSED, or OPEN -> CLOSED; never backwards. Guarded by this. */
    private State state = State.OPEN;

    /** Tasks (body included) not yet done. Guarded by this; the group closes when it becomes empty. */
    private final List<TaskImpl<?>> running = new ArrayList<>();

    /** Failures in the order they happened; the first one carries the others as suppressed. Guarded by this. */
    private final List<Throwable> failures = new ArrayList<>();

    /** Children the group cancelled: it signals a failure only once their cleanup has finished. Guarded by this. */
    private final List<TaskImpl<?>> cancelledByGroup = new ArrayList<>();

    /** Guarded by this. */
    private boolean callerCancelled;

    /** The task running the body function's Mono; its value is the group's value. Guarded by this. */
    private TaskImpl<?> body;

    private TaskGroupImpl(MonoSink<Object> caller) {
        this.caller = caller;
    }

    @SuppressWarnings("unchecked")
    static <R> Mono<R> run(Function<? super TaskGroup, ? extends Mono<? extends R>> body) {
        Objects.requireNonNull(body, "body");
        return Mono.<Object>create(sink -> {
            TaskGroupImpl group = new TaskGroupImpl(sink);
            sink.onCancel(group::callerCancelled);
            TaskImpl<R> bodyTask = TaskImpl.create(
                    Mono.defer(() -> Objects.requireNonNull(body.apply(group), "body returned null")),
                    "TaskGroup-body", sink.contextView());
            group.registerBody(bodyTask);
            bodyTask.whenDone(() -> group.taskDone(bodyTask));
            bodyTask.start();
        }).map(value -> (R) value);
    }

    private synchronized void registerBody(TaskImpl<?> task) {
        body = task;
        running.add(task);
    }

    @Override
    public <T> Task<T> spawn(Mono<? extends T> work) {
        Objects.requireNonNull(work, "work");
        return spawnNamed(work, null);
    }

    @Override
    public <T> Task<T> spawn(Mono<? extends T> work, String name) {
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(name, "name");
        return spawnNamed(work, name);
    }

    private <T> Task<T> spawnNamed(Mono<? extends T> work, String name) {
        TaskImpl<T> task;
        synchronized (this) {
            if (state != State.OPEN) {
                throw new IllegalStateException("TaskGroup is " + (state == State.CLOSED ? "closed" : "shutting down")
                        + ": cannot spawn a task");
            }
            task = TaskImpl.create(work, name, caller.contextView());
            running.add(task);
        }
        task.whenDone(() -> taskDone(task));
        task.start();
        return task;
    }

    private void taskDone(TaskImpl<?> task) {
        List<TaskImpl<?>> toCancel = List.of();
        boolean closed;
        synchronized (this) {
            running.remove(task);
            Outcome<?> outcome = task.outcome().orElseThrow();
            if (outcome instanceof Outcome.Failure<?> failure && !task.isCancelled()) {
                failures.add(failure.error());
                if (state == State.OPEN) {
                    state = State.SHUTTING_DOWN;
                    toCancel = new ArrayList<>(running);
                    cancelledByGroup.addAll(toCancel);
                }
            }
            closed = running.isEmpty();
            if (closed) {
                state = State.CLOSED;
            }
        }
        toCancel.forEach(TaskImpl::cancel);
        if (closed) {
            answer();
        }
    }

    private void callerCancelled() {
        List<TaskImpl<?>> toCancel;
        synchronized (this) {
            callerCancelled = true;
            if (state != State.OPEN) {
                return;
            }
            state = State.SHUTTING_DOWN;
            toCancel = new ArrayList<>(running);
            cancelledByGroup.addAll(toCancel);
        }
        toCancel.forEach(TaskImpl::cancel);
    }

    private void answer() {
        Throwable failure;
        boolean cancelled;
        Outcome<?> bodyOutcome;
        List<Mono<Void>> cleanups;
        synchronized (this) {
            cleanups = cancelledByGroup.stream().map(TaskImpl::cleanupSettled).toList();
            failure = combined(failures);
            cancelled = callerCancelled;
            bodyOutcome = body.outcome().orElseThrow();
        }
        if (cancelled) {
            if (failure != null) {
                Operators.onErrorDropped(failure, Context.of(caller.contextView()));
            }
        } else if (failure != null) {
            // As asyncio's TaskGroup raises only after its cancelled children finished their cleanup: a Condition
            // await cancelled in one has its lock back first (see CancellationJoin).
            Mono.when(cleanups).subscribe(null, null, () -> caller.error(failure));
        } else {
            // No failure and no caller cancel means nobody cancelled the body: it succeeded (null: completed empty).
            caller.success(((Outcome.Success<?>) bodyOutcome).value());
        }
    }

    private static Throwable combined(List<Throwable> failures) {
        if (failures.isEmpty()) {
            return null;
        }
        Throwable first = failures.get(0);
        for (Throwable other : failures.subList(1, failures.size())) {
            if (other != first) {
                first.addSuppressed(other);
            }
        }
        return first;
    }

    @Override
    public synchronized String toString() {
        return "TaskGroup[state=" + state + ", running=" + running.size() + ", failures=" + failures.size() + "]";
    }
}
