package io.github.reactorasyncio.sync;

import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * <p><b>Concurrency.</b> Each generation of the flag is one {@link Sinks.Empty}: {@code set()} completes the
 * current generation, {@code clear()} swaps in a fresh one only if the current one is complete. An await
 * subscribes to whichever generation is current when it subscribes, so a clear never strands it.
 */
final class DefaultEvent implements Event {

    private final String name;
    /** The current generation; complete iff the flag is set. Replaced only by clear() after a set(). */
    private final AtomicReference<Sinks.Empty<Void>> generation = new AtomicReference<>(Sinks.empty());

    DefaultEvent(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Mono<Void> await() {
        return Mono.defer(() -> generation.get().asMono());
    }

    @Override
    public void set() {
        generation.get().tryEmitEmpty();
    }

    @Override
    public void clear() {
        Sinks.Empty<Void> current = generation.get();
        if (isComplete(current)) {
            generation.compareAndSet(current, Sinks.empty());
        }
    }

    @Override
    public boolean isSet() {
        return isComplete(generation.get());
    }

    private static boolean isComplete(Sinks.Empty<Void> sink) {
        return Boolean.TRUE.equals(sink.scan(reactor.core.Scannable.Attr.TERMINATED));
    }

    @Override
    public int waiting() {
        Sinks.Empty<Void> current = generation.get();
        return isComplete(current) ? 0 : current.currentSubscriberCount();
    }

    @Override
    public String toString() {
        return "Event[name=" + name + ", " + (isSet() ? "set" : "clear, waiting=" + waiting()) + "]";
    }
}
