package io.github.reactorasyncio.examples;

import io.github.reactorasyncio.task.Asyncio;
import io.github.reactorasyncio.task.Task;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Seed 001, {@code shield}: another task cancels the shield after 0.5 s; the real task does not notice and
 * finishes at 2 s.
 */
public final class TaskShield {

    private TaskShield() {
    }

    public static Mono<Story> run() {
        return Mono.defer(() -> {
            Story story = new Story();
            Task<Void> realTask = Asyncio.createTask(Mono.fromRunnable(() -> story.print("Task started..."))
                    .then(Asyncio.sleep(Duration.ofSeconds(2)))
                    .then(Mono.fromRunnable(() -> story.print("What did they want to do with me?"))));
            Task<Void> shield = Asyncio.createTask(Asyncio.shield(realTask));
            Asyncio.createTask(Asyncio.sleep(Duration.ofMillis(500)).then(Mono.fromRunnable(() -> {
                shield.cancel();
                story.print("Cancel!");
            })));
            return realTask.join()
                    .then(Mono.fromRunnable(() -> story.print("shield cancelled: " + shield.isCancelled()
                            + ", real task cancelled: " + realTask.isCancelled())))
                    .thenReturn(story);
        });
    }

    public static void main(String[] args) {
        run().block();
    }
}
