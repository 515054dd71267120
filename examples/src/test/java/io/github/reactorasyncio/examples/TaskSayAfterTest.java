package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TaskSayAfterTest {

    @Test
    void awaitingOneAfterTheOtherTakesThreeSeconds() {
        StepVerifier.withVirtualTime(TaskSayAfter::sequential)
                .thenAwait(Duration.ofSeconds(3))
                .assertNext(story -> {
                    assertThat(story.lines()).containsExactly("hello", "world", "Time: 3.0 s");
                    assertThat(story.elapsed()).isEqualTo(Duration.ofSeconds(3));
                })
                .verifyComplete();
    }

    @Test
    void tasksOverlapAndTakeTwoSeconds() {
        StepVerifier.withVirtualTime(TaskSayAfter::asTasks)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(story -> assertThat(story.lines()).containsExactly("hello", "world", "Time: 2.0 s"))
                .verifyComplete();
    }
}
