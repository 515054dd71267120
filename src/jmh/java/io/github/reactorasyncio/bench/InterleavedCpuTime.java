package io.github.reactorasyncio.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The thread-CPU harness the CPU-time benchmarks share: every variant runs {@code opsPerRound} operations per
 * round, variants interleaved round by round in one JVM (so a change in the machine's load hits them alike), three
 * warm-up rounds first; thread CPU time does not count the time the thread was descheduled.
 */
final class InterleavedCpuTime {

    private InterleavedCpuTime() {
    }

    /**
     * Thread CPU ns per operation of each variant, one sample per measured round; {@code beforeVariant} runs
     * (untimed) before each variant's turn, e.g. to switch a global setting the variant depends on.
     */
    static Map<String, double[]> measure(Map<String, Runnable> variants, int rounds, int opsPerRound,
                                         Consumer<String> beforeVariant) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, double[]> samples = new LinkedHashMap<>();
        variants.keySet().forEach(k -> samples.put(k, new double[rounds]));
        for (int round = -3; round < rounds; round++) { // three warm-up rounds
            for (var e : variants.entrySet()) {
                beforeVariant.accept(e.getKey());
                Runnable op = e.getValue();
                long cpu0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < opsPerRound; i++) {
                    op.run();
                }
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                if (round >= 0) {
                    samples.get(e.getKey())[round] = cpu / (double) opsPerRound;
                }
            }
        }
        return samples;
    }

    /** One line per variant: its median and its minimum, under a header naming the column {@code title}. */
    static void print(String title, Map<String, double[]> samples) {
        System.out.printf(Locale.ROOT, "%-42s %10s %10s%n", title, "median", "min");
        for (var e : samples.entrySet()) {
            double[] s = e.getValue().clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "%-42s %10.1f %10.1f%n", e.getKey(), s[s.length / 2], s[0]);
        }
    }
}
