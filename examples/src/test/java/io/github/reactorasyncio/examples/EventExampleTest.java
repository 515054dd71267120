package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class EventExampleTest {

    @Test
    void coro1WaitsUntilCoro2SetsTheEventAfterTenSeconds() {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        Transcript transcript = new Transcript(clock);

        StepVerifier.withVirtualTime(() -> EventExample.run(transcript.out(), clock), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(9))
                .then(() -> assertThat(transcript.lines()).containsExactly("coro1: Waiting for the event to be set"))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext(new EventExample.Result(Duration.ofSeconds(10), true))
                .verifyComplete();

        assertThat(transcript.timeline()).containsExactly(
                "0.000 coro1: Waiting for the event to be set",
                "10.000 coro2: Setting the event",
                "10.000 coro1: Event has been set");
    }
}
