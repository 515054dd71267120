package io.github.reactorasyncio.examples;

import io.github.reactorasyncio.task.Asyncio;
import io.github.reactorasyncio.task.Task;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import reactor.core.publisher.Mono;

/**
 * Seed 001, {@code asyncio.Future}/{@code ensure_future}: a {@link Task} is the future holding a running
 * operation's result. Awaiting it after a 1 s sleep still finishes at 2 s, because it started at creation.
 */
public final class TaskFuture {

    private TaskFuture() {
    }

    static Mono<String> slowOperation(String result) {
        return Asyncio.sleep(Duration.ofSeconds(2)).thenReturn(result);
    }

    /** {@code future = ensure_future(slow_operation()); await sleep(1); print(await future)}. */
    public static Mono<Story> ensureFuture() {
        return Mono.defer(() -> {
            Story story = new Story();
            Task<String> future = Asyncio.createTask(slowOperation("Done!"));
            return Asyncio.sleep(Duration.ofSeconds(1))
                    .then(future.join())
                    .doOnNext(story::print)
                    .then(Mono.fromRunnable(story::printTime))
                    .thenReturn(story);
        });
    }

    /** {@code futures = [ensure_future(slow_operation(i)) for i in range(3)]; await gather(*futures)}. */
    public static Mono<Story> gatherFutures() {
        return Mono.defer(() -> {
            Story story = new Story();
            List<Task<String>> futures = IntStream.range(0, 3)
                    .mapToObj(i -> Asyncio.createTask(slowOperation("Operation " + i + " finished")))
                    .toList();
            return Asyncio.gather(futures.stream().map(Task::join).toList())
                    .doOnNext(results -> results.forEach(story::print))
                    .then(Mono.fromRunnable(story::printTime))
                    .thenReturn(story);
        });
    }

    public static void main(String[] args) {
        ensureFuture().block();
        gatherFutures().block();
    }
}
