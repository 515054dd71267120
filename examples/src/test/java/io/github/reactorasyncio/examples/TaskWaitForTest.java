package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TaskWaitForTest {

    @Test
    void aSlowFunctionTimesOutAtFiveSeconds() {
        StepVerifier.withVirtualTime(TaskWaitFor::slowFunction)
                .thenAwait(Duration.ofSeconds(5))
                .assertNext(story -> {
                    assertThat(story.lines()).containsExactly("Not very fast, is it ... (waitFor timed out after 5000 ms)");
                    assertThat(story.elapsed()).isEqualTo(Duration.ofSeconds(5));
                })
                .verifyComplete();
    }

    @Test
    void theUnansweredMessageIsCancelledAndNeverDelivered() {
        StepVerifier.withVirtualTime(TaskWaitFor::receiveMessage)
                .thenAwait(Duration.ofSeconds(6))
                .assertNext(story -> assertThat(story.lines()).containsExactly("Sending 'Hello!' to user 123",
                        "Timed out waiting for user 123"))
                .verifyComplete();
    }

    @Test
    void shieldingAWaitForOfAnAlreadyCancelledTaskGivesTheCancellation() {
        StepVerifier.withVirtualTime(TaskWaitFor::shieldAfterCancel)
                .thenAwait(Duration.ofSeconds(5))
                .assertNext(story -> {
                    assertThat(story.lines()).hasSize(2);
                    assertThat(story.lines().get(0)).isEqualTo("Sending an important message");
                    assertThat(story.lines().get(1)).matches("CancelledError: Task 'Task-\\d+' was cancelled");
                    assertThat(story.elapsed()).isEqualTo(Duration.ofSeconds(5));
                })
                .verifyComplete();
    }
}
