package io.github.reactorasyncio.sync;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The raw holds of one {@link Lock} (policy not OFF), numbered so that an ended owner can tell whether its permit
 * still holds the lock, and the one abandoned hold reported (see {@link AbandonedLocks}). The permit engine only
 * calls it: a raw permit numbers its hold when granted and ends it before its release.
 */
final class RawLockHolds {
    private static final AtomicLongFieldUpdater<RawLockHolds> CURRENT =
            AtomicLongFieldUpdater.newUpdater(RawLockHolds.class, "current");

    /**
     * The number of the latest raw hold. Plain: written only by that hold's acquirer while it holds the lock, and
     * read by the next one after the lock passed through the permit count's CAS.
     */
    private long latest;
    /**
     * The number of the raw hold holding the lock now, 0 when free or held by a scope. Written with ordered stores:
     * each is followed by the permit count's CAS, a full fence, before the lock can change hands, and a reader on
     * another thread learns of the hold's end through that release.
     */
    volatile long current;
    /** Raw hold abandoned by its ended owner, reported once; stale once {@link #current} moved on. */
    volatile AbandonedLocks.Abandoned abandoned;

    /** A raw permit of this Lock was just granted to its acquirer: number the hold. */
    long begin() {
        long seq = latest + 1;
        latest = seq;
        CURRENT.lazySet(this, seq);
        return seq;
    }

    /** Raw hold {@code seq} ends through its own Permit, before the permit goes back. */
    void end(long seq) {
        if (current == seq) {
            CURRENT.lazySet(this, 0);
        }
    }

    /** A release without a Permit ends whichever raw hold there was. */
    void endedAnonymously() {
        CURRENT.lazySet(this, 0);
    }
}
