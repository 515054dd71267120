package io.github.reactorasyncio.examples;

import io.github.reactorasyncio.task.Asyncio;
import io.github.reactorasyncio.task.Queue;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * asyncio.Queue with a TaskGroup: a producer puts 6 jobs into a queue of size 2 (it waits while the queue is full),
 * two workers take them, each job takes 1 s; {@code queue.join()} completes when every job was marked done, and
 * the group's end cancels nothing because the workers stop after a poison pill each.
 */
public final class TaskQueue {

    static final int JOBS = 6;

    private TaskQueue() {
    }

    public static Mono<Story> run() {
        return Mono.defer(() -> {
            Story story = new Story();
            Queue<Integer> queue = Queue.bounded(2);
            return Asyncio.taskGroup(group -> {
                for (String worker : new String[] {"worker-1", "worker-2"}) {
                    group.spawn(work(story, queue, worker), worker);
                }
                return Flux.range(1, JOBS).concatMap(queue::put)
                        .then(queue.join())
                        .doOnSuccess(v -> story.print("all " + JOBS + " jobs done at " + story.elapsed().toMillis()
                                + " ms: " + queue))
                        .then(queue.put(0))
                        .then(queue.put(0));
            }).thenReturn(story);
        });
    }

    /** Takes jobs until it takes the poison pill 0. */
    private static Mono<Void> work(Story story, Queue<Integer> queue, String name) {
        return queue.get().flatMap(job -> job == 0
                ? Mono.fromRunnable(queue::taskDone)
                : Asyncio.sleep(Duration.ofSeconds(1))
                        .then(Mono.fromRunnable(() -> {
                            story.print(name + " finished job " + job);
                            queue.taskDone();
                        }))
                        .then(Mono.defer(() -> work(story, queue, name))));
    }

    public static void main(String[] args) {
        run().block();
    }
}
