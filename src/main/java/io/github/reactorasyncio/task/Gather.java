package io.github.reactorasyncio.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The engine behind the three gather operators: start every work as a task, collect the outcomes in argument
 * order, and decide on the first failure according to an {@link OnFailure} policy.
 *
 * <p>Concurrency: task callbacks arrive on whatever threads the works signal on; {@code finished} is the single
 * arbiter of who terminates the caller's sink (a failure, the last success, or the caller's cancel).
 *
 * <p>Cancellation: the caller cancelling cancels every task that is still running. Once the caller got its answer
 * the tasks are orphans; an orphan's later error is reported to {@code Hooks.onErrorDropped} because nobody holds
 * a handle to retrieve it.
 */
final class Gather {

    enum OnFailure {
        /** asyncio's default: the caller gets the first error at once; the other tasks keep running. */
        PROPAGATE_KEEP_RUNNING,
        /** return_exceptions=True: a failure is just another outcome. */
        SETTLE,
        /** Structured: the caller gets the first error after the other tasks were cancelled. */
        PROPAGATE_CANCEL_SIBLINGS
    }

    private Gather() {
    }

    static <T> Mono<List<Outcome<T>>> outcomes(List<Mono<? extends T>> works, OnFailure onFailure) {
        return Mono.create(sink -> {
            if (works.isEmpty()) {
                sink.success(List.of());
                return;
            }
            List<TaskImpl<T>> tasks = new ArrayList<>(works.size());
            for (Mono<? extends T> work : works) {
                tasks.add(TaskImpl.create(work, null, sink.contextView()));
            }
            Run<T> run = new Run<>(tasks, onFailure, sink);
            sink.onCancel(run::callerCancelled);
            for (TaskImpl<T> task : tasks) {
                task.whenDone(() -> run.taskDone(task));
            }
            tasks.forEach(TaskImpl::start);
        });
    }

    static <T> List<T> values(List<Outcome<T>> outcomes) {
        List<T> values = new ArrayList<>(outcomes.size());
        for (Outcome<T> outcome : outcomes) {
            values.add(((Outcome.Success<T>) outcome).value());
        }
        return Collections.unmodifiableList(values);
    }

    private static final class Run<T> {
        private final List<TaskImpl<T>> tasks;
        private final OnFailure onFailure;
        private final MonoSink<List<Outcome<T>>> caller;
        /** Tasks whose outcome still counts towards a successful end; the caller is answered when it hits zero. */
        private final AtomicInteger remaining;
        /** Set once by whoever terminates the caller's sink, or by the caller's cancel. */
        private final AtomicBoolean finished = new AtomicBoolean();

        Run(List<TaskImpl<T>> tasks, OnFailure onFailure, MonoSink<List<Outcome<T>>> caller) {
            this.tasks = tasks;
            this.onFailure = onFailure;
            this.caller = caller;
            this.remaining = new AtomicInteger(tasks.size());
        }

        void taskDone(TaskImpl<T> task) {
            Outcome<T> outcome = task.outcome().orElseThrow();
            if (outcome instanceof Outcome.Failure<T> failure && onFailure != OnFailure.SETTLE) {
                if (finished.compareAndSet(false, true)) {
                    if (onFailure == OnFailure.PROPAGATE_CANCEL_SIBLINGS) {
                        tasks.forEach(TaskImpl::cancel);
                        // As asyncio's cancelled tasks finish their cleanup before the gather raises: a Condition
                        // await cancelled in a sibling has its lock back first (see CancellationJoin).
                        Mono.when(tasks.stream().map(TaskImpl::cleanupSettled).toList())
                                .subscribe(null, null, () -> caller.error(failure.error()));
                    } else {
                        caller.error(failure.error());
                    }
                } else if (!task.isCancelled()) {
                    Operators.onErrorDropped(failure.error(), Context.of(caller.contextView()));
                }
                return;
            }
            if (remaining.decrementAndGet() == 0 && finished.compareAndSet(false, true)) {
                List<Outcome<T>> outcomes = new ArrayList<>(tasks.size());
                for (TaskImpl<T> each : tasks) {
                    outcomes.add(each.outcome().orElseThrow());
                }
                caller.success(Collections.unmodifiableList(outcomes));
            }
        }

        void callerCancelled() {
            if (finished.compareAndSet(false, true)) {
                tasks.forEach(TaskImpl::cancel);
            }
        }
    }
}
