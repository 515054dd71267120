package io.github.reactorasyncio.cli;

import io.github.reactorasyncio.http.FetchResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Progress of the {@code fetch} command on stderr: done, failed, in flight, the rate and an ETA, redrawn in place
 * on a terminal (with a bar) or printed as a line every period otherwise (logs, CI), nothing when quiet.
 * {@link #step} is called from event-loop threads and only touches atomics; rendering happens on the reporter's
 * own timer, in the pure function {@link #render}.
 *
 * <p><b>The ETA does not lie about the tail.</b> While more URLs wait than are in flight, the ETA is the URLs left
 * over the mean rate so far. Once every URL left is in flight (the tail), the rate says nothing about when the
 * slowest of them answers, so the ETA gives way to what is known: how many are still out and how long since the
 * last result (a 6 s straggler shows as "no result for 4.0 s", not as an ETA of 0:00:00).
 */
interface Progress extends AutoCloseable {

    void step(FetchResult result);

    @Override
    void close();

    static Progress none() {
        return new Progress() {
            @Override
            public void step(FetchResult result) {
            }

            @Override
            public void close() {
            }
        };
    }

    /** What a progress line shows, at one instant; {@code total} is -1 when unknown (URLs from stdin). */
    record Snapshot(long done, long failed, int inFlight, long total, Duration elapsed, Duration sinceLastResult) {
    }

    /** Width of the bar between its brackets, on a terminal. */
    int BAR_WIDTH = 30;

    /**
     * The progress line for {@code s}: {@code "544/1000 (54%), 3 failed, 10 in flight, 98.2/s, ETA 0:00:05"},
     * preceded by a bar {@code "[=========>          ] "} when {@code bar}; without a known total,
     * {@code "544 done, 3 failed, 10 in flight, 98.2/s"}.
     */
    static String render(Snapshot s, boolean bar) {
        StringBuilder line = new StringBuilder();
        double seconds = s.elapsed().toNanos() / 1e9;
        double rate = seconds > 0 ? s.done() / seconds : 0;
        if (s.total() < 0) {
            line.append(s.done()).append(" done");
        }
        else {
            long percent = s.total() == 0 ? 100 : s.done() * 100 / s.total();
            if (bar) {
                int filled = (int) (s.total() == 0 ? BAR_WIDTH : s.done() * BAR_WIDTH / s.total());
                line.append('[').append("=".repeat(filled)).append(filled < BAR_WIDTH ? ">" : "")
                        .append(" ".repeat(Math.max(0, BAR_WIDTH - filled - 1))).append("] ");
            }
            line.append(s.done()).append('/').append(s.total()).append(" (").append(percent).append("%)");
        }
        line.append(", ").append(s.failed()).append(" failed, ").append(s.inFlight()).append(" in flight, ")
                .append(String.format(Locale.ROOT, "%.1f/s", rate));
        long left = s.total() - s.done();
        if (s.total() >= 0 && left > 0) {
            if (left <= s.inFlight()) {
                line.append(String.format(Locale.ROOT, ", waiting for the last %d (no result for %.1f s)", left,
                        s.sinceLastResult().toMillis() / 1e3));
            }
            else if (rate > 0) {
                line.append(", ETA ").append(clock(Duration.ofSeconds((long) Math.ceil(left / rate))));
            }
        }
        return line.toString();
    }

    private static String clock(Duration d) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    /**
     * Renders every {@code period} on {@code err}, and once more on close: in place ({@code \r}, with a bar) when
     * {@code terminal}, else one "fetch: ..." line each time. {@code inFlight} samples the fetcher;
     * {@code nanoTime} is the clock (System::nanoTime).
     */
    static Progress live(long total, PrintWriter err, IntSupplier inFlight, Duration period, boolean terminal,
                         LongSupplier nanoTime) {
        long start = nanoTime.getAsLong();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastResult = new AtomicLong(start);
        Runnable print = () -> {
            long now = nanoTime.getAsLong();
            String line = render(new Snapshot(done.get(), failed.get(), inFlight.getAsInt(), total,
                    Duration.ofNanos(now - start), Duration.ofNanos(now - lastResult.get())), terminal);
            synchronized (err) {
                // On a terminal: back to the line's start, the line, and blanks over what a longer one left.
                err.print(terminal ? "\rfetch " + line + "\u001b[K" : "fetch: " + line + System.lineSeparator());
                err.flush();
            }
        };
        Disposable ticker = Flux.interval(period, period).subscribe(tick -> print.run());
        return new Progress() {
            @Override
            public void step(FetchResult result) {
                if (!result.answered()) {
                    failed.incrementAndGet();
                }
                lastResult.set(nanoTime.getAsLong());
                done.incrementAndGet();
            }

            @Override
            public void close() {
                ticker.dispose();
                print.run();
                if (terminal) {
                    err.println();
                    err.flush();
                }
            }
        };
    }
}
