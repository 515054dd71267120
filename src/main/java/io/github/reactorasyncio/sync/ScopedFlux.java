package io.github.reactorasyncio.sync;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/** {@code withPermit(Flux)} / {@code withLock(Flux)}: the permit is held from grant until the flux terminates. */
final class ScopedFlux<T> extends Flux<T> {

    private final Flux<? extends T> work;
    private final PermitSource source;

    ScopedFlux(Flux<? extends T> work, PermitSource source) {
        this.work = Names.requireNonNull(work, "work");
        this.source = source;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        new PermitScope<T>(actual, work, source, false).start(null);
    }
}
