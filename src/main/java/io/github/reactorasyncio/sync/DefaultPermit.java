package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** A permit handed out by {@code acquire()}/{@code tryAcquire()}; releasing it is idempotent. */
final class DefaultPermit implements Permit {

    private static final AtomicIntegerFieldUpdater<DefaultPermit> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(DefaultPermit.class, "released");
    private static final AtomicIntegerFieldUpdater<DefaultPermit> ABANDONED =
            AtomicIntegerFieldUpdater.newUpdater(DefaultPermit.class, "abandoned");

    final PermitQueue queue;
    private final String holder;
    private final long acquiredAt;
    /** This hold as recorded for {@link Diagnostics#snapshot()}; null unless holder tracking was on at the grant. */
    private final TrackedHold trackedHold;
    /**
     * A Lock that watches raw holds: this hold's number in {@link RawLockHolds#current} while it holds the
     * lock; 0 for every other primitive.
     */
    final long holdSeq;
    /** The leak net's record of this permit, for a sampled acquire only; null otherwise. */
    private final LeakNet.Tracker leak;
    /** The owner the deadlock accounting counts this hold against (DeadlockAccounting#rawOwner), or null. */
    private final Object rawOwner;
    /** 0 while held; set to 1 by exactly one release(). */
    private volatile int released;
    /** Set to 1 by the one report of this hold as abandoned by its owner. */
    private volatile int abandoned;
    /** Written before {@link #released} is set (by each racing releaser, within nanoseconds of each other). */
    private volatile long releasedAt;

    /** @param rawOwner what {@link DeadlockAccounting#rawAcquired} returned for this hold, or null */
    DefaultPermit(PermitQueue queue, String holder, LeakNet.Site site, Object rawOwner) {
        this.rawOwner = rawOwner;
        this.queue = queue;
        this.holder = holder;
        this.acquiredAt = PermitQueue.now();
        this.trackedHold = Diagnostics.tracksHolders() ? queue.track(holder, true) : null;
        this.holdSeq = queue.rawLockHolds != null ? queue.rawLockHolds.begin() : 0;
        this.leak = site == null ? null : LeakNet.track(this, queue, holder, site);
    }

    @Override
    public boolean release() {
        if (released != 0) {
            return false;
        }
        releasedAt = PermitQueue.now();
        if (!RELEASED.compareAndSet(this, 0, 1)) {
            return false;
        }
        if (leak != null) {
            leak.released();
        }
        if (holdSeq != 0) {
            queue.rawLockHolds.end(holdSeq);
        }
        queue.untrack(trackedHold);
        if (rawOwner != null) {
            queue.deadlocks().rawReleased(rawOwner);
        }
        queue.releaseOrThrow();
        return true;
    }

    /**
     * A Lock's raw hold: whether this permit still holds its lock (not released through itself, nor by a raw
     * {@code lock.release()} since).
     */
    boolean holdsItsLock() {
        return holdSeq != 0 && released == 0 && queue.rawLockHolds.current == holdSeq;
    }

    /** Claims the one report of this hold as abandoned. */
    boolean markAbandoned() {
        return ABANDONED.compareAndSet(this, 0, 1);
    }

    @Override
    public boolean isReleased() {
        return released != 0;
    }

    @Override
    public String holder() {
        return holder;
    }

    @Override
    public Duration heldFor() {
        long end = released != 0 ? releasedAt : PermitQueue.now();
        return Duration.ofNanos(Math.max(0, end - acquiredAt));
    }

    @Override
    public String toString() {
        return "Permit[of=" + queue.name + ", holder=" + holder + (isReleased() ? ", released" : ", held") + "]";
    }
}
