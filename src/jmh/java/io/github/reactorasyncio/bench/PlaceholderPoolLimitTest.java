package io.github.reactorasyncio.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.github.reactorasyncio.sync.Semaphore;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.pool.InstrumentedPool;

/**
 * The reactor-pool peer of the benchmarks ({@link PlaceholderPool}) is only a fair comparison if it limits what
 * {@code withPermit} limits: with {@code N} placeholders, {@code N + 1} concurrent works never run at once. Works are
 * counted from their subscription until just before their terminal signal reaches the pool, so a work counts for
 * as long as it holds its placeholder, including the time it waits for a scheduler thread.
 */
class PlaceholderPoolLimitTest {

    /** A work that counts itself in flight: it is in from its subscription until its terminal signal. */
    private static <T> Mono<T> counted(Mono<T> work, AtomicInteger inFlight, AtomicInteger maxInFlight) {
        return Mono.defer(() -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            // doOnTerminate runs before the signal goes downstream, i.e. before the pool (or semaphore) takes the
            // slot back and starts the next work: the count drops first, so it never counts a hand-off twice.
            return work.doOnTerminate(inFlight::decrementAndGet);
        });
    }

    @Test
    void nPlusOneWorksNeverRunAtOnceAndTheExtraOneStartsWhenAPlaceholderReturns() {
        int permits = 2;
        InstrumentedPool<Object> pool = PlaceholderPool.of(permits);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        List<Sinks.Empty<Void>> gates = new ArrayList<>();
        List<Disposable> subscriptions = new ArrayList<>();
        AtomicInteger completed = new AtomicInteger();
        for (int i = 0; i <= permits; i++) {
            Sinks.Empty<Void> gate = Sinks.empty();
            gates.add(gate);
            subscriptions.add(pool.withPoolable(p -> counted(gate.asMono(), inFlight, max))
                    .subscribe(null, e -> { }, completed::incrementAndGet));
        }

        assertThat(inFlight).hasValue(permits);
        assertThat(pool.metrics().acquiredSize()).isEqualTo(permits);
        assertThat(pool.metrics().pendingAcquireSize()).isEqualTo(1);

        gates.get(0).tryEmitEmpty().orThrow();

        // The first work's placeholder went to the one that waited, which is now running beside the second.
        assertThat(completed).hasValue(1);
        assertThat(inFlight).hasValue(permits);
        assertThat(pool.metrics().pendingAcquireSize()).isZero();

        gates.get(1).tryEmitEmpty().orThrow();
        gates.get(2).tryEmitEmpty().orThrow();

        assertThat(completed).hasValue(permits + 1);
        assertThat(inFlight).hasValue(0);
        assertThat(max).hasValue(permits);
        assertThat(pool.metrics().acquiredSize()).isZero();
        subscriptions.forEach(Disposable::dispose);
        pool.dispose();
    }

    /**
     * The contention benchmark's own shape (items on a two-thread parallel scheduler, 1,000 subscribed at once),
     * through the pool and, for the same check on the same run, through {@code withPermit}.
     */
    @Test
    void theContentionGridsShapeNeverExceedsTheLimitThroughEitherLimiter() {
        int permits = 8;
        Scheduler scheduler = Schedulers.newParallel("pool-limit", 2);
        InstrumentedPool<Object> pool = PlaceholderPool.of(permits);
        Semaphore semaphore = Semaphore.create("pool-limit", permits);
        try {
            assertLimited(permits, work -> pool.withPoolable(p -> work), scheduler);
            assertLimited(permits, semaphore::withPermit, scheduler);
        } finally {
            pool.dispose();
            scheduler.dispose();
        }
    }

    private static void assertLimited(int permits, Function<Mono<Integer>, Publisher<Integer>> limiter,
                                      Scheduler scheduler) {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        int items = 20_000;

        Long count = Flux.range(0, items)
                .flatMap(i -> limiter.apply(counted(
                        Mono.fromCallable(() -> Work.inside(i)).subscribeOn(scheduler), inFlight, max)), 1000)
                .map(Work::outside)
                .count()
                .block();

        assertThat(count).isEqualTo(items);
        assertThat(inFlight).hasValue(0);
        assertThat(max.get()).isBetween(1, permits);
    }
}
