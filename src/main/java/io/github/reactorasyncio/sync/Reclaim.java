package io.github.reactorasyncio.sync;

import reactor.core.CoreSubscriber;

/**
 * The one way a lent lock comes back to its scope: a waiter in the lock's own queue, FIFO behind other acquirers,
 * that on its grant moves the scope from {@code LENT} back to {@code GRANTED}. It settles exactly once: held, or
 * not (the scope ended first, withdrawing it or giving back the permit it was granted).
 */
abstract class Reclaim extends Waiter {
    final PermitScope<?> scope;

    Reclaim(PermitScope<?> scope) {
        this.scope = scope;
    }

    /**
     * Runs once: {@code held} when the scope owns the lock again, {@code false} when it ended first. On the
     * thread that decided it (the grant's, or the scope's end).
     */
    abstract void settled(boolean held);

    /**
     * The deadlock check withdrew this re-acquire: the scope will not get its lock back this way. Whoever waits
     * for the re-acquire ends with {@code error}; the scope stays lent and ends through its work.
     */
    @Override
    abstract void fail(Throwable error);

    /** Queues for the lock on the scope's behalf, unless the scope has ended (then settles not held). */
    final void reclaim() {
        // Published before the state is read; endHold CASes the state, then reads this: one of us sees the other.
        scope.record().reclaim = this;
        if (scope.state != PermitScope.LENT) {
            if (withdraw(scope.plan.queue, false)) {
                settled(false);
            }
            return;
        }
        acquireFrom(scope.plan.queue);
    }

    @Override
    final void granted() {
        if (PermitScope.STATE.compareAndSet(scope, PermitScope.LENT, PermitScope.GRANTED)) {
            scope.becomeHolder();
            settled(true);
        } else {
            scope.plan.queue.release();
            settled(false);
        }
    }

    /** The scope's subscriber: its Context names the holder and the scopes the reclaim runs inside. */
    @Override
    final CoreSubscriber<?> subscriber() {
        return scope.actual;
    }

    @Override
    final PermitSource source() {
        return scope.plan.source;
    }

    /** The scope's own parent: the scope re-acquires, it is not its own descendant. */
    @Override
    final PermitScope<?> parentScope() {
        return scope.parentScope();
    }
}
