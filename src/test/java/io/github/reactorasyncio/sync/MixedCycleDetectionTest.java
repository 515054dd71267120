package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.reactorasyncio.task.Asyncio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * Issue 14, item 3: cycles through more than one kind of primitive. Each shape is detected under DETECT (the waiter
 * that closes the cycle fails) and reported under REPORT (the flow is left hanging, so the test cancels it); every
 * wait is bounded, so a miss fails instead of hanging.
 */
class MixedCycleDetectionTest {

    private static final String SEMAPHORE_AND_LOCK = "Wait cycle: 'T2' waits for Semaphore 'S' held by 'T1', which "
            + "waits for Lock 'L' held by 'T2'. Take them in one global order (a Semaphore of one permit is a lock here).";
    private static String conditionCycle(Condition ready) {
        return "Wait cycle: 'signaller' waits for Lock 'B' held by 'awaiter', which awaits Condition '" + ready.name()
                + "', signalled only under Lock 'A' held by 'signaller'. A Condition await lends only its own lock: "
                + "release the others before awaiting.";
    }

    @RegisterExtension
    final DeadlockReports reports = new DeadlockReports();

    private static <T> Mono<T> named(Mono<T> work, String name) {
        return work.contextWrite(Context.of(Semaphore.HOLDER_KEY, name));
    }

    /** T1 holds the semaphore's one permit and then wants the lock; T2 holds the lock and then wants the permit. */
    private static Mono<List<String>> semaphoreAndLock(Semaphore sem, Lock lock, List<String> failures) {
        Mono<String> t1 = named(sem.withPermit(Mono.delay(Duration.ofSeconds(1))
                .then(lock.withLock(Mono.fromCallable(() -> "T1 got both")))), "T1");
        Mono<String> t2 = named(lock.withLock(Mono.delay(Duration.ofSeconds(1))
                        .then(sem.withPermit(Mono.fromCallable(() -> "T2 got both"))))
                .onErrorResume(DeadlockException.class, e -> {
                    failures.add(e.getMessage());
                    return Mono.just("T2 gave up");
                }), "T2");
        return Flux.merge(t1, t2).collectList();
    }

