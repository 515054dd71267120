package io.github.reactorasyncio.sync;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Queue;

import io.github.reactorasyncio.sync.Waiter;
import reactor.util.concurrent.Queues;

/**
 * The deadlock accounting of one {@link PermitQueue} whose policy is {@code DETECT} or {@code REPORT}: an observer
 * the queue's drain loop calls at its owner points, so the permit engine itself knows nothing of it.
 *
 * <ul>
 *   <li>{@link #checkLockCycle} — a waiter was linked: does it close a cycle of locks? (DETECT fails it)</li>
 *   <li>{@link #linked} / {@link #unlinked} — a waiter joined or left the list: count it against each ancestor
 *       holding this queue (nested starvation) and mark the ancestors as waiting on it (lock-cycle walks)</li>
 *   <li>{@link #holderEnded} (any thread) then {@link #forgetEndedHolders} — a holder with descendants queued here
 *       let go: it no longer blocks</li>
 *   <li>{@link #checkNestedStarvation} — after the grants: every permit held by a holder that waits on its own
 *       descendant queued here</li>
 * </ul>
 * Everything but {@link #holderEnded} runs on the drain owner's thread, so the counts below are plain fields.
 */
final class DeadlockAccounting {

    private static final PermitScope<?>[] NO_SCOPES = new PermitScope<?>[0];

    private final PermitQueue queue;
    /** Holders that ended while descendants of theirs were queued here; offered from any thread. */
    private final Queue<PermitScope<?>> endedHolders = Queues.<PermitScope<?>>unboundedMultiproducer().get();
    /**
     * Drain owner only. Holders of this queue's permits that have at least one descendant queued here and are still
     * holding. When it equals the permits in use and none is free, no permit can come back: nested starvation.
     */
    private int blockedHolders;
    /** Drain owner only: the current deadlock episode was reported already (REPORT reports once per episode). */
    private boolean reported;

    DeadlockAccounting(PermitQueue queue) {
        this.queue = queue;
    }

    /** A holder that ended while it may have had descendants queued here (any thread; the queue drains next). */
    void holderEnded(PermitScope<?> holder) {
        endedHolders.offer(holder);
    }

    /** Drain owner: ended holders stop counting as blocked, once and for good. */
    void forgetEndedHolders() {
        PermitScope<?> ended;
        while ((ended = endedHolders.poll()) != null) {
            HoldRecord r = ended.record();
            if (!r.endedSeen) {
                r.endedSeen = true;
                if (r.countedBlocked) {
                    r.countedBlocked = false;
                    blockedHolders--;
                }
            }
        }
    }

    /**
     * Nested starvation: no permit free, and every holder has a descendant queued here. Holders count here only
     * while they hold (see {@link #countBlockingAncestors}), so a holder that can still release never makes it true.
     */
    void checkNestedStarvation() {
        int free = queue.freePermits();
        int permits = queue.capacity();
        boolean starved = blockedHolders > 0 && free == 0 && blockedHolders == permits;
        if (!starved) {
            reported = false;
            return;
        }
        if (queue.policy == DeadlockPolicy.REPORT && reported) {
            return;
        }
        reported = true;
        LinkedHashSet<String> parents = new LinkedHashSet<>();
        List<Waiter> children = new ArrayList<>();
        for (Waiter w = queue.head(); w != null; w = w.next) {
            if (w.blockingAncestors != null && w.blockingAncestors.length > 0) {
                children.add(w);
                for (PermitScope<?> a : w.blockingAncestors) {
                    parents.add(a.holderName());
                }
            }
        }
        String message = permits == 1 && "Lock".equals(queue.kind)
                ? "Lock '" + queue.name + "' is deadlocked: it is held by " + Ownership.list(parents)
                        + ", which waits on its own descendant queued for the same lock (a Lock is not re-entrant). "
                        + "Release it before acquiring it again, or create the lock with DeadlockPolicy.REENTRANT."
                : queue.kind + " '" + queue.name + "' (" + permits + (permits == 1 ? " permit" : " permits") + ") is deadlocked: all "
                        + permits + (permits == 1 ? " permit is" : " permits are") + " held by parents "
                        + Ownership.list(parents) + " waiting on their own children queued on the same "
                        + queue.kind.toLowerCase(Locale.ROOT) + ". Use separate semaphores per level, or create it "
                        + "with DeadlockPolicy.REENTRANT so children borrow their parent's permit.";
        Diagnostics.report(new DeadlockReport(queue.label(), queue.policy, List.copyOf(parents), message));
        if (queue.policy == DeadlockPolicy.DETECT) {
            queue.failAll(children, message);
        }
    }

