package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

@Timeout(60) // guards against a hang; every timing assertion below is in virtual time
class LocksTest {

    private static void assertFree(Lock... locks) {
        for (Lock lock : locks) {
            assertThat(lock.locked()).as("%s locked", lock.name()).isFalse();
            assertThat(lock.waiting()).as("%s waiting", lock.name()).isZero();
        }
    }

    // ---------------------------------------------------------------- seed 001: two tasks, two locks, opposite order

    /** The seed's task: takes its first lock, sleeps 1 s, then takes its second. */
    private static Mono<String> byHand(String task, Lock first, Lock second) {
        return first.withLock(Mono.delay(Duration.ofSeconds(1)).then(second.withLock(Mono.just(task + " done"))))
                .contextWrite(Context.of(Semaphore.HOLDER_KEY, task));
    }

    @Test
    void byHandOppositeOrdersHangUnderOffTheShapeWithAllPrevents() {
        Lock lock1 = Lock.create("lock1", DeadlockPolicy.OFF);
        Lock lock2 = Lock.create("lock2", DeadlockPolicy.OFF);
        StepVerifier.withVirtualTime(() -> Flux.merge(byHand("Task 1", lock1, lock2), byHand("Task 2", lock2, lock1)))
                .expectSubscription()
                .expectNoEvent(Duration.ofHours(1))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertFree(lock1, lock2);
    }

    @Test
    void twoTasksPassingTheLocksInOppositeOrdersNeverDeadlock() {
        for (DeadlockPolicy policy : List.of(DeadlockPolicy.OFF, DeadlockPolicy.DETECT)) {
            Lock lock1 = Lock.create("lock1", policy);
            Lock lock2 = Lock.create("lock2", policy);
            List<DeadlockReport> reports = new CopyOnWriteArrayList<>();
            Disposable listener = Diagnostics.addDeadlockListener(reports::add);
            try {
                StepVerifier.withVirtualTime(() -> Flux.merge(
                                Locks.withAll(Mono.delay(Duration.ofSeconds(1)).thenReturn("Task 1 done"), lock1, lock2),
                                Locks.withAll(Mono.delay(Duration.ofSeconds(1)).thenReturn("Task 2 done"), lock2, lock1)))
                        .expectSubscription()
                        .expectNoEvent(Duration.ofSeconds(1))
                        .expectNext("Task 1 done")
                        .expectNoEvent(Duration.ofSeconds(1))
                        .expectNext("Task 2 done")
                        .verifyComplete();
            } finally {
                listener.dispose();
            }
            assertThat(reports).as("%s: nothing to report", policy).isEmpty();
            assertFree(lock1, lock2);
        }
    }

