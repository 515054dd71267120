package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Ten tasks share a {@code Semaphore(2)}; each, once inside, draws a random value below 1, sleeps that many
 * seconds and reports "Task i got value". Never more than two sleep at once, and the tasks get in in the order
 * they were created.
 *
 * <p>Java twin of seed {@code 004_1ced7d117c86c6bb.txt} (SuperFastPython, section "Example of Using an Asyncio
 * Semaphore"). {@code async with semaphore} is {@link Semaphore#withPermit(Mono)}; the ten
 * {@code asyncio.create_task} calls plus {@code asyncio.wait(tasks)} are {@link Mono#when(Iterable)}. The source
 * of random values is a parameter so a test can choose them; {@link #main} uses {@link Random}, so, as in the
 * seed, the output differs on every run.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=SemaphoreTenTasks} (a few seconds, real time).
 */
public final class SemaphoreTenTasks {

    static final int TASKS = 10;

    /**
     * @param maxInFlight most tasks inside the semaphore at once (2)
     * @param elapsed     time from start until the last task finished, on the run's clock
     */
    public record Result(int maxInFlight, Duration elapsed) {
    }

    private SemaphoreTenTasks() {
    }

    public static void main(String[] args) {
        run(System.out::println, Schedulers.parallel(), new Random()::nextDouble).block();
    }

    /**
     * The seed's {@code main()}.
     *
     * @param random called once per task, inside the semaphore, for a value in [0, 1): the seconds it sleeps
     */
    public static Mono<Result> run(Consumer<String> out, Scheduler clock, DoubleSupplier random) {
        return Mono.defer(() -> {
            long start = clock.now(TimeUnit.MILLISECONDS);
            Semaphore semaphore = Semaphore.create("semaphore", 2);
            InFlight inFlight = new InFlight();
            List<Mono<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                tasks.add(task(semaphore, i, inFlight, out, clock, random));
            }
            return Mono.when(tasks).then(Mono.fromCallable(() -> new Result(inFlight.max(),
                    Duration.ofMillis(clock.now(TimeUnit.MILLISECONDS) - start))));
        });
    }

    /** The seed's {@code task(semaphore, number)} coroutine. */
    private static Mono<Void> task(Semaphore semaphore, int number, InFlight inFlight, Consumer<String> out,
                                   Scheduler clock, DoubleSupplier random) {
        return semaphore.withPermit(inFlight.count(Mono.defer(() -> {
            double value = random.getAsDouble();
            return Mono.delay(Duration.ofNanos(Math.round(value * 1e9)), clock)
                    .then(Mono.fromRunnable(() -> out.accept("Task " + number + " got " + value)));
        })));
    }
}
