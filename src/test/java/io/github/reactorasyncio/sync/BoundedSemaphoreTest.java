package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

@Timeout(30) // guards against a hang
class BoundedSemaphoreTest {

    private static void assertUntouched(BoundedSemaphore semaphore, String name, int bound) {
        assertThat(semaphore.availablePermits()).isEqualTo(bound);
        assertThat(semaphore.locked()).isEqualTo(bound == 0);
        assertThat(semaphore.waiting()).isZero();
        assertThat(semaphore.statistics())
                .isEqualTo(new SemaphoreStatistics(name, bound, bound, 0, 0, Duration.ZERO, 0, 0));
        assertThat(semaphore.toString())
                .isEqualTo("BoundedSemaphore[name=" + name + ", available=" + bound + "/" + bound + ", waiting=0]");
    }

    @Test
    void releaseBeyondTheBoundThrowsAndChangesNothing() {
        BoundedSemaphore semaphore = BoundedSemaphore.create("x", 3);

        assertThatThrownBy(semaphore::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("BoundedSemaphore 'x' released too many times (bound 3)");
        assertUntouched(semaphore, "x", 3);
    }

    @Test
    void zeroPermitsIsABoundToo() {
        BoundedSemaphore semaphore = BoundedSemaphore.create("zero", 0);

        assertThatThrownBy(semaphore::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("BoundedSemaphore 'zero' released too many times (bound 0)");
        assertUntouched(semaphore, "zero", 0);
    }

    @Test
    void seed000AcquireReleaseRelease() {
        // semaphore = BoundedSemaphore(1); await semaphore.acquire(); semaphore.release(); semaphore.release()
        BoundedSemaphore semaphore = BoundedSemaphore.create("seed", 1);

        StepVerifier.create(semaphore.acquire()
                        .doOnNext(permit -> semaphore.release())
                        .then(Mono.fromRunnable(semaphore::release)))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessage("BoundedSemaphore 'seed' released too many times (bound 1)"));
        assertUntouched(semaphore, "seed", 1);
    }

    @Test
    void aPermitReleasedAfterAStrayRawReleaseThrowsTheSame() {
        BoundedSemaphore semaphore = BoundedSemaphore.create("stray", 2);
        Permit permit = semaphore.tryAcquire().orElseThrow();
        semaphore.release();

        assertThatThrownBy(permit::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("BoundedSemaphore 'stray' released too many times (bound 2)");
        assertThat(permit.isReleased()).isTrue();
        assertThat(permit.release()).as("a second release is a no-op").isFalse();
        assertUntouched(semaphore, "stray", 2);
    }

    @Test
    void withPermitAfterAStrayRawReleaseReportsTheMisuseAsDroppedAndKeepsTheWorksOutcome() {
        BoundedSemaphore semaphore = BoundedSemaphore.create("scoped", 1);
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            StepVerifier.create(semaphore.withPermit(Mono.fromCallable(() -> {
                        semaphore.release();
                        return "work result";
                    })))
                    .expectNext("work result")
                    .verifyComplete();
        } finally {
            Hooks.resetOnErrorDropped();
        }

        assertThat(dropped).singleElement().satisfies(e -> assertThat(e)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("BoundedSemaphore 'scoped' released too many times (bound 1)"));
        assertUntouched(semaphore, "scoped", 1);
    }

    @Test
    void releasesWithinTheBoundWakeWaitersInOrder() {
        BoundedSemaphore semaphore = BoundedSemaphore.create("fifo", 2);
        List<String> log = new CopyOnWriteArrayList<>();
        Sinks.Empty<Void> a = Sinks.empty();
        Sinks.Empty<Void> b = Sinks.empty();
        semaphore.withPermit(a.asMono()).subscribe();
        semaphore.withPermit(b.asMono()).subscribe();
        semaphore.withPermit(Mono.fromRunnable(() -> log.add("c"))).subscribe();
        semaphore.withPermit(Mono.fromRunnable(() -> log.add("d"))).subscribe();
        assertThat(semaphore.waiting()).isEqualTo(2);
        assertThat(semaphore.availablePermits()).isZero();

        b.tryEmitEmpty();
        assertThat(log).containsExactly("c", "d");
        a.tryEmitEmpty();
        assertUntouched(semaphore, "fifo", 2);
    }

    @Test
    void isASemaphoreButASemaphoreIsNotBounded() {
        assertThat(BoundedSemaphore.create(3)).isInstanceOf(Semaphore.class);
        assertThat(Semaphore.create(3)).isNotInstanceOf(BoundedSemaphore.class);
        assertThat(BoundedSemaphore.create(3).name()).startsWith("BoundedSemaphore-");
    }

    @Test
    void misuseFailsWithTheValues() {
        assertThatThrownBy(() -> BoundedSemaphore.create(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("permits must be >= 0, was -1");
        assertThatThrownBy(() -> BoundedSemaphore.create(null, 1))
                .isInstanceOf(NullPointerException.class).hasMessage("name must not be null");
    }
}
