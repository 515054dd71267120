package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TaskQueueTest {

    @Test
    void twoWorkersFinishSixOneSecondJobsInThreeSeconds() {
        StepVerifier.withVirtualTime(TaskQueue::run)
                .thenAwait(Duration.ofSeconds(3))
                .assertNext(story -> {
                    assertThat(story.lines()).hasSize(TaskQueue.JOBS + 1);
                    assertThat(story.lines().subList(0, TaskQueue.JOBS)).allMatch(line -> line.matches(
                            "worker-[12] finished job [1-6]"));
                    assertThat(story.lines()).last().asString().startsWith("all 6 jobs done at 3000 ms: Queue[size=0");
                })
                .verifyComplete();
    }
}
