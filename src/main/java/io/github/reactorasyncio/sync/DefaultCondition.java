package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Supplier;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * <p><b>Concurrency.</b> Awaits enqueue while holding the lock and signals are only legal while it is held, so
 * the waiter deque changes under the lock except for cancellations and timeouts, which may come from any thread;
 * each await's fate is settled by CAS on its phase (see {@link Await}).
 *
 * <p><b>Cancellation.</b> A cancelled waiter is removed from the deque (O(waiters), as asyncio's deque.remove).
 * The lock it lent comes back to its scope through the same single re-acquire a signal would have started; a
 * library canceller ({@link CancellationJoin}) waits for it, a Reactor operator does not.
 */
final class DefaultCondition implements Condition {

    private final String name;
    private final DefaultLock lock;
    /** Awaits waiting for a signal, oldest first. */
    private final ConcurrentLinkedDeque<Await> waiters = new ConcurrentLinkedDeque<>();

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
        return new AwaitMono(null);
    }

    @Override
    public Mono<Void> await(Duration maxWait) {
        return new AwaitMono(Names.requireNonNegative(maxWait, "maxWait"));
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
        wakeOldest(n);
    }

    /** Wakes up to {@code n} waiters, oldest first; the lock check is the caller's. */
    private void wakeOldest(int n) {
        int woken = 0;
        Await waiter;
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

    /** What {@link #await()} returns: each subscription is one {@link Await}. */
    private final class AwaitMono extends Mono<Void> {
        /** null: wait for a signal as long as it takes. */
        private final Duration maxWait;

        AwaitMono(Duration maxWait) {
            this.maxWait = maxWait;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            ContextView context = actual.currentContext();
            Object hold = context.getOrDefault(lock, null);
            if (!(hold instanceof PermitScope<?> scope) || !scope.holds()) {
                Operators.error(actual, new IllegalStateException("Condition '" + name + "'.await() must run inside "
                        + "withLock of its lock '" + lock.name() + "', which this subscriber does not hold"
                        + (hold instanceof PermitScope<?> lent && lent.lent()
                                ? " (an earlier await of this scope was cancelled and is still re-acquiring it)"
                                : "")));
                return;
            }
            Await await = new Await(scope, actual, maxWait, CancellationJoin.in(context));
            actual.onSubscribe(await);
            await.start();
        }
    }

    /**
     * One await: waits for a signal with the lock lent away, then gets the lock back for its scope as a
     * {@link Reclaim} in the lock's queue, and only then resumes its subscriber.
     *
     * <pre>
     *   INIT ──start: in the deque, lock lent──► WAITING ──signal──► WOKEN ─────┐
     *     │                                        │ └──maxWait──► TIMED_OUT ───┤ reclaim settles:
     *     │ cancel (start then reclaims)           │ cancel                     │ onComplete / TimeoutException
     *     ▼                                        ▼                            ▼
     *   CANCELLED ◄────────────────────────── CANCELLED      WOKEN/TIMED_OUT ──cancel──► CANCELLED(_WOKEN) ──► DONE
     * </pre>
     * Every state but INIT and WAITING has a reclaim under way (or settled), begun exactly once by the transition
     * that left WAITING (or by {@code start} when a cancel or a signal came during INIT). A cancel never starts a
     * second re-acquire, so a stale one can never hand the lock to a scope parked in a later await. A signal taken by
     * an await cancelled before it resumed passes to the next waiter once the lock is back, as asyncio does.
     */
    private final class Await extends Reclaim implements Subscription {
        private static final int INIT = 0;
        private static final int WAITING = 1;
        private static final int WOKEN = 2;
        private static final int TIMED_OUT = 3;
        private static final int CANCELLED = 4;
        /** Cancelled after a signal woke it: the signal is passed on once the reclaim settles. */
        private static final int CANCELLED_WOKEN = 5;
        private static final int DONE = 6;

        /** The join state: no cancel waits on us, a join counts our reclaim, or the reclaim has settled. */
        private static final int NOT_JOINED = 0;
        private static final int JOINED = 1;
        private static final int SETTLED = 2;

        private static final AtomicIntegerFieldUpdater<Await> PHASE =
                AtomicIntegerFieldUpdater.newUpdater(Await.class, "phase");
        private static final AtomicIntegerFieldUpdater<Await> JOIN =
                AtomicIntegerFieldUpdater.newUpdater(Await.class, "joinState");

        private final CoreSubscriber<? super Void> actual;
        private final Duration maxWait;
        /** The library canceller's join in the subscriber's Context, if any; told while a cancelled reclaim runs. */
        private final CancellationJoin join;
        /** See the diagram. */
        private volatile int phase;
        /** {@link #NOT_JOINED} → {@link #JOINED} (by a cancel) → {@link #SETTLED}, or straight to SETTLED. */
        private volatile int joinState;
        private volatile Disposable timer;

        Await(PermitScope<?> scope, CoreSubscriber<? super Void> actual, Duration maxWait, CancellationJoin join) {
            super(scope);
            this.actual = actual;
            this.maxWait = maxWait;
            this.join = join;
        }

        /** Joins the deque before lending the lock, so a signal sent once the lock is free finds this await. */
        void start() {
            if (maxWait == null) {
                // Before the lend: whoever the lend lets in and then closes a wait cycle through us sees our edge.
                DeadlockAccounting.awaiting(scope, this);
            }
            waiters.addLast(this);
            if (!scope.lend()) {
                // The scope ended while we subscribed: it is being cancelled; nothing was lent, nothing to reclaim.
                waiters.remove(this);
                if (PHASE.getAndSet(this, DONE) == WOKEN) {
                    wakeOldest(1);
                }
                return;
            }
            if (!PHASE.compareAndSet(this, INIT, WAITING)) {
                // A signal or a cancel came while we lent: it found us in INIT and left the reclaim to us.
                waiters.remove(this);
                reclaim();
                return;
            }
            if (maxWait != null) {
                Disposable t = Schedulers.parallel().schedule(this::timeOut, maxWait.toNanos(), TimeUnit.NANOSECONDS);
                timer = t;
                if (phase != WAITING) {
                    t.dispose();
                }
            }
        }

        /** A signal, by a signaller that already took this await out of the deque. */
        boolean wake() {
            for (;;) {
                int p = phase;
                if (p != INIT && p != WAITING) {
                    return false;
                }
                if (PHASE.compareAndSet(this, p, WOKEN)) {
                    if (p == WAITING) {
                        disposeAwaitTimer();
                        reclaim();
                    }
                    return true;
                }
            }
        }

        private void timeOut() {
            if (PHASE.compareAndSet(this, WAITING, TIMED_OUT)) {
                waiters.remove(this);
                reclaim();
            }
        }

        @Override
        public void request(long n) {
            // the completion needs no demand
        }

        /** Until a signal, a timeout or a cancel settles it, only a holder of the lock can let us go on. */
        @Override
        PermitQueue signalledUnder() {
            int p = phase;
            return maxWait == null && (p == INIT || p == WAITING) ? scope.plan.queue : null;
        }

        @Override
        String conditionName() {
            return name;
        }

        @Override
        public void cancel() {
            for (;;) {
                int p = phase;
                int next = p == WOKEN ? CANCELLED_WOKEN : CANCELLED;
                if (p == CANCELLED || p == CANCELLED_WOKEN || p == DONE) {
                    return;
                }
                if (PHASE.compareAndSet(this, p, next)) {
                    joinTheCanceller();
                    if (p == WAITING) {
                        disposeAwaitTimer();
                        waiters.remove(this);
                        reclaim();
                    }
                    return;
                }
            }
        }

        /** The reclaim this cancel leaves behind is counted in the canceller's join until it settles. */
        private void joinTheCanceller() {
            if (join != null) {
                join.begin();
                if (!JOIN.compareAndSet(this, NOT_JOINED, JOINED)) {
                    join.end(); // settled already
                }
            }
        }

        @Override
        void settled(boolean held) {
            resume(finish(), held);
        }

        /** The deadlock check failed the re-acquire: the error comes out of this await, and so through its scope. */
        @Override
        void fail(Throwable error) {
            int was = finish();
            if (was == WOKEN || was == TIMED_OUT) {
                actual.onError(error);
            } else if (was == CANCELLED_WOKEN) {
                wakeOldest(1);
            }
        }

        /** The reclaim is over: the canceller's join stops waiting, and the phase it ended in is returned. */
        private int finish() {
            if (JOIN.getAndSet(this, SETTLED) == JOINED) {
                join.end();
            }
            return PHASE.getAndSet(this, DONE);
        }

        private void resume(int was, boolean held) {
            switch (was) {
                case WOKEN -> {
                    if (held) {
                        actual.onComplete();
                    } else {
                        actual.onError(scopeEnded());
                    }
                }
                case TIMED_OUT -> actual.onError(held ? new TimeoutException("Condition '" + name
                        + "' was not signalled within " + Names.format(maxWait)) : scopeEnded());
                case CANCELLED_WOKEN -> wakeOldest(1);
                default -> {
                    // cancelled: the scope has its lock back (or has ended); nobody waits for this await
                }
            }
        }

        private IllegalStateException scopeEnded() {
            return new IllegalStateException("the withLock scope of Condition '" + name + "' ended while its await "
                    + "re-acquired lock '" + lock.name() + "'");
        }

        private void disposeAwaitTimer() {
            Disposable t = timer;
            if (t != null) {
                t.dispose();
            }
        }
    }
}
