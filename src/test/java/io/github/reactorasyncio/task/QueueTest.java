package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class QueueTest {

    @AfterEach
    void reset() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void itemsComeOutInTheOrderTheyWentIn() {
        Queue<String> queue = Queue.bounded(3);
        StepVerifier.create(queue.put("a").then(queue.put("b"))).verifyComplete();
        assertThat(queue.offer("c")).isTrue();
        assertThat(queue.offer("d")).as("full").isFalse();
        assertThat(queue.isFull()).isTrue();
        StepVerifier.create(queue.get()).expectNext("a").verifyComplete();
        assertThat(queue.poll()).isEqualTo("b");
        assertThat(queue.poll()).isEqualTo("c");
        assertThat(queue.poll()).isNull();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void waitingConsumersAreServedFirstComeFirstServed() {
        Queue<String> queue = Queue.unbounded();
        List<String> seen = new CopyOnWriteArrayList<>();
        queue.get().subscribe(item -> seen.add("first:" + item));
        queue.get().subscribe(item -> seen.add("second:" + item));
        assertThat(queue.statistics().waitingGetters()).isEqualTo(2);

        queue.offer("x");
        queue.offer("y");

        assertThat(seen).containsExactly("first:x", "second:y");
    }

    @Test
    void waitingProducersAreAdmittedFirstComeFirstServed() {
        Queue<Integer> queue = Queue.bounded(1);
        queue.offer(1);
        AtomicBoolean secondAccepted = new AtomicBoolean();
        AtomicBoolean thirdAccepted = new AtomicBoolean();
        queue.put(2).subscribe(null, null, () -> secondAccepted.set(true));
        queue.put(3).subscribe(null, null, () -> thirdAccepted.set(true));
        assertThat(queue).hasToString("Queue[size=1, maxSize=1, unfinished=1, waitingPutters=2, waitingGetters=0]");

        assertThat(queue.poll()).isEqualTo(1);
        assertThat(secondAccepted).isTrue();
        assertThat(thirdAccepted).isFalse();
        assertThat(queue.poll()).isEqualTo(2);
        assertThat(thirdAccepted).isTrue();
        assertThat(queue.poll()).isEqualTo(3);
    }

    @Test
    void aCancelledGetNeverSwallowsAnItem() {
        Queue<String> queue = Queue.bounded(1);
        Disposable cancelledGet = queue.get().subscribe(item -> { throw new AssertionError("got " + item); });
        cancelledGet.dispose();
        assertThat(queue.statistics().waitingGetters()).isZero();

        queue.offer("kept");

        assertThat(queue.size()).isEqualTo(1);
        StepVerifier.create(queue.get()).expectNext("kept").verifyComplete();
    }

    @Test
    void aGetThatTimesOutLeavesTheLaterItemInTheQueue() {
        Queue<String> queue = Queue.bounded(1);
        StepVerifier.withVirtualTime(() -> Asyncio.waitFor(queue.get(), seconds(1)))
                .thenAwait(seconds(1))
                .verifyError(TimeoutException.class);
        queue.offer("kept");
        assertThat(queue.poll()).isEqualTo("kept");
    }

    @Test
    void aCancelledPutAddsNothing() {
        Queue<String> queue = Queue.bounded(1);
        queue.offer("a");
        queue.put("never").subscribe().dispose();
        assertThat(queue.statistics().waitingPutters()).isZero();
        assertThat(queue.poll()).isEqualTo("a");
        assertThat(queue.poll()).isNull();
        assertThat(queue.statistics().totalPut()).isEqualTo(1);
    }

    @Test
    void joinCompletesWhenEveryItemWasMarkedDone() {
        Queue<String> queue = Queue.unbounded();
        StepVerifier.create(queue.join()).verifyComplete();
        queue.offer("a");
        queue.offer("b");
        AtomicBoolean joined = new AtomicBoolean();
        queue.join().subscribe(null, null, () -> joined.set(true));

        queue.poll();
        queue.taskDone();
        assertThat(joined).isFalse();
        queue.poll();
        queue.taskDone();
        assertThat(joined).isTrue();

        assertThatThrownBy(queue::taskDone).isInstanceOf(IllegalStateException.class)
                .hasMessage("taskDone() called more times than items were put (unfinished tasks: 0)");
    }

    @Test
    void statisticsAreASnapshot() {
        Queue<String> queue = Queue.bounded(2);
        queue.offer("a");
        queue.poll();
        queue.offer("b");
        assertThat(queue.statistics()).isEqualTo(new Queue.Statistics(1, 2, 0, 0, 2, 2, 1));
        assertThat(Queue.unbounded()).hasToString(
                "Queue[size=0, maxSize=unbounded, unfinished=0, waitingPutters=0, waitingGetters=0]");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Queue.bounded(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxSize must be positive, was 0");
        Queue<String> queue = Queue.unbounded();
        assertThatThrownBy(() -> queue.put(null)).isInstanceOf(NullPointerException.class).hasMessage("item");
        assertThatThrownBy(() -> queue.offer(null)).isInstanceOf(NullPointerException.class).hasMessage("item");
    }
}
