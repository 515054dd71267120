package io.github.reactorasyncio.cli;

import io.github.reactorasyncio.http.FetchResult;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The failed results with the lowest input indexes, at most {@code capacity} of them, whatever the number of
 * results seen: what the summaries list, in memory bounded by the list's length rather than by the batch.
 * Not thread-safe (results arrive one at a time, from a Flux's {@code onNext}).
 */
final class Failures {

    private final int capacity;
    // Highest index on top: the one to drop when a lower-indexed failure arrives at capacity.
    private final PriorityQueue<FetchResult> kept =
            new PriorityQueue<>(Comparator.comparingLong(FetchResult::index).reversed());

    Failures(int capacity) {
        this.capacity = capacity;
    }

    /** Keeps {@code result} if it failed and is among the {@code capacity} lowest-indexed failures so far. */
    void add(FetchResult result) {
        if (result.answered()) {
            return;
        }
        if (kept.size() < capacity) {
            kept.add(result);
        }
        else if (capacity > 0 && result.index() < kept.peek().index()) {
            kept.poll();
            kept.add(result);
        }
    }

    /** How many are kept. */
    int size() {
        return kept.size();
    }

    /** The kept failures, by ascending input index. */
    List<FetchResult> lowestIndexes() {
        return kept.stream().sorted(Comparator.comparingLong(FetchResult::index)).toList();
    }
}
