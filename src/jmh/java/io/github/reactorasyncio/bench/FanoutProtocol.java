package io.github.reactorasyncio.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What every JVM client of {@code src/bench/fanout/run.sh} shares: the command line, the passes, one JSON line per
 * pass (requests, seconds, req/s, p50/p99 latency, process CPU seconds), and, for the peers whose API is a
 * callback or a future, the limit of k requests in flight. JDK only, so that the Vert.x client, which runs on its
 * own class path (src/bench/fanout/vertx/), compiles against this very file.
 *
 * <p>usage of a client's main: {@code MODE URL COUNT K PASSES}
 */
public final class FanoutProtocol {

    /** Creates the client named by {@code mode}, fetching {@code urls} with at most {@code k} in flight. */
    public interface Clients {
        Pass pass(String mode, int k, List<String> urls);
    }

    /** One pass: returns the latencies (ns) of the requests answered 200. */
    public interface Pass {
        long[] fetchAll();

        /** Runs one pass and returns its JSON line; CPU is the whole process's, latency turn to last byte. */
        default String run(int count, String label) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long start = System.nanoTime();
            long[] latencies = fetchAll();
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            Arrays.sort(latencies);
            int n = latencies.length;
            if (n != count) {
                System.err.println("only " + n + " of " + count + " requests answered 200");
            }
            return String.format(Locale.ROOT, "{\"requests\": %d, \"seconds\": %.4f, \"rps\": %.1f, \"p50_ms\": %.3f, "
                            + "\"p99_ms\": %.3f, \"cpu_s\": %.3f, \"pass\": \"%s\"}", n, seconds, n / seconds,
                    n == 0 ? 0 : latencies[n / 2] / 1e6, n == 0 ? 0 : latencies[Math.min(n - 1, (int) (n * 0.99))] / 1e6,
                    cpu, label);
        }
    }

    private FanoutProtocol() {
    }

    /** Parses {@code MODE URL COUNT K PASSES}, prints one JSON line per pass (all but the last are warm-up), exits. */
    public static void main(String[] args, Clients clients) {
        String mode = args[0];
        String url = args[1];
        int count = Integer.parseInt(args[2]);
        int k = Integer.parseInt(args[3]);
        int passes = Integer.parseInt(args[4]);
        Pass pass = clients.pass(mode, k, Collections.nCopies(count, url));
        for (int i = 0; i < passes; i++) {
            System.out.println(pass.run(count, i == passes - 1 ? "measured" : "warmup"));
        }
        System.exit(0);
    }

    /**
     * Calls {@code get} (a client's own asynchronous request, completing with the status code) once per URL with at
     * most {@code k} calls outstanding, the next call started from the completion of an earlier one (as Reactor's
     * {@code flatMap} does), and returns the latencies of the calls that completed with 200. A call that completes
     * at once, even with an error, does not recurse: completions drain one loop.
     */
    public static long[] limited(List<String> urls, int k, Function<String, CompletionStage<Integer>> get) {
        return new Limited(urls, k, get).await();
    }

    private static final class Limited {
        private final List<String> urls;
        private final Function<String, CompletionStage<Integer>> get;
        private final long[] latencies;
        private final CountDownLatch done;
        private final AtomicInteger free;
        private final AtomicInteger wip = new AtomicInteger();
        private int next; // read and written by the one thread inside drain()

        Limited(List<String> urls, int k, Function<String, CompletionStage<Integer>> get) {
            this.urls = urls;
            this.get = get;
            this.latencies = new long[urls.size()];
            this.done = new CountDownLatch(urls.size());
            this.free = new AtomicInteger(k);
        }

        long[] await() {
            drain();
            try {
                done.await();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return Arrays.stream(latencies).filter(latency -> latency >= 0).toArray();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                while (next < urls.size() && free.get() > 0) {
                    free.decrementAndGet();
                    start(next++);
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        private void start(int i) {
            long start = System.nanoTime();
            CompletionStage<Integer> call;
            try {
                call = get.apply(urls.get(i));
            }
            catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            call.whenComplete((status, error) -> {
                latencies[i] = error == null && status == 200 ? System.nanoTime() - start : -1;
                free.incrementAndGet();
                done.countDown();
                drain();
            });
        }
    }
}
