package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TaskWaitTest {

    private static final String FINISHED = "Task\\[name=Task-\\d+, finished, result=null]";
    private static final String PENDING = "Task\\[name=Task-\\d+, pending]";

    @Test
    void firstCompletedReturnsAtOneSecondAndWorldStillPrints() {
        StepVerifier.withVirtualTime(TaskWait::firstCompleted)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(story -> {
                    assertThat(story.lines().get(0)).isEqualTo("hello ...");
                    assertThat(story.lines().get(1)).matches("done: \\[" + FINISHED + "]");
                    assertThat(story.lines().get(2)).matches("pending: \\[" + PENDING + "]");
                    assertThat(story.lines().subList(3, 5)).containsExactly("returned after 1000 ms", "... world!");
                })
                .verifyComplete();
    }

    @Test
    void aTimeoutReturnsAtOneAndAHalfSecondsWithoutError() {
        StepVerifier.withVirtualTime(TaskWait::timeout)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(story -> {
                    assertThat(story.lines().get(2)).matches("pending: \\[" + PENDING + "]");
                    assertThat(story.lines()).contains("returned after 1500 ms").endsWith("... world!");
                })
                .verifyComplete();
    }

    @Test
    void allCompletedReturnsAtTwoSecondsWithNothingPending() {
        StepVerifier.withVirtualTime(TaskWait::allCompleted)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(story -> {
                    assertThat(story.lines().subList(0, 2)).containsExactly("hello ...", "... world!");
                    assertThat(story.lines().get(2)).matches("done: \\[" + FINISHED + ", " + FINISHED + "]");
                    assertThat(story.lines().subList(3, 5)).containsExactly("pending: []", "returned after 2000 ms");
                })
                .verifyComplete();
    }

    @Test
    void firstExceptionReturnsWhenTaskTwoFails() {
        StepVerifier.withVirtualTime(TaskWait::firstException)
                .thenAwait(Duration.ofSeconds(3))
                .assertNext(story -> {
                    assertThat(story.lines()).hasSize(3);
                    assertThat(story.lines().get(0)).isEqualTo("Task 1 finished");
                    assertThat(story.lines().get(1)).matches("Finished: Task-\\d+");
                    assertThat(story.lines().get(2))
                            .matches("Exception in task: Task-\\d+, Exception in task 2 \\(at 3000 ms\\)");
                })
                .verifyComplete();
    }
}
