package io.github.reactorasyncio.sync;

import java.util.Arrays;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * <p><b>Concurrency.</b> The round is an immutable {@link Round} swapped by CAS (copy-on-write, O(parties) per
 * arrival), so arrivals, cancellations, reset and abort never lock; the signals are sent after the CAS that
 * decided them, outside any retry loop.
 */
final class DefaultBarrier implements Barrier {

    private static final MonoSink<?>[] NONE = new MonoSink<?>[0];

    /** An immutable round: waiters in arrival order (index i arrived i-th) and whether the barrier is broken. */
    private record Round(MonoSink<?>[] waiters, boolean broken) {
    }

    private final String name;
    private final int parties;
    private final AtomicReference<Round> round = new AtomicReference<>(new Round(NONE, false));

    DefaultBarrier(String name, int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be >= 1, was " + parties);
        }
        this.name = name;
        this.parties = parties;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<Integer> await() {
        return Mono.create(sink -> {
            for (;;) {
                Round current = round.get();
                if (current.broken) {
                    sink.error(broken());
                    return;
                }
                int index = current.waiters.length;
                if (index + 1 == parties) {
                    if (round.compareAndSet(current, new Round(NONE, false))) {
                        for (int i = 0; i < current.waiters.length; i++) {
                            ((MonoSink<Integer>) current.waiters[i]).success(i);
                        }
                        sink.success(index);
                        return;
                    }
                } else {
                    MonoSink<?>[] arrived = Arrays.copyOf(current.waiters, index + 1);
                    arrived[index] = sink;
                    if (round.compareAndSet(current, new Round(arrived, false))) {
                        sink.onCancel(() -> withdraw(sink));
                        return;
                    }
                }
            }
        });
    }

    private void withdraw(MonoSink<?> sink) {
        for (;;) {
            Round current = round.get();
            int at = Arrays.asList(current.waiters).indexOf(sink);
            if (at < 0) {
                return;
            }
            MonoSink<?>[] rest = new MonoSink<?>[current.waiters.length - 1];
            System.arraycopy(current.waiters, 0, rest, 0, at);
            System.arraycopy(current.waiters, at + 1, rest, at, rest.length - at);
            if (round.compareAndSet(current, new Round(rest, current.broken))) {
                return;
            }
        }
    }

    @Override
    public void reset() {
        breakRound(false);
    }

    @Override
    public void abort() {
        breakRound(true);
    }

    private void breakRound(boolean staysBroken) {
        Round previous = round.getAndSet(new Round(NONE, staysBroken));
        for (MonoSink<?> waiter : previous.waiters) {
            waiter.error(broken());
        }
    }

    private BrokenBarrierException broken() {
        return new BrokenBarrierException("Barrier '" + name + "' is broken (parties=" + parties + ")");
    }

    @Override
    public int parties() {
        return parties;
    }

    @Override
    public int waiting() {
        return round.get().waiters.length;
    }

    @Override
    public boolean isBroken() {
        return round.get().broken;
    }

    @Override
    public String toString() {
        Round current = round.get();
        return "Barrier[name=" + name + ", waiting=" + current.waiters.length + "/" + parties
                + (current.broken ? ", broken" : "") + "]";
    }
}
