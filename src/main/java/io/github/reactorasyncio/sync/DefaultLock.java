package io.github.reactorasyncio.sync;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A one-permit {@link PermitQueue} that refuses over-release; its scopes are keyed by this lock in the Context. */
final class DefaultLock extends PermitSource implements Lock {

    DefaultLock(String name, DeadlockPolicy policy) {
        super(new PermitQueue(Names.requireNonNull(name, "name"), 1, PermitQueue.Overflow.REFUSE,
                "Lock '" + name + "' is not acquired", "Lock", policy), "Lock");
    }

    @Override
    public <T> Mono<T> withLock(Mono<T> work) {
        return PermitScope.withLock(work, monoPlan);
    }

    @Override
    public <T> Flux<T> withLock(Flux<T> work) {
        return ScopedFlux.withLock(work, fluxPlan);
    }

    @Override
    Object scopeKey() {
        return this;
    }

    @Override
    public boolean locked() {
        return queue.capacity() != queue.freePermits();
    }

    @Override
    public String toString() {
        return "Lock[name=" + queue.name + ", " + (locked() ? "locked" : "unlocked") + ", waiting=" + waiting() + "]";
    }
}