    @Test
    void aSemaphoreOfOnePermitAndALockInOppositeOrdersFailTheCloserUnderDetect() {
        Semaphore sem = Semaphore.create("S", 1, DeadlockPolicy.DETECT);
        Lock lock = Lock.create("L", DeadlockPolicy.DETECT);
        List<String> failures = new CopyOnWriteArrayList<>();
        StepVerifier.withVirtualTime(() -> semaphoreAndLock(sem, lock, failures))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(results -> assertThat(results).containsExactlyInAnyOrder("T1 got both", "T2 gave up"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(failures).containsExactly(SEMAPHORE_AND_LOCK);
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.primitive()).isEqualTo("Semaphore 'S'");
            assertThat(r.holders()).containsExactly("T1", "T2");
        });
        assertThat(sem.availablePermits()).isOne();
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void aSemaphoreOfOnePermitAndALockInOppositeOrdersAreReportedUnderReport() {
        Semaphore sem = Semaphore.create("S", 1, DeadlockPolicy.REPORT);
        Lock lock = Lock.create("L", DeadlockPolicy.REPORT);
        StepVerifier.withVirtualTime(() -> semaphoreAndLock(sem, lock, new CopyOnWriteArrayList<>()))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(10))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(reports).singleElement().extracting(DeadlockReport::message).isEqualTo(SEMAPHORE_AND_LOCK);
        assertThat(sem.availablePermits()).isOne();
        assertThat(lock.locked()).isFalse();
    }

    @Test
    void theLockSideClosingTheMixedCycleIsDetectedToo() {
        Semaphore sem = Semaphore.create("S", 1, DeadlockPolicy.DETECT);
        Lock lock = Lock.create("L", DeadlockPolicy.DETECT);
        List<String> failures = new CopyOnWriteArrayList<>();
        StepVerifier.withVirtualTime(() -> Flux.merge(
                        named(lock.withLock(Mono.delay(Duration.ofSeconds(1))
                                .then(sem.withPermit(Mono.just("T2 got both")))), "T2"),
                        named(sem.withPermit(Mono.delay(Duration.ofSeconds(2))
                                        .then(lock.withLock(Mono.just("T1 got both"))))
                                .onErrorResume(DeadlockException.class, e -> {
                                    failures.add(e.getMessage());
                                    return Mono.just("T1 gave up");
                                }), "T1"))
                        .collectList())
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(results -> assertThat(results).containsExactlyInAnyOrder("T2 got both", "T1 gave up"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(failures).containsExactly("Wait cycle: 'T1' waits for Lock 'L' held by 'T2', which waits for "
                + "Semaphore 'S' held by 'T1'. Take them in one global order (a Semaphore of one permit is a lock here).");
    }

    @Test
    void aBoundedSemaphoreOfOnePermitIsFollowedAsALock() {
        BoundedSemaphore sem = BoundedSemaphore.create("B", 1, DeadlockPolicy.DETECT);
        Lock lock = Lock.create("L", DeadlockPolicy.DETECT);
        List<String> failures = new CopyOnWriteArrayList<>();
        StepVerifier.withVirtualTime(() -> Flux.merge(
                        named(sem.withPermit(Mono.delay(Duration.ofSeconds(1))
                                .then(lock.withLock(Mono.just("T1 got both")))), "T1"),
                        named(lock.withLock(Mono.delay(Duration.ofSeconds(1))
                                        .then(sem.withPermit(Mono.just("T2 got both"))))
                                .onErrorResume(DeadlockException.class, e -> {
                                    failures.add(e.getMessage());
                                    return Mono.just("T2 gave up");
                                }), "T2"))
                        .collectList())
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(results -> assertThat(results).containsExactlyInAnyOrder("T1 got both", "T2 gave up"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(failures).containsExactly("Wait cycle: 'T2' waits for BoundedSemaphore 'B' held by 'T1', which "
                + "waits for Lock 'L' held by 'T2'. Take them in one global order (a Semaphore of one permit is a lock "
                + "here).");
    }

    @Test
    void aSemaphoreWithFreeOrSeveralPermitsIsNoCycle() {
        // Two permits: T2 gets the second one, both finish; a cycle walk must not follow a semaphore of many holders.
        Semaphore sem = Semaphore.create("S2", 2, DeadlockPolicy.DETECT);
        Lock lock = Lock.create("L", DeadlockPolicy.DETECT);
        StepVerifier.withVirtualTime(() -> semaphoreAndLock(sem, lock, new CopyOnWriteArrayList<>()))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(results -> assertThat(results).containsExactlyInAnyOrder("T1 got both", "T2 got both"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(reports).isEmpty();
    }

    @Test
    void aSemaphoreOfOnePermitGrownByAnExtraReleaseIsNotFollowed() {
        Semaphore sem = Semaphore.create("S", 1, DeadlockPolicy.DETECT);
        sem.release(); // asyncio: one release too many adds a permit
        Lock lock = Lock.create("L", DeadlockPolicy.DETECT);
        StepVerifier.withVirtualTime(() -> semaphoreAndLock(sem, lock, new CopyOnWriteArrayList<>()))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(results -> assertThat(results).containsExactlyInAnyOrder("T1 got both", "T2 got both"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(reports).isEmpty();
    }

    // ---- (b) a raw-acquire holder whose withPermit child queues on the same semaphore ----

    /** A raw permit, held until the child that needs the same semaphore is done. */
    private static Mono<String> rawHolderWithChild(Semaphore sem, Duration before) {
        return sem.acquire().flatMap(p -> Mono.delay(before).then(sem.withPermit(Mono.just("child ran")))
                .doFinally(s -> p.release()));
    }

    private static final String RAW_SUSPICION = " (A raw permit counts as held by the scope or task that acquired "
            + "it; if another branch of that scope or task will still release it, this is no deadlock, so nothing is "
            + "failed.)";

    @Test
    void aRawHolderInsideAScopeWhoseChildQueuesOnTheSameSemaphoreIsReportedButNotFailedUnderDetect() {
        Semaphore sem = Semaphore.create("S", 1, DeadlockPolicy.DETECT);
        Lock outer = Lock.create("outer", DeadlockPolicy.DETECT);
        StepVerifier.create(named(outer.withLock(rawHolderWithChild(sem, Duration.ZERO)), "Task-1"))
                .expectSubscription()
                .then(() -> awaitReport())
                .expectNoEvent(Duration.ofMillis(50))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(reports).singleElement().extracting(DeadlockReport::message).isEqualTo(
                "Semaphore 'S' (1 permit) is deadlocked: all 1 permit is held by parents [Task-1] waiting on their own "
                        + "1 child [Task-1] queued on the same semaphore. Use separate semaphores per level, or "
                        + "create it with DeadlockPolicy.REENTRANT so children borrow their parent's permit."
                        + RAW_SUSPICION);
        assertThat(sem.availablePermits()).as("the cancel's doFinally gave the raw permit back").isOne();
        assertThat(sem.waiting()).isZero();
    }

    @Test
    void aRawPermitReleasedByASiblingBranchOfItsOwnerIsNotFailedUnderDetect() {
        // The owner (the Lock's scope) cannot tell its branches apart: the second one queues as its descendant while
        // the first still holds the raw permit, and the first releases once its own work is done.
        Semaphore sem = Semaphore.create("S", 1, DeadlockPolicy.DETECT);
        Lock outer = Lock.create("outer", DeadlockPolicy.DETECT);
        StepVerifier.withVirtualTime(() -> outer.withLock(Mono.zip(
                        sem.acquire().flatMap(p -> Mono.delay(Duration.ofSeconds(1)).thenReturn("raw branch")
                                .doFinally(signal -> p.release())),
                        sem.withPermit(Mono.just("sibling branch")))))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(both -> assertThat(List.of(both.getT1(), both.getT2()))
                        .containsExactly("raw branch", "sibling branch"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(reports).singleElement().extracting(DeadlockReport::message).asString().endsWith(RAW_SUSPICION);
        assertThat(sem.availablePermits()).isOne();
    }

    private void awaitReport() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (reports.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aRawHolderInATaskWhoseChildQueuesOnTheSameSemaphoreIsReportedUnderReport() {
        Semaphore sem = Semaphore.create("S", 2, DeadlockPolicy.REPORT);
        List<io.github.reactorasyncio.task.Task<String>> tasks = List.of(
                Asyncio.createTask(rawHolderWithChild(sem, Duration.ofMillis(20)), "raw-1"),
                Asyncio.createTask(rawHolderWithChild(sem, Duration.ofMillis(20)), "raw-2"));
        awaitReport();
        // The two tasks run on their own threads: either may queue first.
        String tail = " queued on the same semaphore. Use separate semaphores per level, or create it with "
                + "DeadlockPolicy.REENTRANT so children borrow their parent's permit.";
        assertThat(reports).singleElement().extracting(DeadlockReport::message).isIn(
                "Semaphore 'S' (2 permits) is deadlocked: all 2 permits are held by parents [raw-1, raw-2] waiting on "
                        + "their own 2 children [raw-1, raw-2]" + tail + RAW_SUSPICION,
                "Semaphore 'S' (2 permits) is deadlocked: all 2 permits are held by parents [raw-2, raw-1] waiting on "
                        + "their own 2 children [raw-2, raw-1]" + tail + RAW_SUSPICION);
        tasks.forEach(io.github.reactorasyncio.task.Task::cancel);
    }

    @Test
    void aRawHolderWhoseSecondRawAcquireWaitsForSomeoneElsesReleaseIsNotFlagged() {
        // A semaphore used as a signal: the holder queues again, and another party's raw release() lets it in.
        Semaphore sem = Semaphore.create("signal", 1, DeadlockPolicy.DETECT);
        Lock outer = Lock.create("outer", DeadlockPolicy.DETECT);
        StepVerifier.withVirtualTime(() -> outer.withLock(sem.acquire()
                        .flatMap(first -> sem.acquire().map(second -> "signalled")))
                        .mergeWith(Mono.delay(Duration.ofSeconds(1)).then(Mono.fromRunnable(sem::release)))
                        .next())
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("signalled")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(reports).isEmpty();
    }

    @Test
    void aRawHoldEndedByAnAnonymousReleaseIsNoLongerCounted() {
        Semaphore sem = Semaphore.create("S", 1, DeadlockPolicy.DETECT);
        Lock outer = Lock.create("outer", DeadlockPolicy.DETECT);
        // The raw permit is given back by someone else (asyncio allows it), then a scope takes the permit and holds
        // it without waiting on anyone: the child of the former raw holder waits for that scope, no deadlock.
        StepVerifier.withVirtualTime(() -> Mono.when(
                        outer.withLock(sem.acquire().flatMap(p -> Mono.delay(Duration.ofSeconds(2))
                                .then(sem.withPermit(Mono.just("child"))))),
                        Mono.delay(Duration.ofSeconds(1)).then(Mono.fromRunnable(sem::release))
                                .then(sem.withPermit(Mono.delay(Duration.ofSeconds(2))))))
                .thenAwait(Duration.ofSeconds(4))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(reports).isEmpty();
    }

    // ---- (c) Condition.await while holding another lock that the signaller needs ----

    /**
     * The awaiter holds lock B and awaits {@code ready} (lending lock A); the signaller takes lock A, then needs B
     * before it signals.
     */
    private static Mono<String> conditionCycle(Lock a, Lock b, Condition ready, List<String> failures,
            Duration signallerDelay) {
        Mono<String> awaiter = named(b.withLock(a.withLock(ready.await().thenReturn("awaiter woke"))), "awaiter");
        Mono<String> signaller = named(Mono.delay(signallerDelay)
                .then(a.withLock(b.withLock(Mono.fromRunnable(ready::signal).thenReturn("signalled"))))
                .onErrorResume(DeadlockException.class, e -> {
                    failures.add(e.getMessage());
                    return Mono.just("signaller gave up");
                }), "signaller");
        return Flux.merge(awaiter, signaller).take(1).single();
    }

    @Test
    void aConditionAwaitHoldingALockTheSignallerNeedsFailsTheSignallerUnderDetect() {
        Lock a = Lock.create("A", DeadlockPolicy.DETECT);
        Lock b = Lock.create("B", DeadlockPolicy.DETECT);
        Condition ready = Condition.create(a);
        List<String> failures = new CopyOnWriteArrayList<>();
        StepVerifier.withVirtualTime(() -> conditionCycle(a, b, ready, failures, Duration.ofSeconds(1)))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("signaller gave up")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(failures).containsExactly(conditionCycle(ready));
        assertThat(reports).singleElement().extracting(DeadlockReport::primitive).isEqualTo("Lock 'B'");
        // take(1) cancelled the awaiter: both locks came back.
        assertThat(a.locked()).isFalse();
        assertThat(b.locked()).isFalse();
    }

    @Test
    void aConditionAwaitHoldingALockTheSignallerNeedsIsReportedUnderReport() {
        Lock a = Lock.create("A", DeadlockPolicy.REPORT);
        Lock b = Lock.create("B", DeadlockPolicy.REPORT);
        Condition ready = Condition.create(a);
        StepVerifier.withVirtualTime(() -> conditionCycle(a, b, ready, new CopyOnWriteArrayList<>(),
                        Duration.ofSeconds(1)))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(10))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(reports).singleElement().extracting(DeadlockReport::message).isEqualTo(conditionCycle(ready));
        assertThat(a.locked()).isFalse();
        assertThat(b.locked()).isFalse();
    }

    @Test
    void aSignallerThatDoesNotNeedTheAwaitersOtherLockIsNoCycle() {
        Lock a = Lock.create("A", DeadlockPolicy.DETECT);
        Lock b = Lock.create("B", DeadlockPolicy.DETECT);
        Condition ready = Condition.create(a);
        StepVerifier.withVirtualTime(() -> Flux.merge(
                        named(b.withLock(a.withLock(ready.await().thenReturn("awaiter woke"))), "awaiter"),
                        named(Mono.delay(Duration.ofSeconds(1))
                                .then(a.withLock(Mono.fromRunnable(ready::signal).thenReturn("signalled"))), "s"))
                        .collectList())
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(r -> assertThat(r).containsExactlyInAnyOrder("signalled", "awaiter woke"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(reports).isEmpty();
    }

    @Test
    void aTimedAwaitIsNoEdgeButItsReacquireClosesAnOrdinaryLockCycle() {
        // await(maxWait) can end without a signal, so the signaller's wait for B at 2 s is not reported; at 5 s the
        // await times out and queues to get A back, behind the signaller: now an ordinary lock cycle, and the
        // re-acquire that closed it fails the await.
        Lock a = Lock.create("A", DeadlockPolicy.DETECT);
        Lock b = Lock.create("B", DeadlockPolicy.DETECT);
        Condition ready = Condition.create(a);
        List<String> failures = new CopyOnWriteArrayList<>();
        StepVerifier.withVirtualTime(() -> Flux.merge(
                        named(b.withLock(a.withLock(ready.await(Duration.ofSeconds(5)).thenReturn("awaiter woke")))
                                .onErrorResume(DeadlockException.class, e -> {
                                    failures.add(e.getMessage());
                                    return Mono.just("awaiter gave up");
                                }), "awaiter"),
                        named(Mono.delay(Duration.ofSeconds(1)).then(a.withLock(Mono.delay(Duration.ofSeconds(1))
                                .then(b.withLock(Mono.fromRunnable(ready::signal).thenReturn("signalled"))))), "s"))
                        .collectList())
                .thenAwait(Duration.ofSeconds(4))
                .then(() -> assertThat(reports).as("nothing before the await times out").isEmpty())
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(r -> assertThat(r).containsExactlyInAnyOrder("signalled", "awaiter gave up"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(failures).containsExactly("Lock cycle: 'awaiter' waits for Lock 'A' held by 's', which waits for "
                + "Lock 'B' held by 'awaiter'. Take locks in one global order (Locks.withAll).");
    }

    /**
     * Issue 14's simultaneous-close race, for a mixed cycle: a {@code Semaphore(1)} and a {@code Lock} taken in
     * opposite orders by two tasks released at the same instant from two dedicated threads.
     */
    @Test
    void aSemaphoreAndLockCycleClosedFromTwoThreadsAtTheSameInstantIsAlwaysDetected() {
        int trials = Integer.getInteger("deadlock.race.trials", 2_000);
        assertThat(DeadlockDetectionTest.cyclesMissedWhenClosedAtOnce(trials, () -> {
            Semaphore sem = Semaphore.create("S", 1, DeadlockPolicy.DETECT);
            Lock lock = Lock.create("L", DeadlockPolicy.DETECT);
            return new DeadlockDetectionTest.CyclePair(sem::withPermit, lock::withLock,
                    () -> sem.availablePermits() == 0 || lock.locked());
        })).as("cycles that hung unreported in " + trials + " trials").isZero();
    }
}
