package io.github.reactorasyncio.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.ContextView;

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
    /**
     * Raw permits of this queue not released yet, by their owner ({@link #rawOwner}); any thread adds and removes.
     * Keys are compared by identity (neither scopes nor joins override {@code equals}).
     */
    private final ConcurrentHashMap<Object, RawHold> rawHolds = new ConcurrentHashMap<>();
    /**
     * Drain owner only: owners of raw holds with scopes queued here among their descendants, and how many such
     * scopes each has ({@link #linkRawOwners}).
     */
    private final Map<Object, int[]> rawWatched = new IdentityHashMap<>();

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
     * Nested starvation: no permit free, and every permit held by a holder that has a descendant queued here. Holders
     * count here only while they hold (see {@link #linked}), so a holder that can still release never makes it true.
     * A raw permit counts as held by its owner ({@link #rawOwner}) while that owner has a scope queued here among its
     * descendants; those counts are confirmed against the live waiters before anything is reported.
     */
    void checkNestedStarvation() {
        int free = queue.freePermits();
        int permits = queue.capacity();
        int rawBlocked = rawWatched.isEmpty() ? 0 : rawPermitsOf(rawWatched.keySet());
        int blocked = blockedHolders + rawBlocked;
        boolean starved = blocked > 0 && free == 0 && blocked == permits;
        if (!starved) {
            reported = false;
            return;
        }
        // A counted raw permit makes it a suspicion: its owner's Context cannot tell the branch that will release it
        // from the one that queues (docs/deadlocks.md, Limits), so it is reported once per episode and never failed.
        boolean suspicion = rawBlocked > 0;
        if ((queue.policy == DeadlockPolicy.REPORT || suspicion) && reported) {
            return;
        }
        Participants names = new Participants();
        LinkedHashSet<String> parents = new LinkedHashSet<>();
        List<Waiter> children = new ArrayList<>();
        Set<Object> rawOwners = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Waiter w = queue.head(); w != null; w = w.next) {
            if (w.state != Waiter.QUEUED) {
                continue;
            }
            boolean child = false;
            if (w.blockingAncestors != null && w.blockingAncestors.length > 0) {
                child = true;
                for (PermitScope<?> a : w.blockingAncestors) {
                    parents.add(names.of(a));
                }
            }
            if (w.rawOwners != null) {
                for (Object owner : w.rawOwners) {
                    RawHold hold = rawHolds.get(owner);
                    if (hold != null) {
                        child = true;
                        rawOwners.add(owner);
                        parents.add(hold.holder != null ? hold.holder
                                : owner instanceof PermitScope<?> scope ? names.of(scope) : names.number(owner));
                    }
                }
            }
            if (child) {
                children.add(w);
            }
        }
        if (rawBlocked > 0 && blockedHolders + rawPermitsOf(rawOwners) != permits) {
            return; // a watched owner's only queued descendants were withdrawn and not unlinked yet: not starved
        }
        LinkedHashSet<String> childNames = new LinkedHashSet<>();
        for (Waiter child : children) {
            childNames.add(names.of(child));
        }
        reported = true;
        String message = permits == 1 && "Lock".equals(queue.kind)
                ? "Lock '" + queue.name + "' is deadlocked: it is held by " + Ownership.list(parents)
                        + ", which waits on its own " + (children.size() == 1 ? "descendant " : "descendants ")
                        + Ownership.list(childNames) + " queued for the same lock (a Lock is not re-entrant). "
                        + "Release it before acquiring it again, or create the lock with DeadlockPolicy.REENTRANT."
                : queue.kind + " '" + queue.name + "' (" + permits + (permits == 1 ? " permit" : " permits")
                        + ") is deadlocked: all " + permits + (permits == 1 ? " permit is" : " permits are")
                        + " held by parents " + Ownership.list(parents) + " waiting on their own " + children.size()
                        + (children.size() == 1 ? " child " : " children ") + Ownership.list(childNames)
                        + " queued on the same " + queue.kind.toLowerCase(Locale.ROOT) + ". Use separate semaphores "
                        + "per level, or create it with DeadlockPolicy.REENTRANT so children borrow their parent's "
                        + "permit.";
        if (suspicion) {
            message += " (A raw permit counts as held by the scope or task that acquired it; if another branch of "
                    + "that scope or task will still release it, this is no deadlock, so nothing is failed.)";
        }
        Diagnostics.report(new DeadlockReport(queue.label(), queue.policy, List.copyOf(parents), message));
        if (queue.policy == DeadlockPolicy.DETECT && !suspicion) {
            queue.failAll(children, message);
        }
    }

    /**
     * Follows a waiter just linked on a queue of one permit: its holder, what that holder's latest descendant waits
     * for (another such queue, or the signal of a {@link Condition} whose lock is such a queue), that queue's holder,
     * and so on. Reaching a scope of {@code w}'s own chain means {@code w} closes a cycle: reported, and under DETECT
     * {@code w} is failed and unlinked. Runs after {@code w}'s own edge is published, so two waiters closing one
     * cycle at the same instant cannot both miss it; both may report it.
     */
    void checkLockCycle(Waiter w) {
        if (!queue.tracksOwner()) {
            return;
        }
        PermitScope<?> from = w.parentScope();
        if (from == null) {
            return;
        }
        List<PermitQueue> waitedOn = new ArrayList<>();
        List<PermitScope<?>> holders = new ArrayList<>();
        List<Waiter> via = new ArrayList<>();
        PermitQueue at = queue;
        for (int hops = 0; hops < 64; hops++) {
            PermitScope<?> holder = at.soleHolder();
            if (holder == null || cancelling(holder)) {
                return;
            }
            waitedOn.add(at);
            holders.add(holder);
            if (Ownership.isAncestorOrSelf(holder, from)) {
                if (hops == 0) {
                    return; // re-entry into one queue: nested starvation reports it once linked
                }
                reportCycle(w, waitedOn, holders, via);
                return;
            }
            HoldRecord held = holder.recordIfAny();
            Waiter next = held == null ? null : held.blockedOn;
            if (next == null) {
                return;
            }
            PermitQueue nextQueue = next.state == Waiter.QUEUED ? next.linkedIn : next.signalledUnder();
            if (nextQueue == null || !nextQueue.tracksOwner()) {
                return;
            }
            via.add(next);
            at = nextQueue;
        }
    }

    /**
     * The cycle found by {@link #checkLockCycle}: {@code w} waits for {@code waitedOn[0]}, held by
     * {@code holders[0]}, which waits through {@code via[0]} for {@code waitedOn[1]}, and so on back to {@code w}'s
     * own chain. A cycle of Locks alone keeps its message of before (a contract); any other is a "Wait cycle".
     */
    private void reportCycle(Waiter w, List<PermitQueue> waitedOn, List<PermitScope<?>> holders, List<Waiter> via) {
        Participants names = new Participants();
        PermitScope<?> last = holders.get(holders.size() - 1);
        Object named = w.subscriberContext().getOrDefault(Semaphore.HOLDER_KEY, null);
        // An unnamed closer runs inside the last holder (its own chain): it is named as that holder.
        String closer = named != null ? named.toString() : names.of(last);
        boolean locksOnly = true;
        boolean awaits = false;
        StringBuilder path = new StringBuilder("'").append(closer).append("' waits for ")
                .append(waitedOn.get(0).label());
        List<String> holderNames = new ArrayList<>();
        for (int i = 0; i < holders.size(); i++) {
            String holder = names.of(holders.get(i));
            holderNames.add(holder);
            path.append(" held by '").append(holder).append("'");
            locksOnly &= "Lock".equals(waitedOn.get(i).kind);
            if (i < via.size()) {
                Waiter step = via.get(i);
                PermitQueue next = waitedOn.get(i + 1);
                if (step.state == Waiter.QUEUED) {
                    path.append(", which waits for ").append(next.label());
                } else {
                    awaits = true;
                    path.append(", which awaits Condition '").append(step.conditionName())
                            .append("', signalled only under ").append(next.label());
                }
            }
        }
        String message = locksOnly && !awaits
                ? "Lock cycle: " + path + ". Take locks in one global order (Locks.withAll)."
                : "Wait cycle: " + path + "." + (awaits
                        ? " A Condition await lends only its own lock: release the others before awaiting."
                        : " Take them in one global order (a Semaphore of one permit is a lock here).");
        Diagnostics.report(new DeadlockReport(queue.label(), queue.policy, List.copyOf(holderNames), message));
        if (queue.policy == DeadlockPolicy.DETECT) {
            queue.failAll(List.of(w), message);
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
        if (!rawHolds.isEmpty() && w instanceof QueueNode) {
            linkRawOwners(w);
        }
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
        if (w.rawOwners != null) {
            unlinkRawOwners(w);
        }
    }

    // ---- Condition awaits (issue 14, item 3): an await waits for whoever holds its lock to signal ----

    /**
     * A {@link Condition} await of {@code scope}, without a maximum wait, is about to lend its lock: the scopes
     * enclosing {@code scope} (which keep whatever else they hold) now wait on {@code await}, whose
     * {@link Waiter#signalledUnder()} leads a wait-cycle walk to the lock's next holder. {@code scope} itself is
     * left out: it holds nothing once lent. Any thread; a stale edge is harmless, the walk checks the await's phase.
     */
    static void awaiting(PermitScope<?> scope, Waiter await) {
        if (!scope.queue().detects()) {
            return;
        }
        for (PermitScope<?> a = scope.parentScope(); a != null; a = a.parentScope()) {
            a.record().blockedOn = await;
        }
    }

    // ---- Raw holds (issue 14, item 3): a raw Permit counts as held by the scope or task that acquired it ----

    /** How many raw permits of this queue one owner holds, and its holder name (null: unnamed). Immutable. */
    private record RawHold(int count, String holder) {
    }

    /**
     * The owner a raw permit acquired with {@code context} counts as held by: the innermost {@code withPermit}/{@code
     * withLock} scope of that Context, otherwise the innermost task's {@link CancellationJoin}, otherwise none
     * ({@code tryAcquire()} from plain code, a chain outside any scope or task).
     */
    static Object rawOwner(ContextView context) {
        PermitScope<?> scope = Ownership.enclosingScope(context);
        return scope != null ? scope : CancellationJoin.in(context);
    }

    /** A raw permit was handed to a subscriber whose Context is {@code context} (any thread); returns its owner. */
    Object rawAcquired(ContextView context) {
        Object owner = rawOwner(context);
        if (owner != null) {
            Object named = context.getOrDefault(Semaphore.HOLDER_KEY, null);
            String holder = named == null ? null : named.toString();
            rawHolds.merge(owner, new RawHold(1, holder), (was, one) -> new RawHold(was.count + 1, was.holder));
        }
        return owner;
    }

    /**
     * A raw permit of {@code owner} is being released (any thread), before the permit goes back: the count never
     * exceeds the permits really held, so a check between the two sees too few holders, never too many.
     */
    void rawReleased(Object owner) {
        rawHolds.computeIfPresent(owner, (k, was) -> was.count == 1 ? null : new RawHold(was.count - 1, was.holder));
    }

    /**
     * A raw {@code release()} that names no hold (asyncio's, by anyone): the raw holds can no longer be told apart, so
     * none is counted any more (a missed report is possible from here on, a false one is not). Any thread.
     */
    void rawHoldsUnknown() {
        rawHolds.clear();
    }

    /** Raw permits held now by {@code owners}. */
    private int rawPermitsOf(Collection<Object> owners) {
        int n = 0;
        for (Object owner : owners) {
            RawHold hold = rawHolds.get(owner);
            if (hold != null) {
                n += hold.count;
            }
        }
        return n;
    }

    /**
     * Drain owner: a scope waiter {@code w} was linked while raw permits are out; each raw owner among its
     * ancestors (scopes, then the joins of the tasks it runs in) is watched while it has such a waiter queued. Only
     * {@code withPermit}/{@code withLock} waiters count: a second raw acquire by a raw holder may be waiting for
     * someone else's release (a semaphore used as a signal), which is not a deadlock.
     */
    private void linkRawOwners(Waiter w) {
        List<Object> owners = null;
        for (PermitScope<?> a = w.parentScope(); a != null; a = a.parentScope()) {
            if (rawHolds.containsKey(a)) {
                owners = add(owners, a);
            }
        }
        for (CancellationJoin j = CancellationJoin.in(w.subscriberContext()); j != null; j = j.outer()) {
            if (rawHolds.containsKey(j)) {
                owners = add(owners, j);
            }
        }
        if (owners != null) {
            for (Object owner : owners) {
                rawWatched.computeIfAbsent(owner, k -> new int[1])[0]++;
            }
            w.rawOwners = owners.toArray();
        }
    }

    private static List<Object> add(List<Object> owners, Object owner) {
        List<Object> list = owners == null ? new ArrayList<>(2) : owners;
        list.add(owner);
        return list;
    }

    private void unlinkRawOwners(Waiter w) {
        for (Object owner : w.rawOwners) {
            int[] n = rawWatched.get(owner);
            if (n != null && --n[0] == 0) {
                rawWatched.remove(owner);
            }
        }
        w.rawOwners = null;
    }

    /**
     * {@code scope} or an enclosing one has been cancelled: its hold is ending (the cancel cancels work, then gives the
     * permit back), so it waits on nothing any more, whatever its descendants still queue for on the way out.
     */
    private static boolean cancelling(PermitScope<?> scope) {
        for (PermitScope<?> s = scope; s != null; s = s.parentScope()) {
            if (s.upstream == Operators.cancelledSubscription()) {
                return true;
            }
        }
        return false;
    }
}
