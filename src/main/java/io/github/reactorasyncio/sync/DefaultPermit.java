package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** A permit handed out by {@code acquire()}/{@code tryAcquire()}; releasing it is idempotent. */
final class DefaultPermit implements Permit {

    private static final AtomicIntegerFieldUpdater<DefaultPermit> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(DefaultPermit.class, "released");

    private final PermitQueue queue;
    private final String holder;
    private final long acquiredAt;
    /** This hold as recorded for {@link Diagnostics#snapshot()}; null unless holder tracking was on at the grant. */
    private final TrackedHold trackedHold;
    /** The owner the deadlock accounting counts this hold against (DeadlockAccounting#rawOwner), or null. */
    private final Object rawOwner;
    /** 0 while held; set to 1 by exactly one release(). */
    private volatile int released;
    /** Written before {@link #released} is set (by each racing releaser, within nanoseconds of each other). */
    private volatile long releasedAt;

    DefaultPermit(PermitQueue queue, String holder) {
        this(queue, holder, null);
    }

    /** @param rawOwner what {@link DeadlockAccounting#rawAcquired} returned for this hold, or null */
    DefaultPermit(PermitQueue queue, String holder, Object rawOwner) {
        this.rawOwner = rawOwner;
        this.queue = queue;
        this.holder = holder;
        this.acquiredAt = PermitQueue.now();
        this.trackedHold = Diagnostics.tracksHolders() ? queue.track(holder, true) : null;
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
        queue.untrack(trackedHold);
        if (rawOwner != null) {
            queue.deadlocks().rawReleased(rawOwner);
        }
        queue.releaseOrThrow();
        return true;
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
