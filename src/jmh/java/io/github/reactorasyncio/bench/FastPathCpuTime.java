package io.github.reactorasyncio.bench;

import java.util.LinkedHashMap;
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
        InterleavedCpuTime.print("variant (thread CPU ns/op)",
                InterleavedCpuTime.measure(variants, rounds, opsPerRound, name -> { }));
    }
}
