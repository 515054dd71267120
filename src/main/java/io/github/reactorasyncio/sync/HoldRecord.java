package io.github.reactorasyncio.sync;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import reactor.util.context.Context;

/**
 * What a hold needs only when something looks at it: descendants nested in it (the nested-cancel handshake and
 * the deadlock accounting), holder tracking, and the Context of its work (built the first time work asks).
 * Created at most once per scope, by whichever thread first needs it.
 */
final class HoldRecord {
    @SuppressWarnings("rawtypes")
    static final AtomicIntegerFieldUpdater<HoldRecord> DESCENDANTS =
            AtomicIntegerFieldUpdater.newUpdater(HoldRecord.class, "descendants");
    static final AtomicReferenceFieldUpdater<HoldRecord, Waiter> BLOCKED_ON =
            AtomicReferenceFieldUpdater.newUpdater(HoldRecord.class, Waiter.class, "blockedOn");
    static final int SUBSCRIBING_MASK = (1 << 29) - 1;
    static final int PERMIT_OWED = 1 << 29;
    static final int PERMIT_GIVEN_BACK = 1 << 30;

    /**
     * Descendant scopes (at any depth) inside {@code work.subscribe} right now, in the bits of
     * {@link #SUBSCRIBING_MASK}, plus {@link #PERMIT_OWED} once a cancel ended this hold while some were, or
     * {@link #PERMIT_GIVEN_BACK} once the permit went back that way. Invariant: a cancelled scope's permit goes
     * back exactly once, and only when no descendant is subscribing. Why: a cancel reaches a descendant whose
     * grant is racing it on another thread after that thread checked for the cancel, so the descendant's work
     * may still be starting when our cancel returns; giving our permit back then would let the next holder
     * overlap with it. A hold that ends by its work's own signal gives the permit back at once: the descendant
     * that emitted it may be subscribing still, on this very thread, and its work is done.
     */
    volatile int descendants;
    /**
     * Descendants of this scope queued on this scope's queue. Written by that queue's drain loop only; volatile
     * because {@link PermitScope#leaveHold()} reads it to decide whether the drain loop must hear of this
     * hold's end.
     */
    volatile int queuedDescendants;
    /** Drain owner of the scope's queue only: counted in its blocked holders. */
    boolean countedBlocked;
    /** Drain owner of the scope's queue only: this hold's end was processed; never counted again. */
    boolean endedSeen;
    /** A descendant queued on some primitive (the latest one), for lock-cycle walks; null when none is known. */
    volatile Waiter blockedOn;
    /** This hold as recorded for {@link Diagnostics#snapshot()}; null unless holder tracking was on at the grant. */
    volatile TrackedHold trackedHold;
    /** The Context of the work: the subscriber's, plus the scope; built on first use (most works never ask). */
    volatile Context context;
    /** Raw Lock permits taken inside this scope's work, reported if the scope ends still holding them. */
    volatile PermitOwner rawOwner;
    /** The latest re-acquire of a lock a Condition await lent; withdrawn if the scope ends while lent. */
    volatile Reclaim reclaim;
}
