package io.github.reactorasyncio.sync;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;

/**
 * The scope's place in its queue while the permit is not free, downstream's subscription, and (until the
 * grant) the holder of downstream: a cancel while queued touches this object alone, so cancelling a waiter
 * among a million reaches one object, not two.
 */
final class QueueNode<T> extends Waiter implements Subscription {
    @SuppressWarnings("rawtypes")
    static final AtomicLongFieldUpdater<QueueNode> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(QueueNode.class, "requested");

    final PermitScope<T> scope;
    final PermitQueue queue;
    /**
     * Downstream while waiting; handed to the scope at the grant, and null once the wait has ended either way
     * (a kept {@code withPermit} Mono keeps its node, so the node must not keep the subscriber). Null, not a
     * placeholder: a cancel stores it into a waiter that has usually aged into the old generation, and G1's
     * write barrier skips only null stores there.
     */
    CoreSubscriber<? super T> actual;
    /** Demand received before work's subscription arrived. */
    volatile long requested;

    QueueNode(PermitScope<T> scope, CoreSubscriber<? super T> actual) {
        this.scope = scope;
        this.queue = scope.plan.queue;
        this.actual = actual;
    }

    /** Downstream, for the scope that now holds the permit; the node forgets it. */
    CoreSubscriber<? super T> handOverSubscriber() {
        CoreSubscriber<? super T> subscriber = actual;
        actual = null;
        return subscriber;
    }

    @Override
    public void request(long n) {
        if (!Operators.validate(n)) {
            return;
        }
        Subscription s = scope.upstream;
        if (s != null) {
            s.request(n);
            return;
        }
        Operators.addCap(REQUESTED, this, n);
        s = scope.upstream;
        if (s != null && s != Operators.cancelledSubscription()) {
            long r = REQUESTED.getAndSet(this, 0L);
            if (r != 0L) {
                s.request(r);
            }
        }
    }

    @Override
    public void cancel() {
        disposeTimer();
        if (withdraw(queue, false) || state == WITHDRAWN) {
            // Withdrawn by us, or by the drain loop failing this waiter (a deadlock) or by its maximum wait: a
            // subscriber that cancels is owed no error, so the one about to be delivered is not sent (it would reach
            // Hooks.onErrorDropped, e.g. for the siblings of the first child a nested-starvation failure cancels).
            actual = null;
        } else {
            scope.cancel();
        }
    }

    /** REENTRANT borrowing: the node is settled as granted without ever queueing, unless cancelled first. */
    boolean grantWithoutQueueing() {
        return Waiter.STATE.compareAndSet(this, Waiter.INIT, Waiter.GRANTED);
    }

    @Override
    void granted() {
        disposeTimer();
        scope.grantedAfterWaiting(handOverSubscriber());
    }

    /** Downstream while waiting; after the wait, a subscriber with an empty Context (for late walks). */
    @Override
    CoreSubscriber<?> subscriber() {
        CoreSubscriber<? super T> subscriber = actual;
        return subscriber != null ? subscriber : Operators.emptySubscriber();
    }

    @Override
    PermitSource source() {
        return scope.plan.source;
    }

    @Override
    PermitScope<?> parentScope() {
        return scope.parentScope();
    }

    @Override
    void fail(Throwable error) {
        CoreSubscriber<? super T> subscriber = handOverSubscriber();
        if (subscriber != null) {
            subscriber.onError(error);
        }
    }
}
