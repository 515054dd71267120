package io.github.reactorasyncio.sync;

import reactor.core.publisher.Mono;

/**
 * A flag that tasks can wait on. Corresponds to {@code asyncio.Event}.
 *
 * <ul>
 *   <li>{@link #await()} completes at once if the flag is set, otherwise when {@link #set()} is next called.
 *       Every waiter is woken by one {@code set()}, in the order they started waiting, on the thread calling
 *       {@code set()}.</li>
 *   <li>{@link #clear()} resets the flag; awaits that start afterwards wait for the next {@code set()}. Waiters
 *       woken by an earlier {@code set()} are not affected.</li>
 *   <li>Cancelling an await just stops waiting; it never affects the flag or other waiters.</li>
 *   <li>Happens-before: actions before {@code set()} happen-before the woken waiters resume.</li>
 * </ul>
 */
public interface Event {

    /**
     * An event with an automatic name, initially clear.
     *
     * @return a new, clear event named {@code Event-N}
     */
    static Event create() {
        return create(Names.next("Event"));
    }

    /**
     * A named event, initially clear.
     *
     * @param name the name to report this event by in {@link #toString()}; not null
     * @return a new, clear event
     * @throws NullPointerException if {@code name} is null
     */
    static Event create(String name) {
        return new DefaultEvent(Names.requireNonNull(name, "name"));
    }

    /**
     * The name given at creation, or the automatic one.
     *
     * @return this event's name
     */
    String name();

    /**
     * Completes once the flag is set (at once if it already is). Corresponds to {@code await event.wait()}.
     *
     * @return a Mono that completes empty when the flag is, or becomes, set; it never fails
     */
    Mono<Void> await();

    /** Sets the flag and wakes every waiter. Idempotent. */
    void set();

    /** Resets the flag. */
    void clear();

    /**
     * Whether the flag is set (asyncio's {@code is_set()}).
     *
     * @return {@code true} between a {@link #set()} and the next {@link #clear()}
     */
    boolean isSet();

    /** @return awaits currently waiting */
    int waiting();

    /** @return e.g. {@code Event[name=ready, set]} or {@code Event[name=ready, clear, waiting=2]} */
    @Override
    String toString();
}
