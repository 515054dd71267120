package io.github.reactorasyncio.http;

import io.github.reactorasyncio.cli.DemoServer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import io.github.reactorasyncio.sync.Semaphore;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Cancelling a whole fetch cancels every request in flight and gives back every connection and permit, seen from
 * both ends: the client's pool metrics and the server's open-connection and in-flight counts.
 */
class FetcherCancellationTest {

    /** Polls until the condition holds; the release is asynchronous (channel close on the event loop). */
    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for: " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void cancellingTheFetchReleasesEveryConnectionAndPermit() throws InterruptedException {
        Semaphore shared = Semaphore.create("shared", 5);
        try (DemoServer server = DemoServer.start();
             Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(5).sharedLimit(shared).build())) {
            List<String> urls = Collections.nCopies(50, server.url("/hang"));
            List<FetchResult> emitted = new CopyOnWriteArrayList<>();
            Disposable subscription = fetcher.fetchAll(urls).subscribe(emitted::add);

            eventually("5 requests waiting at the server", () -> server.statistics().inFlight() == 5);
            assertThat(fetcher.statistics().connectionsAcquired()).isEqualTo(5);
            assertThat(shared.availablePermits()).isZero();

            subscription.dispose();

            eventually("server connections closed", () -> server.statistics().openConnections() == 0);
            eventually("server handlers cancelled", () -> server.statistics().inFlight() == 0);
            eventually("pool connections released", () -> fetcher.statistics().connectionsAcquired() == 0);
            FetchStatistics stats = fetcher.statistics();
            assertThat(stats.inFlight()).isZero();
            assertThat(stats.pendingAcquires()).isZero();
            assertThat(stats.requests()).as("no URL past the first five was started").isEqualTo(5);
            assertThat(shared.availablePermits()).isEqualTo(5);
            assertThat(emitted).as("cancelled URLs emit nothing").isEmpty();
            assertThat(server.statistics().maxInFlight()).isEqualTo(5);
        }
    }

    @Test
    void theFetcherIsUsableAfterACancel() throws InterruptedException {
        try (DemoServer server = DemoServer.builder().latency(Duration.ofMillis(1)).start();
             Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(3).build())) {
            Disposable hanging = fetcher.fetchAll(Collections.nCopies(3, server.url("/hang"))).subscribe();
            eventually("3 hanging", () -> server.statistics().inFlight() == 3);
            hanging.dispose();
            eventually("pool released", () -> fetcher.statistics().connectionsAcquired() == 0);

            List<FetchResult> results = fetcher.fetchAll(server.itemUrls(30)).collectList()
                    .block(Duration.ofSeconds(30));
            assertThat(results).hasSize(30).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        }
    }

    @Test
    void randomCancelsUnderLoadNeverLeakATurnAConnectionOrAPermit() throws InterruptedException {
        Semaphore shared = Semaphore.create("shared", 6);
        // Retries: a request that gets a pooled connection just as a cancelled sibling's connection closes sees
        // "prematurely closed BEFORE response" (a keep-alive race in the pool); idempotent GETs retry it. The
        // short connect timeout is also the pool's pending-acquire timeout, which is what finally clears
        // cancelled acquires out of the pool's pending count.
        FetchOptions options = FetchOptions.builder().concurrency(4).sharedLimit(shared)
                .connectTimeout(Duration.ofMillis(500)).retries(3)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(10)).build();
        try (DemoServer server = DemoServer.builder().latency(Duration.ofMillis(3)).jitter(Duration.ofMillis(3))
                .start();
             Fetcher fetcher = Fetcher.create(options)) {
            // Warm up first: in a cold JVM the first connection takes longer than the cancels below allow.
            fetcher.fetchAll(server.itemUrls(8)).blockLast(Duration.ofSeconds(30));
            Random random = new Random(42);
            // Three pipelines at a time, one fetcher, 6 shared permits; each pipeline is cut after 0-60 ms.
            List<FetchResult> results = Flux.range(0, 60)
                    .flatMap(round -> fetcher.fetchAll(server.itemUrls(40))
                            .take(Duration.ofMillis(random.nextInt(60)), Schedulers.parallel()), 3)
                    .collectList().block(Duration.ofSeconds(60));

            assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
            FetchStatistics stats = fetcher.statistics();
            assertThat(stats.inFlight()).isZero();
            assertThat(stats.maxInFlight()).as("the fetcher-wide limit").isLessThanOrEqualTo(4);
            // No server-side bound here: a cancelled request stays counted at the server until it notices the
            // closed connection, while the client has already handed its turn to the next request.
            assertThat(shared.availablePermits()).isEqualTo(6);
            assertThat(shared.waiting()).isZero();
            eventually("pool connections released", () -> fetcher.statistics().connectionsAcquired() == 0);
            eventually("pool pending queue empty", () -> fetcher.statistics().pendingAcquires() == 0);
            eventually("server idle", () -> server.statistics().inFlight() == 0);
        }
    }
}
