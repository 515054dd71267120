package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class LockOrderDeadlockTest {

    @Test
    void detectFailsTheCloserTheOtherProceedsAndWithAllNeedsNoDetection() {
        StepVerifier.withVirtualTime(() -> LockOrderDeadlock.run(Schedulers.parallel()))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(3))
                .assertNext(story -> {
                    assertThat(story.lines()).containsExactly(
                            "Locks in opposite orders, DeadlockPolicy.DETECT:",
                            "[0.0 s] Task 1 acquiring lock1...",
                            "[0.0 s] Task 2 acquiring lock2...",
                            "[1.0 s] Task 1 acquiring lock2...",
                            "[1.0 s] Task 2 acquiring lock1...",
                            // Task 2's failure released lock2 before reaching Task 2's error handler.
                            "[1.0 s] Task 1 got both",
                            "[1.0 s] Task 2 failed: Lock cycle: 'Task 2' waits for Lock 'lock1' held by 'Task 1', "
                                    + "which waits for Lock 'lock2' held by 'Task 2'. Take locks in one global order "
                                    + "(Locks.withAll).",
                            "The same two tasks with Locks.withAll:",
                            "[1.0 s] Task 1 acquiring [lock1, lock2] with Locks.withAll...",
                            "[1.0 s] Task 1 holds both",
                            "[1.0 s] Task 2 acquiring [lock2, lock1] with Locks.withAll...",
                            // withAll releases both locks before Task 1's value travels on: Task 2 is in first.
                            "[2.0 s] Task 2 holds both",
                            "[2.0 s] Task 1 done",
                            "[3.0 s] Task 2 done");
                    assertThat(story.elapsed()).isEqualTo(Duration.ofSeconds(3));
                })
                .verifyComplete();
    }
}
