package io.github.reactorasyncio.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The application's named {@link ConcurrencyLimit}s, by name: the inbound filter's, the outbound filter's (one per
 * host, some created on first use) and any the application registers itself. Metrics follow every limit
 * registered here ({@link #forEachLimit(Consumer)}).
 *
 * <p>Names are unique: registering a second limit under a taken name fails. Lookups are lock-free; registration
 * and listener calls are serialized, so a listener sees every limit exactly once, whenever it subscribed.
 */
public final class ConcurrencyLimitRegistry {

    private final Map<String, ConcurrencyLimit> limits = new ConcurrentHashMap<>();
    /** Guarded by {@code this}. */
    private final List<Consumer<ConcurrencyLimit>> listeners = new ArrayList<>();

    /**
     * Adds {@code limit} and tells every {@link #forEachLimit(Consumer) listener} about it.
     *
     * @param limit the limit to add under its {@link ConcurrencyLimit#name()}; not null
     * @return {@code limit}
     * @throws NullPointerException  if {@code limit} is null
     * @throws IllegalStateException naming the limit, if its name is taken
     */
    public synchronized ConcurrencyLimit register(ConcurrencyLimit limit) {
        Objects.requireNonNull(limit, "limit must not be null");
        if (limits.putIfAbsent(limit.name(), limit) != null) {
            throw new IllegalStateException("a concurrency limit named '" + limit.name() + "' is already registered");
        }
        listeners.forEach(listener -> listener.accept(limit));
        return limit;
    }

    /**
     * Looks a limit up by name, without locking.
     *
     * @param name the limit's name; not null
     * @return the limit registered under {@code name}, or empty if there is none
     * @throws NullPointerException if {@code name} is null
     */
    public Optional<ConcurrencyLimit> find(String name) {
        return Optional.ofNullable(limits.get(name));
    }

    /** @return a snapshot of the registered limits */
    public Collection<ConcurrencyLimit> limits() {
        return List.copyOf(limits.values());
    }

    /**
     * Calls {@code listener} for every limit registered now and, later, for each one registered after.
     *
     * @param listener called once per limit, on the registering thread for later ones; not null
     * @throws NullPointerException if {@code listener} is null
     */
    public synchronized void forEachLimit(Consumer<ConcurrencyLimit> listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        limits.values().forEach(listener);
        listeners.add(listener);
    }

    @Override
    public String toString() {
        return "ConcurrencyLimitRegistry" + limits.keySet();
    }
}
