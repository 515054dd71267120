package io.github.reactorasyncio.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.reactorasyncio.http.FetchOptions;
import io.github.reactorasyncio.http.FetchResult;
import io.github.reactorasyncio.http.Fetcher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The Java side of {@code src/bench/fanout/run.sh}: fetches one URL {@code count} times with at most {@code k} in
 * flight, {@code passes} times in one JVM (all but the last are warm-up), and prints one JSON line per pass.
 * <ul>
 *   <li>{@code fetcher}: this project's {@link Fetcher} ({@code fetchAll}, limit k), default options;</li>
 *   <li>{@code fetcher-lean}: the same with bare's feature set: no gzip negotiation, no redirects, no separate
 *       response-silence timer; it keeps the whole-exchange timeout, which bare does without;</li>
 *   <li>{@code bare}: plain Reactor Netty, {@code flatMap(get, k)} over an {@link HttpClient} whose pool has k
 *       connections (the least a user must configure for k in flight: the default pool has 16);</li>
 *   <li>{@code jdk}: the JDK's {@link java.net.http.HttpClient}, {@code sendAsync} with at most k in flight
 *       ({@code flatMap} over the returned futures; the client has no pool-size setting and keeps connections
 *       alive by default), HTTP/1.1 pinned so that no h2c upgrade is offered on each new connection.</li>
 * </ul>
 * CPU seconds are the JVM's whole process CPU time during the pass; latency is per request, turn to last byte.
 *
 * <p>usage: {@code FanoutDriver fetcher|fetcher-lean|bare|jdk URL COUNT K PASSES}
 */
public final class FanoutDriver {

    private FanoutDriver() {
    }

    public static void main(String[] args) {
        String mode = args[0];
        String url = args[1];
        int count = Integer.parseInt(args[2]);
        int k = Integer.parseInt(args[3]);
        int passes = Integer.parseInt(args[4]);
        List<String> urls = Collections.nCopies(count, url);
        Pass pass = pass(mode, k, urls);
        for (int i = 0; i < passes; i++) {
            System.out.println(pass.run(count, i == passes - 1 ? "measured" : "warmup"));
        }
        System.exit(0);
    }

    /** The client named by {@code mode}, fetching {@code urls} with at most {@code k} in flight. */
    static Pass pass(String mode, int k, List<String> urls) {
        return switch (mode) {
            case "fetcher" -> fetcher(k, urls, false);
            case "fetcher-lean" -> fetcher(k, urls, true);
            case "bare" -> bare(k, urls);
            case "jdk" -> jdk(k, urls);
            default -> throw new IllegalArgumentException("mode: fetcher, fetcher-lean, bare or jdk, was " + mode);
        };
    }

    /** One pass: returns the latencies (ns) of the successful requests. */
    interface Pass {
        long[] fetchAll();

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

    private static Pass fetcher(int k, List<String> urls, boolean lean) {
        FetchOptions.Builder options = FetchOptions.builder().name("bench").concurrency(k)
                .timeout(Duration.ofSeconds(30));
        if (lean) {
            options.compress(false).maxRedirects(0).responseTimeout(Duration.ofSeconds(30));
        }
        Fetcher fetcher = Fetcher.create(options.build());
        return () -> fetcher.fetchAll(urls)
                .filter(r -> r.status() == 200)
                .map(FetchResult::latency)
                .map(Duration::toNanos)
                .collectList()
                .map(FanoutDriver::toArray)
                .block();
    }

    private static Pass bare(int k, List<String> urls) {
        ConnectionProvider pool = ConnectionProvider.builder("bare").maxConnections(k).pendingAcquireMaxCount(-1)
                .build();
        HttpClient client = HttpClient.create(pool);
        AtomicInteger ok = new AtomicInteger();
        return () -> Flux.fromIterable(urls)
                .flatMap(url -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    return client.get().uri(url)
                            .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                                    .map(text -> response.status().code()))
                            .filter(status -> status == 200)
                            .map(status -> System.nanoTime() - start);
                }), k)
                .collectList()
                .map(FanoutDriver::toArray)
                .block();
    }

    private static Pass jdk(int k, List<String> urls) {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        return () -> Flux.fromIterable(urls)
                .flatMap(url -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                            .build();
                    return Mono.fromFuture(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                            .filter(response -> response.statusCode() == 200)
                            .map(response -> System.nanoTime() - start);
                }), k)
                .collectList()
                .map(FanoutDriver::toArray)
                .block();
    }

    private static long[] toArray(List<Long> values) {
        long[] array = new long[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
