package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TaskShieldTest {

    @Test
    void theRealTaskSurvivesTheCancelOfItsShield() {
        StepVerifier.withVirtualTime(TaskShield::run)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(story -> {
                    assertThat(story.lines()).containsExactly("Task started...", "Cancel!",
                            "What did they want to do with me?", "shield cancelled: true, real task cancelled: false");
                    assertThat(story.elapsed()).isEqualTo(Duration.ofSeconds(2));
                })
                .verifyComplete();
    }
}
