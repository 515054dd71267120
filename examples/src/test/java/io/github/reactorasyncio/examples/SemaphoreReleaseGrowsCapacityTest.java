package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class SemaphoreReleaseGrowsCapacityTest {

    @Test
    void theStrayReleaseLetsThreeInAtOnceInTheSecondRound() {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        Transcript transcript = new Transcript(clock);

        StepVerifier.withVirtualTime(() -> SemaphoreReleaseGrowsCapacity.run(transcript.out(), clock), () -> clock,
                        Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(10))
                .assertNext(result -> {
                    assertThat(result.firstRoundMax()).isEqualTo(2);
                    assertThat(result.secondRoundMax()).isEqualTo(3);
                    assertThat(result.finalCapacity()).isEqualTo(3);
                    assertThat(result.elapsed()).isEqualTo(Duration.ofSeconds(10));
                })
                .verifyComplete();

        assertThat(transcript.timeline()).containsExactly(
                "0.000 Two acquires, three releases...",
                "0.000     Semaphore[name=semaphore, available=2/2, waiting=0]",
                "0.000 Waiting to acquire",
                "0.000 Acquired",
                "0.000 Waiting to acquire",
                "0.000 Acquired",
                "0.000 Single release!",
                "0.000 Single release - done!",
                // Two holders inside, yet it reads 1/2: the capacity grows only when a release finds all permits free.
                "0.000     Semaphore[name=semaphore, available=1/2, waiting=0]",
                "5.000 Releasing",
                "5.000 Releasing",
                "5.000     Semaphore[name=semaphore, available=3/3, waiting=0]",
                "5.000 Three acquires...",
                "5.000 Waiting to acquire",
                "5.000 Acquired",
                "5.000 Waiting to acquire",
                "5.000 Acquired",
                "5.000 Waiting to acquire",
                "5.000 Acquired",
                "5.000     Semaphore[name=semaphore, available=0/3, waiting=0]",
                "10.000 Releasing",
                "10.000 Releasing",
                "10.000 Releasing",
                "10.000     Semaphore[name=semaphore, available=3/3, waiting=0]");
    }
}
