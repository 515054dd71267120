package io.github.reactorasyncio.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import reactor.core.scheduler.Scheduler;

/**
 * What an example printed, each line also stamped with the time on the example's clock ("5.000 Releasing"), so a
 * test can check the story's order and its timing in one assertion.
 */
final class Transcript {

    private final Scheduler clock;
    private final List<String> lines = new ArrayList<>();
    private final List<String> timeline = new ArrayList<>();

    Transcript(Scheduler clock) {
        this.clock = clock;
    }

    /** The sink to hand to the example in place of {@code System.out::println}. */
    Consumer<String> out() {
        return line -> {
            synchronized (this) {
                lines.add(line);
                timeline.add(String.format(Locale.ROOT, "%.3f %s",
                        clock.now(TimeUnit.MILLISECONDS) / 1000.0, line));
            }
        };
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Each line as {@code "<seconds with 3 decimals> <line>"}. */
    synchronized List<String> timeline() {
        return List.copyOf(timeline);
    }
}
