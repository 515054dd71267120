package io.github.reactorasyncio.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Producers and consumers on Schedulers.parallel(), a third of them cancelled at random moments from other threads:
 * every accepted item is received exactly once or is still in the queue; no item is received that was not accepted.
 */
class QueueStressTest {

    private static final int OPERATIONS = 5_000;

    @RepeatedTest(5)
    void noItemIsLostOrDuplicatedUnderRandomCancels() throws InterruptedException {
        Queue<Integer> queue = Queue.bounded(4);
        Scheduler parallel = Schedulers.parallel();
        ConcurrentLinkedQueue<Integer> accepted = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Recorder<?>> subscriptions = new ConcurrentLinkedQueue<>();
        CountDownLatch scheduled = new CountDownLatch(2 * OPERATIONS);

        for (int i = 0; i < OPERATIONS; i++) {
            int item = i;
            parallel.schedule(() -> {
                Recorder<Void> put = new Recorder<>(null, () -> accepted.add(item));
                subscriptions.add(put);
                queue.put(item).subscribe(put);
                maybeCancel(put, parallel);
                scheduled.countDown();
            });
            parallel.schedule(() -> {
                Recorder<Integer> get = new Recorder<>(received::add, () -> { });
                subscriptions.add(get);
                queue.get().subscribe(get);
                maybeCancel(get, parallel);
                scheduled.countDown();
            });
        }
        assertThat(scheduled.await(20, TimeUnit.SECONDS)).isTrue();
        // Let the scheduled cancels run, then stop everyone still waiting.
        CountDownLatch drained = new CountDownLatch(1);
        parallel.schedule(drained::countDown, 10, TimeUnit.MILLISECONDS);
        assertThat(drained.await(20, TimeUnit.SECONDS)).isTrue();
        subscriptions.forEach(Recorder::cancel);

        List<Integer> remaining = new java.util.ArrayList<>();
        for (Integer item = queue.poll(); item != null; item = queue.poll()) {
            remaining.add(item);
        }
        Set<Integer> receivedOnce = new HashSet<>(received);
        assertThat(receivedOnce).as("no duplicates").hasSize(received.size());
        assertThat(remaining).as("nothing both received and still queued").noneMatch(receivedOnce::contains);
        Set<Integer> accounted = new HashSet<>(receivedOnce);
        accounted.addAll(remaining);
        assertThat(accounted).as("received + remaining = accepted").isEqualTo(new HashSet<>(accepted));
        Queue.Statistics statistics = queue.statistics();
        assertThat(statistics.waitingGetters()).isZero();
        assertThat(statistics.waitingPutters()).isZero();
        assertThat(statistics.totalPut()).isEqualTo(accepted.size());
        assertThat(statistics.totalGot()).isEqualTo(received.size() + remaining.size());
    }

    private static void maybeCancel(Recorder<?> subscriber, Scheduler parallel) {
        switch (ThreadLocalRandom.current().nextInt(6)) {
            case 0 -> subscriber.cancel();
            case 1 -> parallel.schedule(subscriber::cancel);
            default -> { }
        }
    }

    /** Records every signal, including those that race with its own cancel (which Reactive Streams allows). */
    private static final class Recorder<T> implements CoreSubscriber<T> {
        private final java.util.function.Consumer<T> onNext;
        private final Runnable onComplete;
        private final AtomicReference<Subscription> subscription = new AtomicReference<>();

        Recorder(java.util.function.Consumer<T> onNext, Runnable onComplete) {
            this.onNext = onNext;
            this.onComplete = onComplete;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription.set(s);
            s.request(1);
        }

        @Override
        public void onNext(T value) {
            onNext.accept(value);
        }

        @Override
        public void onError(Throwable error) {
            throw new AssertionError("queue operations never fail", error);
        }

        @Override
        public void onComplete() {
            onComplete.run();
        }

        void cancel() {
            subscription.get().cancel();
        }
    }
}
