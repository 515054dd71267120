package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One {@link Semaphore}, {@link BoundedSemaphore} or {@link Lock} in a {@link DiagnosticsSnapshot}.
 *
 * @param kind       {@code "Semaphore"}, {@code "BoundedSemaphore"} or {@code "Lock"}
 * @param name       the primitive's name
 * @param policy     its {@link DeadlockPolicy}
 * @param statistics its counters at the moment of the snapshot
 * @param holders    who holds it: the {@code withLock} scope of a detecting Lock always, other holds only when
 *                   {@link Diagnostics#trackHolders holder tracking} was on at their grant; longest-held first, a
 *                   hold without a known start first of all
 * @param waiters    who waits for it, oldest first
 */
public record PrimitiveSnapshot(String kind, String name, DeadlockPolicy policy, SemaphoreStatistics statistics,
                                List<Holder> holders, List<Waiter> waiters) {

    /**
     * Checks the components and copies the lists, so the snapshot is immutable.
     *
     * @param kind       {@code "Semaphore"}, {@code "BoundedSemaphore"} or {@code "Lock"}; not null
     * @param name       the primitive's name; not null
     * @param policy     its {@link DeadlockPolicy}; not null
     * @param statistics its counters; not null
     * @param holders    who holds it; not null, copied
     * @param waiters    who waits for it, oldest first; not null, copied
     * @throws NullPointerException if any argument is null (or a list holds a null element)
     */
    public PrimitiveSnapshot {
        Names.requireNonNull(kind, "kind");
        Names.requireNonNull(name, "name");
        Names.requireNonNull(policy, "policy");
        Names.requireNonNull(statistics, "statistics");
        holders = List.copyOf(Names.requireNonNull(holders, "holders"));
        waiters = List.copyOf(Names.requireNonNull(waiters, "waiters"));
    }

    /**
     * One hold.
     *
     * @param name      the holder's name ({@link Semaphore#HOLDER_KEY} in its Context, a task's name, or
     *                  {@code "anonymous"})
     * @param heldFor   how long it has held; empty when its start was not recorded (holder tracking off)
     * @param rawPermit held through a {@link Permit} from {@code acquire()}/{@code tryAcquire()}, which only an
     *                  explicit {@link Permit#release()} gives back, rather than a {@code withPermit}/{@code withLock}
     *                  scope
     */
    public record Holder(String name, Optional<Duration> heldFor, boolean rawPermit) {

        /**
         * Checks the components.
         *
         * @param name      the holder's name; not null
         * @param heldFor   how long it has held, or empty if not recorded; not null
         * @param rawPermit whether it holds a raw {@link Permit} rather than a scope
         * @throws NullPointerException if {@code name} or {@code heldFor} is null
         */
        public Holder {
            Names.requireNonNull(name, "name");
            Names.requireNonNull(heldFor, "heldFor");
        }

        /** @return e.g. {@code Task-1 for 1.5s (raw permit)} */
        @Override
        public String toString() {
            return name + heldFor.map(d -> " for " + human(d)).orElse(" (hold time not tracked)")
                    + (rawPermit ? " (raw permit)" : "");
        }
    }

    /**
     * One queued acquire.
     *
     * @param name      the waiter's name, as for {@link Holder#name()}
     * @param waitedFor how long it has been queued
     * @param ancestors the {@code withPermit}/{@code withLock} scopes it runs inside, innermost first, each as
     *                  {@code holder (Kind 'name')}; empty at top level
     */
    public record Waiter(String name, Duration waitedFor, List<String> ancestors) {

        /**
         * Checks the components and copies {@code ancestors}.
         *
         * @param name      the waiter's name; not null
         * @param waitedFor how long it has been queued; not null
         * @param ancestors the scopes it runs inside, innermost first; not null, copied
         * @throws NullPointerException if any argument is null (or {@code ancestors} holds a null element)
         */
        public Waiter {
            Names.requireNonNull(name, "name");
            Names.requireNonNull(waitedFor, "waitedFor");
            ancestors = List.copyOf(Names.requireNonNull(ancestors, "ancestors"));
        }

        /** @return e.g. {@code child-3 for 2ms, inside [parent-1 (Semaphore 'fetch')]} */
        @Override
        public String toString() {
            return name + " for " + human(waitedFor) + (ancestors.isEmpty() ? "" : ", inside " + ancestors);
        }
    }

    /**
     * @return e.g.
     *     <pre>
     * Lock 'db' (REPORT): 1/1 in use, 1 waiting
     *   held by Task-1 for 1s (raw permit)
     *   waited for by main for 500ms</pre>
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(kind).append(" '").append(name).append("' (").append(policy)
                .append("): ").append(statistics.inUse()).append('/').append(statistics.capacity())
                .append(" in use, ").append(statistics.waiting()).append(" waiting");
        for (Holder holder : holders) {
            text.append("\n  held by ").append(holder);
        }
        for (Waiter waiter : waiters) {
            text.append("\n  waited for by ").append(waiter);
        }
        return text.toString();
    }

    /** Millisecond precision is what a person reading a log needs. */
    static String human(Duration d) {
        return Names.format(Duration.ofMillis(d.toMillis()));
    }
}
