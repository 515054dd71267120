package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.reactorasyncio.cli.DemoServer;
import io.github.reactorasyncio.http.FetchOptions;
import io.github.reactorasyncio.http.Fetcher;
import io.github.reactorasyncio.sync.Semaphore;
import io.github.reactorasyncio.sync.SemaphoreStatistics;
import io.github.reactorasyncio.task.Asyncio;
import reactor.core.publisher.Mono;

/**
 * The seeds' headline program: N GETs started at once, each waiting for one of the ten permits of a
 * {@code Semaphore(10)}, the statuses gathered. Every task prints "Waiting to acquire semaphore..." as it starts;
 * ten of them get straight in ("Semaphore acquired, requesting..."), the rest wait; each answer prints "Finishing
 * requesting" and hands its permit to the longest waiter. A last line sums up: how many were answered, the most
 * requests in flight at once as counted by this program and, independently, by the server, and the elapsed time.
 *
 * <p>Java twin of seed {@code 000_ec10745fc4071faf.txt}, "Semaphore" (1000 GETs; its prints are in Russian) and of
 * seed {@code 001_30140f3da4ba40e1.txt}, "{@code asyncio.Semaphore}" (100 tasks; the English prints used here).
 * The seeds fetch {@code https://www.example.com}; this runs without internet against the embedded
 * {@link DemoServer} (loopback, 50 ms ± 20 ms per answer), always the same URL as in the seeds.
 * <ul>
 *   <li>{@code get_url(url, session, semaphore)} is {@link #getUrl}: {@code async with semaphore} is
 *       {@link Semaphore#withPermit(Mono)}, {@code await session.get(url)} is {@link Fetcher#fetch(String)}, one
 *       {@link Fetcher} playing the {@code ClientSession}, and {@code response.status} is the result's status;</li>
 *   <li>{@code asyncio.gather(*tasks)} is {@link Asyncio#gather(List)}: it starts the tasks in order, so the
 *       first ten alternate "Waiting" / "acquired" exactly as in seed 001's printed output.</li>
 * </ul>
 * The fetcher's own limit is also 10, so its connection pool holds exactly the ten connections the semaphore lets
 * through; it is never the one that makes a request wait. With one pipeline, {@code flatMap(fetch, 10)} does the
 * same job without a semaphore: {@link FetchFlatMapConcurrency}.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=SeedSemaphoreFetch} (1000 GETs, seed 000, about 6 s) or
 * {@code ... -Dexec.args=100} (seed 001's 100 tasks).
 */
public final class SeedSemaphoreFetch {

    static final int LIMIT = 10;
    static final String WAITING = "Waiting to acquire semaphore...";
    static final String ACQUIRED = "Semaphore acquired, requesting...";
    static final String FINISHED = "Finishing requesting";

    /**
     * @param statuses          the gathered statuses, in task order (0 for a request that got no answer)
     * @param maxInFlight       most requests in flight at once, counted around the fetch inside the permit
     * @param serverMaxInFlight most requests the demo server had received and not yet answered at once
     * @param semaphore         the semaphore after the run: every permit back, nobody waiting
     * @param elapsed           wall time from the first task's start to the last status
     */
    public record Result(List<Integer> statuses, int maxInFlight, int serverMaxInFlight,
                         SemaphoreStatistics semaphore, Duration elapsed) {

        /** Requests that got an HTTP status. */
        public long answered() {
            return statuses.stream().filter(status -> status != 0).count();
        }
    }

    private SeedSemaphoreFetch() {
    }

    /** @param args optionally the number of GETs (default 1000, seed 000; seed 001 uses 100) */
    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        run(System.out::println, DemoServer::start, count).block();
    }

    /**
     * The seed's {@code main()}: {@code count} GETs of one URL of a server from {@code servers}, at most
     * {@link #LIMIT} at a time, then the summary line.
     *
     * @throws IllegalArgumentException if {@code count < 1}
     */
    public static Mono<Result> run(Consumer<String> out, Supplier<DemoServer> servers, int count) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(servers, "servers");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1 (was " + count + ")");
        }
        return OwnDemoServer.using(servers, server -> Mono.using(
                () -> Fetcher.create(FetchOptions.builder().name("session").concurrency(LIMIT).build()),
                session -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    Semaphore semaphore = Semaphore.create("semaphore", LIMIT);
                    InFlight inFlight = new InFlight();
                    String url = server.url("/item/0");
                    List<Mono<Integer>> tasks = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        tasks.add(getUrl(url, session, semaphore, inFlight, out));
                    }
                    return Asyncio.gather(tasks).map(statuses -> {
                        Result result = new Result(statuses, inFlight.max(), server.statistics().maxInFlight(),
                                semaphore.statistics(), Duration.ofNanos(System.nanoTime() - start));
                        out.accept(summary(result));
                        return result;
                    });
                }),
                Fetcher::close));
    }

    /** The seed's {@code get_url(url, session, semaphore)}. */
    private static Mono<Integer> getUrl(String url, Fetcher session, Semaphore semaphore, InFlight inFlight,
                                        Consumer<String> out) {
        return Mono.defer(() -> {
            out.accept(WAITING);
            // "Finishing requesting" is printed inside the permit, as in the seed: before the next waiter's
            // "acquired", so the printed lines never show more than ten between "acquired" and "Finishing".
            return semaphore.withPermit(Mono.defer(() -> {
                        out.accept(ACQUIRED);
                        return inFlight.count(session.fetch(url));
                    })
                    .map(response -> {
                        out.accept(FINISHED);
                        return response.status();
                    }));
        });
    }

    /** {@code 1000/1000 answered (status 200: 1000), at most 10 in flight (server saw 10, limit 10), 5.812 s} */
    static String summary(Result result) {
        long ok = result.statuses().stream().filter(status -> status == 200).count();
        return String.format(Locale.ROOT, "%d/%d answered (status 200: %d), at most %d in flight (server saw %d, "
                        + "limit %d), %.3f s", result.answered(), result.statuses().size(), ok,
                result.maxInFlight(), result.serverMaxInFlight(), LIMIT, result.elapsed().toNanos() / 1e9);
    }
}
