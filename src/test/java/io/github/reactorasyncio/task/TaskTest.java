package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.reactorasyncio.VirtualTimeExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

@ExtendWith(VirtualTimeExtension.class)
class TaskTest {

    private final VirtualTimeScheduler time;
    private final Works works = new Works();

    TaskTest(VirtualTimeScheduler time) {
        this.time = time;
    }

    @AfterEach
    void reset() {
        Hooks.resetOnErrorDropped();
    }

    @Test
    void startsAtCreationAndCachesTheResult() {
        Task<String> task = Asyncio.createTask(works.valueAfter(seconds(1), "hello"));
        assertThat(works.started).hasValue(1);
        assertThat(task.isDone()).isFalse();

        time.advanceTimeBy(seconds(1));

        assertThat(task.isDone()).isTrue();
        assertThat(task.isCancelled()).isFalse();
        assertThat(task.result()).isEqualTo("hello");
        assertThat(task.exception()).isNull();
        StepVerifier.create(task.join()).expectNext("hello").verifyComplete();
        StepVerifier.create(task.join()).expectNext("hello").verifyComplete();
        assertThat(works.started).as("joins replay; the work ran once").hasValue(1);
    }

    @Test
    void namesDefaultToAProcessWideCounterAndCanBeChanged() {
        Task<String> first = Asyncio.createTask(Mono.never());
        Task<String> second = Asyncio.createTask(Mono.never());
        long n = Long.parseLong(first.name().substring("Task-".length()));
        assertThat(second.name()).isEqualTo("Task-" + (n + 1));

        second.setName("123");
        assertThat(second.name()).isEqualTo("123");
        assertThat(Asyncio.createTask(Mono.never(), "worker").name()).isEqualTo("worker");
        assertThatThrownBy(() -> second.setName(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
    }

    @Test
    void resultAndExceptionBeforeDoneSayWhichTask() {
        Task<String> task = Asyncio.createTask(Mono.never(), "slow");
        assertThatThrownBy(task::result).isInstanceOf(IllegalStateException.class)
                .hasMessage("Task 'slow' is not done yet");
        assertThatThrownBy(task::exception).isInstanceOf(IllegalStateException.class)
                .hasMessage("Task 'slow' is not done yet");
        assertThat(task.outcome()).isEmpty();
    }

    @Test
    void cancelWhilePendingCancelsTheWorkAndReturnsTrueOnce() {
        Task<String> task = Asyncio.createTask(works.valueAfter(seconds(2), "late"), "victim");

        assertThat(task.cancel()).isTrue();
        assertThat(task.cancel()).isFalse();

        assertThat(task.isDone()).isTrue();
        assertThat(task.isCancelled()).isTrue();
        assertThat(works.cancelled).hasValue(1);
        assertThatThrownBy(task::result).isInstanceOf(CancellationException.class)
                .hasMessage("Task 'victim' was cancelled");
        assertThatThrownBy(task::exception).isInstanceOf(CancellationException.class);
        StepVerifier.create(task.join()).expectErrorMessage("Task 'victim' was cancelled").verify();
        time.advanceTimeBy(seconds(5));
        assertThat(works.finished).hasValue(0);
    }

    @Test
    void aTaskCancelledAfterItCompletedStaysCompleted() {
        Task<String> task = Asyncio.createTask(works.valueAfter(seconds(1), "kept"));
        time.advanceTimeBy(seconds(1));

        assertThat(task.cancel()).isFalse();

        assertThat(task.isCancelled()).isFalse();
        assertThat(task.result()).isEqualTo("kept");
        StepVerifier.create(task.join()).expectNext("kept").verifyComplete();
    }

    @Test
    void aFailedTaskKeepsItsErrorAndCancelDoesNotChangeIt() {
        IllegalStateException boom = new IllegalStateException("boom");
        Task<String> task = Asyncio.createTask(Mono.error(boom));

        assertThat(task.cancel()).isFalse();
        assertThat(task.exception()).isSameAs(boom);
        assertThatThrownBy(task::result).isSameAs(boom);
        StepVerifier.create(task.join()).verifyErrorSatisfies(e -> assertThat(e).isSameAs(boom));
        assertThat(task.outcome()).contains(Outcome.failure(boom));
    }

    @Test
    void aCheckedFailureIsWrappedByResultOnly() {
        IOException io = new IOException("disk");
        Task<String> task = Asyncio.createTask(Mono.error(io));
        assertThatThrownBy(task::result).isInstanceOf(CompletionException.class).hasCause(io);
        assertThat(task.exception()).isSameAs(io);
    }

    @Test
    void anEmptyWorkHasTheValueNull() {
        Task<Void> task = Asyncio.createTask(Mono.empty());
        assertThat(task.isDone()).isTrue();
        assertThat(task.result()).isNull();
        assertThat(task.outcome()).contains(Outcome.success(null));
        StepVerifier.create(task.join()).verifyComplete();
    }

    @Test
    void cancellingAJoinSubscriberDoesNotCancelTheTask() {
        Task<String> task = Asyncio.createTask(works.valueAfter(seconds(2), "survivor"));
        Disposable joiner = task.join().subscribe();
        time.advanceTimeBy(seconds(1));

        joiner.dispose();
        time.advanceTimeBy(seconds(1));

        assertThat(works.cancelled).hasValue(0);
        assertThat(task.result()).isEqualTo("survivor");
    }

    @Test
    void joinReachesEarlyAndLateSubscribersAlike() {
        Task<String> task = Asyncio.createTask(works.valueAfter(seconds(1), "v"));
        List<String> seen = new CopyOnWriteArrayList<>();
        task.join().subscribe(seen::add);
        task.join().subscribe(seen::add);
        time.advanceTimeBy(seconds(1));
        task.join().subscribe(seen::add);
        assertThat(seen).containsExactly("v", "v", "v");
    }

    @Test
    void anErrorArrivingAfterCancelIsReportedAsDroppedNotLost() {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        AtomicReference<CoreSubscriber<? super String>> subscriber = new AtomicReference<>();
        Mono<String> ignoresCancel = new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super String> actual) {
                subscriber.set(actual);
                actual.onSubscribe(Operators.emptySubscription());
            }
        };
        Task<String> task = Asyncio.createTask(ignoresCancel);
        task.cancel();

        RuntimeException late = new RuntimeException("late");
        subscriber.get().onError(late);

        assertThat(dropped).containsExactly(late);
        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void aCompletedTaskReportsNothingEvenIfNobodyJoins() {
        AtomicInteger dropped = new AtomicInteger();
        Hooks.onErrorDropped(e -> dropped.incrementAndGet());
        Asyncio.createTask(Mono.error(new RuntimeException("kept in the task")));
        assertThat(dropped).hasValue(0);
    }

    @Test
    void toStringShowsNameAndState() {
        Task<String> pending = Asyncio.createTask(Mono.never(), "p");
        Task<String> finished = Asyncio.createTask(Mono.just("x"), "f");
        Task<String> failed = Asyncio.createTask(Mono.error(new IllegalStateException("bad")), "e");
        Task<String> cancelled = Asyncio.createTask(Mono.never(), "c");
        cancelled.cancel();
        assertThat(pending).hasToString("Task[name=p, pending]");
        assertThat(finished).hasToString("Task[name=f, finished, result=x]");
        assertThat(failed).hasToString("Task[name=e, finished, exception=java.lang.IllegalStateException: bad]");
        assertThat(cancelled).hasToString("Task[name=c, cancelled]");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Asyncio.createTask(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("work");
        assertThatThrownBy(() -> Asyncio.createTask(Mono.never(), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("name");
    }
}
