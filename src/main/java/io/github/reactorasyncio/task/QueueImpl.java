package io.github.reactorasyncio.task;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;

/**
 * The {@link Queue} implementation.
 *
 * <p>Concurrency: every state change happens under the queue's monitor, which is held only for a few field
 * updates, never while running user code or signalling; hand-offs decided under it are signalled after releasing
 * it. Cancellation: a waiter's state (NEW, WAITING, SERVED, CANCELLED) is also guarded by the monitor, so a cancel
 * and a hand-off cannot both win. Fairness: waiters are queued in request order and served from the head.
 */
final class QueueImpl<T> implements Queue<T> {

    private enum WaiterState { NEW, WAITING, SERVED, CANCELLED }

    private final int maxSize;

    /** Guarded by this. At most maxSize items. Non-empty only if no getter is waiting. */
    private final ArrayDeque<T> items = new ArrayDeque<>();

    /** Guarded by this. Getters in request order; non-empty only while items is empty. */
    private final ArrayDeque<Getter> getters = new ArrayDeque<>();

    /** Guarded by this. Putters in request order; non-empty only while items holds maxSize items. */
    private final ArrayDeque<Putter> putters = new ArrayDeque<>();

    /** Guarded by this. join() subscribers waiting for unfinished to reach zero. */
    private final List<MonoSink<Void>> joiners = new ArrayList<>();

    /** Guarded by this. Accepted items not yet acknowledged by taskDone(); never negative. */
    private long unfinished;

    /** Guarded by this. */
    private long totalPut;

    /** Guarded by this. */
    private long totalGot;

    QueueImpl(int maxSize) {
        this.maxSize = maxSize;
    }

    @Override
    public Mono<Void> put(T item) {
        Objects.requireNonNull(item, "item");
        return new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Void> actual) {
                actual.onSubscribe(new Putter(actual, item));
            }
        };
    }

    @Override
    public Mono<T> get() {
        return new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super T> actual) {
                actual.onSubscribe(new Getter(actual));
            }
        };
    }

    @Override
    public boolean offer(T item) {
        Objects.requireNonNull(item, "item");
        Getter served;
        synchronized (this) {
            if (getters.isEmpty() && items.size() >= maxSize) {
                return false;
            }
            served = acceptLocked(item);
        }
        if (served != null) {
            served.deliver(item);
        }
        return true;
    }

    @Override
    public T poll() {
        T item;
        Putter admitted;
        synchronized (this) {
            item = items.poll();
            if (item == null) {
                return null;
            }
            totalGot++;
            admitted = admitPutterLocked();
        }
        if (admitted != null) {
            admitted.accepted();
        }
        return item;
    }

    /** Accepts an item the caller checked there is room for; returns the getter to hand it to, if one waits. */
    private Getter acceptLocked(T item) {
        totalPut++;
        unfinished++;
        Getter getter = getters.poll();
        if (getter != null) {
            getter.state = WaiterState.SERVED;
            totalGot++;
            return getter;
        }
        items.add(item);
        return null;
    }

    /** After an item left a full queue: moves the first waiting putter's item in. */
    private Putter admitPutterLocked() {
        Putter putter = putters.poll();
        if (putter != null) {
            putter.state = WaiterState.SERVED;
            items.add(putter.item);
            totalPut++;
            unfinished++;
        }
        return putter;
    }

    @Override
    public void taskDone() {
        List<MonoSink<Void>> released;
        synchronized (this) {
            if (unfinished == 0) {
                throw new IllegalStateException(
                        "taskDone() called more times than items were put (unfinished tasks: 0)");
            }
            unfinished--;
            if (unfinished > 0 || joiners.isEmpty()) {
                return;
            }
            released = new ArrayList<>(joiners);
            joiners.clear();
        }
        released.forEach(MonoSink::success);
    }

    @Override
    public Mono<Void> join() {
        return Mono.create(sink -> {
            synchronized (this) {
                if (unfinished > 0) {
                    joiners.add(sink);
                    sink.onCancel(() -> {
                        synchronized (this) {
                            joiners.remove(sink);
                        }
                    });
                    return;
                }
            }
            sink.success();
        });
    }

    @Override
    public synchronized int size() {
        return items.size();
    }

    @Override
    public int maxSize() {
        return maxSize;
    }

    @Override
    public synchronized boolean isEmpty() {
        return items.isEmpty();
    }

    @Override
    public synchronized boolean isFull() {
        return items.size() >= maxSize;
    }

    @Override
    public synchronized Statistics statistics() {
        return new Statistics(items.size(), maxSize, putters.size(), getters.size(), unfinished, totalPut, totalGot);
    }

    @Override
    public synchronized String toString() {
        return "Queue[size=" + items.size() + ", maxSize=" + (maxSize == Integer.MAX_VALUE ? "unbounded" : maxSize)
                + ", unfinished=" + unfinished + ", waitingPutters=" + putters.size()
                + ", waitingGetters=" + getters.size() + "]";
    }

    /** One get() subscription: asks for an item on its first request. */
    private final class Getter implements Subscription {
        private final CoreSubscriber<? super T> actual;
        /** Guarded by the queue. */
        private WaiterState state = WaiterState.NEW;

        Getter(CoreSubscriber<? super T> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (!Operators.validate(n)) {
                return;
            }
            T item;
            Putter admitted;
            synchronized (QueueImpl.this) {
                if (state != WaiterState.NEW) {
                    return;
                }
                item = items.poll();
                if (item == null) {
                    state = WaiterState.WAITING;
                    getters.add(this);
                    return;
                }
                state = WaiterState.SERVED;
                totalGot++;
                admitted = admitPutterLocked();
            }
            deliver(item);
            if (admitted != null) {
                admitted.accepted();
            }
        }

        void deliver(T item) {
            actual.onNext(item);
            actual.onComplete();
        }

        @Override
        public void cancel() {
            synchronized (QueueImpl.this) {
                if (state == WaiterState.WAITING) {
                    getters.remove(this);
                }
                if (state != WaiterState.SERVED) {
                    state = WaiterState.CANCELLED;
                }
            }
        }
    }

    /** One put(item) subscription: offers its item on its first request. */
    private final class Putter implements Subscription {
        private final CoreSubscriber<? super Void> actual;
        private final T item;
        /** Guarded by the queue. */
        private WaiterState state = WaiterState.NEW;

        Putter(CoreSubscriber<? super Void> actual, T item) {
            this.actual = actual;
            this.item = item;
        }

        @Override
        public void request(long n) {
            if (!Operators.validate(n)) {
                return;
            }
            Getter served;
            synchronized (QueueImpl.this) {
                if (state != WaiterState.NEW) {
                    return;
                }
                if (getters.isEmpty() && items.size() >= maxSize) {
                    state = WaiterState.WAITING;
                    putters.add(this);
                    return;
                }
                state = WaiterState.SERVED;
                served = acceptLocked(item);
            }
            if (served != null) {
                served.deliver(item);
            }
            accepted();
        }

        void accepted() {
            actual.onComplete();
        }

        @Override
        public void cancel() {
            synchronized (QueueImpl.this) {
                if (state == WaiterState.WAITING) {
                    putters.remove(this);
                }
                if (state != WaiterState.SERVED) {
                    state = WaiterState.CANCELLED;
                }
            }
        }
    }
}
