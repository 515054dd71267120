package io.github.reactorasyncio.http;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

/**
 * What a batch came to: counts, a status histogram, errors by kind, latency percentiles and throughput; immutable.
 * Built incrementally by a {@link Builder} that sees each result as it arrives and keeps counters and a latency
 * histogram, never the results, so summarizing ten million URLs takes the memory of summarizing ten
 * ({@link #builder()}; {@link #of} for a collection at hand).
 *
 * <p>Percentiles come from an <a href="https://github.com/HdrHistogram/HdrHistogram">HdrHistogram</a> with three
 * significant digits: each is the middle of the histogram bucket holding the nearest-rank value, within 0.05 %
 * of it (exact below 2 µs). This package's optional dependency {@code org.hdrhistogram:HdrHistogram} must be on
 * the class path.
 *
 * @param requests          results counted (one per input URL)
 * @param answered          results with a status (any status)
 * @param ok                results with a 2xx status
 * @param statuses          answers per status, ascending
 * @param errors            failures per kind, in enum order; empty when everything was answered
 * @param limit             the concurrency limit the batch ran with
 * @param maxInFlight       the most requests in flight at once, as the fetcher observed it
 * @param elapsed           wall time of the batch
 * @param bytes             body bytes received in total
 * @param latencyP50        median latency of the answered requests (ZERO when none)
 * @param latencyP90        90th percentile, nearest rank
 * @param latencyP99        99th percentile, nearest rank
 */
public record FetchSummary(long requests, long answered, long ok, Map<Integer, Long> statuses,
                           Map<FetchErrorKind, Long> errors, int limit, int maxInFlight, Duration elapsed,
                           long bytes, Duration latencyP50, Duration latencyP90, Duration latencyP99) {

    /**
     * Copies the maps into unmodifiable ones: {@code statuses} sorted by status, {@code errors} in enum order.
     *
     * @param requests    results counted
     * @param answered    results with a status
     * @param ok          results with a 2xx status
     * @param statuses    answers per status; not null
     * @param errors      failures per kind; not null
     * @param limit       the concurrency limit the batch ran with
     * @param maxInFlight the most requests in flight at once
     * @param elapsed     wall time of the batch
     * @param bytes       body bytes received in total
     * @param latencyP50  median latency of the answered requests
     * @param latencyP90  90th percentile latency
     * @param latencyP99  99th percentile latency
     * @throws NullPointerException if {@code statuses} or {@code errors} is null
     */
    public FetchSummary {
        statuses = Collections.unmodifiableMap(new TreeMap<>(statuses));
        errors = errors.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(errors));
    }

    /**
     * Summarizes {@code results} of a batch that ran with {@code limit} for {@code elapsed}. Latency percentiles
     * and bytes are taken over the answered results only.
     *
     * @param results     every result of the batch, read once; not null
     * @param limit       the concurrency limit the batch ran with, reported as is
     * @param maxInFlight the most requests in flight at once, reported as is
     * @param elapsed     the batch's wall time; not null
     * @return the summary
     * @throws NullPointerException if {@code results} or {@code elapsed} is null
     */
    public static FetchSummary of(Iterable<FetchResult> results, int limit, int maxInFlight, Duration elapsed) {
        Objects.requireNonNull(results, "results");
        Builder builder = builder();
        results.forEach(builder::add);
        return builder.build(limit, maxInFlight, elapsed);
    }

    /**
     * An empty builder: {@code fetcher.fetchAll(urls).doOnNext(builder::add)} summarizes a batch while its results
     * stream past.
     *
     * @return a builder with nothing counted yet
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Results that got no answer.
     *
     * @return {@code requests() - answered()}
     */
    public long failed() {
        return requests - answered;
    }

    /**
     * Requests per second of wall time.
     *
     * @return {@code requests()} divided by {@code elapsed()} in seconds; 0 if {@code elapsed()} is zero
     */
    public double requestsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : requests / seconds;
    }

    /**
     * Counts results as they arrive, in memory independent of their number: counters, a map per status and per
     * error kind, and a latency histogram of a few tens of kilobytes. Not thread-safe: add from one thread at a
     * time, as a Flux's {@code onNext} calls are.
     */
    public static final class Builder {
        private final Map<Integer, Long> statuses = new TreeMap<>();
        private final Map<FetchErrorKind, Long> errors = new EnumMap<>(FetchErrorKind.class);
        // Nanoseconds, three significant digits, growing its range as needed (a few tens of KB for hours).
        private final Histogram latencies = new Histogram(3);
        private long requests;
        private long ok;
        private long bytes;

        private Builder() {
        }

        /**
         * Counts one result.
         *
         * @param result a result of the batch; not null
         * @return this builder
         */
        public Builder add(FetchResult result) {
            requests++;
            if (result.answered()) {
                statuses.merge(result.status(), 1L, Long::sum);
                latencies.recordValue(result.latency().toNanos());
                bytes += result.bytes();
                if (result.successful()) {
                    ok++;
                }
            } else {
                errors.merge(result.errorKind(), 1L, Long::sum);
            }
            return this;
        }

        /**
         * The summary of every result added so far, for a batch that ran with {@code limit} for {@code elapsed}.
         *
         * @param limit       the concurrency limit the batch ran with, reported as is
         * @param maxInFlight the most requests in flight at once, reported as is
         * @param elapsed     the batch's wall time; not null
         * @return the summary; the builder can go on counting
         * @throws NullPointerException if {@code elapsed} is null
         */
        public FetchSummary build(int limit, int maxInFlight, Duration elapsed) {
            Objects.requireNonNull(elapsed, "elapsed");
            return new FetchSummary(requests, latencies.getTotalCount(), ok, statuses, errors, limit, maxInFlight,
                    elapsed, bytes, percentile(50), percentile(90), percentile(99));
        }

        private Duration percentile(double p) {
            return latencies.getTotalCount() == 0 ? Duration.ZERO
                    : Duration.ofNanos(latencies.medianEquivalentValue(latencies.getValueAtPercentile(p)));
        }
    }
}
