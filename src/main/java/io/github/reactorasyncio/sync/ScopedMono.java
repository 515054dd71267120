package io.github.reactorasyncio.sync;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/** {@code withPermit(Mono)} / {@code withLock(Mono)}: each subscription runs the work in its own {@link PermitScope}. */
final class ScopedMono<T> extends Mono<T> {

    private final Mono<? extends T> work;
    private final PermitQueue queue;
    private final Object ownerKey;

    ScopedMono(Mono<? extends T> work, PermitQueue queue, Object ownerKey) {
        this.work = Names.requireNonNull(work, "work");
        this.queue = queue;
        this.ownerKey = ownerKey;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        new PermitScope<T>(actual, work, queue, ownerKey, true).start();
    }
}
