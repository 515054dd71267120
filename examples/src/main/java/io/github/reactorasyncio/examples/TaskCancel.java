package io.github.reactorasyncio.examples;

import io.github.reactorasyncio.task.Asyncio;
import io.github.reactorasyncio.task.Task;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** Seed 001, the Task methods: {@code cancelled()}, {@code done()}, {@code set_name()}, {@code get_name()}. */
public final class TaskCancel {

    private TaskCancel() {
    }

    static Mono<Void> myCoroutine(Story story) {
        return Asyncio.sleep(Duration.ofSeconds(3)).then(Mono.fromRunnable(() -> story.print("Task finished")));
    }

    public static Mono<Story> run() {
        return Mono.defer(() -> {
            Story story = new Story();
            Task<Void> task = Asyncio.createTask(TaskSayAfter.sayAfter(story, Duration.ofSeconds(1), "hello"));
            return task.join().then(Mono.defer(() -> {
                story.print("task.cancelled() = " + task.isCancelled());
                story.print("task.done() = " + task.isDone());

                Task<Void> running = Asyncio.createTask(myCoroutine(story));
                story.print(running.isDone() ? "Task already finished" : "Task still running");

                task.setName(String.valueOf(123));
                story.print("task.get_name() = " + task.name());
                Task<Void> task2 = Asyncio.createTask(myCoroutine(story));
                Task<Void> task3 = Asyncio.createTask(myCoroutine(story));
                story.print("task2.get_name() = " + task2.name());
                story.print("task3.get_name() = " + task3.name());

                story.print("task3.cancel() = " + task3.cancel() + ", task3.cancelled() = " + task3.isCancelled());
                story.print("task.cancel() on a finished task = " + task.cancel());
                return Mono.when(running.join(), task2.join());
            })).thenReturn(story);
        });
    }

    public static void main(String[] args) {
        run().block();
    }
}
