package io.github.reactorasyncio.task;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * asyncio.wait: watch tasks until a {@link ReturnWhen} condition or a timeout holds, then report done/pending.
 *
 * <p>Concurrency: task callbacks and the timer race; {@code answered} lets exactly one of them answer.
 * Cancellation: the caller cancelling forgets the callbacks and the timer; the tasks are never touched.
 */
final class Waiting {

    private Waiting() {
    }

    static <T> Mono<WaitResult<T>> await(List<TaskImpl<T>> tasks, ReturnWhen returnWhen, Duration timeout) {
        return Mono.create(sink -> {
            AtomicBoolean answered = new AtomicBoolean();
            Disposable.Composite watchers = Disposables.composite();
            sink.onCancel(() -> {
                answered.set(true);
                watchers.dispose();
            });
            Runnable answer = () -> {
                if (answered.compareAndSet(false, true)) {
                    watchers.dispose();
                    sink.success(snapshot(tasks));
                }
            };
            if (timeout != null) {
                watchers.add(Mono.delay(timeout).subscribe(tick -> answer.run()));
            }
            for (TaskImpl<T> task : tasks) {
                watchers.add(task.whenDone(() -> {
                    if (satisfied(tasks, returnWhen)) {
                        answer.run();
                    }
                }));
            }
        });
    }

    private static boolean satisfied(List<? extends TaskImpl<?>> tasks, ReturnWhen returnWhen) {
        boolean allDone = true;
        for (TaskImpl<?> task : tasks) {
            if (!task.isDone()) {
                allDone = false;
            } else if (returnWhen == ReturnWhen.FIRST_COMPLETED
                    || returnWhen == ReturnWhen.FIRST_EXCEPTION && failedWithError(task)) {
                return true;
            }
        }
        return allDone;
    }

    private static boolean failedWithError(TaskImpl<?> task) {
        return !task.isCancelled() && task.outcome().orElseThrow() instanceof Outcome.Failure<?>;
    }

    private static <T> WaitResult<T> snapshot(List<TaskImpl<T>> tasks) {
        Set<Task<T>> done = new LinkedHashSet<>();
        Set<Task<T>> pending = new LinkedHashSet<>();
        for (TaskImpl<T> task : tasks) {
            (task.isDone() ? done : pending).add(task);
        }
        return new WaitResult<>(done, pending);
    }
}
