package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.reactorasyncio.examples.CounterLimiterVsSemaphore.Run;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class CounterLimiterVsSemaphoreTest {

    @Test
    void theCounterPollsAndOvershootsOnceAnAwaitSplitsCheckAndIncrementTheSemaphoreDoesNeither() {
        VirtualTimeScheduler loop = VirtualTimeScheduler.create();
        List<String> lines = new ArrayList<>();

        StepVerifier.withVirtualTime(() -> CounterLimiterVsSemaphore.run(lines::add, loop), () -> loop,
                        Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(10))
                .assertNext(runs -> assertThat(runs).containsExactly(
                        // Slots free at 0.25 s, 0.55 s, 0.85 s but the pollers notice only at the next 100 ms tick:
                        // 7 waiters × 3 ticks + 4 × 3 + 1 × 3 = 36 wake-ups, of which 7 found a slot.
                        new Run("counter (seed program 1)", 3, 36, 29, Duration.ofMillis(1150)),
                        // The lock guards increments that could not race on one loop anyway: same figures.
                        new Run("counter + Lock (seed program 2)", 3, 36, 29, Duration.ofMillis(1150)),
                        // All 10 pass the check before any increments: the limit is not enforced at all.
                        new Run("counter + Lock, await before increment", 10, 0, 0, Duration.ofMillis(250)),
                        // 4 rounds of 250 ms back to back, nobody polls.
                        new Run("Semaphore(3) (seed program 3)", 3, 0, 0, Duration.ofMillis(1000))))
                .verifyComplete();

        assertThat(lines).containsExactly(
                "counter (seed program 1)                 max in flight  3 (limit 3), 36 wake-ups (29 futile), 1150 ms",
                "counter + Lock (seed program 2)          max in flight  3 (limit 3), 36 wake-ups (29 futile), 1150 ms",
                "counter + Lock, await before increment   max in flight 10 (limit 3),  0 wake-ups ( 0 futile),  250 ms",
                "Semaphore(3) (seed program 3)            max in flight  3 (limit 3),  0 wake-ups ( 0 futile), 1000 ms");
    }
}
