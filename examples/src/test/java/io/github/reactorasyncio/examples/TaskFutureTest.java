package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TaskFutureTest {

    @Test
    void aFutureStartedBeforeTheSleepIsReadyAtTwoSeconds() {
        StepVerifier.withVirtualTime(TaskFuture::ensureFuture)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(story -> assertThat(story.lines()).containsExactly("Done!", "Time: 2.0 s"))
                .verifyComplete();
    }

    @Test
    void gatheringThreeFuturesTakesTwoSecondsInArgumentOrder() {
        StepVerifier.withVirtualTime(TaskFuture::gatherFutures)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(story -> assertThat(story.lines()).containsExactly("Operation 0 finished",
                        "Operation 1 finished", "Operation 2 finished", "Time: 2.0 s"))
                .verifyComplete();
    }
}
