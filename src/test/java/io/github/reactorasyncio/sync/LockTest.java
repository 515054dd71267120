package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import io.github.reactorasyncio.DedicatedRace;
import reactor.util.context.Context;

@Timeout(60) // guards against a hang; every timing assertion below is in virtual time
class LockTest {

    /** Seed 001's increment_counter: read, yield, add one, yield, write back. */
    private static Mono<Void> incrementWithYields(int[] counter) {
        return Mono.fromCallable(() -> counter[0])
                .delayElement(Duration.ofMillis(1))   // await asyncio.sleep(0)
                .map(current -> current + 1)
                .delayElement(Duration.ofMillis(1))   // await asyncio.sleep(0)
                .doOnNext(current -> counter[0] = current)
                .then();
    }

    /** Work that records its start and then runs until {@code gate} is completed. */
    private static Mono<Void> holdUntil(String name, List<String> log, Sinks.Empty<Void> gate) {
        return Mono.defer(() -> {
            log.add(name);
            return gate.asMono();
        });
    }

    private static void assertFree(Lock lock) {
        assertThat(lock.locked()).as("locked").isFalse();
        assertThat(lock.waiting()).as("waiting").isZero();
        assertThat(lock.tryAcquire()).as("the lock can be taken again").hasValueSatisfying(Permit::release);
    }

    // ---------------------------------------------------------------- mutual exclusion (seed 001)

    @Test
    void withLockMakesTheSeedRaceCounterEndAtTenThousand() {
        Lock lock = Lock.create("counter");
        int[] counter = {0};

        StepVerifier.withVirtualTime(() -> Flux.range(0, 10_000)
                        .flatMap(i -> lock.withLock(incrementWithYields(counter)), 10_000)
                        .then())
                .expectSubscription()
                // each holder keeps the lock for its two 1 ms yields: the increments run strictly one after another
                .expectNoEvent(Duration.ofMillis(19_999))
                .thenAwait(Duration.ofMillis(1))
                .verifyComplete();

        assertThat(counter[0]).isEqualTo(10_000);
        assertFree(lock);
    }

    @Test
    void withoutTheLockTheSeedRaceCounterEndsAtOne() {
        int[] counter = {0};

        StepVerifier.withVirtualTime(() -> Flux.range(0, 10_000)
                        .flatMap(i -> incrementWithYields(counter), 10_000)
                        .then())
                .expectSubscription()
                .thenAwait(Duration.ofMillis(2))
                .verifyComplete();

        // every coroutine read 0 before any wrote back, exactly as in the seed
        assertThat(counter[0]).isEqualTo(1);
    }

    // ---------------------------------------------------------------- fairness

    @Test
    void grantsInArrivalOrder() {
        Lock lock = Lock.create("fifo");
        List<String> log = new CopyOnWriteArrayList<>();
        Sinks.Empty<Void> a = Sinks.empty();
        Sinks.Empty<Void> b = Sinks.empty();
        Sinks.Empty<Void> c = Sinks.empty();

        lock.withLock(holdUntil("A", log, a)).subscribe();
        lock.withLock(holdUntil("B", log, b)).subscribe();
        lock.withLock(holdUntil("C", log, c)).subscribe();
        assertThat(log).containsExactly("A");
        assertThat(lock.waiting()).isEqualTo(2);
        assertThat(lock.toString()).isEqualTo("Lock[name=fifo, locked, waiting=2]");

        a.tryEmitEmpty();
        assertThat(log).containsExactly("A", "B");
        assertThat(lock.waiting()).isEqualTo(1);

        b.tryEmitEmpty();
        assertThat(log).containsExactly("A", "B", "C");
        assertThat(lock.waiting()).isZero();

        c.tryEmitEmpty();
        assertFree(lock);
    }

    @Test
    void cancelledWaiterIsSkippedAndTheNextOneGetsTheLock() {
        Lock lock = Lock.create("fifo");
        List<String> log = new CopyOnWriteArrayList<>();
        Sinks.Empty<Void> a = Sinks.empty();
        Sinks.Empty<Void> c = Sinks.empty();

        lock.withLock(holdUntil("A", log, a)).subscribe();
        Disposable b = lock.withLock(holdUntil("B", log, Sinks.empty())).subscribe();
        lock.withLock(holdUntil("C", log, c)).subscribe();

        b.dispose();
        assertThat(lock.waiting()).isEqualTo(1);

        a.tryEmitEmpty();
        assertThat(log).containsExactly("A", "C");
        c.tryEmitEmpty();
        assertFree(lock);
        assertThat(lock.statistics().cancelled()).isEqualTo(1);
    }

