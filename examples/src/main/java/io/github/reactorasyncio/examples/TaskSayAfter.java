package io.github.reactorasyncio.examples;

import io.github.reactorasyncio.task.Asyncio;
import io.github.reactorasyncio.task.Task;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Seed 001, "say_after": awaiting two coroutines one after the other takes 1 + 2 = 3 s; starting them as tasks
 * first makes them overlap, 2 s in all.
 */
public final class TaskSayAfter {

    private TaskSayAfter() {
    }

    static Mono<Void> sayAfter(Story story, Duration delay, String message) {
        return Asyncio.sleep(delay).then(Mono.fromRunnable(() -> story.print(message)));
    }

    /** {@code await say_after(1, 'hello'); await say_after(2, 'world')}: about 3 s. */
    public static Mono<Story> sequential() {
        return Mono.defer(() -> {
            Story story = new Story();
            return sayAfter(story, Duration.ofSeconds(1), "hello")
                    .then(sayAfter(story, Duration.ofSeconds(2), "world"))
                    .then(Mono.fromRunnable(story::printTime))
                    .thenReturn(story);
        });
    }

    /** {@code task1 = create_task(...); task2 = create_task(...); await task1; await task2}: about 2 s. */
    public static Mono<Story> asTasks() {
        return Mono.defer(() -> {
            Story story = new Story();
            Task<Void> task1 = Asyncio.createTask(sayAfter(story, Duration.ofSeconds(1), "hello"));
            Task<Void> task2 = Asyncio.createTask(sayAfter(story, Duration.ofSeconds(2), "world"));
            return task1.join().then(task2.join())
                    .then(Mono.fromRunnable(story::printTime))
                    .thenReturn(story);
        });
    }

    public static void main(String[] args) {
        sequential().block();
        asTasks().block();
    }
}
