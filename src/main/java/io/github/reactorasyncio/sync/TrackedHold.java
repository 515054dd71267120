package io.github.reactorasyncio.sync;

import java.util.concurrent.atomic.AtomicLong;

/** One hold recorded while holder tracking was on. Compared by identity: two holds are never the same. */
final class TrackedHold {
    private static final AtomicLong GRANTS = new AtomicLong();

    /** Grant order, to list holds granted at the same instant in the order they were granted. */
    final long grant = GRANTS.incrementAndGet();
    final String holder;
    /** {@link #now()} at the grant. */
    final long since;
    /** Held through a {@link Permit} from {@code acquire()}/{@code tryAcquire()}, not a scope. */
    final boolean rawPermit;

    TrackedHold(String holder, long since, boolean rawPermit) {
        this.holder = holder;
        this.since = since;
        this.rawPermit = rawPermit;
    }
}
