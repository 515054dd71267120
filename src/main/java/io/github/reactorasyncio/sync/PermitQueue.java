package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

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
 * release it. Withdrawn waiters are unlinked in O(1) from the doubly-linked list.
 *
 * <p><b>Fairness.</b> The fast path is open only while {@link #waiting} is zero; any queued waiter closes it, so a
 * newcomer cannot barge past the queue. Grants are made from the head of the list in arrival order, inside the
 * drain loop, which also trampolines: a granted waiter that releases synchronously does not recurse.
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

    final String name;
    private final Overflow overflow;
    /** The message of the IllegalStateException thrown when {@link Overflow#REFUSE} refuses a release. */
    private final String refusal;

    /** High 32 bits: capacity; low 32 bits: free permits. Invariant: {@code 0 <= free <= capacity}. */
    private volatile long state;

    /**
     * Waiters counted in before they are offered to {@link #arrivals} and counted out when granted or withdrawn.
     * Non-zero closes the fast path. May dip below zero for an instant when a cancel overtakes an arrival.
     */
    private volatile int waiting;

    /** Drain-loop ownership and missed-work counter; the owner alone touches {@link #head}/{@link #tail}. */
    private volatile int wip;

    private final Queue<Waiter> arrivals = Queues.<Waiter>unboundedMultiproducer().get();
    private final Queue<Waiter> withdrawals = Queues.<Waiter>unboundedMultiproducer().get();

    /** Oldest linked waiter; written only by the drain owner, volatile so statistics can read it. */
    private volatile Waiter head;
    /** Newest linked waiter; drain owner only. */
    private Waiter tail;

    private final LongAdder cancelled = new LongAdder();
    private final LongAdder timedOut = new LongAdder();

    PermitQueue(String name, int permits, Overflow overflow, String refusal) {
        Names.requireNonNull(name, "name");
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        this.name = name;
        this.overflow = overflow;
        this.refusal = refusal;
        this.state = pack(permits, permits);
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
        return waiting <= 0 && takeFree();
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
        WAITING.incrementAndGet(this);
        if (!Waiter.STATE.compareAndSet(waiter, Waiter.INIT, Waiter.QUEUED)) {
            WAITING.decrementAndGet(this);
            return;
        }
        waiter.enqueuedAt = now();
        arrivals.offer(waiter);
        drain();
    }

    /** Called once by a waiter that moved itself from QUEUED to WITHDRAWN. */
    private void withdraw(Waiter waiter, boolean timeout) {
        WAITING.decrementAndGet(this);
        (timeout ? timedOut : cancelled).increment();
        withdrawals.offer(waiter);
        drain();
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
                }
            }
            while ((w = withdrawals.poll()) != null) {
                if (w.linked) {
                    unlink(w);
                }
            }
            Waiter first;
            while ((first = head) != null && takeFree()) {
                unlink(first);
                if (Waiter.STATE.compareAndSet(first, Waiter.QUEUED, Waiter.GRANTED)) {
                    WAITING.decrementAndGet(this);
                    try {
                        first.granted();
                    } catch (Throwable t) {
                        Operators.onErrorDropped(t, Context.empty());
                    }
                } else {
                    // Withdrawn between our CAS on the permit count and on the waiter: the permit goes back.
                    STATE.getAndIncrement(this);
                }
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void link(Waiter w) {
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
        w.prev = null;
        w.next = null;
        w.linked = false;
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
        return Math.max(0, waiting);
    }

    boolean locked() {
        return waiting > 0 || freeOf(state) == 0;
    }

    SemaphoreStatistics statistics() {
        long s = state;
        int capacity = capacityOf(s);
        Waiter oldest = head;
        Duration longest = oldest == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, now() - oldest.enqueuedAt));
        int queued = waiting();
        int free = queued > 0 ? 0 : freeOf(s);
        return new SemaphoreStatistics(name, capacity, free, capacity - freeOf(s), queued, longest,
                cancelled.sum(), timedOut.sum());
    }

    String describe(String kind) {
        long s = state;
        return kind + "[name=" + name + ", available=" + (waiting > 0 ? 0 : freeOf(s)) + "/" + capacityOf(s)
                + ", waiting=" + waiting() + "]";
    }

    static long now() {
        return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
    }

    /**
     * A queued acquire. Subclasses decide what a grant does; the state machine and the list links live here so a
     * subscriber can be its own queue node (one allocation per acquire).
     */
    abstract static class Waiter {
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
        /** Set before the waiter is published to the drain loop. */
        long enqueuedAt;

        /** Called by the drain loop after this waiter moved QUEUED → GRANTED; it now holds one permit. */
        abstract void granted();

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

        /** Moves INIT → GRANTED after the owner took a permit on the fast path. */
        final boolean grantFast() {
            return STATE.compareAndSet(this, INIT, GRANTED);
        }
    }
}
