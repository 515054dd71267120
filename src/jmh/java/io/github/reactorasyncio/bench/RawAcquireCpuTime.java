package io.github.reactorasyncio.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.github.reactorasyncio.sync.DeadlockPolicy;
import io.github.reactorasyncio.sync.Diagnostics;
import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Permit;
import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Mono;

/**
 * Issue 14, item 1: what the leak net's sampling and the abandoned-lock watch cost on the raw acquire fast path,
 * timed by the measuring thread's CPU time (as {@link FastPathCpuTime}), the variants interleaved round after round
 * in one JVM. One operation: {@code acquire()} assembled and subscribed on a free primitive, its permit released.
 * Variants: OFF (nothing watched, nothing sampled) against REPORT with sampling 0 (off), 128 (the default) and 1
 * (every acquire captures its call site: the price of a sampled one), for a Lock (whose raw holds are also
 * numbered for the abandoned-lock report) and a Semaphore.
 *
 * <p>Run: {@code mvn -q -Pbench exec:exec -Dbench.main=io.github.reactorasyncio.bench.RawAcquireCpuTime
 * -Dbench.args="15 500000"}
 */
public final class RawAcquireCpuTime {

    private RawAcquireCpuTime() {
    }

    /** Keeps the JIT from dropping the work. */
    static volatile Object sink;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int opsPerRound = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
        Map<String, Runnable> variants = new LinkedHashMap<>();
        Map<String, Integer> sampling = new LinkedHashMap<>();
        for (String kind : new String[] {"Lock", "Semaphore"}) {
            add(variants, sampling, kind + " OFF", kind, DeadlockPolicy.OFF, 128);
            add(variants, sampling, kind + " REPORT, sampling off", kind, DeadlockPolicy.REPORT, 0);
            add(variants, sampling, kind + " REPORT, 1 in 128 (default)", kind, DeadlockPolicy.REPORT, 128);
            add(variants, sampling, kind + " REPORT, every acquire", kind, DeadlockPolicy.REPORT, 1);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, double[]> samples = new LinkedHashMap<>();
        variants.keySet().forEach(k -> samples.put(k, new double[rounds]));
        try {
            for (int round = -3; round < rounds; round++) { // three warm-up rounds
                for (var e : variants.entrySet()) {
                    Diagnostics.sampleLeaks(sampling.get(e.getKey()));
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
        } finally {
            Diagnostics.sampleLeaks(128);
        }
        System.out.printf(Locale.ROOT, "%-42s %10s %10s%n", "raw acquire + release (thread CPU ns/op)", "median",
                "min");
        for (var e : samples.entrySet()) {
            double[] s = e.getValue().clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "%-42s %10.1f %10.1f%n", e.getKey(), s[s.length / 2], s[0]);
        }
    }

    private static void add(Map<String, Runnable> variants, Map<String, Integer> sampling, String name, String kind,
                            DeadlockPolicy policy, int oneIn) {
        if (kind.equals("Lock")) {
            Lock lock = Lock.create("raw-" + name, policy);
            variants.put(name, () -> lock.acquire().subscribe(RawAcquireCpuTime::release));
        } else {
            Semaphore sem = Semaphore.create("raw-" + name, 1, policy);
            variants.put(name, () -> sem.acquire().subscribe(RawAcquireCpuTime::release));
        }
        sampling.put(name, oneIn);
    }

    private static void release(Permit permit) {
        sink = permit;
        permit.release();
    }
}
