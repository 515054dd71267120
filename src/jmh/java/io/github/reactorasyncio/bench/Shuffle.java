package io.github.reactorasyncio.bench;

import java.util.SplittableRandom;

/** The random cancellation order of the cancellation-storm benchmarks. */
final class Shuffle {

    private Shuffle() {
    }

    /** {@code 0 .. n-1} in a uniformly random order (Fisher–Yates). */
    static int[] indices(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
