package io.github.reactorasyncio.http;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Thread CPU time per inner of the fetcher's merge (issue 16): {@code flatMap(mapper, k, 1)} against
 * {@link MonoMerge}, {@code k} inners live at a time, each ended by the driver in random order, on one thread (no
 * contention, no I/O: the operators' own cost, which grows with {@code k} for {@code flatMap} because it walks
 * every inner on each completion). Variants alternate within each round; the last rounds are printed.
 *
 * <p>usage: {@code mvn -q -Pbench exec:exec -Dbench.main=io.github.reactorasyncio.http.MonoMergeCpuTime
 * -Dbench.args="ROUNDS INNERS"}
 */
public final class MonoMergeCpuTime {

    private static volatile Object sink;

    private MonoMergeCpuTime() {
    }

    private interface Merge {
        Flux<Integer> apply(Flux<Integer> source, Function<Integer, Mono<Integer>> mapper, int k);
    }

    /** Ends {@code count} inners, {@code k} live at a time, in an order drawn from {@code seed}; CPU ns per inner. */
    private static double run(Merge merge, int count, int k, long seed, ThreadMXBean threads) {
        List<Sinks.One<Integer>> live = new ArrayList<>(k);
        Random random = new Random(seed);
        BaseSubscriber<Integer> downstream = new BaseSubscriber<>() {
            @Override
            protected void hookOnNext(Integer value) {
                sink = value;
            }
        };
        long start = threads.getCurrentThreadCpuTime();
        merge.apply(Flux.range(0, count), i -> {
            Sinks.One<Integer> inner = Sinks.one();
            live.add(inner);
            return inner.asMono();
        }, k).subscribe(downstream);
        while (!live.isEmpty()) {
            int pick = random.nextInt(live.size());
            Sinks.One<Integer> inner = live.get(pick);
            live.set(pick, live.get(live.size() - 1));
            live.remove(live.size() - 1);
            inner.tryEmitValue(pick);
        }
        return (threads.getCurrentThreadCpuTime() - start) / (double) count;
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Merge flatMap = (source, mapper, k) -> source.flatMap(mapper, k, 1);
        Merge monoMerge = MonoMerge::of;
        int[] ks = {10, 100, 1000};
        System.out.printf(Locale.ROOT, "CPU ns per inner, %d inners per run, rounds %d (last half printed)%n", count,
                rounds);
        System.out.printf(Locale.ROOT, "%-6s %5s %12s %12s %8s%n", "round", "k", "flatMap", "MonoMerge", "ratio");
        for (int round = 0; round < rounds; round++) {
            for (int k : ks) {
                long seed = round * 31L + k;
                boolean flatMapFirst = round % 2 == 0;
                double a = run(flatMapFirst ? flatMap : monoMerge, count, k, seed, threads);
                double b = run(flatMapFirst ? monoMerge : flatMap, count, k, seed, threads);
                double f = flatMapFirst ? a : b;
                double m = flatMapFirst ? b : a;
                if (round >= rounds / 2) {
                    System.out.printf(Locale.ROOT, "%-6d %5d %12.1f %12.1f %8.2f%n", round, k, f, m, m / f);
                }
            }
        }
    }
}
