package io.github.reactorasyncio.sync;

import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;

/** {@code withPermit(Flux)} / {@code withLock(Flux)}: the permit is held from grant until the flux terminates. */
final class ScopedFlux<T> extends Flux<T> implements Scannable {

    private final Flux<? extends T> work;
    private final Plan plan;

    /** A {@code withPermit(Flux)}, seen by the assembly hooks as Reactor's own operators are (see PermitScope). */
    static <T> Flux<T> withPermit(Flux<? extends T> work, Plan plan) {
        return onAssembly(new ScopedFlux<>(work, plan));
    }

    /** A {@code withLock(Flux)}, seen by the assembly hooks as Reactor's own operators are (see PermitScope). */
    static <T> Flux<T> withLock(Flux<? extends T> work, Plan plan) {
        return onAssembly(new ScopedFlux<>(work, plan));
    }

    private ScopedFlux(Flux<? extends T> work, Plan plan) {
        // Flux.from: as Reactor's operators treat a source (see PermitScope.unclaimed).
        this.work = Flux.from(Names.requireNonNull(work, "work"));
        this.plan = plan;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        PermitScope.subscribeInFreshScope(actual, work, plan);
    }

    /** {@code PARENT} is the work; each subscription's own scope answers for the hold. */
    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            return work;
        }
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.SYNC;
        }
        return null;
    }

    @Override
    public String stepName() {
        return plan.operatorName();
    }
}
