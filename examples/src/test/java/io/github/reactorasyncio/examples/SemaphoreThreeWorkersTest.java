package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class SemaphoreThreeWorkersTest {

    @Test
    void twoWorkersGetInThenTheThirdWhenOneReleases() {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        Transcript transcript = new Transcript(clock);

        StepVerifier.withVirtualTime(() -> SemaphoreThreeWorkers.run(transcript.out(), clock), () -> clock,
                        Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(5))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(result -> {
                    assertThat(result.maxInFlight()).isEqualTo(2);
                    assertThat(result.elapsed()).isEqualTo(Duration.ofSeconds(6));
                })
                .verifyComplete();

        // Same lines as the seed's output; at 3 s the permit is handed to the third worker at once, on the
        // releasing timer, before the second worker's timer (due at the same instant) prints its line.
        assertThat(transcript.timeline()).containsExactly(
                "0.000 Successfully acquired the semaphore",
                "0.000 Successfully acquired the semaphore",
                "3.000 Releasing Semaphore",
                "3.000 Successfully acquired the semaphore",
                "3.000 Releasing Semaphore",
                "6.000 Releasing Semaphore",
                "6.000 Main Coroutine",
                "6.000 All Workers Completed");
    }
}
