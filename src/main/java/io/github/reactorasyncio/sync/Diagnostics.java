package io.github.reactorasyncio.sync;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import reactor.core.Disposable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Where reactive deadlocks become visible. Every detection (under {@link DeadlockPolicy#DETECT} or
 * {@link DeadlockPolicy#REPORT}) is logged at WARN through Reactor's logger (SLF4J when present) and delivered to
 * the listeners registered here, on the thread that detected it; a listener that throws is logged and skipped.
 */
public final class Diagnostics {

    private static final Logger LOG = Loggers.getLogger(Diagnostics.class);
    private static final CopyOnWriteArrayList<Consumer<? super DeadlockReport>> LISTENERS = new CopyOnWriteArrayList<>();

    private Diagnostics() {
    }

    /**
     * Registers {@code listener} for every deadlock detected from now on.
     *
     * @return disposing it unregisters the listener
     */
    public static Disposable addDeadlockListener(Consumer<? super DeadlockReport> listener) {
        Names.requireNonNull(listener, "listener");
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
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
