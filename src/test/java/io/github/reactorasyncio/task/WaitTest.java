package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.github.reactorasyncio.VirtualTimeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

@ExtendWith(VirtualTimeExtension.class)
class WaitTest {

    private final VirtualTimeScheduler time;
    private final Works works = new Works();

    WaitTest(VirtualTimeScheduler time) {
        this.time = time;
    }

    @Test
    void firstCompletedReturnsAtTheFirstAndLeavesTheRestRunning() {
        Task<String> hello = Asyncio.createTask(works.valueAfter(seconds(1), "hello"));
        Task<String> world = Asyncio.createTask(works.valueAfter(seconds(2), "world"));

        StepVerifier.create(Asyncio.wait(List.of(hello, world), ReturnWhen.FIRST_COMPLETED))
                .expectSubscription()
                .then(() -> time.advanceTimeBy(seconds(1)))
                .assertNext(result -> {
                    assertThat(result.done()).containsExactly(hello);
                    assertThat(result.pending()).containsExactly(world);
                })
                .verifyComplete();

        assertThat(world.isDone()).isFalse();
        time.advanceTimeBy(seconds(1));
        assertThat(world.result()).as("the pending task kept running").isEqualTo("world");
        assertThat(works.cancelled).hasValue(0);
    }

    @Test
    void aTimeoutIsAnAnswerNotAnError() {
        Task<String> hello = Asyncio.createTask(works.valueAfter(seconds(1), "hello"));
        Task<String> world = Asyncio.createTask(works.valueAfter(seconds(2), "world"));

        StepVerifier.create(Asyncio.wait(List.of(hello, world), seconds(1.5)))
                .then(() -> time.advanceTimeBy(seconds(1.499)))
                .expectNoEvent(Duration.ZERO)
                .then(() -> time.advanceTimeBy(seconds(0.001)))
                .assertNext(result -> {
                    assertThat(result.done()).containsExactly(hello);
                    assertThat(result.pending()).containsExactly(world);
                })
                .verifyComplete();

        time.advanceTimeBy(seconds(1));
        assertThat(world.result()).isEqualTo("world");
    }

    @Test
    void allCompletedWaitsForEveryTaskIncludingFailures() {
        Task<String> ok = Asyncio.createTask(works.valueAfter(seconds(1), "ok"));
        Task<String> bad = Asyncio.createTask(works.errorAfter(seconds(2), new IllegalStateException("bad")));

        StepVerifier.create(Asyncio.wait(List.of(ok, bad), ReturnWhen.ALL_COMPLETED))
                .then(() -> time.advanceTimeBy(seconds(2)))
                .assertNext(result -> {
                    assertThat(result.done()).containsExactly(ok, bad);
                    assertThat(result.pending()).isEmpty();
                })
                .verifyComplete();
    }

    @Test
    void firstExceptionReturnsAtTheFirstFailure() {
        Task<String> slow = Asyncio.createTask(works.valueAfter(seconds(5), "slow"));
        Task<String> fast = Asyncio.createTask(works.valueAfter(seconds(1), "fast"));
        Task<String> failing = Asyncio.createTask(works.errorAfter(seconds(3), new IllegalStateException("3")));

        StepVerifier.create(Asyncio.wait(List.of(slow, fast, failing), ReturnWhen.FIRST_EXCEPTION))
                .then(() -> time.advanceTimeBy(seconds(1)))
                .expectNoEvent(Duration.ZERO)
                .then(() -> time.advanceTimeBy(seconds(2)))
                .assertNext(result -> {
                    assertThat(result.done()).containsExactly(fast, failing);
                    assertThat(result.pending()).containsExactly(slow);
                })
                .verifyComplete();
        assertThat(slow.isCancelled()).isFalse();
    }

    @Test
    void firstExceptionIgnoresCancellationsAndFallsBackToAllCompleted() {
        Task<String> cancelled = Asyncio.createTask(Mono.never());
        cancelled.cancel();
        Task<String> ok = Asyncio.createTask(works.valueAfter(seconds(1), "ok"));

        StepVerifier.create(Asyncio.wait(List.of(cancelled, ok), ReturnWhen.FIRST_EXCEPTION))
                .expectSubscription()
                .expectNoEvent(Duration.ZERO)
                .then(() -> time.advanceTimeBy(seconds(1)))
                .assertNext(result -> assertThat(result.pending()).isEmpty())
                .verifyComplete();
    }

    @Test
    void answersAtOnceWhenTheConditionAlreadyHolds() {
        Task<String> done = Asyncio.createTask(Mono.just("done"));
        Task<String> never = Asyncio.createTask(Mono.never());
        StepVerifier.create(Asyncio.wait(List.of(done, never), ReturnWhen.FIRST_COMPLETED))
                .assertNext(result -> assertThat(result.pending()).containsExactly(never))
                .verifyComplete();
    }

    /** semantics.md: tasks of different types are waited for as {@code Task<Object>}. */
    @Test
    void tasksOfDifferentTypesAreWaitedForAsTasksOfObject() {
        Task<Object> text = Asyncio.createTask(Mono.just("text"));
        Task<Object> number = Asyncio.createTask(Mono.just(42));
        StepVerifier.create(Asyncio.wait(List.of(text, number), ReturnWhen.ALL_COMPLETED))
                .assertNext(result -> assertThat(result.done()).extracting(Task::result).containsExactly("text", 42))
                .verifyComplete();
    }

    @Test
    void cancellingTheCallerLeavesTheTasksAlone() {
        Task<String> task = Asyncio.createTask(works.valueAfter(seconds(1), "v"));
        Disposable caller = Asyncio.wait(List.of(task), ReturnWhen.ALL_COMPLETED, seconds(5)).subscribe();
        caller.dispose();
        time.advanceTimeBy(seconds(1));
        assertThat(task.result()).isEqualTo("v");
    }

    @Test
    void badArgumentsAreNamed() {
        Task<String> task = Asyncio.createTask(Mono.never());
        assertThatThrownBy(() -> Asyncio.wait(null, ReturnWhen.ALL_COMPLETED))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks");
        assertThatThrownBy(() -> Asyncio.wait(List.<Task<String>>of(), ReturnWhen.ALL_COMPLETED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tasks must not be empty");
        assertThatThrownBy(() -> Asyncio.wait(Arrays.asList(task, null), ReturnWhen.ALL_COMPLETED))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks[1]");
        assertThatThrownBy(() -> Asyncio.wait(List.of(task), (ReturnWhen) null))
                .isInstanceOf(NullPointerException.class).hasMessage("returnWhen");
        assertThatThrownBy(() -> Asyncio.wait(List.of(task), ReturnWhen.ALL_COMPLETED, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, was PT0S");
        assertThatThrownBy(() -> Asyncio.wait(List.of(task), seconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, was PT-1S");
    }
}
