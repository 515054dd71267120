package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.context.Context;

/**
 * Diagnostics.snapshot() and holder tracking. The registry is global, so each test names its primitives uniquely
 * and looks only at those. Time is virtual: {@code PermitQueue.now()} reads {@code Schedulers.parallel()}.
 */
@Timeout(60)
class DiagnosticsTest {

    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private VirtualTimeScheduler clock;
    private final String prefix = "diag" + UNIQUE.incrementAndGet() + "-";

    @BeforeEach
    void virtualTime() {
        clock = VirtualTimeScheduler.getOrSet();
    }

    @AfterEach
    void restore() {
        Diagnostics.trackHolders(false);
        VirtualTimeScheduler.reset();
    }

    private List<PrimitiveSnapshot> mine(DiagnosticsSnapshot snapshot) {
        return snapshot.primitives().stream().filter(p -> p.name().startsWith(prefix)).toList();
    }

    private PrimitiveSnapshot mine(String name) {
        return mine(Diagnostics.snapshot()).stream().filter(p -> p.name().equals(prefix + name)).findFirst()
                .orElseThrow();
    }

    private static Mono<Void> named(String holder, Mono<Void> work) {
        return work.contextWrite(Context.of(Semaphore.HOLDER_KEY, holder));
    }

    @Test
    void everyLivePrimitiveIsListedOldestFirstWithItsStatistics() {
        Semaphore sem = Semaphore.create(prefix + "sem", 3, DeadlockPolicy.DETECT);
        BoundedSemaphore bounded = BoundedSemaphore.create(prefix + "bounded", 2);
        Lock lock = Lock.create(prefix + "lock", DeadlockPolicy.OFF);
        Permit permit = sem.tryAcquire().orElseThrow();

        List<PrimitiveSnapshot> mine = mine(Diagnostics.snapshot());

        assertThat(mine).extracting(PrimitiveSnapshot::kind).containsExactly("Semaphore", "BoundedSemaphore", "Lock");
        assertThat(mine).extracting(PrimitiveSnapshot::policy)
                .containsExactly(DeadlockPolicy.DETECT, DeadlockPolicy.REPORT, DeadlockPolicy.OFF);
        assertThat(mine.get(0).statistics()).isEqualTo(sem.statistics());
        assertThat(mine.get(0).statistics().inUse()).isEqualTo(1);
        assertThat(mine.get(1).statistics()).isEqualTo(bounded.statistics());
        assertThat(mine.get(2).statistics()).isEqualTo(lock.statistics());
        permit.release();
    }

