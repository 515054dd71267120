package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import io.github.reactorasyncio.VirtualTimeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** {@code Asyncio.gatherTasks}: asyncio's {@code gather(*tasks)} over running tasks, cancel included. */
@ExtendWith(VirtualTimeExtension.class)
class GatherTasksTest {

    private final VirtualTimeScheduler time;
    private final Works works = new Works();

    GatherTasksTest(VirtualTimeScheduler time) {
        this.time = time;
    }

    @Test
    void valuesOfRunningTasksComeInArgumentOrder() {
        Task<String> a = Asyncio.createTask(works.valueAfter(seconds(3), "a"));
        Task<String> b = Asyncio.createTask(works.valueAfter(seconds(1), "b"));
        StepVerifier.withVirtualTime(() -> Asyncio.gatherTasks(a, b))
                .expectSubscription()
                .expectNoEvent(seconds(2.999))
                .thenAwait(seconds(0.001))
                .expectNext(List.of("a", "b"))
                .verifyComplete();
    }

    @Test
    void cancellingTheGatherCancelsTheTasksUnlikeAGatherOfJoins() {
        Task<String> a = Asyncio.createTask(works.valueAfter(seconds(3), "a"));
        Task<String> b = Asyncio.createTask(works.valueAfter(seconds(3), "b"));
        Disposable ofJoins = Asyncio.gather(List.of(a.join(), b.join())).subscribe();
        ofJoins.dispose();
        assertThat(a.isDone() || b.isDone()).as("a gather of joins leaves the tasks running").isFalse();

        Disposable gathered = Asyncio.gatherTasks(List.of(a, b)).subscribe();
        time.advanceTimeBy(seconds(1));
        gathered.dispose();
        assertThat(a.isCancelled()).isTrue();
        assertThat(b.isCancelled()).isTrue();
    }

    @Test
    void reactorsTimeoutCancelsTheTasks() {
        Task<String> slow = Asyncio.createTask(works.valueAfter(seconds(5), "slow"));
        StepVerifier.withVirtualTime(() -> Asyncio.gatherTasks(slow).timeout(seconds(1)))
                .expectSubscription()
                .thenAwait(seconds(1))
                .expectError(TimeoutException.class)
                .verify();
        assertThat(slow.isCancelled()).isTrue();
    }

    @Test
    void aFailureReachesTheCallerAtOnceAndTheOthersKeepRunning() {
        Task<String> failing = Asyncio.createTask(works.errorAfter(seconds(1), new IllegalStateException("boom")));
        Task<String> slow = Asyncio.createTask(works.valueAfter(seconds(3), "slow"));
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        Asyncio.gatherTasks(failing, slow).subscribe(values -> { }, errors::add);
        time.advanceTimeBy(seconds(1));
        assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
        assertThat(slow.isDone()).isFalse();
        time.advanceTimeBy(seconds(2));
        assertThat(slow.result()).isEqualTo("slow");
    }

    @Test
    void noTasksGiveAnEmptyListAndNullsAreNamed() {
        StepVerifier.create(Asyncio.gatherTasks(List.<Task<String>>of())).expectNext(List.of()).verifyComplete();
        assertThatThrownBy(() -> Asyncio.gatherTasks((List<Task<String>>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("tasks");
        assertThatThrownBy(() -> Asyncio.gatherTasks(Arrays.asList(Asyncio.createTask(works.valueAfter(seconds(1), "x")),
                null))).isInstanceOf(NullPointerException.class).hasMessage("tasks[1]");
    }
}
