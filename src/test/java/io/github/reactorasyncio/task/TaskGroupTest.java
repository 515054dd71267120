package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.github.reactorasyncio.VirtualTimeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

@ExtendWith(VirtualTimeExtension.class)
class TaskGroupTest {

    private final VirtualTimeScheduler time;
    private final Works works = new Works();

    TaskGroupTest(VirtualTimeScheduler time) {
        this.time = time;
    }

    @Test
    void completesWithTheBodysValueWhenEveryChildIsDone() {
        AtomicReference<Task<String>> slow = new AtomicReference<>();
        StepVerifier.create(Asyncio.taskGroup(group -> {
                    group.spawn(works.valueAfter(seconds(1), "fast"));
                    slow.set(group.spawn(works.valueAfter(seconds(3), "slow")));
                    return Mono.just("body");
                }))
                .then(() -> time.advanceTimeBy(seconds(2.999)))
                .expectNoEvent(seconds(0))
                .then(() -> time.advanceTimeBy(seconds(0.001)))
                .expectNext("body")
                .verifyComplete();
        assertThat(slow.get().result()).isEqualTo("slow");
    }

    @Test
    void theFirstFailureCancelsSiblingsAndBody() {
        IllegalStateException boom = new IllegalStateException("boom");
        Works body = new Works();
        StepVerifier.create(Asyncio.taskGroup(group -> {
                    group.spawn(works.valueAfter(seconds(5), "sibling"));
                    group.spawn(works.errorAfter(seconds(1), boom));
                    return body.valueAfter(seconds(5), "body");
                }))
                .then(() -> time.advanceTimeBy(seconds(1)))
                .verifyErrorSatisfies(e -> assertThat(e).isSameAs(boom));
        assertThat(works.cancelled).hasValue(1);
        assertThat(body.cancelled).hasValue(1);
        time.advanceTimeBy(seconds(5));
        assertThat(works.finished.get() + body.finished.get()).isZero();
    }