    @Test
    void oneSemaphoreOrLockCanBeSnapshottedAlone() {
        Semaphore sem = Semaphore.create(prefix + "sem", 2);
        Lock lock = Lock.create(prefix + "lock");
        Permit permit = lock.tryAcquire().orElseThrow();
        assertThat(Diagnostics.snapshot(sem)).isEqualTo(mine("sem"));
        assertThat(Diagnostics.snapshot(lock)).isEqualTo(mine("lock"));
        assertThat(Diagnostics.snapshot(lock).statistics().inUse()).isEqualTo(1);
        assertThatThrownBy(() -> Diagnostics.snapshot((Lock) null))
                .isInstanceOf(NullPointerException.class).hasMessage("lock must not be null");
        assertThatThrownBy(() -> Diagnostics.snapshot((Semaphore) null))
                .isInstanceOf(NullPointerException.class).hasMessage("semaphore must not be null");
        Lock foreign = (Lock) java.lang.reflect.Proxy.newProxyInstance(Lock.class.getClassLoader(),
                new Class<?>[] {Lock.class}, (proxy, method, args) -> null);
        assertThatThrownBy(() -> Diagnostics.snapshot(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lock must come from its create() factory, was " + foreign.getClass().getName());
        permit.release();
    }

    @Test
    void anUnreachablePrimitiveIsCollectedAndLeavesTheSnapshot() {
        WeakReference<Semaphore> ref = new WeakReference<>(Semaphore.create(prefix + "garbage", 1));
        assertThat(mine(Diagnostics.snapshot())).extracting(PrimitiveSnapshot::name).contains(prefix + "garbage");
        // The registry's weak reference is to the primitive's engine; a GC may clear the two in different cycles.
        for (int i = 0; i < 50 && (ref.get() != null || mine(Diagnostics.snapshot()).stream()
                .anyMatch(p -> p.name().equals(prefix + "garbage"))); i++) {
            System.gc();
        }
        assertThat(ref.get()).as("the registry must not keep a primitive alive").isNull();
        assertThat(mine(Diagnostics.snapshot())).extracting(PrimitiveSnapshot::name).doesNotContain(prefix + "garbage");
    }

    @Test
    void semaphoreHoldersAreListedOnlyWhileTrackingIsOn() {
        Semaphore sem = Semaphore.create(prefix + "sem", 3);
        Sinks.Empty<Void> gate = Sinks.empty();
        Disposable untracked = named("untracked", sem.withPermit(gate.asMono())).subscribe();
        clock.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(mine("sem").holders()).isEmpty();
        assertThat(Diagnostics.snapshot().holdersTracked()).isFalse();

        Diagnostics.trackHolders(true);
        Disposable scoped = named("scoped", sem.withPermit(gate.asMono())).subscribe();
        Permit raw = sem.acquire().contextWrite(Context.of(Semaphore.HOLDER_KEY, "raw")).block(Duration.ofSeconds(1));
        clock.advanceTimeBy(Duration.ofSeconds(3));

        PrimitiveSnapshot snapshot = mine("sem");
        assertThat(Diagnostics.snapshot().holdersTracked()).isTrue();
        assertThat(snapshot.statistics().inUse()).isEqualTo(3);
        assertThat(snapshot.holders()).containsExactly(
                new PrimitiveSnapshot.Holder("scoped", Optional.of(Duration.ofSeconds(3)), false),
                new PrimitiveSnapshot.Holder("raw", Optional.of(Duration.ofSeconds(3)), true));

        raw.release();
        scoped.dispose();
        assertThat(mine("sem").holders()).as("released holds leave the list").isEmpty();
        untracked.dispose();
        assertThat(sem.availablePermits()).isEqualTo(3);
    }

    @Test
    void aHoldTrackedWhileOnStaysListedUntilReleasedAndErrorsAndCancelsUnlistIt() {
        Semaphore sem = Semaphore.create(prefix + "sem", 2);
        Diagnostics.trackHolders(true);
        Sinks.Empty<Void> gate = Sinks.empty();
        Disposable first = named("first", sem.withPermit(gate.asMono())).subscribe();
        Disposable second = named("second", sem.withPermit(gate.asMono())).subscribe(null, e -> { });
        Diagnostics.trackHolders(false);
        assertThat(mine("sem").holders()).extracting(PrimitiveSnapshot.Holder::name).containsExactly("first", "second");
        first.dispose();
        assertThat(mine("sem").holders()).extracting(PrimitiveSnapshot.Holder::name).containsExactly("second");
        gate.tryEmitError(new IllegalStateException("boom"));
        assertThat(mine("sem").holders()).isEmpty();
        assertThat(second.isDisposed()).isTrue();
    }

    @Test
    void aDetectingLockKnowsItsWithLockHolderWithoutTracking() {
        Lock lock = Lock.create(prefix + "lock");
        Lock off = Lock.create(prefix + "off", DeadlockPolicy.OFF);
        Sinks.Empty<Void> gate = Sinks.empty();
        Disposable held = named("Task-1", lock.withLock(gate.asMono())).subscribe();
        Disposable heldOff = named("Task-2", off.withLock(gate.asMono())).subscribe();
        assertThat(mine("lock").holders())
                .containsExactly(new PrimitiveSnapshot.Holder("Task-1", Optional.empty(), false));
        assertThat(mine("off").holders()).as("OFF tracks nothing").isEmpty();
        held.dispose();
        heldOff.dispose();
        assertThat(mine("lock").holders()).isEmpty();

        Diagnostics.trackHolders(true);
        Disposable tracked = named("Task-3", lock.withLock(gate.asMono())).subscribe();
        clock.advanceTimeBy(Duration.ofMillis(250));
        assertThat(mine("lock").holders()).as("listed once, with its hold time")
                .containsExactly(new PrimitiveSnapshot.Holder("Task-3", Optional.of(Duration.ofMillis(250)), false));
        tracked.dispose();
    }

    @Test
    void waitersAreListedOldestFirstWithWaitTimeAndTheirAncestors() {
        Semaphore outer = Semaphore.create(prefix + "outer", 1);
        Semaphore inner = Semaphore.create(prefix + "inner", 1);
        Permit blocker = inner.tryAcquire().orElseThrow();
        Disposable parent = named("parent", outer.withPermit(Mono.delay(Duration.ofSeconds(1))
                        .then(named("child", inner.withPermit(Mono.empty())))))
                .subscribe();
        Disposable late = named("late", inner.withPermit(Mono.<Void>empty()).delaySubscription(Duration.ofSeconds(2)))
                .subscribe();
        clock.advanceTimeBy(Duration.ofSeconds(3));

        assertThat(mine("inner").waiters()).containsExactly(
                new PrimitiveSnapshot.Waiter("child", Duration.ofSeconds(2), List.of("parent (Semaphore '" + prefix
                        + "outer')")),
                new PrimitiveSnapshot.Waiter("late", Duration.ofSeconds(1), List.of()));
        assertThat(mine("inner").statistics().waiting()).isEqualTo(2);

        parent.dispose();
        assertThat(mine("inner").waiters()).extracting(PrimitiveSnapshot.Waiter::name).containsExactly("late");
        blocker.release();
        assertThat(mine("inner").waiters()).isEmpty();
        late.dispose();
    }

    @Test
    void aConditionAwaitLendsTheHoldAwayAndTheReacquireIsNotAStrayRawPermit() {
        Lock lock = Lock.create(prefix + "lock");
        Condition condition = Condition.create(lock);
        Diagnostics.trackHolders(true);
        Disposable waiter = named("waiter", lock.withLock(condition.await()
                .then(Mono.delay(Duration.ofSeconds(1))).then())).subscribe();
        assertThat(mine("lock").holders()).as("await lent the lock away").isEmpty();

        lock.withLock(Mono.fromRunnable(condition::signalAll)).block(Duration.ofSeconds(1));
        assertThat(mine("lock").holders()).as("re-acquired: the scope holds it again, once")
                .extracting(PrimitiveSnapshot.Holder::name, PrimitiveSnapshot.Holder::rawPermit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("waiter", false));

        clock.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(waiter.isDisposed()).isTrue();
        assertThat(mine("lock").holders()).isEmpty();
        assertThat(lock.locked()).isFalse();
    }

    /** Real threads, random cancels and errors. */
    @Test
    void underRandomCancelsAndErrorsOnRealThreadsNoTrackedHoldOutlivesItsRelease() {
        VirtualTimeScheduler.reset(); // while installed, even Schedulers.newParallel returns the virtual clock
        Scheduler threads = Schedulers.newParallel("diagnostics-stress", 4);
        try {
            Semaphore sem = Semaphore.create(prefix + "sem", 4);
            Lock lock = Lock.create(prefix + "lock");
            Diagnostics.trackHolders(true);
            Long calls = Flux.range(0, 20_000)
                    .parallel(4)
                    .runOn(threads)
                    .flatMap(i -> randomCall(i, sem, lock, threads).onErrorResume(e -> Mono.empty()).thenReturn(i),
                            false, 32)
                    .sequential()
                    .count()
                    .block(Duration.ofSeconds(60));
            assertThat(calls).isEqualTo(20_000L);
            for (String name : List.of("sem", "lock")) {
                PrimitiveSnapshot snapshot = mine(name);
                assertThat(snapshot.holders()).as("%s holders", name).isEmpty();
                assertThat(snapshot.waiters()).as("%s waiters", name).isEmpty();
                assertThat(snapshot.statistics().inUse()).as("%s in use", name).isZero();
            }
        } finally {
            threads.dispose();
        }
    }

    private static Mono<Void> randomCall(int i, Semaphore sem, Lock lock, Scheduler threads) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Duration shortly = Duration.ofNanos(random.nextInt(50_000));
        return switch (i % 4) {
            case 0 -> sem.withPermit(Mono.delay(shortly, threads).then()).timeout(shortly, threads);
            case 1 -> lock.withLock(Mono.error(new IllegalStateException("boom")));
            case 2 -> sem.acquire().flatMap(permit -> Mono.fromRunnable(permit::release).subscribeOn(threads)).then();
            default -> lock.withLock(Mono.delay(shortly, threads).then()).timeout(shortly, threads);
        };
    }

    @Test
    void holdsLongerThanKeepsOnlyLongHoldersAndTheirPrimitive() {
        Semaphore slow = Semaphore.create(prefix + "slow", 2);
        Semaphore fast = Semaphore.create(prefix + "fast", 1);
        Diagnostics.trackHolders(true);
        Permit leaked = slow.acquire().contextWrite(Context.of(Semaphore.HOLDER_KEY, "leaker")).block();
        clock.advanceTimeBy(Duration.ofSeconds(4));
        Permit recent = slow.tryAcquire().orElseThrow();
        Permit other = fast.tryAcquire().orElseThrow();
        Disposable waiting = named("queued", slow.withPermit(Mono.<Void>empty())).subscribe();
        clock.advanceTimeBy(Duration.ofSeconds(1));

        List<PrimitiveSnapshot> longHolds = mine(Diagnostics.snapshot().holdsLongerThan(Duration.ofSeconds(2)));

        assertThat(longHolds).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo(prefix + "slow");
            assertThat(p.holders()).containsExactly(
                    new PrimitiveSnapshot.Holder("leaker", Optional.of(Duration.ofSeconds(5)), true));
            assertThat(p.waiters()).extracting(PrimitiveSnapshot.Waiter::name).containsExactly("queued");
        });
        assertThat(mine(Diagnostics.snapshot().holdsLongerThan(Duration.ofSeconds(5)))).as("strictly longer").isEmpty();
        assertThatThrownBy(() -> Diagnostics.snapshot().holdsLongerThan(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("limit must not be negative, was -1s");
        assertThatThrownBy(() -> Diagnostics.snapshot().holdsLongerThan(null))
                .isInstanceOf(NullPointerException.class).hasMessage("limit must not be null");
        waiting.dispose();
        leaked.release();
        recent.release();
        other.release();
    }

    @Test
    void toStringIsALoggableReport() {
        Lock lock = Lock.create(prefix + "db");
        Diagnostics.trackHolders(true);
        Permit held = lock.acquire().contextWrite(Context.of(Semaphore.HOLDER_KEY, "Task-1")).block();
        Disposable main = named("main", lock.withLock(Mono.<Void>empty()).delaySubscription(Duration.ofMillis(500)))
                .subscribe();
        clock.advanceTimeBy(Duration.ofMillis(1500));

        assertThat(mine("db")).hasToString("Lock '" + prefix + "db' (REPORT): 1/1 in use, 1 waiting\n"
                + "  held by Task-1 for 1.5s (raw permit)\n"
                + "  waited for by main for 1s");
        DiagnosticsSnapshot longHolds = Diagnostics.snapshot().holdsLongerThan(Duration.ofSeconds(1));
        assertThat(longHolds.toString()).startsWith("Diagnostics snapshot: " + longHolds.primitives().size()
                + (longHolds.primitives().size() == 1 ? " primitive\n" : " primitives\n"));
        assertThat(longHolds.toString()).contains(mine("db").toString());

        Diagnostics.trackHolders(false);
        assertThat(new DiagnosticsSnapshot(false, List.of())).hasToString("Diagnostics snapshot: 0 primitives "
                + "(holder tracking off: only withLock holders are listed; see Diagnostics.trackHolders)");
        assertThat(new PrimitiveSnapshot.Holder("Task-2", Optional.empty(), false))
                .hasToString("Task-2 (hold time not tracked)");
        main.dispose();
        held.release();
    }

    @Test
    void aRawReleaseRetiresTheOldestRawHolderSoTrackedHoldersMatchThePermitsOut() {
        // Issue 12, defect 6: asyncio's idiom `await sem.acquire() ... sem.release()` once left one record per cycle.
        Diagnostics.trackHolders(true);
        Semaphore semaphore = Semaphore.create(prefix + "raw", 1);
        for (int i = 0; i < 10_000; i++) {
            semaphore.acquire().contextWrite(Context.of(Semaphore.HOLDER_KEY, "cycle-" + i)).block();
            semaphore.release();
        }
        assertThat(Diagnostics.snapshot(semaphore).holders()).isEmpty();

        Permit first = semaphore.acquire().block();
        semaphore.release(); // releases on first's behalf: first's record is the one retired
        Permit second = semaphore.acquire().block();
        assertThat(Diagnostics.snapshot(semaphore).holders()).hasSize(1);
        second.release();
        assertThat(Diagnostics.snapshot(semaphore).holders()).isEmpty();
        assertThat(first.isReleased()).as("the permit object itself does not learn of the raw release").isFalse();
    }
}
