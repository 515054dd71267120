package io.github.reactorasyncio.sync;

import java.util.ArrayList;
import java.util.List;

import reactor.util.context.ContextView;

/**
 * Seed 001's fourth deadlock, "a lock kept after an error": a {@link Lock} taken with a raw {@code acquire()} whose
 * task or enclosing library scope ends, by an error, a completion or a cancel, while the lock is still held. asyncio
 * lets another task release a lock it did not acquire, so this is a suspicion, not a deadlock: reported (WARN log,
 * {@link DeadlockReport.Kind#ABANDONED_LOCK} to the listeners) and never failed, under every policy but OFF, which
 * does not watch raw holds at all.
 *
 * <ul>
 *   <li>{@link #register} — a raw Lock permit was delivered: remember it in its innermost {@link PermitOwner}.</li>
 *   <li>{@link #abandoned} — that owner ended while the permit still holds the lock: report it, synchronously, on
 *       the thread that ended the owner, naming the lock, the holder, how it ended and who waits now.</li>
 *   <li>{@link #waiterQueued} — the first waiter that queues afterwards on that lock is reported too, since "who
 *       now waits" is usually nobody at the moment the holder fails.</li>
 *   <li>{@link #heldBy} — an {@code acquire(maxWait)} that times out names the abandoned holder.</li>
 * </ul>
 */
final class AbandonedLocks {

    /** One abandoned raw hold of a Lock; stale once the lock's {@link RawLockHolds#current} moved on. */
    static final class Abandoned {
        final long seq;
        /** {@code 'task', which failed with IllegalStateException: boom}. */
        final String description;
        final String holder;
        /** Drain owner only: the first waiter after the abandonment was reported. */
        boolean waiterReported;

        Abandoned(long seq, String description, String holder) {
            this.seq = seq;
            this.description = description;
            this.holder = holder;
        }
    }

    private AbandonedLocks() {
    }

    /** A raw permit of a watched Lock was delivered to a subscriber with {@code context}. */
    static void register(DefaultPermit permit, ContextView context) {
        PermitOwner owner = PermitOwner.innermost(context);
        if (owner != null) {
            owner.add(permit);
        }
    }

    /** {@code permit}'s owner, named {@code owner}, ended ({@code how}) while the permit still holds its lock. */
    static void abandoned(DefaultPermit permit, String owner, String how) {
        if (!permit.markAbandoned()) {
            return;
        }
        PermitQueue lock = permit.queue;
        String description = owner + ", which " + how;
        Abandoned record = new Abandoned(permit.holdSeq, description, permit.holder());
        lock.rawLockHolds.abandoned = record;
        List<String> waiting = queuedHolderNames(lock);
        String message = "Lock '" + lock.name + "' is still held through a raw Permit after its holder ended: "
                + description + " without releasing it; "
                + (waiting.isEmpty() ? "nobody waits for it yet"
                        : Ownership.list(waiting) + (waiting.size() == 1 ? " waits" : " wait") + " for it")
                + ". " + ADVICE;
        Diagnostics.report(new DeadlockReport(lock.label(), lock.policy, List.of(permit.holder()), message,
                DeadlockReport.Kind.ABANDONED_LOCK));
    }

    /** The names of the waiters queued now, oldest first; best effort, as a snapshot (any thread). */
    private static List<String> queuedHolderNames(PermitQueue lock) {
        List<String> names = new ArrayList<>();
        for (Waiter w = lock.head(); w != null; w = w.next) {
            if (w.state == Waiter.QUEUED) {
                names.add(w.holderName());
            }
        }
        return names;
    }

    private static final String ADVICE = "Only a release() by other code can free it: release the permit in "
            + "doFinally, or use withLock, which releases on error and cancel.";

    /** Drain owner: {@code w} queued on {@code lock}, which has an abandoned raw hold recorded. */
    static void waiterQueued(PermitQueue lock, Waiter w) {
        Abandoned a = lock.rawLockHolds.abandoned;
        if (a == null || a.waiterReported || a.seq != lock.rawLockHolds.current) {
            return;
        }
        a.waiterReported = true;
        String message = "'" + w.holderName() + "' waits for Lock '" + lock.name + "', which is still held through "
                + "a raw Permit after its holder ended: " + a.description + " without releasing it. " + ADVICE;
        Diagnostics.report(new DeadlockReport(lock.label(), lock.policy, List.of(a.holder), message,
                DeadlockReport.Kind.ABANDONED_LOCK));
    }

    /** For a timeout's message: {@code "; held through a raw Permit by 'task', which failed with …"}, or "". */
    static String heldBy(PermitQueue queue) {
        RawLockHolds holds = queue.rawLockHolds;
        Abandoned a = holds == null ? null : holds.abandoned;
        if (a == null || a.seq != holds.current) {
            return "";
        }
        return "; it is held through a raw Permit by " + a.description + " without releasing it";
    }
}
