package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TaskCancelTest {

    @Test
    void taskMethodsTellTheTaskStory() {
        StepVerifier.withVirtualTime(TaskCancel::run)
                .thenAwait(Duration.ofSeconds(4))
                .assertNext(story -> {
                    assertThat(story.lines()).startsWith("hello", "task.cancelled() = false", "task.done() = true",
                            "Task still running", "task.get_name() = 123");
                    String task2 = story.lines().get(5);
                    String task3 = story.lines().get(6);
                    assertThat(task2).matches("task2.get_name\\(\\) = Task-\\d+");
                    int n = Integer.parseInt(task2.substring(task2.indexOf("Task-") + 5));
                    assertThat(task3).isEqualTo("task3.get_name() = Task-" + (n + 1));
                    assertThat(story.lines()).endsWith("task3.cancel() = true, task3.cancelled() = true",
                            "task.cancel() on a finished task = false", "Task finished", "Task finished");
                })
                .verifyComplete();
    }
}
