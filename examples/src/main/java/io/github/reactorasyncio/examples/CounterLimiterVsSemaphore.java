package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Limiting 10 requests to 3 at a time with a counter and a busy-wait loop, versus with a {@code Semaphore(3)}.
 *
 * <p>Java twin of seed {@code 002_4949ed98eb5961fb.txt} ("Unlocking the power of asyncio Semaphore"), all three of
 * its programs, with the network replaced by a simulated request ({@link Mono#delay} of 250 ms, no I/O; its
 * real-HTTP twin is {@link FetchCounterLimiter}, which runs these same programs against the demo server):
 * <ol>
 *   <li><b>counter</b>: {@code while connections >= limit: await asyncio.sleep(0.1)}, then {@code connections += 1},
 *       the request, {@code connections -= 1};</li>
 *   <li><b>counter + Lock</b>: the same with the two updates inside {@code async with connections_lock};</li>
 *   <li><b>counter + Lock, await before the increment</b>: program 2 with one more {@code await} between the
 *       check and the increment (a log call, a metric, a refactoring);</li>
 *   <li><b>Semaphore(3)</b>: {@code async with sem: await request()}, i.e. {@link Semaphore#withPermit(Mono)}.</li>
 * </ol>
 * Each prints one line: the most requests seen in flight at once (measured around the request itself, not read
 * from the counter), how many times a waiting request woke up to re-check the counter, how many of those found
 * the limit still reached, and how long the 10 requests took.
 *
 * <p>What it shows, on the deterministic single-threaded loop the test uses (the real-time figures are close):
 * <ul>
 *   <li>The counter polls: 36 wake-ups, 29 of them for nothing; and a freed slot stays idle until the next poll,
 *       so 10 requests take 1150 ms instead of 1000 ms.</li>
 *   <li>The Lock of program 2 changes nothing: on one event loop the increment could not race anyway, and the
 *       lock does not cover the check, which is where the real race is. Put one {@code await} between check and
 *       increment and all 10 requests pass the check before any increments: 10 in flight against a limit of 3.</li>
 *   <li>The Semaphore never exceeds 3, wakes nobody in vain (a waiter is handed a permit the moment one is
 *       released) and finishes in 1000 ms.</li>
 * </ul>
 *
 * <p>Like the seed's globals, the counter is a plain {@code int} that only the event-loop thread touches: the run
 * starts on {@code loop} and every sleep, request and grant continues there, as in asyncio. {@link #main} uses a
 * single-threaded scheduler for the same reason.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=CounterLimiterVsSemaphore} (about 4 s, real time).
 */
public final class CounterLimiterVsSemaphore {

    static final int REQUESTS = 10;
    static final int LIMIT = 3;
    static final Duration REQUEST = Duration.ofMillis(250);
    static final Duration POLL = Duration.ofMillis(100);

    /**
     * One limiter's run.
     *
     * @param limiter        which program
     * @param maxInFlight    most requests running at once
     * @param wakeUps        times a waiting request woke up from {@code sleep(0.1)} to re-check the counter
     * @param futileWakeUps  wake-ups that found the limit still reached
     * @param elapsed        time until all 10 requests were done, on the loop's clock
     */
    public record Run(String limiter, int maxInFlight, int wakeUps, int futileWakeUps, Duration elapsed) {
    }

    private CounterLimiterVsSemaphore() {
    }

    public static void main(String[] args) {
        Scheduler loop = Schedulers.newSingle("event-loop");
        try {
            run(System.out::println, loop).block();
        } finally {
            loop.dispose();
        }
    }

    /**
     * Runs the four limiters one after the other on {@code loop}, which must run one task at a time (a single
     * thread, or a virtual-time scheduler).
     */
    public static Mono<List<Run>> run(Consumer<String> out, Scheduler loop) {
        return Flux.fromArray(Program.values())
                .concatMap(program -> program.run(() -> simulatedRequest(loop), loop))
                .doOnNext(run -> out.accept(describe(run)))
                .collectList();
    }

    /**
     * The seed's programs. {@link FetchCounterLimiter} runs the same four against a real HTTP server by passing
     * its own request to {@link #run(Supplier, Scheduler)}.
     */
    enum Program {
        COUNTER("counter (seed program 1)"),
        COUNTER_LOCK("counter + Lock (seed program 2)"),
        COUNTER_LOCK_AWAIT_BEFORE_INCREMENT("counter + Lock, await before increment"),
        SEMAPHORE("Semaphore(3) (seed program 3)");

        final String label;

        Program(String label) {
            this.label = label;
        }

        /**
         * {@link #REQUESTS} requests under this program's limiter, started from a task on {@code loop} (one task
         * at a time). {@code request} makes one request; it must signal on {@code loop}, because the counter, like
         * the seed's globals, is touched only by the event loop.
         */
        Mono<Run> run(Supplier<Mono<Void>> request, Scheduler loop) {
            return switch (this) {
                case COUNTER -> counterLimiter(label, UnaryOperator.identity(), false, request, loop);
                case COUNTER_LOCK -> counterLimiter(label, Lock.create("connections_lock")::withLock, false,
                        request, loop);
                case COUNTER_LOCK_AWAIT_BEFORE_INCREMENT -> counterLimiter(label,
                        Lock.create("connections_lock")::withLock, true, request, loop);
                case SEMAPHORE -> semaphoreLimiter(label, request, loop);
            };
        }
    }

    /** One run as a line: {@code <limiter> max in flight 3 (limit 3), 36 wake-ups (29 futile), 1150 ms}. */
    static String describe(Run run) {
        return String.format(Locale.ROOT, "%-40s max in flight %2d (limit %d), %2d wake-ups (%2d futile), %4d ms",
                run.limiter(), run.maxInFlight(), LIMIT, run.wakeUps(), run.futileWakeUps(),
                run.elapsed().toMillis());
    }

    /** The seed's shared state (its globals); touched only on the loop thread. */
    private static final class Counter {
        int connections;
        int wakeUps;
        int futileWakeUps;
    }

    /**
     * Programs 1 to 3: {@code guard} wraps each counter update ({@code async with connections_lock}, or nothing),
     * {@code awaitBeforeIncrement} adds an {@code await asyncio.sleep(0)} between the check and the increment.
     */
    private static Mono<Run> counterLimiter(String name, UnaryOperator<Mono<Void>> guard,
                                            boolean awaitBeforeIncrement, Supplier<Mono<Void>> request,
                                            Scheduler loop) {
        return onLoop(loop, () -> {
            Counter counter = new Counter();
            InFlight inFlight = new InFlight();
            List<Mono<Void>> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                requests.add(waitWhileFull(counter, loop)
                        .then(awaitBeforeIncrement ? sleepZero(loop) : Mono.empty())
                        .then(guard.apply(Mono.fromRunnable(() -> counter.connections++)))
                        .then(inFlight.count(Mono.defer(request)))
                        .then(guard.apply(Mono.fromRunnable(() -> counter.connections--))));
            }
            return timed(name, Mono.when(requests), inFlight, counter, loop);
        });
    }

    /** {@code while connections >= connections_limit: await asyncio.sleep(0.1)} */
    private static Mono<Void> waitWhileFull(Counter counter, Scheduler loop) {
        return Mono.defer(() -> {
            boolean[] woken = {false};
            return Mono.fromSupplier(() -> {
                        boolean full = counter.connections >= LIMIT;
                        if (full && woken[0]) {
                            counter.futileWakeUps++;
                        }
                        return !full;
                    })
                    .filter(free -> free)
                    .repeatWhenEmpty(checks -> checks.concatMap(check -> Mono.delay(POLL, loop)
                            .doOnNext(tick -> {
                                counter.wakeUps++;
                                woken[0] = true;
                            })))
                    .then();
        });
    }

    /** Program 3. */
    private static Mono<Run> semaphoreLimiter(String name, Supplier<Mono<Void>> request, Scheduler loop) {
        return onLoop(loop, () -> {
            Semaphore sem = Semaphore.create("sem", LIMIT);
            InFlight inFlight = new InFlight();
            List<Mono<Void>> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                requests.add(sem.withPermit(inFlight.count(Mono.defer(request))));
            }
            return timed(name, Mono.when(requests), inFlight, new Counter(), loop);
        });
    }

    /** The simulated {@code session.get(URL)} plus {@code response.text()}. */
    private static Mono<Void> simulatedRequest(Scheduler loop) {
        return Mono.delay(REQUEST, loop).then();
    }

    /** {@code await asyncio.sleep(0)}: to the back of the loop's queue. */
    private static Mono<Void> sleepZero(Scheduler loop) {
        return Mono.delay(Duration.ZERO, loop).then();
    }

    /** Builds and starts the program from a task on the loop, as {@code asyncio.run} does. */
    private static <T> Mono<T> onLoop(Scheduler loop, Supplier<Mono<T>> program) {
        return sleepZero(loop).then(Mono.defer(program));
    }

    /** Runs {@code requests} (assembled just now, on the loop) and reports what they did. */
    private static Mono<Run> timed(String name, Mono<Void> requests, InFlight inFlight, Counter counter,
                                   Scheduler loop) {
        long start = loop.now(TimeUnit.MILLISECONDS);
        return requests.then(Mono.fromCallable(() -> new Run(name, inFlight.max(), counter.wakeUps,
                counter.futileWakeUps, Duration.ofMillis(loop.now(TimeUnit.MILLISECONDS) - start))));
    }
}
