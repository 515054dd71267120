package io.github.reactorasyncio.bench;

import reactor.core.publisher.Mono;
import reactor.pool.InstrumentedPool;
import reactor.pool.PoolBuilder;

/**
 * The workaround Reactor's maintainers point users to for limiting the concurrency of Monos (reactor-core issue
 * 2678, declined with "has workaround"): a reactor-pool {@link InstrumentedPool} of {@code permits} placeholder
 * objects, used as {@code pool.withPoolable(p -> work)}. The pooled object means nothing; holding one is the permit.
 * The benchmarks' peer of {@code Semaphore.withPermit}; {@code PlaceholderPoolLimitTest} checks it really limits.
 */
final class PlaceholderPool {

    /** What the pool hands out. One shared instance: the allocator is called once per slot and costs nothing. */
    static final Object PLACEHOLDER = new Object();

    private PlaceholderPool() {
    }

    /**
     * A pool of exactly {@code permits} placeholders, configured as reactor-pool's documentation recommends for a
     * fixed-size pool: {@code sizeBetween(permits, permits)}, warmed up so every slot is allocated before the first
     * measurement (a benchmark must not time the allocator), and no bound on pending acquires (a bounded one would
     * fail the 1,000-subscriber contention cells with {@code PoolAcquirePendingLimitException}, where
     * {@code withPermit}'s queue is unbounded too). Acquisition and release stay on the calling thread (the default
     * immediate scheduler), as {@code withPermit}'s do.
     */
    static InstrumentedPool<Object> of(int permits) {
        InstrumentedPool<Object> pool = PoolBuilder.from(Mono.just(PLACEHOLDER))
                .sizeBetween(permits, permits)
                .maxPendingAcquireUnbounded()
                .buildPool();
        Integer warmed = pool.warmup().block();
        if (warmed == null || pool.metrics().allocatedSize() != permits) {
            throw new IllegalStateException("placeholder pool warmed " + warmed + " of " + permits + " slots");
        }
        return pool;
    }
}
