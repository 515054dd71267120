package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.github.reactorasyncio.sync.Diagnostics;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class LockNotReleasedOnErrorTest {

    @Test
    void aRawAcquireLeaksTheLockItIsReportedAtOnceTheTimeoutNamesTheHolderAndWithLockReleases() {
        String abandoned = "Lock 'lock' is still held through a raw Permit after its holder ended: 'task', which "
                + "failed with IllegalStateException: Something bad happened without releasing it";
        String advice = "Only a release() by other code can free it: release the permit in doFinally, or use "
                + "withLock, which releases on error and cancel.";
        StepVerifier.withVirtualTime(LockNotReleasedOnError::run)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(7))
                .assertNext(story -> {
                    assertThat(story.lines()).containsExactly(
                            "Raw acquire() and release():",
                            "[0.0 s] Task acquiring lock...",
                            "[0.0 s] Task failed: Something bad happened",
                            "[0.0 s] Reported: " + abandoned + "; nobody waits for it yet. " + advice,
                            "[1.0 s] Main acquiring lock...",
                            "[1.0 s] Reported: 'main' waits for Lock 'lock', which is still held through a raw "
                                    + "Permit after its holder ended: 'task', which failed with "
                                    + "IllegalStateException: Something bad happened without releasing it. " + advice,
                            "[3.0 s] Diagnostics.snapshot(lock):",
                            "    Lock 'lock' (REPORT): 1/1 in use, 1 waiting",
                            "      held by task for 3s (raw permit)",
                            "      waited for by main for 2s",
                            "[6.0 s] Main gave up: no permit of Lock 'lock' within 5s (Lock[name=lock, locked, "
                                    + "waiting=0]); it is held through a raw Permit by 'task', which failed with "
                                    + "IllegalStateException: Something bad happened without releasing it",
                            "withLock:",
                            "[6.0 s] Task acquiring lock...",
                            "[6.0 s] Task failed: Something bad happened; lock.locked() = false",
                            "[7.0 s] Main acquiring lock...",
                            "[7.0 s] Main got the lock");
                    assertThat(story.elapsed()).isEqualTo(Duration.ofSeconds(7));
                })
                .verifyComplete();
        assertThat(Diagnostics.tracksHolders()).as("the example restores holder tracking").isFalse();
    }
}
