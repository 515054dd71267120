package io.github.reactorasyncio.examples;

import io.github.reactorasyncio.task.Asyncio;
import io.github.reactorasyncio.task.Task;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/** Seed 001, the three {@code wait_for} programs. */
public final class TaskWaitFor {

    private TaskWaitFor() {
    }

    /** {@code wait_for(fast_func(), timeout=5.0)} where fast_func sleeps 360 s: times out at 5 s. */
    public static Mono<Story> slowFunction() {
        return Mono.defer(() -> {
            Story story = new Story();
            Mono<Void> fastFunc = Asyncio.sleep(Duration.ofSeconds(360))
                    .then(Mono.fromRunnable(() -> story.print("I do not take long")));
            return Asyncio.waitFor(fastFunc, Duration.ofSeconds(5))
                    .onErrorResume(TimeoutException.class, e -> Mono.fromRunnable(
                            () -> story.print("Not very fast, is it ... (" + e.getMessage() + ")")))
                    .thenReturn(story);
        });
    }

    /** {@code receive_message}: sending takes 5 s, the reply is awaited for 3 s; the send is cancelled. */
    public static Mono<Story> receiveMessage() {
        return Mono.defer(() -> {
            Story story = new Story();
            int userId = 123;
            Mono<Void> sendMessage = Mono.fromRunnable(() -> story.print("Sending 'Hello!' to user " + userId))
                    .then(Asyncio.sleep(Duration.ofSeconds(5)))
                    .then(Mono.fromRunnable(() -> story.print("Message 'Hello!' delivered to user " + userId)));
            return Asyncio.waitFor(sendMessage, Duration.ofSeconds(3))
                    .then(Mono.fromRunnable(() -> story.print("Got the reply: Hello!")))
                    .onErrorResume(TimeoutException.class, e -> Mono.fromRunnable(
                            () -> story.print("Timed out waiting for user " + userId)))
                    .then(Asyncio.sleep(Duration.ofSeconds(3)))
                    .thenReturn(story);
        });
    }

    /**
     * {@code task.cancel(); await shield(wait_for(task, timeout=5))} after 5 s: the task was cancelled before
     * anything shielded it, so the caller gets the cancellation (asyncio's {@code CancelledError}).
     */
    public static Mono<Story> shieldAfterCancel() {
        return Mono.defer(() -> {
            Story story = new Story();
            Task<Void> task = Asyncio.createTask(Mono.fromRunnable(() -> story.print("Sending an important message"))
                    .then(Asyncio.sleep(Duration.ofSeconds(7))));
            return Asyncio.sleep(Duration.ofSeconds(5))
                    .then(Mono.fromRunnable(task::cancel))
                    .then(Asyncio.shield(Asyncio.waitFor(task, Duration.ofSeconds(5))))
                    .then(Mono.fromRunnable(() -> story.print("Sent!")))
                    .onErrorResume(TimeoutException.class, e -> Mono.fromRunnable(
                            () -> story.print("The important message timed out")))
                    .onErrorResume(CancellationException.class, e -> Mono.fromRunnable(
                            () -> story.print("CancelledError: " + e.getMessage())))
                    .thenReturn(story);
        });
    }

    public static void main(String[] args) {
        slowFunction().block();
        receiveMessage().block();
        shieldAfterCancel().block();
    }
}
