package io.github.reactorasyncio.examples;

import io.github.reactorasyncio.task.Asyncio;
import io.github.reactorasyncio.task.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Seed 001, {@code gather} with and without {@code return_exceptions} when connecting to user 4 fails. Without it
 * the caller gets the error at once, yet users 1-3 still get their message (the other tasks keep running, as in
 * asyncio); with it, the caller gets {@code [null, null, null, IOException]}.
 */
public final class TaskGather {

    static final List<Integer> ID_LIST = List.of(1, 2, 3, 4);

    private TaskGather() {
    }

    static Mono<Void> connectToUser(Story story, int userId) {
        return Mono.defer(() -> {
            story.print("Connecting to " + userId);
            if (userId == 4) {
                return Mono.error(new IOException("Cannot connect to " + userId));
            }
            return Asyncio.sleep(Duration.ofSeconds(1))
                    .then(Mono.fromRunnable(() -> story.print("Sending command test to user " + userId)))
                    .then(Asyncio.sleep(Duration.ofSeconds(1)));
        });
    }

    /** {@code await gather(*coroutines, return_exceptions=False)}, then 2 s more to watch the survivors. */
    public static Mono<Story> failFast() {
        return Mono.defer(() -> {
            Story story = new Story();
            return Asyncio.gather(ID_LIST.stream().map(id -> connectToUser(story, id)).toList())
                    .doOnError(error -> story.print("Caller got " + error + " at " + story.elapsed()))
                    .onErrorResume(error -> Asyncio.sleep(Duration.ofSeconds(2)).then(Mono.empty()))
                    .thenReturn(story);
        });
    }

    /** {@code await gather(*coroutines, return_exceptions=True)}. */
    public static Mono<Story> returnExceptions() {
        return Mono.defer(() -> {
            Story story = new Story();
            return Asyncio.gatherSettled(ID_LIST.stream().map(id -> connectToUser(story, id)).toList())
                    .doOnNext(outcomes -> story.print(outcomes.stream()
                            .map(outcome -> outcome instanceof Outcome.Failure<?> failure
                                    ? failure.error().toString()
                                    : String.valueOf(((Outcome.Success<?>) outcome).value()))
                            .toList().toString()))
                    .thenReturn(story);
        });
    }

    public static void main(String[] args) {
        failFast().block();
        returnExceptions().block();
    }
}
