package io.github.reactorasyncio.examples;

import static io.github.reactorasyncio.examples.CounterLimiterVsSemaphore.LIMIT;
import static io.github.reactorasyncio.examples.CounterLimiterVsSemaphore.REQUESTS;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.reactorasyncio.cli.DemoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Real sockets on loopback, a demo server of its own per program answering after exactly 150 ms. Every check is
 * about order on the single event loop, not about durations: the loop starts all ten requests in one task; a
 * request cannot end before 150 ms while the busy-wait loop's first wake-up is due at 100 ms, and a timer due
 * earlier runs earlier on a single-threaded scheduler however late the loop is.
 */
class FetchCounterLimiterTest {

    private final Scheduler loop = Schedulers.newSingle("event-loop");

    @AfterEach
    void disposeLoop() {
        loop.dispose();
    }

    @Test
    void theCounterPollsAndLetsAllTenReachTheServerOnceAnAwaitSplitsCheckAndIncrementTheSemaphoreNeither() {
        List<String> lines = new ArrayList<>();

        List<FetchCounterLimiter.Run> runs = FetchCounterLimiter.run(lines::add,
                        () -> DemoServer.builder().latency(Duration.ofMillis(150)).jitter(Duration.ZERO).start(),
                        loop)
                .block(Duration.ofSeconds(60));

        assertThat(runs).extracting(run -> run.limiter().limiter()).containsExactly(
                "counter (seed program 1)", "counter + Lock (seed program 2)",
                "counter + Lock, await before increment", "Semaphore(3) (seed program 3)");
        assertThat(runs).allSatisfy(run -> assertThat(run.ok()).isEqualTo(REQUESTS));

        for (FetchCounterLimiter.Run counter : runs.subList(0, 2)) {
            assertThat(counter.limiter().maxInFlight()).isEqualTo(LIMIT);
            assertThat(counter.serverMaxInFlight()).isBetween(1, LIMIT);
            // Seven requests find the limit reached and poll; each gets in on exactly one successful wake-up, and
            // each wakes in vain at least once, at 100 ms, while the first three are still at the server.
            int wakeUps = counter.limiter().wakeUps();
            int futile = counter.limiter().futileWakeUps();
            assertThat(wakeUps - futile).isEqualTo(REQUESTS - LIMIT);
            assertThat(futile).isGreaterThanOrEqualTo(REQUESTS - LIMIT);
        }

        FetchCounterLimiter.Run split = runs.get(2);
        assertThat(split.limiter().maxInFlight()).isEqualTo(REQUESTS);
        assertThat(split.limiter().wakeUps()).isZero();
        // The server, counting on its own, confirms the limit of 3 was not enforced.
        assertThat(split.serverMaxInFlight()).isGreaterThan(LIMIT);

        FetchCounterLimiter.Run semaphore = runs.get(3);
        assertThat(semaphore.limiter().maxInFlight()).isEqualTo(LIMIT);
        assertThat(semaphore.serverMaxInFlight()).isBetween(1, LIMIT);
        assertThat(semaphore.limiter().wakeUps()).isZero();

        assertThat(lines).hasSize(4);
        assertThat(lines).allSatisfy(line -> assertThat(line).matches(
                ".{40} max in flight +\\d+ \\(limit 3\\), +\\d+ wake-ups \\( *\\d+ futile\\), +\\d+ ms; "
                        + "server saw +\\d+ at once, 10/10 answered 200"));
        assertThat(lines.get(3)).startsWith("Semaphore(3) (seed program 3)").contains("max in flight  3 (limit 3),  0 "
                + "wake-ups ( 0 futile)");
    }
}
