package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import io.github.reactorasyncio.VirtualTimeExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

@ExtendWith(VirtualTimeExtension.class)
class ShieldTest {

    private final VirtualTimeScheduler time;
    private final Works works = new Works();
    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();

    ShieldTest(VirtualTimeScheduler time) {
        this.time = time;
    }

    @BeforeEach
    void setUp() {
        Hooks.onErrorDropped(dropped::add);
    }

    @AfterEach
    void reset() {
        Hooks.resetOnErrorDropped();
    }

    @Test
    void valuesAndErrorsPassThroughWhileSubscribed() {
        StepVerifier.create(Asyncio.shield(Mono.just("v"))).expectNext("v").verifyComplete();
        StepVerifier.create(Asyncio.shield(Mono.error(new IllegalStateException("bad")))).verifyErrorMessage("bad");
        assertThat(dropped).isEmpty();
    }

    @Test
    void cancellingTheCallerLetsTheWorkRunToCompletion() {
        Disposable caller = Asyncio.shield(works.valueAfter(seconds(2), "sent")).subscribe();
        time.advanceTimeBy(seconds(0.5));
        caller.dispose();

        time.advanceTimeBy(seconds(1.5));

        assertThat(works.cancelled).hasValue(0);
        assertThat(works.finished).as("the side effect happened").hasValue(1);
        assertThat(dropped).isEmpty();
    }

    @Test
    void aLateErrorAfterTheCallerLeftGoesToOnErrorDropped() {
        IllegalStateException late = new IllegalStateException("late");
        Disposable caller = Asyncio.shield(works.errorAfter(seconds(2), late)).subscribe(v -> { }, e -> { });
        caller.dispose();
        time.advanceTimeBy(seconds(1));
        assertThat(dropped).isEmpty();
        time.advanceTimeBy(seconds(1));
        assertThat(dropped).containsExactly(late);
    }

    @Test
    void waitForOfAShieldTimesOutTheCallerWhileTheWorkGoesOn() {
        StepVerifier.create(Asyncio.waitFor(Asyncio.shield(works.valueAfter(seconds(5), "delivered")), seconds(3)))
                .then(() -> time.advanceTimeBy(seconds(3)))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(TimeoutException.class)
                        .hasMessage("waitFor timed out after 3000 ms"));
        assertThat(works.finished).hasValue(0);
        time.advanceTimeBy(seconds(2));
        assertThat(works.finished).hasValue(1);
        assertThat(works.cancelled).hasValue(0);
    }

    @Test
    void eachSubscriptionRunsItsOwnWork() {
        Mono<String> shielded = Asyncio.shield(works.valueAfter(seconds(1), "v"));
        assertThat(works.started).hasValue(0);
        shielded.subscribe();
        shielded.subscribe();
        assertThat(works.started).hasValue(2);
    }

    @Test
    void shieldingATaskIsJoiningIt() {
        Task<String> task = Asyncio.createTask(works.valueAfter(seconds(2), "v"));
        Asyncio.shield(task).subscribe().dispose();
        time.advanceTimeBy(seconds(2));
        assertThat(task.result()).isEqualTo("v");
    }

    @Test
    void nullArgumentsAreNamed() {
        assertThatThrownBy(() -> Asyncio.shield((Mono<String>) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("work");
        assertThatThrownBy(() -> Asyncio.shield((Task<String>) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("task");
    }

    // ------------------------------------------------- a synchronous section that must stay exclusive (issue 12)

    /**
     * A lock's work whose value arrives on a thread of its own and whose callback then runs {@code section} there:
     * a cancel from another thread does not wait for that callback (Reactive Streams cancel never does).
     */
    private static Mono<Integer> sectionOnItsOwnThread(io.github.reactorasyncio.sync.Lock lock, Runnable section) {
        return lock.withLock(Mono.<Integer>create(sink -> new Thread(() -> sink.success(1), "work").start())
                .doOnNext(v -> section.run()));
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            assertThat(latch.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aCancelledHoldDoesNotWaitForACallbackAlreadyRunningSoTheNextHolderMayOverlapIt() {
        // The documented limit of every hold (docs/semantics.md): pinned, so a change to it is noticed.
        io.github.reactorasyncio.sync.Lock lock = io.github.reactorasyncio.sync.Lock.create("m");
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch letGo = new java.util.concurrent.CountDownLatch(1);
        Disposable caller = sectionOnItsOwnThread(lock, () -> {
            inside.countDown();
            await(letGo);
        }).subscribe();
        await(inside);

        caller.dispose();
        java.util.concurrent.atomic.AtomicBoolean next = new java.util.concurrent.atomic.AtomicBoolean();
        lock.withLock(Mono.fromRunnable(() -> next.set(true))).subscribe();

        assertThat(next).as("the next holder ran while the cancelled one's section still runs").isTrue();
        letGo.countDown();
    }

    @Test
    void aShieldedHoldKeepsItsLockUntilItsWorkHasEndedSoNoHolderOverlapsIt() {
        io.github.reactorasyncio.sync.Lock lock = io.github.reactorasyncio.sync.Lock.create("m");
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch letGo = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch nextRan = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean sectionRunning = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean overlapped = new java.util.concurrent.atomic.AtomicBoolean();
        Disposable caller = Asyncio.shield(sectionOnItsOwnThread(lock, () -> {
            sectionRunning.set(true);
            inside.countDown();
            await(letGo);
            sectionRunning.set(false);
        })).subscribe();
        await(inside);

        caller.dispose();
        lock.withLock(Mono.fromRunnable(() -> overlapped.set(sectionRunning.get())))
                .subscribe(null, null, nextRan::countDown); // completion comes after the release

        assertThat(nextRan.getCount()).as("the next holder waits for the shielded work").isEqualTo(1);
        letGo.countDown();
        await(nextRan);
        assertThat(overlapped).isFalse();
        assertThat(lock.locked()).isFalse();
    }
}
