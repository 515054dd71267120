package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TaskGatherTest {

    @Test
    void withoutReturnExceptionsTheCallerFailsAtOnceAndTheOthersStillSend() {
        StepVerifier.withVirtualTime(TaskGather::failFast)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(story -> assertThat(story.lines()).containsExactly(
                        "Connecting to 1", "Connecting to 2", "Connecting to 3", "Connecting to 4",
                        "Caller got java.io.IOException: Cannot connect to 4 at PT0S",
                        "Sending command test to user 1", "Sending command test to user 2",
                        "Sending command test to user 3"))
                .verifyComplete();
    }

    @Test
    void withReturnExceptionsTheFailureIsInTheList() {
        StepVerifier.withVirtualTime(TaskGather::returnExceptions)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(story -> assertThat(story.lines()).endsWith(
                        "Sending command test to user 3",
                        "[null, null, null, java.io.IOException: Cannot connect to 4]"))
                .verifyComplete();
    }
}
