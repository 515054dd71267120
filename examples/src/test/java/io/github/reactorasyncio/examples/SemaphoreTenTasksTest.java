package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class SemaphoreTenTasksTest {

    /** The values the tasks draw, in the order they get the semaphore. */
    private static final List<Double> VALUES = List.of(0.5, 0.2, 0.9, 0.1, 0.3, 0.8, 0.4, 0.6, 0.7, 0.05);

    @Test
    void atMostTwoTasksSleepAtOnceAndTheyEnterInCreationOrder() {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        Transcript transcript = new Transcript(clock);
        Iterator<Double> values = VALUES.iterator();
        DoubleSupplier random = values::next;

        StepVerifier.withVirtualTime(() -> SemaphoreTenTasks.run(transcript.out(), clock, random), () -> clock,
                        Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(10))
                .assertNext(result -> {
                    assertThat(result.maxInFlight()).isEqualTo(2);
                    assertThat(result.elapsed()).isEqualTo(Duration.ofMillis(2400));
                })
                .verifyComplete();

        assertThat(values).isExhausted();
        // Two slots, FIFO: task 0 (0.5 s) and 1 (0.2 s) start at 0; 2 takes 1's slot at 0.2, 3 takes 0's at 0.5, …
        assertThat(transcript.timeline()).containsExactly(
                "0.200 Task 1 got 0.2",
                "0.500 Task 0 got 0.5",
                "0.600 Task 3 got 0.1",
                "0.900 Task 4 got 0.3",
                "1.100 Task 2 got 0.9",
                "1.500 Task 6 got 0.4",
                "1.700 Task 5 got 0.8",
                "2.100 Task 7 got 0.6",
                "2.150 Task 9 got 0.05",
                "2.400 Task 8 got 0.7");
    }
}
