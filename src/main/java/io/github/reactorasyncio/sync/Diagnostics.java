package io.github.reactorasyncio.sync;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import reactor.core.Disposable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Where reactive deadlocks and stuck holds become visible.
 *
 * <ul>
 *   <li><b>Deadlock listeners.</b> Every detection (under {@link DeadlockPolicy#DETECT} or
 *       {@link DeadlockPolicy#REPORT}) is logged at WARN through Reactor's logger (SLF4J when present) and
 *       delivered to the listeners registered with {@link #addDeadlockListener}, on the thread that detected it; a
 *       listener that throws is logged and skipped.</li>
 *   <li><b>Snapshots.</b> {@link #snapshot()} lists every live {@link Semaphore}, {@link BoundedSemaphore} and
 *       {@link Lock} with its statistics, holders and waiters: what to log or expose when a flow seems stuck.</li>
 *   <li><b>Holder tracking.</b> Off by default. Who holds a semaphore permit is recorded only while
 *       {@link #trackHolders(boolean) tracking} is on, because recording costs an allocation and two concurrent-set
 *       operations per hold; when off, a grant pays one volatile read. A {@link Lock} whose policy is
 *       {@link DeadlockPolicy#DETECT} or {@link DeadlockPolicy#REPORT} always knows the {@code withLock} scope
 *       holding it (without its hold time).</li>
 * </ul>
 *
 * <p><b>Concurrency.</b> Primitives register here when created and are held through weak references, so an
 * unreachable primitive is garbage-collected as usual; cleared references are pruned on every registration and
 * snapshot. A snapshot reads each primitive without stopping it: see {@link DiagnosticsSnapshot}.
 */
public final class Diagnostics {

    private static final Logger LOG = Loggers.getLogger(Diagnostics.class);
    private static final CopyOnWriteArrayList<Consumer<? super DeadlockReport>> LISTENERS = new CopyOnWriteArrayList<>();

    /** Every primitive created and not yet found collected; entries leave once {@link #COLLECTED} hands them back. */
    private static final Set<Reference<PermitQueue>> LIVE = ConcurrentHashMap.newKeySet();
    private static final ReferenceQueue<PermitQueue> COLLECTED = new ReferenceQueue<>();

    /** Read once per grant: whether holds are recorded for snapshots. */
    private static volatile boolean trackHolders;

    private Diagnostics() {
    }

    /**
     * Registers {@code listener} for every deadlock detected from now on.
     *
     * @param listener called with the report of each deadlock episode detected, on the thread that detected it;
     *     not null
     * @return disposing it unregisters the listener
     * @throws NullPointerException if {@code listener} is null
     */
    public static Disposable addDeadlockListener(Consumer<? super DeadlockReport> listener) {
        Names.requireNonNull(listener, "listener");
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }

    /**
     * Turns holder tracking on or off for every primitive, from the next grant on. Holds granted while it was off
     * are never listed (except a {@code withLock} scope, see above); holds granted while it was on stay listed
     * until released, even if tracking is turned off meanwhile. Turn it on when investigating leaked or long holds.
     *
     * @param on {@code true} to record holders (and when their holds began) from the next grant on, {@code false}
     *     to stop recording new ones
     */
    public static void trackHolders(boolean on) {
        trackHolders = on;
    }

    /** @return whether holder tracking is on */
    public static boolean tracksHolders() {
        return trackHolders;
    }

    /**
     * Every live semaphore, bounded semaphore and lock, oldest first, each with its statistics, holders and
     * waiters. Best effort under concurrent use: each primitive is read without stopping it, so a hold or wait
     * that begins or ends during the snapshot may be missing or still listed, and the counts of one primitive are
     * not necessarily consistent with each other.
     *
     * @return a new immutable snapshot of every live primitive, oldest first
     */
    public static DiagnosticsSnapshot snapshot() {
        expungeCollected();
        List<PermitQueue> queues = new ArrayList<>(LIVE.size());
        for (Reference<PermitQueue> ref : LIVE) {
            PermitQueue queue = ref.get();
            if (queue != null) {
                queues.add(queue);
            }
        }
        queues.sort(Comparator.comparingLong(q -> q.id));
        List<PrimitiveSnapshot> primitives = new ArrayList<>(queues.size());
        for (PermitQueue queue : queues) {
            primitives.add(queue.snapshot());
        }
        return new DiagnosticsSnapshot(trackHolders, primitives);
    }

    /**
     * One semaphore's (or bounded semaphore's) part of {@link #snapshot()}, with the same best-effort caveat.
     *
     * @param semaphore the semaphore to describe; not null
     * @return a new immutable snapshot of its statistics, holders and waiters
     * @throws NullPointerException     if {@code semaphore} is null
     * @throws IllegalArgumentException if it was not created by {@link Semaphore#create} or
     *                                  {@link BoundedSemaphore#create}
     */
    public static PrimitiveSnapshot snapshot(Semaphore semaphore) {
        return queueOf(semaphore, "semaphore").snapshot();
    }

    /**
     * One lock's part of {@link #snapshot()}, with the same best-effort caveat.
     *
     * @param lock the lock to describe; not null
     * @return a new immutable snapshot of its statistics, holders and waiters
     * @throws NullPointerException     if {@code lock} is null
     * @throws IllegalArgumentException if it was not created by {@link Lock#create}
     */
    public static PrimitiveSnapshot snapshot(Lock lock) {
        return queueOf(lock, "lock").snapshot();
    }

    private static PermitQueue queueOf(Object primitive, String argument) {
        Names.requireNonNull(primitive, argument);
        if (!(primitive instanceof PermitSource source)) {
            throw new IllegalArgumentException(argument + " must come from its create() factory, was "
                    + primitive.getClass().getName());
        }
        return source.queue;
    }

    static void register(PermitQueue queue) {
        expungeCollected();
        LIVE.add(new WeakReference<>(queue, COLLECTED));
    }

    private static void expungeCollected() {
        Reference<? extends PermitQueue> ref;
        while ((ref = COLLECTED.poll()) != null) {
            LIVE.remove(ref);
        }
    }

    // ------------------------------------------------------------------------------------------- leak net

    /**
     * How many raw acquires the leak net samples: one {@code acquire()}/{@code tryAcquire()} call in
     * {@code oneIn} (drawn at random, as Netty's {@code ResourceLeakDetector} samples buffers) records where it was
     * called, and if its {@link Permit} is later garbage-collected while held, a {@link DeadlockReport.Kind#LEAKED_PERMIT}
     * report with that call site is logged and delivered to the listeners, from the leak net's own daemon thread
     * (not within any time bound: it waits for the GC). Applies to acquires called from now on, on primitives
     * whose policy is not {@link DeadlockPolicy#OFF}. The default is 128.
     *
     * @param oneIn 0 to sample nothing, 1 to sample every acquire (for tests), n to sample one in n on average
     * @throws IllegalArgumentException if {@code oneIn} is negative
     */
    public static void sampleLeaks(int oneIn) {
        LeakNet.interval(oneIn);
    }

    /** @return the leak net's sampling interval: 0 off, otherwise one acquire in this many (see {@link #sampleLeaks}) */
    public static int leakSamplingInterval() {
        return LeakNet.interval();
    }

    static void report(DeadlockReport report) {
        LOG.warn(report.message());
        for (Consumer<? super DeadlockReport> listener : LISTENERS) {
            try {
                listener.accept(report);
            } catch (RuntimeException e) {
                LOG.warn("deadlock listener " + listener + " failed", e);
            }
        }
    }
}
