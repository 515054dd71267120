package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.reactorasyncio.sync.Condition;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Two workers take a {@link Condition}'s lock and wait on it (which gives the lock up); after 5 s a third task
 * takes the lock and wakes them all. Each worker gets the lock back before it continues, so their 1 s of work
 * under the lock runs one after the other: the first finishes at 6 s, the second at 7 s.
 *
 * <p>Java twin of seed {@code 001_30140f3da4ba40e1.txt}, section "{@code asyncio.Condition}" ({@code do_work} /
 * {@code fire_event}; printed lines translated from Russian). {@code async with condition} is
 * {@link Condition#withLock(Mono)}, {@code await condition.wait()} is {@link Condition#await()},
 * {@code condition.notify_all()} is {@link Condition#signalAll()}. The seed starts {@code fire_event} with
 * {@code create_task} and gathers only the two workers; here it is part of the {@link Mono#when}, which changes
 * nothing since it is over at 5 s.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=ConditionExample} (7 s, real time).
 */
public final class ConditionExample {

    private static final Duration FIRE_AFTER = Duration.ofSeconds(5);
    private static final Duration WORK = Duration.ofSeconds(1);

    /**
     * @param elapsed time from start until both workers finished, on the run's clock (7 s)
     */
    public record Result(Duration elapsed) {
    }

    private ConditionExample() {
    }

    public static void main(String[] args) {
        run(System.out::println, Schedulers.parallel()).block();
    }

    /** The seed's {@code main()}. */
    public static Mono<Result> run(Consumer<String> out, Scheduler clock) {
        return Mono.defer(() -> {
            long start = clock.now(TimeUnit.MILLISECONDS);
            Condition condition = Condition.create();
            return Mono.when(fireEvent(condition, out, clock), doWork(condition, out, clock),
                            doWork(condition, out, clock))
                    .then(Mono.fromCallable(() -> new Result(
                            Duration.ofMillis(clock.now(TimeUnit.MILLISECONDS) - start))));
        });
    }

    private static Mono<Void> doWork(Condition condition, Consumer<String> out, Scheduler clock) {
        return Mono.defer(() -> {
            out.accept("do_work: acquiring the condition lock...");
            return condition.withLock(Mono.fromRunnable(() ->
                            out.accept("do_work: Lock acquired, releasing it and waiting for the condition..."))
                    .then(condition.await())
                    .then(Mono.fromRunnable(() ->
                            out.accept("do_work: Condition met, lock re-acquired, starting work...")))
                    .then(Mono.delay(WORK, clock))
                    .then(Mono.fromRunnable(() -> out.accept("do_work: Work finished, lock released."))));
        });
    }

    private static Mono<Void> fireEvent(Condition condition, Consumer<String> out, Scheduler clock) {
        return Mono.delay(FIRE_AFTER, clock)
                .then(Mono.fromRunnable(() -> out.accept("fire_event: acquiring the condition lock...")))
                .then(condition.withLock(Mono.fromRunnable(() -> {
                    out.accept("fire_event: Lock acquired, notifying all workers");
                    condition.signalAll();
                    out.accept("fire_event: Workers notified, releasing the lock.");
                })));
    }
}
