package io.github.reactorasyncio.cli;

import io.github.reactorasyncio.http.Fetcher;
import io.github.reactorasyncio.http.FetchResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Progress of the {@code fetch} command on stderr: a progress bar (me.tongfei:progressbar) on a terminal, a plain
 * line per second otherwise (logs, CI), nothing when quiet. {@link #step} is called from event-loop threads and
 * only touches atomics (the bar's counter is atomic too); rendering happens on the reporter's own timer.
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

    /** A live bar; the extra message counts failures so far. */
    static Progress bar(long total) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("fetch")
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(100)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        AtomicLong failed = new AtomicLong();
        return new Progress() {
            @Override
            public void step(FetchResult result) {
                if (!result.answered()) {
                    bar.setExtraMessage(failed.incrementAndGet() + " failed");
                }
                bar.step();
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }

    /** "fetch: 340/1000 (34%), 0 failed, 10 in flight" every {@code period}, and once more at the end. */
    static Progress lines(long total, PrintWriter err, Fetcher fetcher, Duration period) {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Runnable print = () -> {
            long d = done.get();
            err.printf("fetch: %d/%d (%d%%), %d failed, %d in flight%n", d, total, total == 0 ? 100 : d * 100 / total,
                    failed.get(), fetcher.statistics().inFlight());
            err.flush();
        };
        Disposable ticker = Flux.interval(period, period).subscribe(tick -> print.run());
        return new Progress() {
            @Override
            public void step(FetchResult result) {
                done.incrementAndGet();
                if (!result.answered()) {
                    failed.incrementAndGet();
                }
            }

            @Override
            public void close() {
                ticker.dispose();
                print.run();
            }
        };
    }
}
