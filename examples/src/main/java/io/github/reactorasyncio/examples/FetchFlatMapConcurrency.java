package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.reactorasyncio.cli.DemoServer;
import io.github.reactorasyncio.http.FetchOptions;
import io.github.reactorasyncio.http.FetchResult;
import io.github.reactorasyncio.http.Fetcher;
import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The seeds' 1000 GETs with at most 10 in flight, without a semaphore: one pipeline,
 * {@code flatMap(fetch, 10)} — the design card's "flatMap with a concurrency argument acting as a semaphore" — and
 * then the case that needs one: two pipelines calling the same server, whose limit must hold for both together.
 *
 * <p>Twin of the same seed programs as {@link SeedSemaphoreFetch} (seed {@code 000_ec10745fc4071faf.txt},
 * "Semaphore"; seed {@code 001_30140f3da4ba40e1.txt}, "{@code asyncio.Semaphore}"), written the Reactor way.
 * Three runs, each against a demo server of its own (loopback, 50 ms ± 20 ms per answer), each printing one line:
 * how many URLs were answered 200, the most requests the pipelines had under way at once, the most the server
 * saw in flight at once, and the elapsed time.
 * <ol>
 *   <li>{@link #onePipeline}: {@code Flux.fromIterable(urls).flatMap(url -> fetcher.fetch(url), 10)}. flatMap
 *       subscribes to at most 10 requests and starts the next one only when one ends: a semaphore of ten permits
 *       held for each request, with no semaphore object, no "Waiting" state and nothing to release. The server
 *       sees at most 10. ({@link Fetcher#fetchAll(Iterable)} is exactly this, with the fetcher's concurrency.)</li>
 *   <li>{@link #twoPipelines}: two parts of an application ("orders", "invoices"), each with its own fetcher and
 *       its own {@code flatMap(fetch, 10)}, call the same server. Each flatMap bounds only its own pipeline: the
 *       server sees up to 20.</li>
 *   <li>{@link #twoPipelinesSharing}: the same two pipelines, their fetchers given one {@code Semaphore(10)} with
 *       {@link FetchOptions.Builder#sharedLimit}: every request also holds one of its permits, so the pipelines
 *       still have 20 requests under way, but only 10 of them at the server; the others wait, FIFO, in the
 *       semaphore.</li>
 * </ol>
 * So: prefer {@code flatMap(fetch, n)} when the limit belongs to one pipeline (one batch job, one command); prefer
 * a shared {@link Semaphore} when it belongs to the resource — an API quota, a database, a partner's server — and
 * several pipelines, fetchers or single calls (every request handler of a WebFlux application) use it. The
 * fetchers here are created with a limit of {@value #FETCHER_LIMIT}, far above 10, so that the limits shown are the
 * pipelines' and the semaphore's, not the fetchers' own (one {@link Fetcher} also bounds everything sent through
 * it, see {@link FetchOptions#concurrency()}).
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=FetchFlatMapConcurrency} (1000 URLs per run, about 15 s)
 * or {@code ... -Dexec.args=200}.
 */
public final class FetchFlatMapConcurrency {

    static final int LIMIT = 10;
    static final int FETCHER_LIMIT = 100;

    /**
     * @param pipelines         which run
     * @param requests          URLs fetched, over all pipelines
     * @param ok                of those, answered with status 200
     * @param underWay          most requests the pipelines had started and not finished at once (flatMap's
     *                          slots in use, waiting for a shared permit included)
     * @param serverMaxInFlight most requests the demo server had received and not yet answered at once
     * @param elapsed           wall time of the run
     */
    public record Run(String pipelines, int requests, int ok, int underWay, int serverMaxInFlight,
                      Duration elapsed) {
    }

    private FetchFlatMapConcurrency() {
    }

    /** @param args optionally the number of URLs per run (default 1000) */
    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Consumer<String> out = System.out::println;
        Flux.concat(onePipeline(out, DemoServer::start, count),
                        twoPipelines(out, DemoServer::start, count),
                        twoPipelinesSharing(Semaphore.create("api", LIMIT), out, DemoServer::start, count))
                .blockLast();
    }

    /** Run 1: {@code count} URLs through one {@code flatMap(fetch, 10)}. */
    public static Mono<Run> onePipeline(Consumer<String> out, Supplier<DemoServer> servers, int count) {
        checkArguments(out, servers, count, 1);
        return OwnDemoServer.using(servers, server -> Mono.using(
                () -> Fetcher.create(options("session", null)),
                fetcher -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    InFlight underWay = new InFlight();
                    return pipeline(fetcher, server.itemUrls(count), underWay)
                            .collectList()
                            .map(results -> report(out, "one pipeline, flatMap(fetch, 10)", results, underWay,
                                    server, start));
                }),
                Fetcher::close));
    }

    /**
     * Run 2: {@code count} URLs split over two pipelines, each its own {@code flatMap(fetch, 10)}.
     *
     * @throws IllegalArgumentException if {@code count < 2} (each pipeline needs a URL)
     */
    public static Mono<Run> twoPipelines(Consumer<String> out, Supplier<DemoServer> servers, int count) {
        checkArguments(out, servers, count, 2);
        return twoPipelines("two pipelines, flatMap(fetch, 10) each", null, out, servers, count);
    }

    /**
     * Run 3: as {@link #twoPipelines}, both fetchers holding a permit of {@code api} for each request.
     *
     * @param api the shared limit, e.g. {@code Semaphore.create("api", 10)}
     */
    public static Mono<Run> twoPipelinesSharing(Semaphore api, Consumer<String> out, Supplier<DemoServer> servers,
                                                int count) {
        Objects.requireNonNull(api, "api");
        checkArguments(out, servers, count, 2);
        return twoPipelines("two pipelines sharing " + api.name() + " (" + api.statistics().capacity()
                + " permits)", api, out, servers, count);
    }

    private static Mono<Run> twoPipelines(String name, Semaphore sharedLimit, Consumer<String> out,
                                          Supplier<DemoServer> servers, int count) {
        return OwnDemoServer.using(servers, server -> Mono.using(
                () -> List.of(Fetcher.create(options("orders", sharedLimit)),
                        Fetcher.create(options("invoices", sharedLimit))),
                fetchers -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    InFlight underWay = new InFlight();
                    List<String> urls = server.itemUrls(count);
                    int half = count / 2;
                    return Flux.merge(pipeline(fetchers.get(0), urls.subList(0, half), underWay),
                                    pipeline(fetchers.get(1), urls.subList(half, count), underWay))
                            .collectList()
                            .map(results -> report(out, name, results, underWay, server, start));
                }),
                fetchers -> fetchers.forEach(Fetcher::close)));
    }

    /** {@code flatMap(fetch, 10)}, each request counted as under way from its start to its result. */
    private static Flux<FetchResult> pipeline(Fetcher fetcher, List<String> urls, InFlight underWay) {
        return Flux.fromIterable(urls).flatMap(url -> underWay.count(fetcher.fetch(url)), LIMIT);
    }

    private static FetchOptions options(String name, Semaphore sharedLimit) {
        return FetchOptions.builder().name(name).concurrency(FETCHER_LIMIT).sharedLimit(sharedLimit).build();
    }

    private static Run report(Consumer<String> out, String name, List<FetchResult> results, InFlight underWay,
                              DemoServer server, long startNanos) {
        int ok = (int) results.stream().filter(result -> result.status() == 200).count();
        Run run = new Run(name, results.size(), ok, underWay.max(), server.statistics().maxInFlight(),
                Duration.ofNanos(System.nanoTime() - startNanos));
        out.accept(String.format(Locale.ROOT, "%-46s %d/%d answered 200, %2d under way at most, "
                        + "the server saw %2d at once, %.3f s", run.pipelines(), run.ok(), run.requests(),
                run.underWay(), run.serverMaxInFlight(), run.elapsed().toNanos() / 1e9));
        return run;
    }

    private static void checkArguments(Consumer<String> out, Supplier<DemoServer> servers, int count, int least) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(servers, "servers");
        if (count < least) {
            throw new IllegalArgumentException("count must be at least " + least + " (was " + count + ")");
        }
    }
}
