package io.github.reactorasyncio.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import io.github.reactorasyncio.sync.Semaphore;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

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
}
