package io.github.reactorasyncio.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.github.reactorasyncio.sync.DeadlockPolicy;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The fast-path benchmarks (#1 and #6) timed by the measuring thread's own CPU time instead of wall time: on a
 * shared, overloaded machine, wall-clock JMH scores of 20-200 ns operations swing by ±100% because the thread is
 * descheduled; CPU time does not count the time it did not run. The variants are interleaved, round after round,
 * in one JVM, so drift hits them all alike. Reports the median and the minimum over rounds, in ns per operation.
 *
 * <p>Run: {@code mvn -q -Pbench exec:exec -Dbench.main=io.github.reactorasyncio.bench.FastPathCpuTime -Dbench.args=}
 */
public final class FastPathCpuTime {

    private static final String BLACKHOLE_CHALLENGE =
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.";

    private FastPathCpuTime() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int opsPerRound = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        Blackhole blackhole = new Blackhole(BLACKHOLE_CHALLENGE);
        FastPathBenchmark fast = new FastPathBenchmark();
        fast.setUp(blackhole);
        Map<String, Runnable> variants = new LinkedHashMap<>();
        variants.put("bare", fast::bare);
        variants.put("jdkSemaphore", fast::jdkSemaphore);
        variants.put("withPermit", fast::withPermit);
        variants.put("resilience4jBulkhead", fast::resilience4jBulkhead);
        variants.put("reactorPool", fast::reactorPool);
        for (DeadlockPolicy policy : new DeadlockPolicy[] {DeadlockPolicy.OFF, DeadlockPolicy.REPORT, DeadlockPolicy.DETECT}) {
            DeadlockPolicyBenchmark p = new DeadlockPolicyBenchmark();
            p.policy = policy;
            p.setUp(blackhole);
            variants.put("policy " + policy + " uncontended", p::uncontended);
            variants.put("policy " + policy + " uncontendedContextual", p::uncontendedContextual);
            variants.put("policy " + policy + " nested", p::nested);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, double[]> samples = new LinkedHashMap<>();
        variants.keySet().forEach(k -> samples.put(k, new double[rounds]));
        for (int round = -3; round < rounds; round++) { // three warm-up rounds
            for (var e : variants.entrySet()) {
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
        System.out.printf(Locale.ROOT, "%-42s %10s %10s%n", "variant (thread CPU ns/op)", "median", "min");
        for (var e : samples.entrySet()) {
            double[] s = e.getValue().clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "%-42s %10.1f %10.1f%n", e.getKey(), s[s.length / 2], s[0]);
        }
    }
}
