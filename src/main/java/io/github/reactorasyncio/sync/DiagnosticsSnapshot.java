package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Diagnostics#snapshot()} saw: every live primitive with its holders and waiters. Immutable; its
 * {@link #toString()} is meant to be logged as it is.
 *
 * @param holdersTracked whether {@link Diagnostics#trackHolders holder tracking} was on when the snapshot was taken
 *                       (if it was off, semaphore holders are not listed: compare {@code statistics().inUse()})
 * @param primitives     oldest first
 */
public record DiagnosticsSnapshot(boolean holdersTracked, List<PrimitiveSnapshot> primitives) {

    /**
     * Copies {@code primitives}, so the snapshot is immutable.
     *
     * @param holdersTracked whether holder tracking was on when the snapshot was taken
     * @param primitives     the primitives, oldest first; not null, copied
     * @throws NullPointerException if {@code primitives} is null or holds a null element
     */
    public DiagnosticsSnapshot {
        primitives = List.copyOf(Names.requireNonNull(primitives, "primitives"));
    }

    /**
     * The same snapshot narrowed to holds longer than {@code limit}: only the primitives that have such a holder,
     * and of their holders only those (their waiters stay, as context). A hold whose start was not recorded is
     * never over the limit. Typical use: log it periodically to catch permits leaked by a raw
     * {@link Permit} that was never released, or by a subscription dropped without a terminal signal.
     *
     * @param limit the hold time a holder must exceed (strictly) to be kept, {@code >= 0}; not null
     * @return a new snapshot with the same {@link #holdersTracked()}, holding only the primitives with such
     *     holders; empty if there are none
     * @throws NullPointerException     if {@code limit} is null
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public DiagnosticsSnapshot holdsLongerThan(Duration limit) {
        Names.requireNonNegative(limit, "limit");
        List<PrimitiveSnapshot> kept = new ArrayList<>();
        for (PrimitiveSnapshot p : primitives) {
            List<PrimitiveSnapshot.Holder> longHolders = p.holders().stream()
                    .filter(h -> h.heldFor().filter(d -> d.compareTo(limit) > 0).isPresent())
                    .toList();
            if (!longHolders.isEmpty()) {
                kept.add(new PrimitiveSnapshot(p.kind(), p.name(), p.policy(), p.statistics(), longHolders,
                        p.waiters()));
            }
        }
        return new DiagnosticsSnapshot(holdersTracked, kept);
    }

    /** @return whether no primitive is listed */
    public boolean isEmpty() {
        return primitives.isEmpty();
    }

    /** @return a header line, then each primitive as {@link PrimitiveSnapshot#toString()} */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Diagnostics snapshot: ").append(primitives.size())
                .append(primitives.size() == 1 ? " primitive" : " primitives");
        if (!holdersTracked) {
            text.append(" (holder tracking off: only withLock holders are listed; see Diagnostics.trackHolders)");
        }
        for (PrimitiveSnapshot p : primitives) {
            text.append('\n').append(p);
        }
        return text.toString();
    }
}
