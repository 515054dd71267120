package io.github.reactorasyncio.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a batch came to: counts, a status histogram, errors by kind, latency percentiles and throughput. Built
 * from the results once the batch is over ({@link #of}); immutable.
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
     * @param results     every result of the batch; not null
     * @param limit       the concurrency limit the batch ran with, reported as is
     * @param maxInFlight the most requests in flight at once, reported as is
     * @param elapsed     the batch's wall time; not null
     * @return the summary
     * @throws NullPointerException if {@code results} or {@code elapsed} is null
     */
    public static FetchSummary of(Collection<FetchResult> results, int limit, int maxInFlight, Duration elapsed) {
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(elapsed, "elapsed");
        Map<Integer, Long> statuses = new TreeMap<>();
        Map<FetchErrorKind, Long> errors = new EnumMap<>(FetchErrorKind.class);
        long ok = 0;
        long bytes = 0;
        long[] latencies = new long[results.size()];
        int answered = 0;
        for (FetchResult r : results) {
            if (r.answered()) {
                statuses.merge(r.status(), 1L, Long::sum);
                latencies[answered++] = r.latency().toNanos();
                bytes += r.bytes();
                if (r.successful()) {
                    ok++;
                }
            }
            else {
                errors.merge(r.errorKind(), 1L, Long::sum);
            }
        }
        Arrays.sort(latencies, 0, answered);
        return new FetchSummary(results.size(), answered, ok, statuses, errors, limit, maxInFlight, elapsed, bytes,
                percentile(latencies, answered, 50), percentile(latencies, answered, 90),
                percentile(latencies, answered, 99));
    }

    private static Duration percentile(long[] sorted, int n, int p) {
        if (n == 0) {
            return Duration.ZERO;
        }
        int rank = (int) Math.ceil(p / 100.0 * n);
        return Duration.ofNanos(sorted[Math.max(0, rank - 1)]);
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
}
