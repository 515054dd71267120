package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.ContextView;

/**
 * {@code acquire()} / {@code acquire(maxWait)}: emits a {@link Permit} once granted.
 *
 * <p><b>Cancellation.</b> The acquire starts on the first request. A cancel before the grant withdraws it; a
 * cancel that loses the race against the grant (the permit exists but was not emitted) releases the permit. Once
 * the permit is emitted the subscriber owns it, even one that drops it because it had already decided to cancel
 * (indistinguishable here from a cancel after delivery, e.g. by {@code next()}). The optional timeout is a timer that withdraws the waiter, so
 * exactly one of "granted" and "timed out" happens.
 */
final class AcquireMono extends Mono<Permit> {

    /** The primitive acquired from; its {@code toString()} is the snapshot in the timeout message. */
    private final PermitSource source;
    private final PermitQueue queue;
    /** null: wait forever. */
    private final Duration maxWait;
    /** Where {@code acquire()} was called, for an acquire the leak net sampled; null for the others. */
    private final LeakNet.Site site;

    AcquireMono(PermitSource source, Duration maxWait, LeakNet.Site site) {
        this.source = source;
        this.queue = source.queue;
        this.maxWait = maxWait;
        this.site = site;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Permit> actual) {
        actual.onSubscribe(new AcquireWaiter(actual));
    }

    private final class AcquireWaiter extends Waiter implements Subscription {
        /** The permit went to the subscriber; terminal. */
        private static final int DELIVERED = FIRST_SUBCLASS_STATE;
        /** Cancelled after the grant and before delivery; the permit was released; terminal. */
        private static final int RETURNED = FIRST_SUBCLASS_STATE + 1;

        private static final AtomicIntegerFieldUpdater<AcquireWaiter> STARTED =
                AtomicIntegerFieldUpdater.newUpdater(AcquireWaiter.class, "started");

        private final CoreSubscriber<? super Permit> actual;
        /** Set to 1 by the first valid request: the acquire starts once. */
        private volatile int started;

        AcquireWaiter(CoreSubscriber<? super Permit> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (!Operators.validate(n)) {
                return;
            }
            if (!STARTED.compareAndSet(this, 0, 1)) {
                return;
            }
            acquireFrom(queue, maxWait);
        }

        @Override
        void granted() {
            disposeTimer();
            if (STATE.compareAndSet(this, GRANTED, DELIVERED)) {
                // Created only once delivery is certain: a tracked hold must belong to a permit someone owns.
                ContextView context = actual.currentContext();
                DeadlockAccounting deadlocks = queue.deadlocks();
                // Counted as held by the scope or task it was acquired in before anyone can queue behind it there.
                Object owner = deadlocks == null ? null : deadlocks.rawAcquired(context);
                DefaultPermit permit = new DefaultPermit(queue, Ownership.holderName(context), site, owner);
                if (permit.holdSeq != 0) {
                    AbandonedLocks.register(permit, context);
                }
                actual.onNext(permit);
                actual.onComplete();
            }
        }

        @Override
        CoreSubscriber<?> subscriber() {
            return actual;
        }

        @Override
        PermitSource source() {
            return source;
        }

        @Override
        public void cancel() {
            disposeTimer();
            if (!withdraw(queue, false) && STATE.compareAndSet(this, GRANTED, RETURNED)) {
                queue.release();
            }
        }
    }
}
