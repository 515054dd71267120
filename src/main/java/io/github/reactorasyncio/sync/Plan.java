package io.github.reactorasyncio.sync;

import java.time.Duration;

/**
 * What every subscription of one {@code withPermit}/{@code withLock} call shares. A primitive keeps one for its
 * Monos and one for its Fluxes; only a call with a maximum wait makes its own.
 */
final class Plan {
    final PermitSource source;
    final PermitQueue queue;
    /** null: wait for the permit as long as it takes. */
    final Duration maxWait;
    /** Mono work is finished at its value: the permit is released before the value goes downstream. */
    final boolean releaseOnValue;

    /** {@code withPermit(Semaphore 'fetch')} or {@code withLock(Lock 'm')}: the step name of these holds. */
    String operatorName() {
        return ("Lock".equals(queue.kind) ? "withLock(" : "withPermit(") + queue.label() + ")";
    }

    Plan(PermitSource source, Duration maxWait, boolean releaseOnValue) {
        this.source = source;
        this.queue = source.queue;
        this.maxWait = maxWait;
        this.releaseOnValue = releaseOnValue;
    }
}
