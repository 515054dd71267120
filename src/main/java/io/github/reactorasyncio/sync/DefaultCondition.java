package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * <p><b>Concurrency.</b> Awaits enqueue while holding the lock and signals are only legal while it is held, so
 * the waiter deque changes under the lock except for cancellations, which may come from any thread; each waiter's
 * fate (signalled or cancelled) is settled by one CAS.
 *
 * <p><b>Cancellation.</b> A cancelled waiter is removed from the deque (O(waiters), as asyncio's deque.remove).
 * The hold the await lent away is reclaimed in the background so the enclosing scope owns the lock again.
 */
final class DefaultCondition implements Condition {

    private final String name;
    private final DefaultLock lock;
    /** Awaits waiting for a signal, oldest first. */
    private final ConcurrentLinkedDeque<SignalWaiter> waiters = new ConcurrentLinkedDeque<>();

    DefaultCondition(String name, Lock lock) {
        Names.requireNonNull(lock, "lock");
        if (!(lock instanceof DefaultLock own)) {
            throw new IllegalArgumentException("lock must come from Lock.create(), was " + lock.getClass().getName());
        }
        this.name = name;
        this.lock = own;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Lock lock() {
        return lock;
    }

    @Override
    public <T> Mono<T> withLock(Mono<T> work) {
        return lock.withLock(work);
    }

    @Override
    public <T> Flux<T> withLock(Flux<T> work) {
        return lock.withLock(work);
    }

    @Override
    public Mono<Void> await() {
        return awaitSignal(null);
    }

    @Override
    public Mono<Void> await(Duration maxWait) {
        return awaitSignal(Names.requireNonNegative(maxWait, "maxWait"));
    }

    private Mono<Void> awaitSignal(Duration maxWait) {
        return Mono.deferContextual(context -> {
            Object hold = context.getOrDefault(lock, null);
            if (!(hold instanceof PermitScope<?> scope) || !scope.holds()) {
                return Mono.error(new IllegalStateException("Condition '" + name + "'.await() must run inside "
                        + "withLock of its lock '" + lock.name() + "', which this subscriber does not hold"));
            }
            AtomicBoolean reclaimed = new AtomicBoolean();
            Mono<Void> reacquire = lock.acquire().doOnNext(permit -> {
                reclaimed.set(true);
                scope.reclaim(permit);
            }).then();
            Mono<Void> signalled = Mono.create(sink -> {
                SignalWaiter waiter = new SignalWaiter(sink);
                waiters.addLast(waiter);
                sink.onCancel(() -> {
                    if (waiter.cancel()) {
                        waiters.remove(waiter);
                    }
                });
                scope.lend();
            });
            // On timeout: re-acquire first, then fail, so the code after the await runs under the lock.
            Mono<Void> untilSignal = maxWait == null ? signalled
                    : signalled.timeout(maxWait, Mono.defer(() -> reacquire.then(Mono.error(new TimeoutException(
                            "Condition '" + name + "' was not signalled within " + Names.format(maxWait))))));
            return untilSignal.then(reacquire).doOnCancel(() -> {
                if (!reclaimed.get()) {
                    // asyncio re-acquires on cancellation; the scope stays correct if it outlives this await.
                    lock.acquire().subscribe(scope::reclaim);
                }
            });
        });
    }

    @Override
    public <T> Mono<T> awaitUntil(Supplier<T> predicate) {
        Names.requireNonNull(predicate, "predicate");
        // repeatWhenEmpty re-subscribes instead of nesting, so any number of wake-ups keeps the chain flat.
        return Mono.<T>defer(() -> {
            T value = predicate.get();
            return satisfied(value) ? Mono.just(value) : await().then(Mono.empty());
        }).repeatWhenEmpty(Integer.MAX_VALUE, wakeUps -> wakeUps);
    }

    private static boolean satisfied(Object value) {
        return value != null && !Boolean.FALSE.equals(value);
    }

    @Override
    public void signal() {
        signal(1);
    }

    @Override
    public void signal(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        wake(n, "signal");
    }

    @Override
    public void signalAll() {
        wake(Integer.MAX_VALUE, "signalAll");
    }

    /** @param operation the public method called, for the misuse message */
    private void wake(int n, String operation) {
        requireLockHeld(operation);
        int woken = 0;
        SignalWaiter waiter;
        while (woken < n && (waiter = waiters.pollFirst()) != null) {
            if (waiter.wake()) {
                woken++;
            }
        }
    }

    private void requireLockHeld(String operation) {
        if (!lock.locked()) {
            throw new IllegalStateException("Condition '" + name + "'." + operation + "() requires its lock '"
                    + lock.name() + "' to be held");
        }
    }

    @Override
    public int waiting() {
        return waiters.size();
    }

    @Override
    public String toString() {
        return "Condition[name=" + name + ", lock=" + lock.name() + ", waiting=" + waiting() + "]";
    }

    /** One await's wait for a signal; signalled or cancelled, whichever comes first. */
    private static final class SignalWaiter extends AtomicBoolean {
        private final MonoSink<Void> sink;

        SignalWaiter(MonoSink<Void> sink) {
            this.sink = sink;
        }

        boolean wake() {
            if (compareAndSet(false, true)) {
                sink.success();
                return true;
            }
            return false;
        }

        boolean cancel() {
            return compareAndSet(false, true);
        }
    }
}
