package io.github.reactorasyncio.examples;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.reactorasyncio.examples.CounterLimiterVsSemaphore.Program;
import io.github.reactorasyncio.cli.DemoServer;
import io.github.reactorasyncio.http.FetchOptions;
import io.github.reactorasyncio.http.Fetcher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Seed 002's three programs for real: 10 GETs limited to 3 at a time by a counter and a busy-wait loop (bare, with
 * its Lock, and with one more {@code await} between check and increment), versus by a {@code Semaphore(3)}, each
 * against a demo server of its own that counts the requests it has in flight.
 *
 * <p>Real-HTTP twin of {@link CounterLimiterVsSemaphore} (seed {@code 002_4949ed98eb5961fb.txt}, "Unlocking the
 * power of asyncio Semaphore"): the same four {@link Program}s, their logic not repeated here, with the simulated
 * request replaced by {@code await session.get(URL)} on a {@link Fetcher} ({@code URL} being the demo server's
 * {@code /item/0}, answered after 250 ms ± 50 ms). The fetcher's own limit is 10, the number of requests, so it
 * never hides what a limiter lets through. The answer arrives on a Netty thread and is handed back to the single
 * event-loop thread ({@code publishOn(loop)}) before the counter is decremented: like the seed's global, the
 * counter is touched by the loop only.
 *
 * <p>Each program prints its {@link CounterLimiterVsSemaphore} line, measured on this run — requests in flight
 * counted around the request, wake-ups of the busy-wait loop and how many of them found no free slot, elapsed time —
 * followed by what the server saw: the most requests it had received and not yet answered at once, and how many
 * requests were answered 200. Expect, on a real clock: the counter polls (tens of wake-ups, most futile) and is
 * slower than the semaphore; with the await before the increment the server sees all 10 at once against a limit
 * of 3; the semaphore never lets the server see more than 3 and never polls. On a fresh JVM the first program
 * also pays for warming up Reactor Netty (class loading, the first connections), so its first three requests take
 * longer and its waiters poll more: its figures are the seed's point, exaggerated.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=FetchCounterLimiter} (about 4 s).
 */
public final class FetchCounterLimiter {

    /**
     * @param limiter           the program's figures, as {@link CounterLimiterVsSemaphore} measures them
     * @param serverMaxInFlight most requests the program's demo server had in flight at once
     * @param ok                requests answered with status 200 (of {@link CounterLimiterVsSemaphore#REQUESTS})
     */
    public record Run(CounterLimiterVsSemaphore.Run limiter, int serverMaxInFlight, int ok) {
    }

    private FetchCounterLimiter() {
    }

    public static void main(String[] args) {
        Scheduler loop = Schedulers.newSingle("event-loop");
        try {
            run(System.out::println,
                    () -> DemoServer.builder().latency(CounterLimiterVsSemaphore.REQUEST)
                            .jitter(CounterLimiterVsSemaphore.REQUEST.dividedBy(5)).start(),
                    loop).block();
        } finally {
            loop.dispose();
        }
    }

    /**
     * Runs the four programs one after the other, each against a new server from {@code servers}, on
     * {@code loop}, which must run one task at a time (a single thread).
     */
    public static Mono<List<Run>> run(Consumer<String> out, Supplier<DemoServer> servers, Scheduler loop) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(loop, "loop");
        return Flux.fromArray(Program.values())
                .concatMap(program -> OwnDemoServer.using(servers, server -> run(program, server, loop)))
                .doOnNext(run -> out.accept(describe(run)))
                .collectList();
    }

    private static Mono<Run> run(Program program, DemoServer server, Scheduler loop) {
        return Mono.using(
                () -> Fetcher.create(FetchOptions.builder().name("session")
                        .concurrency(CounterLimiterVsSemaphore.REQUESTS).build()),
                session -> Mono.defer(() -> {
                    String url = server.url("/item/0");
                    AtomicInteger ok = new AtomicInteger();
                    Supplier<Mono<Void>> request = () -> session.fetch(url)
                            .doOnNext(response -> {
                                if (response.status() == 200) {
                                    ok.incrementAndGet();
                                }
                            })
                            .publishOn(loop)
                            .then();
                    return program.run(request, loop)
                            .map(limiter -> new Run(limiter, server.statistics().maxInFlight(), ok.get()));
                }),
                Fetcher::close);
    }

    /** {@link CounterLimiterVsSemaphore}'s line, then {@code ; server saw  3 at once, 10/10 answered 200}. */
    static String describe(Run run) {
        return CounterLimiterVsSemaphore.describe(run.limiter()) + String.format(Locale.ROOT,
                "; server saw %2d at once, %d/%d answered 200", run.serverMaxInFlight(), run.ok(),
                CounterLimiterVsSemaphore.REQUESTS);
    }
}
