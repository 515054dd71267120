package io.github.reactorasyncio.sync;

import java.time.Duration;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/** {@code withPermit(Mono)} / {@code withLock(Mono)}: each subscription runs the work in its own {@link PermitScope}. */
final class ScopedMono<T> extends Mono<T> {

    private final Mono<? extends T> work;
    private final PermitSource source;
    /** null: wait for the permit as long as it takes. */
    private final Duration maxWait;

    ScopedMono(Mono<? extends T> work, PermitSource source, Duration maxWait) {
        this.work = Names.requireNonNull(work, "work");
        this.source = source;
        this.maxWait = maxWait == null ? null : Names.requireNonNegative(maxWait, "maxWait");
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        new PermitScope<T>(actual, work, source, true).start(maxWait);
    }
}
