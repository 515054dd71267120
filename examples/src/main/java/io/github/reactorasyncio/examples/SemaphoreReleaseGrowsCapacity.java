package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * "Two acquires, three releases", then "three acquires": a release nobody acquired for makes the semaphore
 * bigger, so afterwards three holders get in at once on a {@code Semaphore(2)}.
 *
 * <p>Java twin of seed {@code 000_ec10745fc4071faf.txt}, section "Semaphore problem" (printed lines translated
 * from Russian). {@code async with semaphore} is {@link Semaphore#withPermit(Mono)}; the raw
 * {@code semaphore.release()} is {@link Semaphore#release()}; {@code asyncio.gather} is {@link Mono#when}. The
 * semaphore's {@code toString()} is printed at the key moments (indented lines).
 *
 * <p>What the state lines show: right after the stray release the semaphore reads {@code available=1/2} while
 * two holders are inside; the capacity only becomes 3 when the holders give their permits back and the last
 * release finds every permit already free. From then on it is a {@code Semaphore(3)}, which is why the second
 * round lets all three in at 5 s and the program ends at 10 s, not 15 s. {@code BoundedSemaphore} refuses the
 * stray release instead: see {@link BoundedSemaphoreOverRelease}.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=SemaphoreReleaseGrowsCapacity} (10 s, real time).
 */
public final class SemaphoreReleaseGrowsCapacity {

    private static final Duration HOLD = Duration.ofSeconds(5);

    /**
     * What the run measured.
     *
     * @param firstRoundMax  most holders at once in "two acquires, three releases" (2)
     * @param secondRoundMax most holders at once in "three acquires" (3: the stray release grew the semaphore)
     * @param finalCapacity  the semaphore's capacity at the end (3)
     * @param elapsed        time from start to end on the run's clock (10 s)
     */
    public record Result(int firstRoundMax, int secondRoundMax, int finalCapacity, Duration elapsed) {
    }

    private SemaphoreReleaseGrowsCapacity() {
    }

    public static void main(String[] args) {
        run(System.out::println, Schedulers.parallel()).block();
    }

    /**
     * The seed's {@code main()}: prints through {@code out}, sleeps on {@code clock}.
     */
    public static Mono<Result> run(Consumer<String> out, Scheduler clock) {
        return Mono.defer(() -> {
            long start = clock.now(TimeUnit.MILLISECONDS);
            Semaphore semaphore = Semaphore.create("semaphore", 2);
            InFlight firstRound = new InFlight();
            InFlight secondRound = new InFlight();
            Mono<Void> state = Mono.fromRunnable(() -> out.accept("    " + semaphore));
            return Mono.fromRunnable(() -> out.accept("Two acquires, three releases..."))
                    .then(state)
                    .then(Mono.when(
                            acquire(semaphore, firstRound, out, clock),
                            acquire(semaphore, firstRound, out, clock),
                            release(semaphore, out)))
                    .then(state)
                    .then(Mono.fromRunnable(() -> out.accept("Three acquires...")))
                    // The snapshot is subscribed after the three acquires, which all got their permit at once.
                    .then(Mono.when(
                            acquire(semaphore, secondRound, out, clock),
                            acquire(semaphore, secondRound, out, clock),
                            acquire(semaphore, secondRound, out, clock),
                            state))
                    .then(state)
                    .then(Mono.fromCallable(() -> new Result(firstRound.max(), secondRound.max(),
                            semaphore.statistics().capacity(),
                            Duration.ofMillis(clock.now(TimeUnit.MILLISECONDS) - start))));
        });
    }

    /** The seed's {@code acquire(semaphore)} coroutine. */
    private static Mono<Void> acquire(Semaphore semaphore, InFlight inFlight, Consumer<String> out, Scheduler clock) {
        return Mono.defer(() -> {
            out.accept("Waiting to acquire");
            return semaphore.withPermit(inFlight.count(Mono.fromRunnable(() -> out.accept("Acquired"))
                    .then(Mono.delay(HOLD, clock))));
        }).then(Mono.fromRunnable(() -> out.accept("Releasing")));
    }

    /** The seed's {@code release(semaphore)} coroutine: a release without an acquire. */
    private static Mono<Void> release(Semaphore semaphore, Consumer<String> out) {
        return Mono.fromRunnable(() -> {
            out.accept("Single release!");
            semaphore.release();
            out.accept("Single release - done!");
            out.accept("    " + semaphore);
        });
    }
}
