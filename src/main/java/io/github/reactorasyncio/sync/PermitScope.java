package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One subscription to {@code withPermit(work)} / {@code withLock(work)}: it is the queue node while waiting, and
 * the subscriber of {@code work} while holding the permit.
 *
 * <p><b>Cancellation.</b> Downstream cancel while queued withdraws the node; after the grant it cancels
 * {@code work} and then releases the permit, so the next holder never overlaps with the cancelled one. If the
 * cancel arrives before {@code work} has handed us its subscription, the release is left to {@link #granted()},
 * which runs after {@code work.subscribe} returns: the work never runs without the permit. Nested scopes keep
 * that promise for every enclosing permit: a descendant scope announces itself to its ancestors while it
 * subscribes its work, and a cancelled ancestor whose cancel raced such a grant on another thread leaves its
 * permit to that descendant, which gives it back once its work's subscription is in place (and cancelled).
 *
 * <p><b>Release exactly once.</b> Every path that gives the permit back goes through a CAS out of
 * {@code GRANTED} (or {@code LENT}, see {@link Condition}), so complete, error and cancel racing each other release
 * once. The permit is released before the terminal signal is forwarded (for a Mono, before its value), so a
 * downstream that reacts by acquiring again can have it, and downstream work never runs under the permit.
 *
 * <p><b>Maximum wait.</b> With a {@code maxWait}, a timer started when the scope queues withdraws it (as a
 * timeout, counted in {@link SemaphoreStatistics#timedOut()}) and fails downstream; the withdraw CAS decides
 * between grant and timeout, so exactly one of them happens, and a timed-out scope never subscribes {@code work}.
 *
 * <p><b>Fast path.</b> When a permit is free at subscription, the scope takes it before anyone else has seen the
 * scope, so nothing can race the grant: {@code work} is subscribed first and downstream receives its
 * {@code onSubscribe} from inside work's (as a plain operator does), after which every request goes straight to
 * work's subscription. That leaves three atomic operations per uncontended call: take, end the hold, give back.
 * A scope that may queue must be cancellable while it waits, so it hands itself downstream first and buffers
 * demand.
 */
final class PermitScope<T> extends PermitQueue.Waiter implements CoreSubscriber<T>, Subscription {

    /** The permit was returned; terminal. */
    private static final int RELEASED = FIRST_SUBCLASS_STATE;
    /** A Condition await released the lock on this scope's behalf and has not re-acquired it yet. */
    private static final int LENT = FIRST_SUBCLASS_STATE + 1;
    /** REENTRANT: an ancestor holds a permit of this queue; the work runs under it and nothing is released. */
    private static final int BORROWED = FIRST_SUBCLASS_STATE + 2;

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<PermitScope, Subscription> UPSTREAM =
            AtomicReferenceFieldUpdater.newUpdater(PermitScope.class, Subscription.class, "upstream");
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<PermitScope> DESCENDANTS =
            AtomicIntegerFieldUpdater.newUpdater(PermitScope.class, "descendants");
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<PermitScope> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(PermitScope.class, "requested");

    private final CoreSubscriber<? super T> actual;
    private final Publisher<? extends T> work;
    private final PermitSource source;
    private final PermitQueue queue;
    /** The Context of the work: the subscriber's, plus this scope; built on first use (most works never ask). */
    private volatile Context context;
    /** The enclosing scope, looked up on first use; {@link #NOT_LOOKED_UP} until then. */
    private Object parent = NOT_LOOKED_UP;
    private static final Object NOT_LOOKED_UP = new Object();

    /**
     * Descendants of this scope queued on this scope's queue. Written by that queue's drain loop only; volatile
     * because {@link #releaseHold()} reads it to decide whether the drain loop must hear of this hold's end.
     */
    volatile int queuedDescendants;
    /** Drain owner of {@link #queue()} only: counted in its blocked holders. */
    boolean countedBlocked;
    /** Drain owner of {@link #queue()} only: this hold's end was processed; never counted again. */
    boolean endedSeen;
    /** A descendant queued on some primitive (the latest one), for lock-cycle walks; null when none is known. */
    volatile PermitQueue.Waiter blockedOn;
    /** This hold as recorded for {@link Diagnostics#snapshot()}; null unless holder tracking was on at the grant. */
    volatile PermitQueue.TrackedHold trackedHold;

    /** Mono work is finished at its value: the permit is released before the value goes downstream. */
    private final boolean releaseOnValue;
    /** Set in onNext when {@link #releaseOnValue} released the hold; read by the onComplete that follows. */
    private boolean releasedByValue;
    /**
     * Granted on the fast path before downstream had this scope: downstream's {@code onSubscribe} is still owed,
     * and is paid in {@link #onSubscribe} (or before the error if subscribing work throws). Written before
     * {@code work.subscribe(this)}, cleared when paid.
     */
    private boolean downstreamOwed;

    /**
     * Descendant scopes (at any depth) inside {@code work.subscribe} right now, in the bits of
     * {@link #SUBSCRIBING_MASK}, plus {@link #PERMIT_OWED} once a cancel ended this hold while some were, or
     * {@link #PERMIT_GIVEN_BACK} once the permit went back that way. Invariant: a cancelled scope's permit goes back
     * exactly once, and only when no descendant is subscribing. Why: a cancel reaches a descendant whose grant is
     * racing it on another thread after that thread checked for the cancel, so the descendant's work may still be
     * starting when our cancel returns; giving our permit back then would let the next holder overlap with it.
     * A hold that ends by its work's own signal gives the permit back at once: the descendant that emitted it may
     * be subscribing still, on this very thread, and its work is done.
     */
    private volatile int descendants;
    private static final int SUBSCRIBING_MASK = (1 << 29) - 1;
    private static final int PERMIT_OWED = 1 << 29;
    private static final int PERMIT_GIVEN_BACK = 1 << 30;

    /** null until work subscribes us; Operators.cancelledSubscription() once cancelled. */
    private volatile Subscription upstream;
    /** Demand received before {@link #upstream} was set. */
    private volatile long requested;

    /**
     * @param releaseOnValue true for a Mono: its work is done when the value arrives, and what downstream does
     *                       with the value must not run under the permit
     */
    PermitScope(CoreSubscriber<? super T> actual, Publisher<? extends T> work, PermitSource source,
                boolean releaseOnValue) {
        this.actual = actual;
        this.releaseOnValue = releaseOnValue;
        this.work = work;
        this.source = source;
        this.queue = source.queue;
    }

    PermitQueue queue() {
        return queue;
    }

    /**
     * Takes the permit or queues for it.
     *
     * @param maxWait how long to stay queued before failing with a TimeoutException; null waits forever. A parameter,
     *                not a field: it is only needed here, and every field is paid for by every call
     */
    void start(Duration maxWait) {
        if (queue.policy != DeadlockPolicy.REENTRANT && queue.tryAcquire()) {
            // Nobody else has seen this scope yet: no cancel, grant or timeout can race, an ordered store is enough.
            STATE.lazySet(this, GRANTED);
            downstreamOwed = true;
            granted();
            return;
        }
        actual.onSubscribe(this);
        if (queue.policy == DeadlockPolicy.REENTRANT && ancestorHoldsThisQueue()) {
            if (STATE.compareAndSet(this, INIT, BORROWED)) {
                granted();
            }
            return;
        }
        acquireFrom(queue, maxWait);
    }

    @Override
    CoreSubscriber<?> subscriber() {
        return actual;
    }

    @Override
    PermitSource source() {
        return source;
    }

    private boolean ancestorHoldsThisQueue() {
        for (PermitScope<?> a = parentScope(); a != null; a = a.parentScope()) {
            if (a.queue == queue && (a.state == GRANTED || a.state == BORROWED)) {
                return true;
            }
        }
        return false;
    }

    @Override
    PermitScope<?> parentScope() {
        Object p = parent;
        if (p == NOT_LOOKED_UP) {
            p = Ownership.enclosingScope(actual.currentContext());
            parent = p;
        }
        return (PermitScope<?>) p;
    }

    @Override
    void granted() {
        disposeTimer();
        if (state == GRANTED) {
            if (queue.tracksOwner()) {
                queue.owner = this;
            }
            if (Diagnostics.tracksHolders()) {
                trackedHold = queue.track(holderName(), false);
            }
        }
        PermitScope<?> parent = parentScope();
        if (parent == null) {
            subscribeWork();
        } else {
            subscribeWorkAnnouncedTo(parent);
        }
        if (upstream == Operators.cancelledSubscription()) {
            endHoldOnCancel();
        }
    }

    /** Subscribes {@code work} unless this scope was cancelled first; an error thrown by subscribing goes downstream. */
    private void subscribeWork() {
        if (upstream != null) {
            return;
        }
        try {
            work.subscribe(this);
        } catch (Throwable t) {
            if (downstreamOwed) {
                downstreamOwed = false;
                actual.onSubscribe(Operators.emptySubscription());
            }
            onError(Operators.onOperatorError(t, currentContext()));
        }
    }

    /**
     * {@link #subscribeWork()} with every ancestor told (see {@link #descendants}). The cancel check inside it comes
     * after the announcement: an ancestor's cancel reaches this scope before that ancestor looks for subscribing
     * descendants, so either we see the cancel and never subscribe, or the ancestor sees us and leaves its permit
     * to us.
     */
    private void subscribeWorkAnnouncedTo(PermitScope<?> parent) {
        for (PermitScope<?> a = parent; a != null; a = a.parentScope()) {
            DESCENDANTS.incrementAndGet(a);
        }
        try {
            subscribeWork();
        } finally {
            for (PermitScope<?> a = parent; a != null; a = a.parentScope()) {
                a.descendantSubscribed();
            }
        }
    }

    @Override
    public Context currentContext() {
        Context c = context;
        if (c == null) {
            c = actual.currentContext();
            if (queue.policy != DeadlockPolicy.OFF) {
                c = Ownership.enter(c, this);
            }
            Object key = source.scopeKey();
            if (key != null) {
                c = c.put(key, this);
            }
            context = c;
        }
        return c;
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (downstreamOwed) {
            // Fast path: downstream has not seen us, so it has neither requested nor cancelled yet.
            downstreamOwed = false;
            UPSTREAM.lazySet(this, s);
            actual.onSubscribe(this);
            return;
        }
        if (Operators.setOnce(UPSTREAM, this, s)) {
            long r = REQUESTED.getAndSet(this, 0L);
            if (r != 0L) {
                s.request(r);
            }
        }
    }

    @Override
    public void onNext(T t) {
        if (releaseOnValue) {
            releasedByValue = releaseHold();
        }
        actual.onNext(t);
    }

    @Override
    public void onError(Throwable t) {
        if (releaseHold()) {
            actual.onError(t);
        } else {
            Operators.onErrorDropped(t, currentContext());
        }
    }

    @Override
    public void onComplete() {
        if (releasedByValue || releaseHold()) {
            actual.onComplete();
        }
    }

    @Override
    public void request(long n) {
        if (!Operators.validate(n)) {
            return;
        }
        Subscription s = upstream;
        if (s != null) {
            s.request(n);
            return;
        }
        Operators.addCap(REQUESTED, this, n);
        s = upstream;
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
        if (withdraw(queue, false)) {
            return;
        }
        Subscription s = UPSTREAM.getAndSet(this, Operators.cancelledSubscription());
        if (s == Operators.cancelledSubscription()) {
            return;
        }
        if (s != null) {
            s.cancel();
            endHoldOnCancel();
        }
        // s == null: granted() has not subscribed work yet, or is doing so now; it releases once subscribe returns.
    }

    /**
     * Gives the permit back unless that already happened.
     *
     * @return whether this call ended the hold (so the terminal signal is ours to forward)
     */
    private boolean releaseHold() {
        return endHold(false);
    }

    /**
     * As {@link #releaseHold()}, for a cancelled scope: its work has been cancelled, but a descendant scope whose
     * grant raced the cancel on another thread may still be subscribing its work, and the permit stays taken
     * until it is done (see {@link #descendants}).
     */
    private void endHoldOnCancel() {
        endHold(true);
    }

    private boolean endHold(boolean cancelled) {
        for (;;) {
            int s = state;
            if (s == GRANTED) {
                if (STATE.compareAndSet(this, GRANTED, RELEASED)) {
                    leaveHold();
                    if (cancelled) {
                        givePermitBackOnceNoDescendantSubscribes();
                    } else {
                        givePermitBack();
                    }
                    return true;
                }
            } else if (s == LENT || s == BORROWED) {
                if (STATE.compareAndSet(this, s, RELEASED)) {
                    return true;
                }
            } else {
                return false;
            }
        }
    }

    /**
     * Gives the permit back now, or, while a descendant scope is inside {@code work.subscribe}, leaves that to the
     * last such descendant ({@link #descendantSubscribed()}).
     */
    private void givePermitBackOnceNoDescendantSubscribes() {
        for (;;) {
            int d = descendants;
            if ((d & SUBSCRIBING_MASK) == 0) {
                if (DESCENDANTS.compareAndSet(this, d, PERMIT_GIVEN_BACK)) {
                    givePermitBack();
                    return;
                }
            } else if (DESCENDANTS.compareAndSet(this, d, d | PERMIT_OWED)) {
                return;
            }
        }
    }

    /** A descendant announced in {@link #granted()} has returned from subscribing its work. */
    private void descendantSubscribed() {
        for (;;) {
            int d = descendants;
            if (d - 1 == PERMIT_OWED) {
                if (DESCENDANTS.compareAndSet(this, d, PERMIT_GIVEN_BACK)) {
                    givePermitBack();
                    return;
                }
            } else if (DESCENDANTS.compareAndSet(this, d, d - 1)) {
                return;
            }
        }
    }

    private void givePermitBack() {
        try {
            queue.releaseOrThrow();
        } catch (IllegalStateException misuse) {
            // Someone released a permit they did not own while we held ours; say so, keep our signal.
            Operators.onErrorDropped(misuse, currentContext());
        }
    }

    /** Before the permit goes back: forget ownership, and tell the drain loop if descendants may be counting on us. */
    private void leaveHold() {
        if (queue.owner == this) {
            queue.owner = null;
        }
        queue.untrack(trackedHold);
        if (queuedDescendants > 0) {
            queue.holderEnded(this);
        }
    }

    /**
     * For {@link Condition#await()}: releases the lock while this scope stays open.
     *
     * @return {@code false} if this scope does not hold the lock now
     */
    boolean lend() {
        if (STATE.compareAndSet(this, GRANTED, LENT)) {
            if (queue.owner == this) {
                queue.owner = null;
            }
            queue.untrack(trackedHold);
            trackedHold = null;
            queue.release();
            return true;
        }
        return false;
    }

    /**
     * For {@link Condition#await()}: the caller was just granted the lock again on this scope's behalf, as
     * {@code permit}, which this scope now takes over.
     *
     * @return {@code false} if the scope ended meanwhile; the lock has then been given back
     */
    boolean reclaim(Permit permit) {
        ((DefaultPermit) permit).handOver();
        if (STATE.compareAndSet(this, LENT, GRANTED)) {
            if (queue.tracksOwner()) {
                queue.owner = this;
            }
            if (Diagnostics.tracksHolders()) {
                trackedHold = queue.track(holderName(), false);
            }
            return true;
        }
        queue.release();
        return false;
    }

    /** Holds a permit of its own right now (not lent to a Condition, not borrowed from an ancestor). */
    boolean holds() {
        return state == GRANTED;
    }
}
