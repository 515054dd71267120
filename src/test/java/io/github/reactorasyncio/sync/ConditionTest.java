package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

@Timeout(30) // guards against a hang; every timing assertion below is in virtual time
class ConditionTest {

    private static long nowMillis() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }

    private static void assertNoLeak(Condition condition) {
        assertThat(condition.waiting()).as("condition waiters").isZero();
        assertThat(condition.lock().locked()).as("locked").isFalse();
        assertThat(condition.lock().waiting()).as("lock waiters").isZero();
    }

    /** A waiter that records its name once it resumed from the await. */
    private static Mono<Void> waiter(Condition condition, String name, List<String> log) {
        return condition.withLock(condition.await().then(Mono.fromRunnable(() -> log.add(name))));
    }

    private static void signalUnderLock(Condition condition, int n) {
        condition.withLock(Mono.fromRunnable(() -> condition.signal(n))).subscribe();
    }

    // ---------------------------------------------------------------- misuse

    @Test
    void awaitOutsideWithLockFails() {
        Condition condition = Condition.create(Lock.create("m"));
        String message = "Condition '" + condition.name() + "'.await() must run inside withLock of its lock 'm', "
                + "which this subscriber does not hold";

        StepVerifier.create(condition.await())
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage(message));
        // holding the lock through a raw permit is not holding it in this subscriber's scope
        Permit raw = condition.lock().tryAcquire().orElseThrow();
        StepVerifier.create(condition.await(Duration.ofSeconds(1)))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage(message));
        raw.release();
        // inside withLock of another lock
        StepVerifier.create(Lock.create("other").withLock(condition.await()))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage(message));
        assertNoLeak(condition);
    }

    @Test
    void signalWithoutTheLockFails() {
        Condition condition = Condition.create(Lock.create("m"));
        String prefix = "Condition '" + condition.name() + "'.";

        assertThatThrownBy(condition::signal).isInstanceOf(IllegalStateException.class)
                .hasMessage(prefix + "signal() requires its lock 'm' to be held");
        assertThatThrownBy(() -> condition.signal(2)).isInstanceOf(IllegalStateException.class)
                .hasMessage(prefix + "signal() requires its lock 'm' to be held");
        assertThatThrownBy(condition::signalAll).isInstanceOf(IllegalStateException.class)
                .hasMessage(prefix + "signalAll() requires its lock 'm' to be held");
        assertThatThrownBy(() -> condition.signal(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be >= 0, was -1");
    }

    @Test
    void nullArgumentsAreNamed() {
        assertThatThrownBy(() -> Condition.create(null))
                .isInstanceOf(NullPointerException.class).hasMessage("lock must not be null");
        Condition condition = Condition.create();
        assertThatThrownBy(() -> condition.awaitUntil(null))
                .isInstanceOf(NullPointerException.class).hasMessage("predicate must not be null");
        assertThatThrownBy(() -> condition.await(null))
                .isInstanceOf(NullPointerException.class).hasMessage("maxWait must not be null");
        assertThatThrownBy(() -> condition.withLock((Mono<Object>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("work must not be null");
    }

    // ---------------------------------------------------------------- signalling

    @Test
    void signalWakesExactlyNOldestFirst() {
        Condition condition = Condition.create(Lock.create("m"));
        List<String> log = new CopyOnWriteArrayList<>();
        waiter(condition, "w1", log).subscribe();
        waiter(condition, "w2", log).subscribe();
        waiter(condition, "w3", log).subscribe();
        assertThat(condition.waiting()).isEqualTo(3);
        assertThat(condition.lock().locked()).as("every waiter lent the lock away").isFalse();

        signalUnderLock(condition, 2);
        assertThat(log).containsExactly("w1", "w2");
        assertThat(condition.waiting()).isEqualTo(1);

        condition.withLock(Mono.fromRunnable(condition::signal)).subscribe();
        assertThat(log).containsExactly("w1", "w2", "w3");
        assertNoLeak(condition);
    }

    @Test
    void signalAllWakesEveryWaiterInOrder() {
        Condition condition = Condition.create();
        List<String> log = new CopyOnWriteArrayList<>();
        for (int i = 1; i <= 5; i++) {
            waiter(condition, "w" + i, log).subscribe();
        }

        condition.withLock(Mono.fromRunnable(condition::signalAll)).subscribe();

        assertThat(log).containsExactly("w1", "w2", "w3", "w4", "w5");
        assertNoLeak(condition);
    }

    @Test
    void aSignalWithNobodyWaitingIsLost() {
        Condition condition = Condition.create();
        List<String> log = new CopyOnWriteArrayList<>();
        signalUnderLock(condition, 1);
        condition.withLock(Mono.fromRunnable(condition::signalAll)).subscribe();

        Disposable late = waiter(condition, "late", log).subscribe();

        assertThat(log).isEmpty();
        assertThat(condition.waiting()).isEqualTo(1);
        late.dispose();
        assertNoLeak(condition);
    }

    @Test
    void wokenWaitersReacquireTheLockOneAtATimeAfterTheSignallerReleasesIt() {
        Condition condition = Condition.create(Lock.create("m"));
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        Mono<Void> exclusiveSecond = Mono.defer(() -> {
            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            return Mono.delay(Duration.ofSeconds(1)).doOnNext(tick -> inside.decrementAndGet()).then();
        });

        StepVerifier.withVirtualTime(() -> Mono.when(
                        condition.withLock(condition.await().then(Mono.fromRunnable(() -> log.add(nowMillis() + " w1")))
                                .then(exclusiveSecond)),
                        condition.withLock(condition.await().then(Mono.fromRunnable(() -> log.add(nowMillis() + " w2")))
                                .then(exclusiveSecond)),
                        condition.withLock(condition.await().then(Mono.fromRunnable(() -> log.add(nowMillis() + " w3")))
                                .then(exclusiveSecond)),
                        // the signaller keeps the lock for 2 s after signalling
                        condition.withLock(Mono.fromRunnable(condition::signalAll)
                                .then(Mono.delay(Duration.ofSeconds(2)))
                                .then(Mono.fromRunnable(() -> log.add(nowMillis() + " signaller done"))))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(4_999))
                .thenAwait(Duration.ofMillis(1))
                .verifyComplete();

        assertThat(log).containsExactly("2000 signaller done", "2000 w1", "3000 w2", "4000 w3");
        assertThat(mostInside.get()).as("mutual exclusion after wake-up").isEqualTo(1);
        assertNoLeak(condition);
    }

    @Test
    void conditionsCanShareALock() {
        Lock lock = Lock.create("shared");
        Condition notEmpty = Condition.create(lock);
        Condition notFull = Condition.create(lock);
        List<String> log = new CopyOnWriteArrayList<>();
        waiter(notEmpty, "consumer", log).subscribe();
        waiter(notFull, "producer", log).subscribe();

        notFull.withLock(Mono.fromRunnable(notFull::signalAll)).subscribe();
        assertThat(log).containsExactly("producer");
        assertThat(notEmpty.waiting()).isEqualTo(1);

        lock.withLock(Mono.fromRunnable(notEmpty::signal)).subscribe();
        assertThat(log).containsExactly("producer", "consumer");
        assertNoLeak(notEmpty);
        assertNoLeak(notFull);
    }

    // ---------------------------------------------------------------- awaitUntil (wait_for)

    @Test
    void awaitUntilRechecksThePredicateUnderTheLockOnEveryWakeUpAndEmitsItsValue() {
        Condition condition = Condition.create(Lock.create("m"));
        AtomicInteger state = new AtomicInteger();
        List<Boolean> lockedDuringCheck = new CopyOnWriteArrayList<>();
        AtomicReference<String> result = new AtomicReference<>();

        condition.withLock(condition.awaitUntil(() -> {
            lockedDuringCheck.add(condition.lock().locked());
            return state.get() >= 3 ? "ready at " + state.get() : null;
        })).subscribe(result::set);

        for (int i = 1; i <= 3; i++) {
            assertThat(result.get()).isNull();
            assertThat(condition.waiting()).isEqualTo(1);
            condition.withLock(Mono.fromRunnable(() -> {
                state.incrementAndGet();
                condition.signalAll();
            })).subscribe();
        }

        assertThat(result.get()).isEqualTo("ready at 3");
        assertThat(lockedDuringCheck).containsExactly(true, true, true, true);
        assertNoLeak(condition);
    }

    @Test
    void awaitUntilAlreadySatisfiedEmitsAtOnceWithoutWaiting() {
        Condition condition = Condition.create();

        StepVerifier.create(condition.withLock(condition.awaitUntil(() -> Boolean.TRUE)))
                .expectNext(true)
                .verifyComplete();
        assertNoLeak(condition);
    }

    // ---------------------------------------------------------------- seed 001

    @Test
    void seedConditionExampleTwoWorkersAndFireEventAfterFiveSeconds() {
        Condition condition = Condition.create();
        List<String> log = new CopyOnWriteArrayList<>();

        java.util.function.Supplier<Mono<Void>> fireEvent = () -> Mono.delay(Duration.ofSeconds(5))
                .then(condition.withLock(Mono.fromRunnable(() -> {
                    log.add(nowMillis() + " fire_event: notify_all");
                    condition.signalAll();
                })));
        java.util.function.IntFunction<Mono<Void>> doWork = id -> condition.withLock(
                Mono.fromRunnable(() -> log.add(nowMillis() + " do_work" + id + ": waiting"))
                        .then(condition.await())
                        .then(Mono.fromRunnable(() -> log.add(nowMillis() + " do_work" + id + ": working")))
                        .then(Mono.delay(Duration.ofSeconds(1)))
                        .then(Mono.fromRunnable(() -> log.add(nowMillis() + " do_work" + id + ": done"))));

        StepVerifier.withVirtualTime(() -> Mono.when(fireEvent.get(), doWork.apply(1), doWork.apply(2)))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(6_999))
                .thenAwait(Duration.ofMillis(1))
                .verifyComplete();

        assertThat(log).containsExactly(
                "0 do_work1: waiting",
                "0 do_work2: waiting",
                "5000 fire_event: notify_all",
                "5000 do_work1: working",
                "6000 do_work1: done",
                "6000 do_work2: working",
                "7000 do_work2: done");
        assertNoLeak(condition);
    }

    enum ConnectionState { WAIT_INIT, INITIALIZING, INITIALIZED }

    @Test
    void seedConnectionStateWaitForExample() {
        Condition condition = Condition.create();
        AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.WAIT_INIT);
        List<String> log = new CopyOnWriteArrayList<>();

        java.util.function.Supplier<Boolean> isInitialized = () -> {
            boolean ready = state.get() == ConnectionState.INITIALIZED;
            log.add(nowMillis() + (ready ? " ready" : " not initialized"));
            return ready;
        };
        java.util.function.Function<ConnectionState, Mono<Void>> changeState = next -> Mono.defer(() -> {
            log.add(nowMillis() + " " + state.get() + " -> " + next);
            state.set(next);
            return condition.withLock(Mono.fromRunnable(condition::signalAll));
        });
        java.util.function.Function<String, Mono<Void>> execute = query -> condition.withLock(
                condition.awaitUntil(isInitialized)
                        .then(Mono.fromRunnable(() -> log.add(nowMillis() + " executing " + query)))
                        .then(Mono.delay(Duration.ofSeconds(5)))
                        .then(Mono.fromRunnable(() -> log.add(nowMillis() + " finished " + query))));
        // everything time-based is assembled inside the supplier: Mono.delay picks its scheduler at assembly

        StepVerifier.withVirtualTime(() -> Mono.when(execute.apply("table"), execute.apply("other_table"),
                        changeState.apply(ConnectionState.INITIALIZING)
                                .then(Mono.delay(Duration.ofSeconds(5)))
                                .then(changeState.apply(ConnectionState.INITIALIZED))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(14_999))
                .thenAwait(Duration.ofMillis(1))
                .verifyComplete();

        assertThat(log).containsExactly(
                "0 not initialized",
                "0 not initialized",
                "0 WAIT_INIT -> INITIALIZING",
                "0 not initialized",
                "0 not initialized",
                "5000 INITIALIZING -> INITIALIZED",
                "5000 ready",
                "5000 executing table",
                "10000 finished table",
                "10000 ready",
                "10000 executing other_table",
                "15000 finished other_table");
        assertNoLeak(condition);
    }

    // ---------------------------------------------------------------- timeout and cancellation

    @Test
    void awaitWithMaxWaitReacquiresTheLockBeforeFailing() {
        Condition condition = Condition.create(Lock.create("m"));
        Lock lock = condition.lock();
        List<String> log = new CopyOnWriteArrayList<>();

        java.util.function.Supplier<Mono<Void>> awaiting = () -> condition.withLock(
                condition.await(Duration.ofSeconds(2))
                        .onErrorResume(TimeoutException.class, e -> Mono.fromRunnable(() -> {
                            log.add(nowMillis() + " " + e.getMessage());
                            log.add("locked=" + lock.locked() + ", tryAcquire=" + lock.tryAcquire().isPresent());
                        }))
                        // the scope holds the lock again, so a further await is legal and lends it once more
                        .then(condition.await(Duration.ofSeconds(1))
                                .onErrorResume(TimeoutException.class, e -> Mono.empty()))
                        .then(Mono.fromRunnable(() -> log.add(nowMillis() + " awaiting done"))));
        // takes the lock while it is lent away, and keeps it past the 2 s timeout
        java.util.function.Supplier<Mono<Void>> intruder = () -> Mono.delay(Duration.ofSeconds(1))
                .then(lock.withLock(Mono.delay(Duration.ofSeconds(2))
                        .then(Mono.fromRunnable(() -> log.add(nowMillis() + " intruder done")))));

        StepVerifier.withVirtualTime(() -> Mono.when(awaiting.get(), intruder.get()))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(3_999))
                .thenAwait(Duration.ofMillis(1))
                .verifyComplete();

        assertThat(log).containsExactly(
                "3000 intruder done",
                "3000 Condition '" + condition.name() + "' was not signalled within 2s",
                "locked=true, tryAcquire=false",
                "4000 awaiting done");
        assertNoLeak(condition);
    }

    @Test
    void awaitWithMaxWaitSignalledInTimeCompletes() {
        Condition condition = Condition.create();

        StepVerifier.withVirtualTime(() -> Mono.when(
                        condition.withLock(condition.await(Duration.ofSeconds(2))),
                        Mono.delay(Duration.ofSeconds(1)).then(condition.withLock(Mono.fromRunnable(condition::signal)))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .verifyComplete();
        assertNoLeak(condition);
    }

    @Test
    void cancelWhileAwaitingRemovesTheWaiterAndReleasesTheLock() {
        Condition condition = Condition.create(Lock.create("m"));

        StepVerifier.create(condition.withLock(condition.await()))
                .expectSubscription()
                .then(() -> assertThat(condition.waiting()).isEqualTo(1))
                .thenCancel()
                .verify();

        assertNoLeak(condition);
    }

    @Test
    void cancelWhileAwaitingWithTheLockHeldElsewhereReleasesOnceItIsHandedBack() {
        Condition condition = Condition.create(Lock.create("m"));
        Lock lock = condition.lock();
        Disposable awaiting = condition.withLock(condition.await()).subscribe();
        Permit other = lock.tryAcquire().orElseThrow();

        awaiting.dispose();
        assertThat(condition.waiting()).isZero();

        assertThat(other.release()).isTrue();
        assertNoLeak(condition);
    }

    @Test
    void aCancelledWaiterDoesNotConsumeASignal() {
        Condition condition = Condition.create();
        List<String> log = new CopyOnWriteArrayList<>();
        Disposable first = waiter(condition, "first", log).subscribe();
        waiter(condition, "second", log).subscribe();

        first.dispose();
        signalUnderLock(condition, 1);

        assertThat(log).containsExactly("second");
        assertNoLeak(condition);
    }

    @Test
    void cancelWhileReacquiringAfterTheSignalReleasesTheLock() {
        Condition condition = Condition.create();
        Lock lock = condition.lock();
        List<String> log = new CopyOnWriteArrayList<>();
        Disposable woken = waiter(condition, "woken", log).subscribe();
        Permit signaller = lock.tryAcquire().orElseThrow();
        condition.signal();
        assertThat(condition.waiting()).isZero();
        assertThat(lock.waiting()).as("the woken waiter queues for the lock").isEqualTo(1);

        woken.dispose();
        signaller.release();

        assertThat(log).isEmpty();
        assertNoLeak(condition);
    }

    @Test
    void toStringNamesTheLockAndWaiters() {
        Condition condition = Condition.create(Lock.create("m"));
        Disposable waiting = condition.withLock(condition.await()).subscribe();

        assertThat(condition.lock().name()).isEqualTo("m");
        assertThat(condition.toString()).isEqualTo("Condition[name=" + condition.name() + ", lock=m, waiting=1]");
        waiting.dispose();
        assertNoLeak(condition);
    }

    @Test
    void aOneStatementSectionSignalsUnderTheLock() {
        Condition condition = Condition.create(Lock.create("m"));
        List<String> log = new CopyOnWriteArrayList<>();
        waiter(condition, "a", log).subscribe();
        waiter(condition, "b", log).subscribe();
        waiter(condition, "c", log).subscribe();
        StepVerifier.create(condition.withLock(() -> condition.signal(2))).verifyComplete();
        assertThat(log).containsExactly("a", "b");
        condition.withLock(condition::signalAll).block();
        assertThat(log).containsExactly("a", "b", "c");
        assertNoLeak(condition);
    }

    // ---------------------------------------------------------------- cancellation under races (issue 12)

    @Test
    void anAwaitCancelledWhileItsSignalIsDeliveredNeverLeavesTheLockWithAParkedWaiter() {
        // Issue 12, defect 1: the cancel of firstWithSignal(await, other) racing the signal's re-acquire once
        // queued a second re-acquire that later handed the lock to a scope parked in its next await.
        for (int round = 0; round < 3_000; round++) {
            Condition condition = Condition.create(Lock.create("m"));
            reactor.core.publisher.Sinks.Empty<Void> other = reactor.core.publisher.Sinks.empty();
            reactor.core.publisher.Sinks.Empty<Void> ended = reactor.core.publisher.Sinks.empty();
            condition.withLock(Mono.firstWithSignal(condition.await(), other.asMono())
                            .then(Mono.defer(condition::await)).onErrorResume(IllegalStateException.class,
                                    refused -> Mono.empty()))
                    .doFinally(signal -> ended.tryEmitEmpty())
                    .subscribe();
            io.github.reactorasyncio.DedicatedRace.race(
                    () -> condition.withLock(condition::signal).block(Duration.ofSeconds(5)),
                    other::tryEmitEmpty);
            String state = "round " + round + ": " + condition + ", " + condition.lock();
            condition.withLock(condition::signalAll).timeout(Duration.ofSeconds(5), Mono.error(
                    () -> new AssertionError("the lock was never free again: " + state))).block();
            ended.asMono().timeout(Duration.ofSeconds(5), Mono.error(
                    () -> new AssertionError("the waiter never ended: " + state))).block();
            assertNoLeak(condition);
        }
    }

    @Test
    void awaitAfterACancelledAwaitWhoseLockIsStillElsewhereIsRefused() {
        // Issue 12, defect 2 (b): Reactor's firstWithSignal runs what follows at once, without waiting for the
        // cancelled await to get the lock back; a second await there is refused instead of lending a lock it lacks.
        Condition condition = Condition.create(Lock.create("m"));
        reactor.core.publisher.Sinks.Empty<Void> trigger = reactor.core.publisher.Sinks.empty();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        condition.withLock(Mono.firstWithSignal(condition.await(), trigger.asMono()).then(Mono.defer(condition::await)))
                .subscribe(null, refused::set);
        Permit other = condition.lock().tryAcquire().orElseThrow();

        trigger.tryEmitEmpty();

        assertThat(refused.get()).isInstanceOf(IllegalStateException.class).hasMessage("Condition '"
                + condition.name() + "'.await() must run inside withLock of its lock 'm', which this subscriber does "
                + "not hold (an earlier await of this scope was cancelled and is still re-acquiring it)");
        assertThat(condition.lock().waiting()).as("the scope ended, withdrawing its pending re-acquire").isZero();
        other.release();
        assertNoLeak(condition);
    }

    @Test
    void aCancelledAwaitStillReacquiresTheLockForItsScope() {
        Condition condition = Condition.create(Lock.create("m"));
        reactor.core.publisher.Sinks.Empty<Void> trigger = reactor.core.publisher.Sinks.empty();
        reactor.core.publisher.Sinks.Empty<Void> finish = reactor.core.publisher.Sinks.empty();
        condition.withLock(Mono.firstWithSignal(condition.await(), trigger.asMono()).then(finish.asMono()))
                .subscribe();
        Permit other = condition.lock().tryAcquire().orElseThrow();
        trigger.tryEmitEmpty();
        other.release();

        assertThat(condition.lock().locked()).as("re-acquired for the scope that is still running").isTrue();
        assertThat(condition.lock().tryAcquire()).isEmpty();
        finish.tryEmitEmpty();
        assertNoLeak(condition);
    }

    @Test
    void aSignalTakenByAnAwaitCancelledBeforeItResumedPassesToTheNextWaiter() {
        // asyncio.Condition.wait: "Make sure to notify another Task instead" when a woken waiter is cancelled.
        Condition condition = Condition.create();
        List<String> log = new CopyOnWriteArrayList<>();
        Disposable first = waiter(condition, "first", log).subscribe();
        waiter(condition, "second", log).subscribe();
        Permit signaller = condition.lock().tryAcquire().orElseThrow();
        condition.signal();

        first.dispose();
        signaller.release();

        assertThat(log).containsExactly("second");
        assertNoLeak(condition);
    }

    @Test
    void noFalseDeadlockReportsOnAConditionsLock() throws InterruptedException {
        // Issue 12, defect 3: nothing here re-enters the lock, yet DETECT failed innocent callers.
        Lock lock = Lock.create("m", DeadlockPolicy.DETECT);
        Condition condition = Condition.create(lock);
        java.util.concurrent.atomic.LongAdder deadlocks = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.LongAdder timeouts = new java.util.concurrent.atomic.LongAdder();
        java.util.Random random = new java.util.Random(12);
        int operations = Integer.getInteger("condition.soak.operations", 6_000);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(operations);
        reactor.core.scheduler.Scheduler single = Schedulers.newSingle("condition-single");
        try {
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(48);
            for (int i = 0; i < operations; i++) {
                Mono<?> op = switch (random.nextInt(3)) {
                    case 0 -> condition.withLock(condition.await(Duration.ofMillis(1 + random.nextInt(3))))
                            .onErrorResume(TimeoutException.class, e -> {
                                timeouts.increment();
                                return Mono.empty();
                            });
                    case 1 -> condition.withLock(condition::signal);
                    default -> lock.withLock(Mono.delay(Duration.ofMillis(random.nextInt(2))));
                };
                inFlight.acquire();
                op.subscribeOn(random.nextBoolean() ? Schedulers.parallel() : single)
                        .doFinally(s -> {
                            inFlight.release();
                            done.countDown();
                        })
                        .subscribe(null, e -> {
                            if (e instanceof DeadlockException) {
                                deadlocks.increment();
                            }
                        });
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).as("every operation ended").isTrue();
        } finally {
            single.dispose();
        }
        assertThat(deadlocks.sum()).as("false deadlock reports (" + timeouts.sum() + " awaits timed out)").isZero();
        assertNoLeak(condition);
    }

    @Test
    void aReacquireFailedByTheDeadlockCheckFailsTheAwaitItselfAndItsScopeLetsGo() {
        // The re-acquire of a timed-out await closes a lock cycle (it waits for B, whose holder waits for A, which
        // the await's enclosing scope holds). DETECT fails it: the error must come out of the await, through its
        // scope, not be handed to the scope's downstream behind the scope's back.
        Lock a = Lock.create("A", DeadlockPolicy.DETECT);
        Lock b = Lock.create("B", DeadlockPolicy.DETECT);
        Condition onB = Condition.create(b);
        AtomicReference<Throwable> seenByAwait = new AtomicReference<>();
        List<String> log = new CopyOnWriteArrayList<>();
        StepVerifier.withVirtualTime(() -> {
                    Mono<String> first = a.withLock(onB.withLock(onB.await(Duration.ofSeconds(2))
                                    .doOnError(seenByAwait::set)
                                    .then(Mono.just("first done"))))
                            .onErrorResume(DeadlockException.class, e -> Mono.just("first failed"));
                    Mono<String> second = Mono.delay(Duration.ofSeconds(1))
                            .then(b.withLock(a.withLock(Mono.just("second done"))));
                    return Mono.zip(first, second, (x, y) -> x + ", " + y);
                })
                .thenAwait(Duration.ofSeconds(3))
                .expectNext("first failed, second done")
                .verifyComplete();
        assertThat(seenByAwait.get()).isInstanceOf(DeadlockException.class);
        assertThat(a.locked()).isFalse();
        assertThat(b.locked()).isFalse();
        assertThat(b.waiting()).isZero();
        assertThat(onB.waiting()).isZero();
    }
}