    @Test
    void aNewcomerDoesNotBargeWhileTheLockIsBeingHandedOver() {
        Lock lock = Lock.create("handover");
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicReference<Optional<Permit>> barged = new AtomicReference<>();
        Permit first = lock.tryAcquire().orElseThrow();

        // B's work completes synchronously when granted. withLock releases before forwarding onComplete, so at
        // that moment the lock is free while C is still queued: the tryAcquire and acquire made from there
        // must respect C's place.
        lock.withLock(Mono.fromRunnable(() -> log.add("B")))
                .doOnSuccess(done -> {
                    barged.set(lock.tryAcquire());
                    lock.acquire().subscribe(permit -> {
                        log.add("D");
                        permit.release();
                    });
                })
                .subscribe();
        lock.acquire().subscribe(permit -> {
            log.add("C");
            permit.release();
        });

        first.release();

        assertThat(barged.get()).isEmpty();
        assertThat(log).containsExactly("B", "C", "D");
        assertFree(lock);
    }

    @Test
    void tryAcquireRespectsHoldersAndQueue() {
        Lock lock = Lock.create("try");
        Permit held = lock.tryAcquire().orElseThrow();
        assertThat(lock.locked()).isTrue();
        assertThat(lock.tryAcquire()).isEmpty();

        List<Permit> queued = new CopyOnWriteArrayList<>();
        lock.acquire().subscribe(queued::add);
        assertThat(lock.tryAcquire()).isEmpty();

        held.release();
        assertThat(queued).hasSize(1);
        assertThat(lock.tryAcquire()).as("the queued acquire has it now").isEmpty();

        queued.get(0).release();
        assertFree(lock);
    }

    // ---------------------------------------------------------------- cancellation and errors

    @Test
    void cancelWhileQueuedLeavesNoTrace() {
        Lock lock = Lock.create("cancel");
        Permit held = lock.tryAcquire().orElseThrow();
        List<String> log = new CopyOnWriteArrayList<>();

        StepVerifier.create(lock.withLock(Mono.fromRunnable(() -> log.add("never runs"))))
                .expectSubscription()
                .then(() -> assertThat(lock.waiting()).isEqualTo(1))
                .thenCancel()
                .verify();

        assertThat(lock.waiting()).isZero();
        assertThat(lock.statistics().cancelled()).isEqualTo(1);
        held.release();
        assertThat(log).isEmpty();
        assertFree(lock);
    }

    @Test
    void cancellingTheHolderCancelsItsWorkThenReleases() {
        Lock lock = Lock.create("holder");
        List<String> log = new CopyOnWriteArrayList<>();

        Disposable a = lock.withLock(Mono.never().doOnCancel(() -> log.add("A cancelled"))).subscribe();
        lock.withLock(Mono.fromRunnable(() -> log.add("B runs"))).subscribe();
        assertThat(lock.waiting()).isEqualTo(1);

        a.dispose();

        assertThat(log).containsExactly("A cancelled", "B runs");
        assertFree(lock);
    }

    @Test
    void anErrorInTheWorkReleasesBeforeTheErrorReachesDownstream() {
        Lock lock = Lock.create("error");

        StepVerifier.create(lock.withLock(Mono.error(new IOException("boom")))
                        .doOnError(e -> assertThat(lock.locked()).as("released before onError").isFalse()))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(IOException.class).hasMessage("boom"));

