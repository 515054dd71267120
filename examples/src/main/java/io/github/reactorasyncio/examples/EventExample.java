package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.reactorasyncio.sync.Event;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One coroutine waits for an {@link Event}; another sets it after 10 s, which wakes the first.
 *
 * <p>Java twin of seed {@code 001_30140f3da4ba40e1.txt}, section "{@code asyncio.Event}" ({@code coro1} /
 * {@code coro2}). {@code await event.wait()} is {@link Event#await()}, {@code event.set()} is {@link Event#set()},
 * the two {@code create_task} calls plus {@code gather} are {@link Mono#when}. The waiter resumes on the thread
 * that calls {@code set()}, right after it: "coro1: Event has been set" follows "coro2: Setting the event".
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=EventExample} (10 s, real time).
 */
public final class EventExample {

    private static final Duration DELAY = Duration.ofSeconds(10);

    /**
     * @param elapsed time from start until both coroutines finished, on the run's clock (10 s)
     * @param setAtEnd whether the event is set at the end (true)
     */
    public record Result(Duration elapsed, boolean setAtEnd) {
    }

    private EventExample() {
    }

    public static void main(String[] args) {
        run(System.out::println, Schedulers.parallel()).block();
    }

    /** The seed's {@code main()}. */
    public static Mono<Result> run(Consumer<String> out, Scheduler clock) {
        return Mono.defer(() -> {
            long start = clock.now(TimeUnit.MILLISECONDS);
            Event event = Event.create("event");
            return Mono.when(coro1(event, out), coro2(event, out, clock))
                    .then(Mono.fromCallable(() -> new Result(
                            Duration.ofMillis(clock.now(TimeUnit.MILLISECONDS) - start), event.isSet())));
        });
    }

    private static Mono<Void> coro1(Event event, Consumer<String> out) {
        return Mono.fromRunnable(() -> out.accept("coro1: Waiting for the event to be set"))
                .then(event.await())
                .then(Mono.fromRunnable(() -> out.accept("coro1: Event has been set")));
    }

    private static Mono<Void> coro2(Event event, Consumer<String> out, Scheduler clock) {
        return Mono.delay(DELAY, clock)
                .then(Mono.fromRunnable(() -> {
                    out.accept("coro2: Setting the event");
                    event.set();
                }));
    }
}
