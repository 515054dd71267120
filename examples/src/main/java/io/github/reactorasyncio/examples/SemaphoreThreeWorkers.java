package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.reactorasyncio.sync.Permit;
import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Three workers on a {@code Semaphore(2)}, each holding it for 3 s: two get in at once, and the third gets in when
 * the first of them releases; everything is over after 6 s.
 *
 * <p>Java twin of seed {@code 003_b48f01aa8fe97e22.txt} (Elliot Forbes, "Asyncio Semaphores and Bounded Semaphores
 * Tutorial", section "Implementation"). The seed's explicit {@code await semaphore.acquire()} …
 * {@code semaphore.release()} pair is {@link Semaphore#acquire()} and {@link Permit#release()}, held with
 * {@link Mono#usingWhen} so the permit goes back on error and cancel too (that is exactly what
 * {@link Semaphore#withPermit(Mono)} packages); {@code asyncio.wait([...])} is {@link Mono#when}.
 *
 * <p>One difference from the seed's printed output: at 3 s the third worker's "Successfully acquired the
 * semaphore" comes right after the first "Releasing Semaphore", not after both. A released permit is handed to
 * the next waiter at once, on the releasing thread; asyncio wakes the waiter on the loop's next iteration, after
 * the second worker's timer (due at the same instant) has already run. In real time the two timers fire on
 * different threads, so either order can appear.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=SemaphoreThreeWorkers} (6 s, real time).
 */
public final class SemaphoreThreeWorkers {

    private static final Duration HOLD = Duration.ofSeconds(3);

    /**
     * @param maxInFlight most workers holding the semaphore at once (2)
     * @param elapsed     time from start to "All Workers Completed" on the run's clock (6 s)
     */
    public record Result(int maxInFlight, Duration elapsed) {
    }

    private SemaphoreThreeWorkers() {
    }

    public static void main(String[] args) {
        run(System.out::println, Schedulers.parallel()).block();
    }

    /** The seed's program: {@code main(loop)} and the lines after {@code run_until_complete}. */
    public static Mono<Result> run(Consumer<String> out, Scheduler clock) {
        return Mono.defer(() -> {
            long start = clock.now(TimeUnit.MILLISECONDS);
            Semaphore mySemaphore = Semaphore.create("mySemaphore", 2);
            InFlight inFlight = new InFlight();
            Mono<Void> main = Mono.when(
                            myWorker(mySemaphore, inFlight, out, clock),
                            myWorker(mySemaphore, inFlight, out, clock),
                            myWorker(mySemaphore, inFlight, out, clock))
                    .then(Mono.fromRunnable(() -> out.accept("Main Coroutine")));
            return main.then(Mono.fromCallable(() -> {
                out.accept("All Workers Completed");
                return new Result(inFlight.max(), Duration.ofMillis(clock.now(TimeUnit.MILLISECONDS) - start));
            }));
        });
    }

    /** The seed's {@code myWorker(semaphore)}. */
    private static Mono<Void> myWorker(Semaphore semaphore, InFlight inFlight, Consumer<String> out,
                                       Scheduler clock) {
        return Mono.usingWhen(
                semaphore.acquire(),
                permit -> inFlight.count(Mono.fromRunnable(() -> out.accept("Successfully acquired the semaphore"))
                        .then(Mono.delay(HOLD, clock))
                        .then(Mono.fromRunnable(() -> out.accept("Releasing Semaphore")))),
                permit -> Mono.fromRunnable(permit::release));
    }
}
