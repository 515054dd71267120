package io.github.reactorasyncio.sync;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What {@link Semaphore} and {@link BoundedSemaphore} share; they differ only in their overflow policy. */
abstract sealed class SemaphoreSupport extends PermitSource implements Semaphore
        permits DefaultSemaphore, DefaultBoundedSemaphore {

    SemaphoreSupport(String name, int permits, PermitQueue.Overflow overflow, String kind, DeadlockPolicy policy) {
        super(new PermitQueue(name, permits, overflow,
                kind + " '" + name + "' released too many times (bound " + permits + ")", kind, policy), kind);
    }

    @Override
    public <T> Mono<T> withPermit(Mono<T> work) {
        return PermitScope.withPermit(work, monoPlan);
    }

    @Override
    public <T> Mono<T> withPermit(Mono<T> work, Duration maxWait) {
        Names.requireNonNull(maxWait, "maxWait");
        return PermitScope.withPermit(work, new Plan(this, Names.requireNonNegative(maxWait, "maxWait"), true));
    }

    @Override
    public <T> Flux<T> withPermit(Flux<T> work) {
        return ScopedFlux.withPermit(work, fluxPlan);
    }

    @Override
    public boolean locked() {
        return queue.locked();
    }

    @Override
    public int availablePermits() {
        return queue.available();
    }

    @Override
    public String toString() {
        return queue.describe(kind);
    }
}
