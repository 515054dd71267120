package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The engine behind {@link Semaphore}, {@link BoundedSemaphore} and {@link Lock}: a count of free permits and a
 * strict-FIFO queue of waiters.
 *
 * <p><b>Concurrency.</b> Free permits and capacity share one {@code long}, so the uncontended path is one CAS to
 * acquire and one to release, with no lock. The waiter list is touched only by the thread that owns the drain
 * loop (a work-in-progress counter, the reactor-core idiom): arrivals and withdrawals reach it through lock-free
 * multi-producer queues, so no thread ever waits for another, and a thread that finds the loop owned just leaves
 * its work to the owner.
 *
 * <p><b>Cancellation.</b> A waiter leaves {@code QUEUED} exactly once, by CAS: to {@code GRANTED} (the drain loop
 * took a permit for it) or to {@code WITHDRAWN} (cancel or timeout). The loser of that race learns it from the
 * failed CAS: a drain that loses gives the permit back, a canceller that loses owns a granted permit and must
 * release it. That CAS is all a cancel does to the waiter: it stays linked, skipped by grants, until the drain
 * loop passes it at the head or sweeps the list, which it does once withdrawn waiters outnumber the live ones
 * (amortized O(1) per cancel, at most as many stale as live waiters retained). A withdrawn head is unlinked at
 * once, so the head is the oldest live waiter (statistics read its wait). A cancel therefore touches one
 * object, the waiter, and allocates nothing; the cost of a cancel does not grow with the queue beyond the memory
 * latency of reaching that object. The exception is a waiter the deadlock accounting counted against its
 * ancestors ({@link Waiter#countedByAncestors}): the drain loop must uncount it at once, so it is unlinked eagerly.
 *
 * <p><b>Fairness.</b> The fast path is open only while {@link #waiting} is zero; any queued waiter closes it, so a
 * newcomer cannot barge past the queue. Grants are made from the head of the list in arrival order, inside the
 * drain loop, which also trampolines: a granted waiter that releases synchronously does not recurse.
 *
 * <p><b>Deadlocks.</b> Under {@code DETECT} and {@code REPORT} a {@link DeadlockAccounting} observes the drain loop
 * at its owner points (arrived, linked, unlinked, holders ended, after the grants); the engine only calls it.
 *
 * <p><b>Diagnostics.</b> Every queue registers itself weakly with {@link Diagnostics} when created. Holds are
 * recorded in {@link #trackedHolds} only while {@link Diagnostics#trackHolders holder tracking} is on; otherwise a
 * grant costs one read of that flag.
 */
final class PermitQueue {

    /** What a release does when every permit is already free. */
    enum Overflow {
        /** asyncio.Semaphore: the release adds one more permit (capacity grows). */
        GROW,
        /** asyncio.BoundedSemaphore and Lock: the release is refused. */
        REFUSE
    }

    private static final AtomicLongFieldUpdater<PermitQueue> STATE =
            AtomicLongFieldUpdater.newUpdater(PermitQueue.class, "state");
    private static final AtomicIntegerFieldUpdater<PermitQueue> WAITING =
            AtomicIntegerFieldUpdater.newUpdater(PermitQueue.class, "waiting");
    private static final AtomicIntegerFieldUpdater<PermitQueue> WIP =
            AtomicIntegerFieldUpdater.newUpdater(PermitQueue.class, "wip");
    private static final AtomicIntegerFieldUpdater<PermitQueue> LINKED_WAITERS =
            AtomicIntegerFieldUpdater.newUpdater(PermitQueue.class, "linkedWaiters");
    private static final AtomicLong IDS = new AtomicLong();

    /**
     * Creation order, unique in the JVM: {@link Locks#withAll} takes locks in ascending id, and
     * {@link Diagnostics#snapshot()} lists primitives by it.
     */
    final long id = IDS.incrementAndGet();

    final String name;
    /** "Semaphore", "BoundedSemaphore" or "Lock", for messages. */
    final String kind;
    final DeadlockPolicy policy;
    /** DETECT or REPORT: the drain loop keeps the blocked-holder accounting and checks for deadlocks. */
    private final boolean detects;
    /**
     * A queue created with one permit (a Lock, a Semaphore(1)) whose policy detects: its one scope holder is kept in
     * {@link #owner}, so wait cycles can be followed through it (while its capacity stays one, see
     * {@link #soleHolder()}).
     */
    private final boolean tracksOwner;
    private final Overflow overflow;
    /** The message of the IllegalStateException thrown when {@link Overflow#REFUSE} refuses a release. */
    private final String refusal;

    /** High 32 bits: capacity; low 32 bits: free permits. Invariant: {@code 0 <= free <= capacity}. */
    private volatile long state;

    /**
     * Waiters counted in before they are offered to {@link #arrivals} and counted out when granted or withdrawn.
     * Non-zero closes the fast path. Never negative: a waiter is counted in before the CAS that publishes it as
     * {@code QUEUED}, and only a waiter that left {@code QUEUED} is counted out.
     */
    private volatile int waiting;

    /** Drain-loop ownership and missed-work counter; the owner alone touches {@link #head}/{@link #tail}. */
    private volatile int wip;

    /**
     * Waiters in the list, live or withdrawn; written by the drain owner only, read by cancellers to tell how many
     * withdrawn waiters are still linked ({@code linkedWaiters - waiting}, an underestimate while arrivals are in
     * flight). Package-private for tests.
     */
    volatile int linkedWaiters;
    /** Set by a canceller when withdrawn waiters outnumber the live ones; the drain loop then sweeps the list. */
    private volatile boolean sweepRequested;

    private final Queue<Waiter> arrivals = Queues.<Waiter>unboundedMultiproducer().get();
    private final Queue<Waiter> withdrawals = Queues.<Waiter>unboundedMultiproducer().get();
    /**
     * The deadlock accounting, an observer the drain loop calls at its owner points (arrived, linked, unlinked,
     * holders ended, after the grants); null under {@code OFF} and {@code REENTRANT}, which pay nothing for it.
     */
    private final DeadlockAccounting deadlocks;

    /** The scope holding this queue's one permit (tracksOwner only); null when free or held through a raw Permit. */
    volatile PermitScope<?> owner;

    /** A Lock whose policy is not OFF: its raw holds, numbered (docs/deadlocks.md, shape 4); null otherwise. */
    final RawLockHolds rawLockHolds;
    /**
     * Releases without a Permit ({@code release()}, asyncio's ownerless form). The leak net does not report the
     * permits of a primitive released that way: a dropped Permit object means nothing there. Racy increments are
     * fine, only "not zero" is read.
     */
    volatile long anonymousReleases;

    /** Oldest linked waiter; written only by the drain owner, volatile so statistics can read it. */
    private volatile Waiter head;
    /** Newest linked waiter; drain owner only. */
    private Waiter tail;

    private final LongAdder cancelled = new LongAdder();
    private final LongAdder timedOut = new LongAdder();

    /**
     * Holds granted while holder tracking was on and not released yet (identity set: one entry per hold). A hold
     * ended by a raw {@link PermitSource#release()} instead of its own {@link Permit#release()} stays listed.
     */
    private final Set<TrackedHold> trackedHolds = ConcurrentHashMap.newKeySet();

    PermitQueue(String name, int permits, Overflow overflow, String refusal, String kind, DeadlockPolicy policy) {
        Names.requireNonNull(name, "name");
        Names.requireNonNull(policy, "policy");
        this.kind = kind;
        this.policy = policy;
        this.detects = policy == DeadlockPolicy.DETECT || policy == DeadlockPolicy.REPORT;
        this.tracksOwner = detects && permits == 1;
        this.rawLockHolds = policy != DeadlockPolicy.OFF && "Lock".equals(kind) ? new RawLockHolds() : null;
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        this.name = name;
        this.overflow = overflow;
        this.refusal = refusal;
        this.state = pack(permits, permits);
        this.deadlocks = detects ? new DeadlockAccounting(this) : null;
        Diagnostics.register(this);
    }

    private static long pack(int capacity, int free) {
        return ((long) capacity << 32) | (free & 0xFFFF_FFFFL);
    }

    private static int capacityOf(long state) {
        return (int) (state >>> 32);
    }

    private static int freeOf(long state) {
        return (int) state;
    }

    /** Takes a free permit if nobody is queued. */
    boolean tryAcquire() {
        return waiting == 0 && takeFree();
    }

    private boolean takeFree() {
        for (;;) {
            long s = state;
            if (freeOf(s) == 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s - 1)) {
                return true;
            }
        }
    }

    /**
     * Returns one permit, waking the longest waiter.
     *
     * @return {@code false} if every permit was already free and the overflow policy refuses the release
     */
    boolean release() {
        for (;;) {
            long s = state;
            int capacity = capacityOf(s);
            int free = freeOf(s);
            long next;
            if (free < capacity) {
                next = s + 1;
            } else if (overflow == Overflow.GROW && capacity < Integer.MAX_VALUE) {
                next = pack(capacity + 1, free + 1);
            } else {
                return false;
            }
            if (STATE.compareAndSet(this, s, next)) {
                break;
            }
        }
        if (waiting != 0) {
            drain();
        }
        return true;
    }

    /**
     * Returns one permit like {@link #release()}.
     *
     * @throws IllegalStateException with the owner's message if the overflow policy refuses the release
     */
    void releaseOrThrow() {
        if (!release()) {
            throw new IllegalStateException(refusal);
        }
    }

    /**
     * Queues {@code waiter}, or grants it at once if the queue was empty and a permit free. Does nothing if the
     * waiter was withdrawn before it could be queued.
     */
    void enqueue(Waiter waiter) {
        // Decided before the waiter is published (the CAS below), so a canceller sees it (see withdraw).
        waiter.countedByAncestors = detects && waiter.parentScope() != null;
        WAITING.incrementAndGet(this);
        if (!Waiter.STATE.compareAndSet(waiter, Waiter.INIT, Waiter.QUEUED)) {
            WAITING.decrementAndGet(this);
            return;
        }
        waiter.enqueuedAt = now();
        arrivals.offer(waiter);
        drain();
    }

    /**
     * A release without a Permit is about to return a permit: whichever raw hold a Lock had ends here (before the
     * release, which may grant the next raw hold on this very thread).
     */
    void releasingAnonymously() {
        anonymousReleases++;
        if (rawLockHolds != null) {
            rawLockHolds.endedAnonymously();
        }
    }

    /** The oldest linked waiter: the deadlock accounting's walk (drain owner), best-effort listings (any thread). */
    Waiter head() {
        return head;
    }

    boolean detects() {
        return detects;
    }

    boolean tracksOwner() {
        return tracksOwner;
    }

    /**
     * The scope holding the one permit, for wait-cycle walks; null when free, held raw, or when releases beyond the
     * acquires grew a Semaphore(1) (capacity never shrinks, so {@link #owner} may then name one of several holders).
     */
    PermitScope<?> soleHolder() {
        return tracksOwner && capacity() == 1 ? owner : null;
    }

    /** The deadlock accounting, null under {@code OFF} and {@code REENTRANT}. */
    DeadlockAccounting deadlocks() {
        return deadlocks;
    }

    /** A holder that ended while it may have had descendants queued here; the drain loop stops counting it. */
    void holderEnded(PermitScope<?> holder) {
        deadlocks.holderEnded(holder);
        drain();
    }

    /**
     * Called once by a waiter that moved itself from QUEUED to WITHDRAWN. The waiter stays linked unless the
     * deadlock accounting must forget it now or it is the head; the list is swept once withdrawn waiters outnumber
     * live ones.
     */
    void withdraw(Waiter waiter, boolean timeout) {
        int stillWaiting = WAITING.decrementAndGet(this);
        (timeout ? timedOut : cancelled).increment();
        if (waiter.countedByAncestors) {
            withdrawals.offer(waiter);
            drain();
        } else if (linkedWaiters - stillWaiting > stillWaiting) {
            sweepRequested = true;
            drain();
        } else if (head == waiter) {
            // The oldest waiter left (a maxWait timing out, typically): the drain loop unlinks it now, so the head
            // stays the oldest live waiter and statistics() finds it without walking.
            drain();
        }
    }

    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            Waiter w;
            while ((w = arrivals.poll()) != null) {
                if (w.state == Waiter.QUEUED) {
                    link(w);
                    if (deadlocks != null) {
                        // After link, which published w's edge: of two waiters closing one cycle on two queues at
                        // the same instant, each publishes, then walks; at least one sees the other's edge.
                        deadlocks.checkLockCycle(w);
                    }
                    if (rawLockHolds != null && rawLockHolds.abandoned != null && w.state == Waiter.QUEUED) {
                        AbandonedLocks.waiterQueued(this, w);
                    }
                }
            }
            while ((w = withdrawals.poll()) != null) {
                if (w.linked) {
                    unlink(w);
                }
            }
            if (sweepRequested) {
                sweepRequested = false;
                sweepWithdrawn();
            }
            if (deadlocks != null) {
                deadlocks.forgetEndedHolders();
            }
            Waiter first;
            while ((first = head) != null) {
                if (first.state != Waiter.QUEUED) {
                    unlink(first);
                    continue;
                }
                if (!takeFree()) {
                    break;
                }
                unlink(first);
                if (Waiter.STATE.compareAndSet(first, Waiter.QUEUED, Waiter.GRANTED)) {
                    WAITING.decrementAndGet(this);
                    try {
                        first.granted();
                    } catch (Throwable t) {
                        Exceptions.throwIfJvmFatal(t);
                        Operators.onErrorDropped(t, Context.empty());
                    }
                } else {
                    // Withdrawn between our CAS on the permit count and on the waiter: the permit goes back.
                    STATE.getAndIncrement(this);
                }
            }
            if (deadlocks != null) {
                deadlocks.checkNestedStarvation();
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** For the deadlock accounting: fails those of {@code victims} still queued, unlinking them (drain owner). */
    void failAll(List<Waiter> victims, String message) {
        List<Waiter> failed = new ArrayList<>(victims.size());
        for (Waiter v : victims) {
            if (Waiter.STATE.compareAndSet(v, Waiter.QUEUED, Waiter.WITHDRAWN)) {
                unlink(v);
                WAITING.decrementAndGet(this);
                failed.add(v);
            }
        }
        for (Waiter v : failed) {
            try {
                v.failed(new DeadlockException(message));
            } catch (Throwable t) {
                Exceptions.throwIfJvmFatal(t);
                Operators.onErrorDropped(t, Context.empty());
            }
        }
    }

    /**
     * Unlinks every withdrawn waiter: one walk, paid for by the cancels that made them outnumber the live ones. The
     * live waiters are relinked to each other; a withdrawn one is only cleared, so a run of them costs one read each.
     */
    private void sweepWithdrawn() {
        Waiter kept = null;
        int dropped = 0;
        for (Waiter w = head; w != null; ) {
            Waiter next = w.next;
            if (w.state == Waiter.QUEUED) {
                if (kept == null) {
                    head = w;
                } else {
                    kept.next = w;
                }
                w.prev = kept;
                kept = w;
            } else {
                forget(w);
                dropped++;
            }
            w = next;
        }
        if (kept == null) {
            head = null;
        } else {
            kept.next = null;
        }
        tail = kept;
        LINKED_WAITERS.lazySet(this, linkedWaiters - dropped);
    }

    private void link(Waiter w) {
        if (deadlocks != null) {
            deadlocks.linked(w);
        }
        // A volatile store, not an ordered one: a canceller CASes its waiter, then reads this count; we store it,
        // then read that waiter's state at the head. One of us sees the other, so a waiter withdrawn just after it
        // was linked is swept by the canceller or unlinked by this drain, never left behind in an emptied queue.
        linkedWaiters = linkedWaiters + 1;
        w.linked = true;
        Waiter last = tail;
        w.prev = last;
        w.next = null;
        if (last == null) {
            head = w;
        } else {
            last.next = w;
        }
        tail = w;
    }

    private void unlink(Waiter w) {
        Waiter before = w.prev;
        Waiter after = w.next;
        if (before == null) {
            head = after;
        } else {
            before.next = after;
        }
        if (after == null) {
            tail = before;
        } else {
            after.prev = before;
        }
        forget(w);
        LINKED_WAITERS.lazySet(this, linkedWaiters - 1);
    }

    /** A waiter taken out of the list: no links left to it or from it, and no ancestor counts it any more. */
    private void forget(Waiter w) {
        w.prev = null;
        w.next = null;
        w.linked = false;
        if (w.blockingAncestors != null) {
            deadlocks.unlinked(w);
        }
    }

    int capacity() {
        return capacityOf(state);
    }

    /** Free permits, even while waiters are queued (for a moment, before the drain loop hands them out). */
    int freePermits() {
        return freeOf(state);
    }

    /** Free permits, or 0 while anyone is queued (they are about to take them). */
    int available() {
        return waiting > 0 ? 0 : freeOf(state);
    }

    int waiting() {
        return waiting;
    }

    boolean locked() {
        return waiting > 0 || freeOf(state) == 0;
    }

    /** Records a granted hold (callers check {@link Diagnostics#tracksHolders()} first); {@link #untrack} ends it. */
    TrackedHold track(String holder, boolean rawPermit) {
        TrackedHold hold = new TrackedHold(holder, now(), rawPermit);
        trackedHolds.add(hold);
        return hold;
    }

    /**
     * A raw {@link PermitSource#release()} names no hold (asyncio's has no owner): it retires the oldest raw-permit
     * hold's record, so the tracked holders stay as many as the permits out; that hold's {@link Permit} does not
     * learn of it (releasing it too is a second release).
     */
    void retireOldestRawHold() {
        if (trackedHolds.isEmpty()) {
            return;
        }
        trackedHolds.stream().filter(h -> h.rawPermit)
                .min(Comparator.<TrackedHold>comparingLong(h -> h.since).thenComparingLong(h -> h.grant))
                .ifPresent(trackedHolds::remove);
    }

    void untrack(TrackedHold hold) {
        if (hold != null) {
            trackedHolds.remove(hold);
        }
    }

    /** {@code Semaphore 'fetch'}: how messages and snapshots name this primitive. */
    String label() {
        return kind + " '" + name + "'";
    }

    /**
     * Who holds and who waits, best effort: the waiter list is read without owning the drain loop, following
     * {@code next} links that the owner may be unlinking meanwhile. Links only ever point to later arrivals or
     * become null, so the walk ends; a waiter granted or withdrawn during the walk may be skipped or still listed.
     */
    PrimitiveSnapshot snapshot() {
        SemaphoreStatistics statistics = statistics();
        long now = now();
        List<PrimitiveSnapshot.Holder> holders = new ArrayList<>();
        // Only a Lock lists its untracked withLock holder: a Semaphore(1) keeps its owner for cycle walks alone, and
        // semaphores list holders only while holder tracking is on (docs/deadlocks.md, "Holder tracking").
        PermitScope<?> lockOwner = "Lock".equals(kind) ? owner : null;
        HoldRecord ownerRecord = lockOwner == null ? null : lockOwner.recordIfAny();
        if (lockOwner != null && (ownerRecord == null || ownerRecord.trackedHold == null)) {
            holders.add(new PrimitiveSnapshot.Holder(lockOwner.holderName(), Optional.empty(), false));
        }
        trackedHolds.stream()
                .sorted(Comparator.<TrackedHold>comparingLong(h -> h.since).thenComparingLong(h -> h.grant))
                .forEach(hold -> holders.add(new PrimitiveSnapshot.Holder(hold.holder,
                        Optional.of(Duration.ofNanos(Math.max(0, now - hold.since))), hold.rawPermit)));
        List<PrimitiveSnapshot.Waiter> waiters = new ArrayList<>();
        for (Waiter w = head; w != null; w = w.next) {
            if (w.state != Waiter.QUEUED) {
                continue;
            }
            List<String> ancestors = new ArrayList<>();
            for (PermitScope<?> a = w.parentScope(); a != null; a = a.parentScope()) {
                ancestors.add(a.holderName() + " (" + a.queue().label() + ")");
            }
            waiters.add(new PrimitiveSnapshot.Waiter(w.holderName(), Duration.ofNanos(Math.max(0, now - w.enqueuedAt)),
                    ancestors));
        }
        return new PrimitiveSnapshot(kind, name, policy, statistics, holders, waiters);
    }

    SemaphoreStatistics statistics() {
        long s = state;
        int capacity = capacityOf(s);
        Waiter oldest = oldestQueued();
        Duration longest = oldest == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, now() - oldest.enqueuedAt));
        int queued = waiting();
        int free = queued > 0 ? 0 : freeOf(s);
        return new SemaphoreStatistics(name, capacity, free, capacity - freeOf(s), queued, longest,
                cancelled.sum(), timedOut.sum());
    }

    /** The first waiter still queued, walking past withdrawn ones not unlinked yet (best effort, as snapshot()). */
    private Waiter oldestQueued() {
        Waiter w = head;
        while (w != null && w.state != Waiter.QUEUED) {
            w = w.next;
        }
        return w;
    }

    String describe(String kind) {
        long s = state;
        return kind + "[name=" + name + ", available=" + (waiting > 0 ? 0 : freeOf(s)) + "/" + capacityOf(s)
                + ", waiting=" + waiting() + "]";
    }

    static long now() {
        return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
    }

}
