package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class NestedSemaphoreDeadlockTest {

    @Test
    void offHangsDetectFailsTheMomentItFormsAndBothFixesFinish() {
        StepVerifier.withVirtualTime(NestedSemaphoreDeadlock::run)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(16))
                .assertNext(result -> {
                    assertThat(result.story().lines()).containsExactly(
                            "[0.0 s] 1. One Semaphore(3) for 3 parents x 2 children, DeadlockPolicy.OFF (asyncio's "
                                    + "behaviour)",
                            "[10.0 s]    still hung: 3/3 permits held by parents, 6 children queued, no error, "
                                    + "nothing logged",
                            "[10.0 s] 2. The same with DeadlockPolicy.DETECT",
                            // The children queue 1 s into the part, after their parents' own work: reported then,
                            // as the third parent's first child queues (5 of the 6 children are queued by then).
                            "[11.0 s]    DeadlockException: Semaphore 'fetch' (3 permits) is deadlocked: all 3 permits "
                                    + "are held by parents [parent-1, parent-2, parent-3] waiting on their own 5 "
                                    + "children [child-1.1 … child-3.1] queued on the same semaphore. Use separate "
                                    + "semaphores per level, or create it "
                                    + "with DeadlockPolicy.REENTRANT so children borrow their parent's permit.",
                            "[11.0 s]    the parents failed with it and released: 3 permits available",
                            "[11.0 s] 3. Fix: a semaphore per level, Semaphore(3) for parents and Semaphore(3) for "
                                    + "children",
                            "[14.0 s]    all 6 children done, at most 3 at once",
                            "[14.0 s] 4. Fix: one Semaphore(3) with DeadlockPolicy.REENTRANT, children borrow their "
                                    + "parent's permit",
                            "[16.0 s]    all 6 children done, at most 3 parents at once, 6 children at once under "
                                    + "their parents' permits");
                    assertThat(result.separateChildrenAtOnce()).isEqualTo(3);
                    assertThat(result.reentrantParentsAtOnce()).isEqualTo(3);
                    assertThat(result.reentrantChildrenAtOnce()).isEqualTo(6);
                    assertThat(result.story().elapsed()).isEqualTo(Duration.ofSeconds(16));
                })
                .verifyComplete();
    }
}