        assertFree(lock);
    }

    @Test
    void workThatThrowsWhenSubscribedReleases() {
        Lock lock = Lock.create("assembly");
        Mono<String> throwing = new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super String> actual) {
                throw new IllegalStateException("cannot subscribe");
            }
        };

        StepVerifier.create(lock.withLock(throwing))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessage("cannot subscribe"));

        assertFree(lock);
    }

    @Test
    void withLockOfFluxHoldsUntilTheFluxTerminates() {
        Lock lock = Lock.create("flux");

        StepVerifier.create(lock.withLock(Flux.just(1, 2, 3)), 1)
                .expectNext(1)
                .then(() -> assertThat(lock.locked()).isTrue())
                .thenRequest(2)
                .expectNext(2, 3)
                .verifyComplete();

        assertFree(lock);
    }

    // ---------------------------------------------------------------- raw acquire / release

    @Test
    void rawReleaseOfAnUnlockedLockThrows() {
        Lock lock = Lock.create("x");

        assertThatThrownBy(lock::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Lock 'x' is not acquired");
        assertFree(lock);
    }

    @Test
    void rawAcquireAndRelease() {
        Lock lock = Lock.create("raw");

        StepVerifier.create(lock.acquire()).assertNext(permit -> {
            assertThat(lock.locked()).isTrue();
            assertThat(permit.holder()).isEqualTo("anonymous");
        }).verifyComplete();
        lock.release();
        assertFree(lock);
    }

    @Test
    void permitReleaseIsIdempotent() {
        Lock lock = Lock.create("idempotent");
        Permit permit = lock.tryAcquire().orElseThrow();

        assertThat(permit.isReleased()).isFalse();
        assertThat(permit.release()).isTrue();
        assertThat(permit.isReleased()).isTrue();
        assertThat(permit.release()).isFalse();
        assertFree(lock);
    }

    @Test
    void permitReleasedAfterAStrayRawReleaseThrows() {
        Lock lock = Lock.create("stray");
        Permit permit = lock.tryAcquire().orElseThrow();
        lock.release();

        assertThatThrownBy(permit::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Lock 'stray' is not acquired");
        assertFree(lock);
    }

    @Test
    void holderNameComesFromTheContext() {
        Lock lock = Lock.create("named");

        StepVerifier.create(lock.acquire().contextWrite(Context.of(Semaphore.HOLDER_KEY, "worker-7")))
                .assertNext(permit -> {
                    assertThat(permit.holder()).isEqualTo("worker-7");
                    assertThat(permit.toString()).isEqualTo("Permit[of=named, holder=worker-7, held]");
                    permit.release();
                    assertThat(permit.toString()).isEqualTo("Permit[of=named, holder=worker-7, released]");
                })
                .verifyComplete();
        assertFree(lock);
    }

    // ---------------------------------------------------------------- acquire(maxWait)

    @Test
    void acquireWithMaxWaitTimesOutWithAMessageNamingTheLockAndTheWait() {
        Lock lock = Lock.create("db");
        Permit held = lock.tryAcquire().orElseThrow();

        StepVerifier.withVirtualTime(() -> lock.acquire(Duration.ofMillis(1500)))
                .expectSubscription()
                .then(() -> assertThat(lock.waiting()).isEqualTo(1))
                .expectNoEvent(Duration.ofMillis(1499))
                .thenAwait(Duration.ofMillis(1))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(TimeoutException.class)
                        .hasMessage("no permit of Lock 'db' within 1.5s (Lock[name=db, locked, waiting=0])"));

        assertThat(lock.waiting()).isZero();
        assertThat(lock.statistics().timedOut()).isEqualTo(1);
        assertThat(lock.statistics().cancelled()).isZero();
        held.release();
        assertFree(lock);
    }

    @Test
    void acquireWithMaxWaitGrantedInTimeDisarmsTheTimer() {
        Lock lock = Lock.create("db");
        Permit held = lock.tryAcquire().orElseThrow();
        AtomicReference<Permit> granted = new AtomicReference<>();

        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        try {
            lock.acquire(Duration.ofSeconds(2)).subscribe(granted::set);
            time.advanceTimeBy(Duration.ofSeconds(1));
            held.release();
            assertThat(granted.get()).isNotNull();

            time.advanceTimeBy(Duration.ofSeconds(5));
        } finally {
            VirtualTimeScheduler.reset();
        }
        assertThat(lock.locked()).as("the disarmed timer must not touch the granted permit").isTrue();
        assertThat(lock.statistics().timedOut()).isZero();
        assertThat(granted.get().release()).isTrue();
        assertFree(lock);
    }

    @Test
    void acquireWithZeroWaitSucceedsWhenFree() {
        Lock lock = Lock.create("zero");

        StepVerifier.withVirtualTime(() -> lock.acquire(Duration.ZERO))
                .assertNext(Permit::release)
                .verifyComplete();
        assertFree(lock);
    }

    @Test
    void misuseFailsWithTheValues() {
        assertThatThrownBy(() -> Lock.create(null))
                .isInstanceOf(NullPointerException.class).hasMessage("name must not be null");
        Lock lock = Lock.create("misuse");
        assertThatThrownBy(() -> lock.withLock((Mono<Object>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("work must not be null");
        assertThatThrownBy(() -> lock.withLock((Flux<Object>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("work must not be null");
        assertThatThrownBy(() -> lock.acquire(null))
                .isInstanceOf(NullPointerException.class).hasMessage("maxWait must not be null");
        assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(-2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxWait must not be negative, was -2s");
    }

    // ---------------------------------------------------------------- observability

    @Test
    void toStringAndStatistics() {
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        try {
            Lock lock = Lock.create("stats");
            assertThat(lock.name()).isEqualTo("stats");
            assertThat(lock.toString()).isEqualTo("Lock[name=stats, unlocked, waiting=0]");
            assertThat(lock.statistics())
                    .isEqualTo(new SemaphoreStatistics("stats", 1, 1, 0, 0, Duration.ZERO, 0, 0));

            Permit held = lock.acquire().contextWrite(Context.of(Semaphore.HOLDER_KEY, "A")).block();
            time.advanceTimeBy(Duration.ofSeconds(1));
            Disposable b = lock.acquire().subscribe();
            time.advanceTimeBy(Duration.ofSeconds(2));
            lock.acquire().subscribe();
            time.advanceTimeBy(Duration.ofSeconds(1));

            assertThat(lock.toString()).isEqualTo("Lock[name=stats, locked, waiting=2]");
            assertThat(lock.statistics())
                    .isEqualTo(new SemaphoreStatistics("stats", 1, 0, 1, 2, Duration.ofSeconds(3), 0, 0));
            assertThat(held.heldFor()).isEqualTo(Duration.ofSeconds(4));

            b.dispose();
            assertThat(lock.statistics())
                    .isEqualTo(new SemaphoreStatistics("stats", 1, 0, 1, 1, Duration.ofSeconds(1), 1, 0));
            held.release();
            time.advanceTimeBy(Duration.ofSeconds(1));
            assertThat(held.heldFor()).as("frozen at release").isEqualTo(Duration.ofSeconds(4));
            assertThat(lock.toString()).isEqualTo("Lock[name=stats, locked, waiting=0]");
        } finally {
            VirtualTimeScheduler.reset();
        }
    }

    @Test
    void automaticNamesAreDistinct() {
        assertThat(Lock.create().name()).startsWith("Lock-").isNotEqualTo(Lock.create().name());
    }

    // ---------------------------------------------------------------- races

    @Test
    void cancelRacingTheGrantNeverLeaksTheLock() {
        for (int i = 0; i < 5_000; i++) {
            Lock lock = Lock.create("race");
            Permit holder = lock.tryAcquire().orElseThrow();
            Disposable waiter = lock.withLock(Mono.never()).subscribe();

            DedicatedRace.race(holder::release, waiter::dispose);

            assertThat(lock.locked()).as("round %d: locked", i).isFalse();
            assertThat(lock.waiting()).as("round %d: waiting", i).isZero();
            assertThat(((PermitSource) lock).queue.linkedWaiters).as("round %d: left linked", i).isZero();
        }
    }

    @Test
    void cancelRacingTheGrantPassesTheLockToTheNextWaiter() {
        for (int i = 0; i < 5_000; i++) {
            Lock lock = Lock.create("race");
            Permit holder = lock.tryAcquire().orElseThrow();
            Disposable cancelled = lock.withLock(Mono.never()).subscribe();
            AtomicReference<Permit> next = new AtomicReference<>();
            lock.acquire().subscribe(next::set);

            DedicatedRace.race(holder::release, cancelled::dispose);

            assertThat(next.get()).as("round %d: the next waiter holds the lock", i).isNotNull();
            assertThat(lock.waiting()).as("round %d: waiting", i).isZero();
            next.get().release();
            assertThat(lock.locked()).as("round %d: locked", i).isFalse();
            assertThat(((PermitSource) lock).queue.linkedWaiters).as("round %d: left linked", i).isZero();
        }
    }

    @Test
    void cancelRacingTheGrantOfARawAcquireReleasesOrDeliversExactlyOnce() {
        for (int i = 0; i < 5_000; i++) {
            Lock lock = Lock.create("race");
            Permit holder = lock.tryAcquire().orElseThrow();
            // Keeps whatever it is sent, even after its cancel (subscribe(consumer) would drop a racing onNext,
            // which Reactive Streams allows and no publisher can detect; see Semaphore#acquire()).
            List<Permit> delivered = new CopyOnWriteArrayList<>();
            BaseSubscriber<Permit> waiter = new BaseSubscriber<>() {
                @Override
                protected void hookOnNext(Permit permit) {
                    delivered.add(permit);
                }
            };
            lock.acquire().subscribe(waiter);

            DedicatedRace.race(holder::release, waiter::dispose);

            assertThat(delivered).as("round %d: delivered at most once", i).hasSizeLessThanOrEqualTo(1);
            if (!delivered.isEmpty()) {
                assertThat(lock.locked()).as("round %d: the delivered permit holds the lock", i).isTrue();
                assertThat(delivered.get(0).release()).isTrue();
            }
            assertThat(lock.locked()).as("round %d: locked", i).isFalse();
            assertThat(lock.waiting()).as("round %d: waiting", i).isZero();
        }
    }

    @Test
    void aOneStatementSectionRunsUnderTheLockAndReleasesItExactlyOnce() {
        Lock lock = Lock.create("section");
        AtomicReference<Permit> held = new AtomicReference<>();
        lock.acquire().subscribe(held::set);
        AtomicBoolean ran = new AtomicBoolean();
        lock.withLock(() -> ran.set(true)).subscribe();
        assertThat(ran).as("waits for the lock").isFalse();
        held.get().release();
        assertThat(ran).isTrue();
        assertFree(lock);
        StepVerifier.create(lock.withLock(() -> {
            throw new IllegalStateException("section failed");
        })).verifyErrorMessage("section failed");
        assertFree(lock);
        assertThatThrownBy(() -> lock.withLock((Runnable) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("section");
    }
}