    @Test
    void manyFlowsWithRandomArgumentOrdersAllFinishOneAtATime() {
        Lock a = Lock.create("a", DeadlockPolicy.OFF);
        Lock b = Lock.create("b", DeadlockPolicy.OFF);
        Lock c = Lock.create("c", DeadlockPolicy.OFF);
        java.util.Random random = new java.util.Random(7);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<List<Lock>> orders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<Lock> order = new ArrayList<>(List.of(a, b, c));
            java.util.Collections.shuffle(order, random);
            orders.add(order);
        }
        StepVerifier.withVirtualTime(() -> Flux.fromIterable(orders)
                        .flatMap(order -> Locks.withAll(Mono.defer(() -> {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            return Mono.delay(Duration.ofMillis(100));
                        }).doOnTerminate(inside::decrementAndGet), order))
                        .count())
                .thenAwait(Duration.ofSeconds(2))
                .expectNext(20L)
                .verifyComplete();
        assertThat(most.get()).isEqualTo(1);
        assertFree(a, b, c);
    }

    // ---------------------------------------------------------------- the order

    @Test
    void locksAreTakenOldestFirstWhateverOrderTheyArePassedIn() {
        Lock older = Lock.create("older");
        Lock newer = Lock.create("newer");
        for (boolean asList : new boolean[] {false, true}) {
            Permit newerHeld = newer.tryAcquire().orElseThrow();
            List<String> log = new CopyOnWriteArrayList<>();
            Mono<String> work = Mono.fromCallable(() -> {
                log.add("work with older " + (older.locked() ? "held" : "free") + ", newer "
                        + (newer.locked() ? "held" : "free"));
                return "done";
            });
            Mono<String> both = asList ? Locks.withAll(work, List.of(newer, older)) : Locks.withAll(work, newer, older);
            StepVerifier.create(both)
                    .expectSubscription()
                    .then(() -> {
                        assertThat(older.locked()).as("the older lock is taken first").isTrue();
                        assertThat(newer.waiting()).as("then the newer one is waited for").isEqualTo(1);
                        assertThat(log).isEmpty();
                    })
                    .then(newerHeld::release)
                    .expectNext("done")
                    .verifyComplete();
            assertThat(log).containsExactly("work with older held, newer held");
            assertFree(older, newer);
        }
    }

    @Test
    void monoReleasesEveryLockBeforeItsValueGoesDownstream() {
        Lock a = Lock.create("a");
        Lock b = Lock.create("b");
        StepVerifier.create(Locks.withAll(Mono.just(1), b, a).map(v -> a.locked() || b.locked()))
                .expectNext(false)
                .verifyComplete();
    }

    @Test
    void fluxHoldsEveryLockUntilItTerminates() {
        Lock a = Lock.create("a");
        Lock b = Lock.create("b");
        StepVerifier.withVirtualTime(() -> Locks.withAll(Flux.interval(Duration.ofSeconds(1)).take(3), b, a)
                        .map(i -> a.locked() && b.locked()))
                .thenAwait(Duration.ofSeconds(3))
                .expectNext(true, true, true)
                .verifyComplete();
        assertFree(a, b);
        StepVerifier.create(Locks.withAll(Flux.just(1, 2), List.of(a, b))).expectNext(1, 2).verifyComplete();
        assertFree(a, b);
    }

    // ---------------------------------------------------------------- errors and cancellation

    @Test
    void anErrorReleasesEveryLock() {
        Lock a = Lock.create("a");
        Lock b = Lock.create("b");
        StepVerifier.create(Locks.withAll(Mono.error(new IOException("boom")), b, a))
                .verifyErrorMessage("boom");
        assertFree(a, b);
        StepVerifier.create(Locks.withAll(Flux.concat(Flux.just(1), Flux.error(new IOException("late"))), a, b))
                .expectNext(1)
                .verifyErrorMessage("late");
        assertFree(a, b);
    }

    @Test
    void cancellingWhileHoldingEveryLockReleasesThemAll() {
        Lock a = Lock.create("a");
        Lock b = Lock.create("b");
        Sinks.Empty<Void> never = Sinks.empty();
        StepVerifier.create(Locks.withAll(never.asMono(), a, b))
                .expectSubscription()
                .then(() -> assertThat(a.locked() && b.locked()).isTrue())
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(never.currentSubscriberCount()).as("the work was cancelled").isZero();
        assertFree(a, b);
    }

    @Test
    void cancellingWhileWaitingForTheSecondLockReleasesTheFirstAndWithdrawsTheWait() {
        Lock a = Lock.create("a");
        Lock b = Lock.create("b");
        Permit bHeld = b.tryAcquire().orElseThrow();
        AtomicInteger ran = new AtomicInteger();
        StepVerifier.create(Locks.withAll(Mono.fromRunnable(ran::incrementAndGet), b, a))
                .expectSubscription()
                .then(() -> assertThat(b.waiting()).isEqualTo(1))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(a.locked()).isFalse();
        assertThat(b.waiting()).isZero();
        bHeld.release();
        assertThat(ran).hasValue(0);
        assertFree(a, b);
    }

    // ---------------------------------------------------------------- misuse

    @Test
    void misuseFailsAtOnceWithExactMessages() {
        Lock db = Lock.create("db");
        Lock cache = Lock.create("cache");
        Mono<Integer> work = Mono.just(1);
        assertThatThrownBy(() -> Locks.withAll((Mono<Integer>) null, db))
                .isInstanceOf(NullPointerException.class).hasMessage("work must not be null");
        assertThatThrownBy(() -> Locks.withAll((Flux<Integer>) null, List.of(db)))
                .isInstanceOf(NullPointerException.class).hasMessage("work must not be null");
        assertThatThrownBy(() -> Locks.withAll(work, (Lock[]) null))
                .isInstanceOf(NullPointerException.class).hasMessage("locks must not be null");
        assertThatThrownBy(() -> Locks.withAll(work, (List<Lock>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("locks must not be null");
        assertThatThrownBy(() -> Locks.withAll(work, db, null))
                .isInstanceOf(NullPointerException.class).hasMessage("locks[1] must not be null");
        assertThatThrownBy(() -> Locks.withAll(Flux.just(1), Arrays.asList(null, db)))
                .isInstanceOf(NullPointerException.class).hasMessage("locks[0] must not be null");
        assertThatThrownBy(() -> Locks.withAll(work))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Locks.withAll needs at least one lock");
        assertThatThrownBy(() -> Locks.withAll(Flux.just(1), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Locks.withAll needs at least one lock");
        assertThatThrownBy(() -> Locks.withAll(work, db, cache, db))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Lock 'db' is passed to Locks.withAll more than once");
        Lock foreign = (Lock) Proxy.newProxyInstance(Lock.class.getClassLoader(), new Class<?>[] {Lock.class},
                (proxy, method, args) -> null);
        assertThatThrownBy(() -> Locks.withAll(work, db, foreign))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("locks[1] must come from Lock.create(), was " + foreign.getClass().getName());
        assertFree(db, cache);
    }
}
