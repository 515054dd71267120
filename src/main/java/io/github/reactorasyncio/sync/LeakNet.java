package io.github.reactorasyncio.sync;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The net under {@link AbandonedLocks}, for every primitive: a raw {@link Permit} that becomes unreachable while
 * held can never be released through itself, so its permit is lost unless other code calls the primitive's
 * ownerless {@code release()}. Found the way Netty's {@code ResourceLeakDetector} finds a leaked buffer: a sample
 * of acquires (one in {@link Diagnostics#leakSamplingInterval()}, drawn with {@link ThreadLocalRandom} when
 * {@code acquire()}/{@code tryAcquire()} is called) records where it was called; the permit is registered with a
 * {@link Cleaner}, whose own daemon thread runs the check once the GC found the permit unreachable. Nothing of it
 * under {@link DeadlockPolicy#OFF}.
 *
 * <p>Not reported: a permit released through itself (the tracker is told), a permit of a primitive that was
 * itself collected (nobody can wait for it), and a permit of a primitive that has been released without a Permit
 * ({@code release()}) at least once by the time the permit is collected: such a primitive is used asyncio's
 * ownerless way (a semaphore as a signal, whose acquirers never release; a lock released by {@code lock.release()}),
 * where a dropped Permit object means nothing. A permit collected before its primitive's first ownerless release
 * is reported, even if that release comes later.
 */
final class LeakNet {

    /** Netty's default sampling interval. */
    static final int DEFAULT_INTERVAL = 128;

    /** 0: off; 1: every acquire; n: one acquire in n, on average. */
    private static volatile int interval = DEFAULT_INTERVAL;

    private LeakNet() {
    }

    static void interval(int oneIn) {
        if (oneIn < 0) {
            throw new IllegalArgumentException("oneIn must be >= 0, was " + oneIn);
        }
        interval = oneIn;
    }

    static int interval() {
        return interval;
    }

    /**
     * Called where {@code acquire()}/{@code tryAcquire()} is called: the creation site for a sampled acquire,
     * else null. Unsampled, this is a policy check, a volatile read and one thread-local random draw.
     */
    static Site sample(PermitQueue queue) {
        int n = interval;
        if (n == 0 || queue.policy == DeadlockPolicy.OFF) {
            return null;
        }
        if (n != 1 && ThreadLocalRandom.current().nextInt(n) != 0) {
            return null;
        }
        return new Site(queue.kind);
    }

    /** The sampled permit {@code permit} was just handed out. */
    static Tracker track(DefaultPermit permit, PermitQueue queue, String holder, Site site) {
        Tracker tracker = new Tracker(queue, holder, site);
        // The action references the tracker alone, never the permit, or the permit would stay reachable.
        tracker.cleanable = Holder.CLEANER.register(permit, tracker);
        return tracker;
    }

    /** One Cleaner, hence one daemon thread, for the library, started by the first sampled acquire. */
    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create(r -> {
            Thread t = new Thread(r, "reactor-asyncio-leak-net");
            t.setDaemon(true);
            return t;
        });
    }

    /** What is known of a sampled permit; its {@link #run()} is the Cleaner's action. */
    static final class Tracker implements Runnable {
        private final WeakReference<PermitQueue> queue;
        private final String holder;
        private final Site site;
        private volatile boolean released;
        volatile Cleaner.Cleanable cleanable;

        Tracker(PermitQueue queue, String holder, Site site) {
            this.queue = new WeakReference<>(queue);
            this.holder = holder;
            this.site = site;
        }

        /** The permit was released through itself: deregister now, so the Cleaner forgets it before any GC. */
        void released() {
            released = true;
            Cleaner.Cleanable c = cleanable;
            if (c != null) {
                c.clean();
            }
        }

        @Override
        public void run() {
            if (released) {
                return;
            }
            PermitQueue q = queue.get();
            if (q == null || q.anonymousReleases != 0) {
                return;
            }
            String message = "A Permit of " + q.label() + " acquired by '" + holder + "' was garbage-collected "
                    + "without release(): that permit is lost (" + q.statistics().inUse() + " of " + q.capacity()
                    + " in use). Release every Permit (doFinally), or use " + (q.kind.equals("Lock") ? "withLock"
                    : "withPermit") + ". acquire() was called at:" + frames(site);
            Diagnostics.report(new DeadlockReport(q.label(), q.policy, List.of(holder), message,
                    DeadlockReport.Kind.LEAKED_PERMIT));
        }
    }

    /** The classes between the user's call of {@code acquire()} and the capture of its site. */
    private static final java.util.Set<String> OWN_FRAMES = java.util.Set.of(LeakNet.class.getName(),
            PermitSource.class.getName(), SemaphoreSupport.class.getName(), DefaultLock.class.getName(),
            DefaultSemaphore.class.getName(), DefaultBoundedSemaphore.class.getName());

    /** Up to eight frames from the user's call of {@code acquire()} on, one {@code "\n\tat …"} line each. */
    static String frames(Site site) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        boolean inOwn = true;
        for (StackTraceElement e : site.getStackTrace()) {
            if (inOwn && OWN_FRAMES.contains(e.getClassName())) {
                continue;
            }
            inOwn = false;
            out.append("\n\tat ").append(e);
            if (++shown == 8) {
                break;
            }
        }
        return out.toString();
    }

    /**
     * Where a sampled {@code acquire()}/{@code tryAcquire()} was called, as a Throwable's stack: filling it in is
     * the cheapest capture measured (a {@link StackWalker} limited to eight frames cost four times as much), and
     * its frames are decoded only if a leak is reported. Never thrown.
     */
    static final class Site extends Throwable {
        private static final long serialVersionUID = 1L;

        Site(String kind) {
            super(kind + " acquire() called here", null, false, true);
        }
    }
}
