package io.github.reactorasyncio.examples;

import io.github.reactorasyncio.task.Asyncio;
import io.github.reactorasyncio.task.ReturnWhen;
import io.github.reactorasyncio.task.Task;
import io.github.reactorasyncio.task.WaitResult;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** Seed 001, the four {@code wait} programs. {@code wait} never cancels: pending tasks keep running. */
public final class TaskWait {

    private TaskWait() {
    }

    static Mono<Void> foo(Story story) {
        return Asyncio.sleep(Duration.ofSeconds(1)).then(Mono.fromRunnable(() -> story.print("hello ...")));
    }

    static Mono<Void> bar(Story story) {
        return Asyncio.sleep(Duration.ofSeconds(2)).then(Mono.fromRunnable(() -> story.print("... world!")));
    }

    private static Mono<Story> helloWorld(Function<List<Task<Void>>, Mono<WaitResult<Void>>> waiting) {
        return Mono.defer(() -> {
            Story story = new Story();
            List<Task<Void>> tasks = List.of(Asyncio.createTask(foo(story)), Asyncio.createTask(bar(story)));
            return waiting.apply(tasks)
                    .doOnNext(result -> {
                        story.print("done: " + result.done());
                        story.print("pending: " + result.pending());
                        story.print("returned after " + story.elapsed().toMillis() + " ms");
                    })
                    .then(Mono.when(tasks.stream().map(Task::join).toList()))
                    .thenReturn(story);
        });
    }

    /** {@code wait({hello, world}, return_when=FIRST_COMPLETED)}: returns at 1 s; world still prints at 2 s. */
    public static Mono<Story> firstCompleted() {
        return helloWorld(tasks -> Asyncio.wait(tasks, ReturnWhen.FIRST_COMPLETED));
    }

    /** {@code wait({hello, world}, timeout=1.5)}: returns at 1.5 s with world pending, no TimeoutError. */
    public static Mono<Story> timeout() {
        return helloWorld(tasks -> Asyncio.wait(tasks, Duration.ofMillis(1500)));
    }

    /** {@code wait({hello, world}, return_when=ALL_COMPLETED)}: returns at 2 s, nothing pending. */
    public static Mono<Story> allCompleted() {
        return helloWorld(tasks -> Asyncio.wait(tasks, ReturnWhen.ALL_COMPLETED));
    }

    /**
     * task1 finishes at 2 s, task2 fails at 3 s. FIRST_COMPLETED returns at 2 s; FIRST_EXCEPTION at 3 s with the
     * failed task in {@code done} (the seed's loop over {@code pending} is a bug; the error is read from the task).
     */
    public static Mono<Story> firstException() {
        return Mono.defer(() -> {
            Story story = new Story();
            Task<Void> task1 = Asyncio.createTask(Asyncio.sleep(Duration.ofSeconds(2))
                    .then(Mono.fromRunnable(() -> story.print("Task 1 finished"))));
            Task<Void> task2 = Asyncio.createTask(Asyncio.sleep(Duration.ofSeconds(3))
                    .then(Mono.error(new IllegalArgumentException("Exception in task 2"))));
            List<Task<Void>> tasks = List.of(task1, task2);
            return Asyncio.wait(tasks, ReturnWhen.FIRST_COMPLETED)
                    .doOnNext(result -> result.done().forEach(t -> story.print("Finished: " + t.name())))
                    .then(Asyncio.wait(tasks, ReturnWhen.FIRST_EXCEPTION))
                    .doOnNext(result -> result.done().stream().filter(t -> t.exception() != null)
                            .forEach(t -> story.print("Exception in task: " + t.name() + ", " + t.exception()
                                    .getMessage() + " (at " + story.elapsed().toMillis() + " ms)")))
                    .thenReturn(story);
        });
    }

    public static void main(String[] args) {
        firstCompleted().block();
        timeout().block();
        allCompleted().block();
        firstException().block();
    }
}
