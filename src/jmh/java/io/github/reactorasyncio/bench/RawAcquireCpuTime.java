package io.github.reactorasyncio.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.reactorasyncio.sync.DeadlockPolicy;
import io.github.reactorasyncio.sync.Diagnostics;
import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Permit;
import io.github.reactorasyncio.sync.Semaphore;

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
        try {
            InterleavedCpuTime.print("raw acquire + release (thread CPU ns/op)", InterleavedCpuTime.measure(variants,
                    rounds, opsPerRound, name -> Diagnostics.sampleLeaks(sampling.get(name))));
        } finally {
            Diagnostics.sampleLeaks(128);
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