    @Test
    void failuresDuringShutdownComeBackAsSuppressed() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second");
        Sinks.One<String> failsWhenNeighbourIsCancelled = Sinks.one();
        StepVerifier.create(Asyncio.taskGroup(group -> {
                    group.spawn(Mono.never().doOnCancel(() -> failsWhenNeighbourIsCancelled.tryEmitError(second)));
                    group.spawn(failsWhenNeighbourIsCancelled.asMono());
                    group.spawn(works.errorAfter(seconds(1), first));
                    return Mono.empty();
                }))
                .then(() -> time.advanceTimeBy(seconds(1)))
                .verifyErrorSatisfies(e -> {
                    assertThat(e).isSameAs(first);
                    assertThat(e.getSuppressed()).containsExactly(second);
                });
    }

    @Test
    void aFailingBodyCancelsTheChildren() {
        StepVerifier.create(Asyncio.taskGroup(group -> {
                    group.spawn(works.valueAfter(seconds(5), "child"));
                    return Mono.delay(seconds(1)).then(Mono.error(new IllegalStateException("body failed")));
                }))
                .then(() -> time.advanceTimeBy(seconds(1)))
                .verifyErrorMessage("body failed");
        assertThat(works.cancelled).hasValue(1);
    }

    @Test
    void aChildCancelledThroughItsHandleIsNotAFailure() {
        StepVerifier.create(Asyncio.taskGroup(group -> {
                    Task<String> doomed = group.spawn(Mono.never());
                    group.spawn(works.valueAfter(seconds(1), "ok"));
                    doomed.cancel();
                    return Mono.just("fine");
                }))
                .then(() -> time.advanceTimeBy(seconds(1)))
                .expectNext("fine")
                .verifyComplete();
    }

    @Test
    void childrenMaySpawnWhileTheGroupIsOpenButNotAfterItClosed() {
        AtomicReference<TaskGroup> escaped = new AtomicReference<>();
        StepVerifier.create(Asyncio.taskGroup(group -> {
                    escaped.set(group);
                    group.spawn(Mono.delay(seconds(1)).then(Mono.fromRunnable(
                            () -> group.spawn(works.valueAfter(seconds(1), "grandchild")))));
                    return Mono.empty();
                }))
                .then(() -> time.advanceTimeBy(seconds(2)))
                .verifyComplete();
        assertThat(works.finished).hasValue(1);
        assertThat(escaped.get()).hasToString("TaskGroup[state=CLOSED, running=0, failures=0]");
        assertThatThrownBy(() -> escaped.get().spawn(Mono.never())).isInstanceOf(IllegalStateException.class)
                .hasMessage("TaskGroup is closed: cannot spawn a task");
    }

    @Test
    void spawnWhileShuttingDownIsRejected() {
        AtomicReference<Throwable> rejection = new AtomicReference<>();
        StepVerifier.create(Asyncio.taskGroup(group -> {
                    group.spawn(Mono.never().doOnCancel(() -> {
                        try {
                            group.spawn(Mono.never());
                        } catch (IllegalStateException e) {
                            rejection.set(e);
                        }
                    }));
                    group.spawn(Mono.error(new IllegalStateException("boom")));
                    return Mono.never();
                }))
                .verifyErrorMessage("boom");
        assertThat(rejection.get()).hasMessage("TaskGroup is shutting down: cannot spawn a task");
    }

    @Test
    void cancellingTheGroupCancelsEverythingInside() {
        Works body = new Works();
        Disposable caller = Asyncio.taskGroup(group -> {
            group.spawn(works.valueAfter(seconds(2), "a"));
            group.spawn(works.valueAfter(seconds(3), "b"));
            return body.valueAfter(seconds(4), "body");
        }).subscribe();
        time.advanceTimeBy(seconds(1));
        caller.dispose();
        time.advanceTimeBy(seconds(5));
        assertThat(works.cancelled).hasValue(2);
        assertThat(body.cancelled).hasValue(1);
        assertThat(works.finished.get() + body.finished.get()).isZero();
    }

    @Test
    void badBodiesAreNamed() {
        assertThatThrownBy(() -> Asyncio.taskGroup(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("body");
        StepVerifier.create(Asyncio.taskGroup(group -> null)).verifyErrorMessage("body returned null");
    }

    /**
     * Where this group differs from asyncio's: the first failure cancels the siblings at once, so a sibling whose
     * failure is due at the same (virtual) instant but has not run yet is cancelled first and not reported. asyncio
     * cancels on a later loop turn and reports both in its ExceptionGroup. Documented in Asyncio.taskGroup.
     */
    @Test
    void aSiblingDueAtTheSameInstantIsCancelledBeforeItFailsUnlikeAsyncio() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second");
        StepVerifier.create(Asyncio.taskGroup(group -> {
                    group.spawn(works.errorAfter(seconds(1), first));
                    group.spawn(works.errorAfter(seconds(1), second));
                    return Mono.empty();
                }))
                .then(() -> time.advanceTimeBy(seconds(1)))
                .verifyErrorSatisfies(e -> {
                    assertThat(e).isSameAs(first);
                    assertThat(e.getSuppressed()).isEmpty();
                });
        assertThat(works.cancelled).hasValue(1);
    }

    @Test
    void aBodyLessGroupCompletesWhenEveryChildIsDone() {
        List<String> log = new CopyOnWriteArrayList<>();
        StepVerifier.create(Asyncio.runTaskGroup(group -> {
                    group.spawn(works.valueAfter(seconds(2), "a").doOnNext(log::add));
                    group.spawn(works.valueAfter(seconds(1), "b").doOnNext(log::add));
                }))
                .then(() -> time.advanceTimeBy(seconds(1.999)))
                .then(() -> assertThat(log).containsExactly("b"))
                .then(() -> time.advanceTimeBy(seconds(0.001)))
                .verifyComplete();
        assertThat(log).containsExactly("b", "a");
        assertThatThrownBy(() -> Asyncio.runTaskGroup(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("spawner");
    }

    @Test
    void failuresListsEveryFailureOfTheGroupsError() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second");
        Sinks.One<String> failsWhenNeighbourIsCancelled = Sinks.one();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Asyncio.runTaskGroup(group -> {
                    group.spawn(Mono.never().doOnCancel(() -> failsWhenNeighbourIsCancelled.tryEmitError(second)));
                    group.spawn(failsWhenNeighbourIsCancelled.asMono());
                    group.spawn(works.errorAfter(seconds(1), first));
                })
                .subscribe(v -> { }, e -> failures.addAll(TaskGroup.failures(e)));
        time.advanceTimeBy(seconds(1));
        assertThat(failures).containsExactly(first, second);
        assertThat(TaskGroup.failures(new IllegalStateException("alone"))).hasSize(1);
    }

    @Test
    void aConditionAwaitCancelledInAChildHasItsLockBackBeforeTheGroupFails() {
        // Issue 12, defect 2 (a): as asyncio's TaskGroup, the group raises after its cancelled children finished.
        BusyCondition scene = new BusyCondition();
        assertThat(scene.run(await -> Asyncio.<String>taskGroup(group -> {
                    group.spawn(await);
                    group.spawn(Mono.delay(seconds(1)).then(Mono.error(new IllegalStateException("boom"))));
                    return Mono.just("grouped");
                })
                .onErrorResume(IllegalStateException.class, e -> scene.seen())))
                .isEqualTo(BusyCondition.AFTER_THE_OTHER_PARTY_LEFT);
    }
}
