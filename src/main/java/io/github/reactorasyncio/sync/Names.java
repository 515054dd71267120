package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Automatic names ({@code Semaphore-1}, {@code Lock-3}, …) and human-readable durations for messages. */
final class Names {

    private static final ConcurrentHashMap<String, AtomicLong> COUNTERS = new ConcurrentHashMap<>();

    private Names() {
    }

    static String next(String kind) {
        return kind + "-" + COUNTERS.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /** {@code 1.5s}, {@code 250ms}, {@code 2m}: the way a person would write the duration in a message. */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0ms";
        }
        if (d.toNanos() % 1_000_000 != 0 || d.compareTo(Duration.ofMillis(1)) < 0) {
            return d.toNanos() + "ns";
        }
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return (ms / 60_000) + "m";
        }
        if (ms >= 1000) {
            return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.valueOf(ms / 1000.0)) + "s";
        }
        return ms + "ms";
    }

    static <T> T requireNonNull(T value, String argument) {
        if (value == null) {
            throw new NullPointerException(argument + " must not be null");
        }
        return value;
    }

    static Duration requireNonNegative(Duration d, String argument) {
        requireNonNull(d, argument);
        if (d.isNegative()) {
            throw new IllegalArgumentException(argument + " must not be negative, was -" + format(d.negated()));
        }
        return d;
    }
}
