package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Schedulers;

/**
 * What an example printed, and when. Time is read from {@code Schedulers.parallel()}, so under
 * {@code StepVerifier.withVirtualTime} it is virtual time and an example's test runs in milliseconds. Create it at
 * subscription time (inside {@code Mono.defer}) so it sees the scheduler the test installed.
 */
public final class Story {

    private final long startMillis = nowMillis();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    /** Prints {@code line} to standard output and records it. */
    public void print(String line) {
        lines.add(line);
        System.out.println(line);
    }

    /** Prints the elapsed time as the seed does ({@code Time: 2.0 s}). */
    public void printTime() {
        print(String.format(Locale.ROOT, "Time: %.1f s", elapsed().toMillis() / 1000.0));
    }

    /** Prints {@code line} after the elapsed time, as {@code [1.5 s] line}: for stories whose timing is the point. */
    public void printTimed(String line) {
        print(String.format(Locale.ROOT, "[%.1f s] %s", elapsed().toMillis() / 1000.0, line));
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public Duration elapsed() {
        return Duration.ofMillis(nowMillis() - startMillis);
    }

    private static long nowMillis() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }
}
