package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class LockTwiceDeadlockTest {

    @Test
    void detectFailsTheSecondAcquireAtOnceNamingTheLockAndItsHolder() {
        StepVerifier.withVirtualTime(LockTwiceDeadlock::run)
                .assertNext(story -> {
                    assertThat(story.lines()).containsExactly(
                            "With DeadlockPolicy.DETECT:",
                            "Task acquiring lock...",
                            "Task acquiring lock again...",
                            "[0.0 s] DeadlockException: Lock 'lock' is deadlocked: it is held by [task], which waits "
                                    + "on its own descendant [task] queued for the same lock (a Lock is not re-entrant). "
                                    + "Release it before acquiring it again, or create the lock with "
                                    + "DeadlockPolicy.REENTRANT.",
                            "lock.locked() = false",
                            "With DeadlockPolicy.REENTRANT:",
                            "Task acquiring lock...",
                            "Task acquiring lock again...",
                            "Task got the lock a second time",
                            "lock.locked() = false");
                    assertThat(story.elapsed()).isEqualTo(Duration.ZERO);
                })
                .verifyComplete();
    }
}
