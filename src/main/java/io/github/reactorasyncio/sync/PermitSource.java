package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import reactor.core.publisher.Mono;

/** The raw-permit half of {@link Semaphore}, {@link BoundedSemaphore} and {@link Lock}, over one {@link PermitQueue}. */
abstract class PermitSource {

    final PermitQueue queue;
    /** "Semaphore", "BoundedSemaphore" or "Lock": how messages and toString() name this primitive. */
    final String kind;

    /** Shared by every {@code withPermit(Mono)}/{@code withLock(Mono)} without a maximum wait. */
    final Plan monoPlan;
    /** Shared by every {@code withPermit(Flux)}/{@code withLock(Flux)}. */
    final Plan fluxPlan;

    PermitSource(PermitQueue queue, String kind) {
        this.queue = queue;
        this.kind = kind;
        this.monoPlan = new Plan(this, null, true);
        this.fluxPlan = new Plan(this, null, false);
    }

    public String name() {
        return queue.name;
    }

    public Mono<Permit> acquire() {
        return new AcquireMono(this, null, LeakNet.sample(queue));
    }

    public Mono<Permit> acquire(Duration maxWait) {
        return new AcquireMono(this, Names.requireNonNegative(maxWait, "maxWait"), LeakNet.sample(queue));
    }

    public Optional<Permit> tryAcquire() {
        return queue.tryAcquire() ? Optional.of(new DefaultPermit(queue, "anonymous", LeakNet.sample(queue), null))
                : Optional.empty();
    }

    public void release() {
        queue.releasingAnonymously();
        DeadlockAccounting deadlocks = queue.deadlocks();
        if (deadlocks != null) {
            // Whose hold this ends is unknown: stop counting raw holds rather than keep one that is over.
            deadlocks.rawHoldsUnknown();
        }
        queue.releaseOrThrow();
        queue.retireOldestRawHold();
    }

    public int waiting() {
        return queue.waiting();
    }

    public SemaphoreStatistics statistics() {
        return queue.statistics();
    }

    /**
     * When non-null, the Context of every {@code withPermit}/{@code withLock} work maps this key to its scope, so a
     * {@link Condition} on the same lock can find the hold it must lend. Locks use themselves; semaphores have none.
     */
    Object scopeKey() {
        return null;
    }

    /** The failure of an acquire that gave up after {@code maxWait}; names the primitive and its state. */
    TimeoutException timedOut(Duration maxWait) {
        return new TimeoutException("no permit of " + kind + " '" + queue.name + "' within "
                + Names.format(maxWait) + " (" + this + ")" + AbandonedLocks.heldBy(queue));
    }
}
