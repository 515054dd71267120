package io.github.reactorasyncio.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Real threads on purpose: the point is which thread runs the work and that cancel interrupts it. Latches with
 * generous bounds only guard against hangs; nothing asserts on elapsed wall-clock time.
 */
class ToThreadTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    @Test
    void blockingWorkRunsOnBoundedElastic() {
        StepVerifier.create(Asyncio.toThread(() -> Thread.currentThread().getName()))
                .assertNext(name -> assertThat(name).contains("boundedElastic"))
                .expectComplete()
                .verify(HANG_GUARD);
    }

    @Test
    void cpuBoundWorkRunsOnParallel() {
        StepVerifier.create(Asyncio.compute(() -> Thread.currentThread().getName()))
                .assertNext(name -> assertThat(name).contains("parallel"))
                .expectComplete()
                .verify(HANG_GUARD);
    }

    @Test
    void errorsPassThroughAndNullMeansEmpty() {
        StepVerifier.create(Asyncio.toThread(() -> { throw new java.io.IOException("disk"); }))
                .expectErrorMessage("disk")
                .verify(HANG_GUARD);
        StepVerifier.create(Asyncio.toThread(() -> null)).expectComplete().verify(HANG_GUARD);
    }

    @Test
    void cancellingInterruptsTheWorkerOnBoundedElastic() throws InterruptedException {
        assertCancelInterrupts(work -> Asyncio.toThread(work));
    }

    @Test
    void cancellingInterruptsTheWorkerOfAnExecutorService() throws InterruptedException {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "pool-worker"));
        try {
            StepVerifier.create(Asyncio.runInExecutor(pool, () -> Thread.currentThread().getName()))
                    .expectNext("pool-worker")
                    .expectComplete()
                    .verify(HANG_GUARD);
            assertCancelInterrupts(work -> Asyncio.runInExecutor(pool, work));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runOnUsesTheGivenScheduler() {
        var single = Schedulers.newSingle("chosen");
        try {
            StepVerifier.create(Asyncio.runOn(single, () -> Thread.currentThread().getName()))
                    .assertNext(name -> assertThat(name).startsWith("chosen"))
                    .expectComplete()
                    .verify(HANG_GUARD);
        } finally {
            single.dispose();
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Asyncio.toThread(null)).isInstanceOf(NullPointerException.class).hasMessage("work");
        assertThatThrownBy(() -> Asyncio.runInExecutor(null, () -> 1)).isInstanceOf(NullPointerException.class)
                .hasMessage("executor");
        assertThatThrownBy(() -> Asyncio.runOn(null, () -> 1)).isInstanceOf(NullPointerException.class)
                .hasMessage("scheduler");
    }

    private static void assertCancelInterrupts(Function<Callable<String>, Mono<String>> operator)
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Disposable caller = operator.apply(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
                return "slept";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        }).subscribe(v -> { }, e -> { });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        caller.dispose();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the blocked worker was interrupted").isTrue();
    }
}
