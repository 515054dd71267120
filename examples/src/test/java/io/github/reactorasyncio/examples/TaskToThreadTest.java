package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TaskToThreadTest {

    @Test
    void fourChunksAddUpToThePrimesBelowTheLimit() {
        StepVerifier.create(TaskToThread.run())
                .assertNext(story -> {
                    assertThat(story.lines()).hasSize(TaskToThread.CHUNKS + 1);
                    assertThat(story.lines().subList(0, TaskToThread.CHUNKS))
                            .allMatch(line -> line.contains("primes on parallel-"));
                    assertThat(story.lines()).last().isEqualTo("primes below 200000: 17984");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(30));
    }
}
