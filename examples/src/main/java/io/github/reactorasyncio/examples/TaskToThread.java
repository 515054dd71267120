package io.github.reactorasyncio.examples;

import io.github.reactorasyncio.task.Asyncio;
import java.util.List;
import java.util.stream.IntStream;
import reactor.core.publisher.Mono;

/**
 * Seed 001, {@code concurrent.futures}: a CPU-bound job (counting primes below 200 000) split into four chunks,
 * each run with {@link Asyncio#compute} on {@code Schedulers.parallel()} (Python would need a ProcessPoolExecutor
 * to dodge the GIL; Java threads run in parallel), and gathered.
 */
public final class TaskToThread {

    static final int LIMIT = 200_000;
    static final int CHUNKS = 4;

    private TaskToThread() {
    }

    static long countPrimes(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).filter(TaskToThread::isPrime).count();
    }

    private static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    /** Emits the story; its last line is the total. */
    public static Mono<Story> run() {
        return Mono.defer(() -> {
            Story story = new Story();
            int chunk = LIMIT / CHUNKS;
            List<Mono<Long>> jobs = IntStream.range(0, CHUNKS)
                    .mapToObj(i -> Asyncio.compute(() -> {
                        long count = countPrimes(i * chunk, (i + 1) * chunk);
                        story.print("chunk " + i + " [" + i * chunk + ", " + (i + 1) * chunk + "): " + count
                                + " primes on " + Thread.currentThread().getName());
                        return count;
                    }))
                    .toList();
            return Asyncio.gather(jobs)
                    .doOnNext(counts -> story.print("primes below " + LIMIT + ": "
                            + counts.stream().mapToLong(Long::longValue).sum()))
                    .thenReturn(story);
        });
    }

    public static void main(String[] args) {
        run().block();
    }
}
