package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * A queued acquire. Subclasses decide what a grant does; the state machine and the list links live here so a
 * subscriber can be its own queue node (a raw acquire's is; a scope's node is allocated only when it waits).
 */
abstract class Waiter {
    static final int INIT = 0;
    static final int QUEUED = 1;
    static final int GRANTED = 2;
    static final int WITHDRAWN = 3;
    /** Subclasses' states after GRANTED start here. */
    static final int FIRST_SUBCLASS_STATE = 4;

    static final AtomicIntegerFieldUpdater<Waiter> STATE =
            AtomicIntegerFieldUpdater.newUpdater(Waiter.class, "state");

    /** INIT → QUEUED → GRANTED | WITHDRAWN, or INIT → WITHDRAWN; subclasses move on from GRANTED. */
    volatile int state;

    /** Drain owner only. */
    Waiter prev;
    Waiter next;
    boolean linked;
    /**
     * The queue detects deadlocks and this waiter runs inside some scope, so the drain loop may count it against
     * holding ancestors: a withdrawal must reach the drain loop at once to uncount it (see {@link #withdraw}).
     * Written before the waiter is published; false for every waiter of a queue that does not detect.
     */
    boolean countedByAncestors;
    /** Set before the waiter is published to the drain loop. */
    long enqueuedAt;
    /**
     * The queue this waiter is linked in (detecting policies), read by other queues' lock-cycle walks. Not named
     * {@code queue}: an inherited field would shadow the enclosing class's {@code queue} in inner subclasses
     * such as {@code AcquireMono.AcquireWaiter}.
     */
    volatile PermitQueue linkedIn;
    /** Drain owner only: the ancestors holding this queue that this waiter was counted against. */
    PermitScope<?>[] blockingAncestors;
    /** Drain owner only: owners of raw permits of this queue that this waiter descends from (see DeadlockAccounting). */
    Object[] rawOwners;
    /** The pending maximum-wait timer, if any; disposed once the waiter leaves the queue. */
    private volatile Disposable timer;

    /** Called by the drain loop after this waiter moved QUEUED → GRANTED; it now holds one permit. */
    abstract void granted();

    /** The subscriber that is waiting for the permit. */
    abstract CoreSubscriber<?> subscriber();

    /** The primitive waited on: it names itself in the timeout's message. */
    abstract PermitSource source();

    /** Called by the drain loop after it withdrew this waiter because waiting could never end. */
    final void failed(Throwable error) {
        disposeTimer();
        fail(error);
    }

    /** Ends a waiter that never held a permit (a deadlock or its maximum wait) with {@code error}. */
    void fail(Throwable error) {
        subscriber().onError(error);
    }

    /** The Context of the subscriber that is waiting (not of work run under the permit). */
    final ContextView subscriberContext() {
        return subscriber().currentContext();
    }

    /** The innermost withPermit/withLock scope this waiter runs inside, if any. */
    PermitScope<?> parentScope() {
        return Ownership.enclosingScope(subscriberContext());
    }

    String holderName() {
        return Ownership.holderName(subscriberContext());
    }

    /**
     * For lock-cycle walks: the lock whose holder must signal before this waiter can go on, when it is a
     * {@link Condition} await waiting for a signal without a maximum wait; null for every other waiter, and for an
     * await that was signalled, timed out or cancelled.
     */
    PermitQueue signalledUnder() {
        return null;
    }

    /** The Condition a waiter whose {@link #signalledUnder()} is not null awaits, for messages. */
    String conditionName() {
        return null;
    }

    /**
     * Withdraws this waiter if it has not been granted yet.
     *
     * @return {@code true} if withdrawn (no permit was or will be taken for it); {@code false} if it was
     *     already granted (the caller now owns a permit) or already withdrawn
     */
    final boolean withdraw(PermitQueue queue, boolean timeout) {
        for (;;) {
            int s = state;
            if (s == INIT) {
                if (STATE.compareAndSet(this, INIT, WITHDRAWN)) {
                    return true;
                }
            } else if (s == QUEUED) {
                if (STATE.compareAndSet(this, QUEUED, WITHDRAWN)) {
                    queue.withdraw(this, timeout);
                    return true;
                }
            } else {
                return false;
            }
        }
    }

    /**
     * Takes a free permit at once if nobody is queued (then calls {@link #granted()} on this thread), otherwise
     * queues. A waiter cancelled before this ran takes nothing.
     */
    final void acquireFrom(PermitQueue queue) {
        if (!queue.tryAcquire()) {
            queue.enqueue(this);
        } else if (STATE.compareAndSet(this, INIT, GRANTED)) {
            granted();
        } else {
            queue.release();
        }
    }

    /**
     * As {@link #acquireFrom(PermitQueue)}, giving up after {@code maxWait} (null: never): a timer on
     * {@link Schedulers#parallel()} withdraws the waiter and calls {@link #timedOut}. Exactly one of
     * {@link #granted()} and {@link #timedOut} happens, decided by the waiter's CAS.
     */
    final void acquireFrom(PermitQueue queue, Duration maxWait) {
        acquireFrom(queue);
        if (maxWait != null && state == QUEUED) {
            Disposable t = Schedulers.parallel().schedule(() -> {
                if (withdraw(queue, true)) {
                    timedOut(maxWait);
                }
            }, maxWait.toNanos(), TimeUnit.NANOSECONDS);
            timer = t;
            if (state != QUEUED) {
                t.dispose();
            }
        }
    }

    /** Called on the timer's thread once the maximum wait withdrew this waiter; it never held a permit. */
    private void timedOut(Duration maxWait) {
        fail(source().timedOut(maxWait));
    }

    /** Stops the maximum-wait timer, if any: the waiter has left the queue (or is leaving it). */
    final void disposeTimer() {
        Disposable t = timer;
        if (t != null) {
            t.dispose();
        }
    }
}