    /**
     * Follows a Lock waiter just linked: the lock's holder, the lock its queued descendant waits for, that lock's
     * holder, and so on. Reaching a scope of {@code w}'s own chain means {@code w} closes a cycle: reported, and under
     * DETECT {@code w} is failed and unlinked. Runs after {@code w}'s own edge is published, so two waiters closing
     * one cycle at the same instant cannot both miss it; both may report it.
     */
    void checkLockCycle(Waiter w) {
        if (!queue.tracksOwner()) {
            return;
        }
        PermitScope<?> from = w.parentScope();
        if (from == null) {
            return;
        }
        StringBuilder path = new StringBuilder("'").append(w.holderName()).append("' waits for Lock '")
                .append(queue.name).append("'");
        List<String> holders = new ArrayList<>();
        PermitQueue lock = queue;
        for (int hops = 0; hops < 64; hops++) {
            PermitScope<?> holder = lock.owner;
            if (holder == null) {
                return;
            }
            holders.add(holder.holderName());
            path.append(" held by '").append(holder.holderName()).append("'");
            if (Ownership.isAncestorOrSelf(holder, from)) {
                if (hops == 0) {
                    return; // re-entry into one lock: nested starvation reports it once linked
                }
                String message = "Lock cycle: " + path + ". Take locks in one global order (Locks.withAll).";
                Diagnostics.report(new DeadlockReport("Lock '" + queue.name + "'", queue.policy, List.copyOf(holders),
                        message));
                if (queue.policy == DeadlockPolicy.DETECT) {
                    queue.failAll(List.of(w), message);
                }
                return;
            }
            HoldRecord held = holder.recordIfAny();
            Waiter next = held == null ? null : held.blockedOn;
            PermitQueue nextLock = next == null ? null : next.linkedIn;
            if (nextLock == null || next.state != Waiter.QUEUED || !nextLock.tracksOwner()) {
                return;
            }
            lock = nextLock;
            path.append(", which waits for Lock '").append(lock.name).append("'");
        }
    }

    /**
     * Counts {@code w} against each ancestor that holds a permit of this queue, and marks every ancestor as waiting
     * on it (for lock-cycle walks). Order matters against {@link PermitScope}'s release: we publish the count, then
     * read the holder's state; the holder sets its state, then reads the count. One of us sees the other, so a holder
     * that ends concurrently is either not counted or reports its end through {@link #holderEnded}.
     */
    void linked(Waiter w) {
        w.linkedIn = queue;
        List<PermitScope<?>> blocking = null;
        for (PermitScope<?> a = w.parentScope(); a != null; a = a.parentScope()) {
            HoldRecord r = a.record();
            r.blockedOn = w;
            if (a.queue() == queue) {
                r.queuedDescendants++;
                if (blocking == null) {
                    blocking = new ArrayList<>(2);
                }
                blocking.add(a);
                if (r.queuedDescendants == 1 && !r.endedSeen && a.holds()) {
                    r.countedBlocked = true;
                    blockedHolders++;
                }
            }
        }
        w.blockingAncestors = blocking == null ? NO_SCOPES : blocking.toArray(NO_SCOPES);
    }

    void unlinked(Waiter w) {
        for (PermitScope<?> a = w.parentScope(); a != null; a = a.parentScope()) {
            // A CAS, not a check and a store: another queue's drain may be recording a newer waiter of this scope.
            HoldRecord.BLOCKED_ON.compareAndSet(a.record(), w, null);
        }
        for (PermitScope<?> a : w.blockingAncestors) {
            HoldRecord r = a.record();
            r.queuedDescendants--;
            if (r.queuedDescendants == 0 && r.countedBlocked) {
                r.countedBlocked = false;
                blockedHolders--;
            }
        }
        w.blockingAncestors = null;
    }
}
