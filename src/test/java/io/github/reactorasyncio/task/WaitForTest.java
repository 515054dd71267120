package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class WaitForTest {

    private final Works works = new Works();

    @AfterEach
    void reset() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void aValueInTimePassesThrough() {
        StepVerifier.withVirtualTime(() -> Asyncio.waitFor(works.valueAfter(seconds(1), "v"), seconds(2)))
                .thenAwait(seconds(1))
                .expectNext("v")
                .verifyComplete();
    }

    @Test
    void anErrorInTimePassesThrough() {
        StepVerifier.withVirtualTime(() -> Asyncio.waitFor(
                        works.<String>errorAfter(seconds(1), new IllegalStateException("bad")), seconds(2)))
                .thenAwait(seconds(1))
                .verifyErrorMessage("bad");
    }

    @Test
    void onTimeoutTheWorkIsCancelledAndTheMessageNamesTheTimeout() {
        StepVerifier.withVirtualTime(() -> Asyncio.waitFor(works.valueAfter(seconds(360), "late"), seconds(5)))
                .expectSubscription()
                .expectNoEvent(seconds(4.999))
                .thenAwait(seconds(0.001))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TimeoutException.class)
                        .hasMessage("waitFor timed out after 5000 ms"))
                .verify();
        assertThat(works.cancelled).hasValue(1);
        assertThat(works.finished).hasValue(0);
    }

    @Test
    void cancellingTheCallerCancelsTheWork() {
        StepVerifier.withVirtualTime(() -> Asyncio.waitFor(works.valueAfter(seconds(3), "v"), seconds(5)))
                .thenAwait(seconds(1))
                .thenCancel()
                .verify();
        assertThat(works.cancelled).hasValue(1);
    }

    @Test
    void waitingForATaskCancelsTheTaskOnTimeout() {
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        Task<String> task = Asyncio.createTask(works.valueAfter(seconds(7), "sent"));
        StepVerifier.create(Asyncio.waitFor(task, seconds(5)))
                .then(() -> time.advanceTimeBy(seconds(5)))
                .verifyError(TimeoutException.class);
        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void waitingForATaskCancelsTheTaskWhenTheCallerCancels() {
        VirtualTimeScheduler.getOrSet();
        Task<String> task = Asyncio.createTask(works.valueAfter(seconds(7), "sent"));
        Asyncio.waitFor(task, seconds(5)).subscribe().dispose();
        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void waitingForACancelledTaskFailsWithCancellation() {
        Task<String> task = Asyncio.createTask(Mono.never(), "important");
        task.cancel();
        StepVerifier.create(Asyncio.shield(Asyncio.waitFor(task, seconds(5))))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(CancellationException.class)
                        .hasMessage("Task 'important' was cancelled"));
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Asyncio.waitFor((Mono<String>) null, seconds(1)))
                .isInstanceOf(NullPointerException.class).hasMessage("work");
        assertThatThrownBy(() -> Asyncio.waitFor((Task<String>) null, seconds(1)))
                .isInstanceOf(NullPointerException.class).hasMessage("task");
        assertThatThrownBy(() -> Asyncio.waitFor(Mono.never(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("timeout");
        assertThatThrownBy(() -> Asyncio.waitFor(Mono.never(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, was PT0S");
    }

    @Test
    void aTimedOutConditionAwaitHasItsLockBackBeforeTheTimeoutIsSignalled() {
        // Issue 12, defect 2 (a): as asyncio's wait_for waits for the cancelled wait() to re-acquire its lock, the
        // code after the timeout runs under the lock, after the party that took it meanwhile has let it go.
        BusyCondition scene = new BusyCondition();
        assertThat(scene.run(await -> Asyncio.waitFor(await, seconds(1)).then(Mono.just("signalled"))
                .onErrorResume(TimeoutException.class, e -> scene.seen())))
                .isEqualTo(BusyCondition.AFTER_THE_OTHER_PARTY_LEFT);
        assertThat(scene.condition.lock().locked()).isFalse();
    }
}
