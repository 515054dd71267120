package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.github.reactorasyncio.sync.Lock;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * 10,000 coroutines each add 1 to a shared counter, with two suspension points between reading it and writing it
 * back: without a lock the counter ends at 1, with {@link Lock#withLock(Mono)} around the read-modify-write it ends
 * at 10,000.
 *
 * <p>Java twin of seed {@code 001_30140f3da4ba40e1.txt}, section "Race Condition" ({@code increment_counter()},
 * then {@code increment_counter(lock)} with {@code async with lock}). Each {@code await asyncio.sleep(0)} is a
 * zero delay on a single-threaded loop ({@link Mono#delay} of {@link Duration#ZERO}): it puts the coroutine at the
 * back of the loop's queue, exactly like asyncio's ready queue. So the interleaving is the seed's, every time:
 * all 10,000 read 0, then all compute 1, then all write 1. With the lock, each coroutine's three steps run while
 * the others wait in the lock's FIFO queue.
 *
 * <p>The counter is a plain {@code int} touched only by the loop thread: the race shown is the logical one of
 * the seed (suspension between read and write), not a Java data race.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=RaceConditionCounter}
 */
public final class RaceConditionCounter {

    static final int COROUTINES = 10_000;

    /**
     * @param withoutLock the counter after 10,000 unguarded increments (1)
     * @param withLock    the counter after 10,000 increments under the lock (10,000)
     */
    public record Result(int withoutLock, int withLock) {
    }

    private RaceConditionCounter() {
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
     * Runs the seed's two {@code main()}s one after the other on {@code loop}, which must run one task at a time
     * in submission order (a single thread, or a virtual-time scheduler).
     */
    public static Mono<Result> run(Consumer<String> out, Scheduler loop) {
        Lock lock = Lock.create("counter");
        return main("without a lock", UnaryOperator.identity(), out, loop)
                .flatMap(withoutLock -> main("with Lock.withLock", lock::withLock, out, loop)
                        .map(withLock -> new Result(withoutLock, withLock)));
    }

    /** One of the seed's {@code main()}s; {@code guard} is {@code async with lock} or nothing. */
    private static Mono<Integer> main(String name, UnaryOperator<Mono<Void>> guard, Consumer<String> out,
                                      Scheduler loop) {
        // Started from a task on the loop, as asyncio.run does, so every sleep(0) queues behind the coroutines
        // started before it.
        return sleepZero(loop).then(Mono.defer(() -> {
            Counter counter = new Counter();
            List<Mono<Void>> coroutines = new ArrayList<>(COROUTINES);
            for (int i = 0; i < COROUTINES; i++) {
                coroutines.add(guard.apply(incrementCounter(counter, loop)));
            }
            return Mono.when(coroutines).then(Mono.fromCallable(() -> {
                out.accept(name + ": " + counter.value);
                return counter.value;
            }));
        }));
    }

    /** The seed's global {@code counter}. */
    private static final class Counter {
        int value;
    }

    /** The seed's {@code increment_counter()}. */
    private static Mono<Void> incrementCounter(Counter counter, Scheduler loop) {
        return Mono.defer(() -> {
            int[] current = {counter.value};
            return sleepZero(loop)
                    .then(Mono.fromRunnable(() -> current[0] += 1))
                    .then(sleepZero(loop))
                    .then(Mono.fromRunnable(() -> counter.value = current[0]));
        });
    }

    /** {@code await asyncio.sleep(0)}: to the back of the loop's queue. */
    private static Mono<Void> sleepZero(Scheduler loop) {
        return Mono.delay(Duration.ZERO, loop).then();
    }
}
