package io.github.reactorasyncio.bench;

import org.openjdk.jmh.infra.Blackhole;

/** The "little CPU work" done inside and outside the permit in the contention benchmarks. */
final class Work {

    /** About 0.2 µs on the reference machine: the work done while holding a permit. */
    static final long INSIDE_TOKENS = 100;
    /** About 0.05 µs: what the pipeline does with the result, outside the permit. */
    static final long OUTSIDE_TOKENS = 20;

    private Work() {
    }

    static int inside(int item) {
        Blackhole.consumeCPU(INSIDE_TOKENS);
        return item;
    }

    static int outside(int item) {
        Blackhole.consumeCPU(OUTSIDE_TOKENS);
        return item;
    }
}
