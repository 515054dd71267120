package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.reactorasyncio.task.Asyncio;
import io.github.reactorasyncio.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * Issue 14, item 1: seed 001's fourth shape, "a lock kept after an error". A Lock taken with a raw acquire() by a
 * task or a library scope that then ends holding it is reported (ABANDONED_LOCK) synchronously at that end, under
 * every policy but OFF, and never failed. The reports are global, so each test names its locks uniquely and looks
 * only at those.
 */
@Timeout(30)
class AbandonedLockTest {

    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private final String prefix = "abandoned" + UNIQUE.incrementAndGet() + "-";
    @RegisterExtension
    final DeadlockReports all = new DeadlockReports();


    private List<DeadlockReport> reports() {
        return all.stream().filter(r -> r.primitive().startsWith("Lock '" + prefix)).toList();
    }

    private Lock lock(String name, DeadlockPolicy policy) {
        return Lock.create(prefix + name, policy);
    }

    /** The seed's task: acquire() the lock, then fail before release(). */
    private static Mono<Void> acquireThenFail(Lock lock, Mono<?> before) {
        return lock.acquire().flatMap(permit -> before.then(Mono.<Void>error(new IllegalStateException("Something bad happened")))
                .then(Mono.fromRunnable(permit::release)));
    }

    private static Mono<Void> named(String holder, Mono<Void> work) {
        return work.contextWrite(Context.of(Semaphore.HOLDER_KEY, holder));
    }

    @Test
    void aTaskThatFailsHoldingARawLockIsReportedAtItsEndAndAgainWhenSomeoneQueues() {
        Lock lock = lock("lock", DeadlockPolicy.REPORT);
        Sinks.Empty<Void> fail = Sinks.empty();
        Task<Void> task = Asyncio.createTask(acquireThenFail(lock, fail.asMono()), "task");
        assertThat(reports()).as("still running: nothing to say").isEmpty();

        fail.tryEmitEmpty();

        assertThat(task.isDone()).isTrue();
        assertThat(reports()).as("reported on the thread that ended the task, before anyone joined it")
                .singleElement().satisfies(r -> {
                    assertThat(r.kind()).isEqualTo(DeadlockReport.Kind.ABANDONED_LOCK);
                    assertThat(r.policy()).isEqualTo(DeadlockPolicy.REPORT);
                    assertThat(r.holders()).containsExactly("task");
                    assertThat(r.message()).isEqualTo("Lock '" + prefix + "lock' is still held through a raw Permit "
                            + "after its holder ended: 'task', which failed with IllegalStateException: Something bad "
                            + "happened without releasing it; nobody waits for it yet. Only a release() by other code "
                            + "can free it: release the permit in doFinally, or use withLock, which releases on error "
                            + "and cancel.");
                });

        AtomicReference<Throwable> mainFailed = new AtomicReference<>();
        Disposable main = named("main", lock.acquire().then()).subscribe(v -> { }, mainFailed::set);
        assertThat(reports()).hasSize(2).last().satisfies(r -> assertThat(r.message()).isEqualTo("'main' waits for "
                + "Lock '" + prefix + "lock', which is still held through a raw Permit after its holder ended: 'task', "
                + "which failed with IllegalStateException: Something bad happened without releasing it. Only a "
                + "release() by other code can free it: release the permit in doFinally, or use withLock, which "
                + "releases on error and cancel."));
        named("second", lock.acquire().then()).subscribe().dispose();
        assertThat(reports()).as("once per abandoned hold").hasSize(2);
        assertThat(mainFailed).as("a suspicion: nothing fails").hasValue(null);
        main.dispose();
    }

    @Test
    void aTaskFailingOnAReactorThreadIsReportedThereWithoutBlockingIt() throws InterruptedException {
        // BlockHound is installed for every test: the report (its WARN log included) must not block a parallel worker.
        Lock lock = lock("parallel", DeadlockPolicy.REPORT);
        java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<String> thread = new AtomicReference<>();
        Disposable l = Diagnostics.addDeadlockListener(r -> {
            if (r.primitive().equals("Lock '" + prefix + "parallel'")) {
                thread.set(Thread.currentThread().getName());
                reported.countDown();
            }
        });
        Task<Void> task = Asyncio.createTask(acquireThenFail(lock, Mono.delay(Duration.ofMillis(5))), "worker");
        assertThat(reported.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        l.dispose();
        assertThat(thread.get()).startsWith("parallel-");
        assertThat(task.exception()).hasMessage("Something bad happened");
    }

    @Test
    void theReportNamesWhoAlreadyWaitsAndATimedOutAcquireNamesTheHolder() throws InterruptedException {
        Lock lock = lock("db", DeadlockPolicy.REPORT);
        Sinks.Empty<Void> fail = Sinks.empty();
        Asyncio.createTask(acquireThenFail(lock, fail.asMono()), "writer");
        AtomicReference<Throwable> timedOut = new AtomicReference<>();
        java.util.concurrent.CountDownLatch gaveUp = new java.util.concurrent.CountDownLatch(1);
        Disposable reader = named("reader", lock.acquire().then()).subscribe();
        named("auditor", lock.acquire(Duration.ofMillis(50)).then()).subscribe(v -> { }, e -> {
            timedOut.set(e);
            gaveUp.countDown();
        });

        fail.tryEmitEmpty();

        assertThat(reports()).singleElement().satisfies(r -> assertThat(r.message())
                .contains("'writer', which failed with IllegalStateException: Something bad happened without "
                        + "releasing it; [reader, auditor] wait for it."));
        assertThat(gaveUp.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        reader.dispose();
        assertThat(timedOut.get()).isInstanceOf(TimeoutException.class).hasMessageEndingWith("; it is held through a "
                + "raw Permit by 'writer', which failed with IllegalStateException: Something bad happened without "
                + "releasing it");
    }

    @Test
    void underDetectItIsStillOnlyReported() {
        Lock lock = lock("detect", DeadlockPolicy.DETECT);
        Asyncio.createTask(acquireThenFail(lock, Mono.empty()), "task");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Disposable main = named("main", lock.acquire().then()).subscribe(v -> { }, failed::set);
        assertThat(reports()).hasSize(2).allSatisfy(r -> {
            assertThat(r.kind()).isEqualTo(DeadlockReport.Kind.ABANDONED_LOCK);
            assertThat(r.policy()).isEqualTo(DeadlockPolicy.DETECT);
        });
        assertThat(failed).hasValue(null);
        assertThat(lock.waiting()).isOne();
        main.dispose();
    }

    @Test
    void underOffNothingIsWatched() {
        Lock lock = lock("off", DeadlockPolicy.OFF);
        Asyncio.createTask(acquireThenFail(lock, Mono.empty()), "task");
        Disposable main = named("main", lock.acquire().then()).subscribe();
        assertThat(reports()).isEmpty();
        main.dispose();
    }

    @Test
    void aReentrantLockIsWatchedToo() {
        Lock lock = lock("reentrant", DeadlockPolicy.REENTRANT);
        Asyncio.createTask(acquireThenFail(lock, Mono.empty()), "task");
        assertThat(reports()).singleElement().satisfies(r -> assertThat(r.policy()).isEqualTo(DeadlockPolicy.REENTRANT));
    }

    @Test
    void aTaskThatCompletesOrIsCancelledHoldingItSaysSo() {
        Lock completed = lock("completed", DeadlockPolicy.REPORT);
        Asyncio.createTask(completed.acquire().then(), "keeper");
        assertThat(reports()).singleElement().satisfies(r -> assertThat(r.message())
                .contains("'keeper', which completed without releasing it"));

        Lock cancelled = lock("cancelled", DeadlockPolicy.REPORT);
        Task<Void> sleeper = Asyncio.createTask(cancelled.acquire().then(Mono.never()), "sleeper");
        assertThat(reports()).hasSize(1);
        sleeper.cancel();
        assertThat(reports()).hasSize(2).last().satisfies(r -> assertThat(r.message())
                .contains("'sleeper', which was cancelled without releasing it"));
    }

    @Test
    void noReportWhenTheHolderReleasesBeforeItEnds() {
        Lock lock = lock("released", DeadlockPolicy.REPORT);
        Task<Void> task = Asyncio.createTask(lock.acquire()
                .flatMap(permit -> Mono.fromRunnable(permit::release).then(Mono.error(new IllegalStateException("x")))),
                "task");
        assertThat(task.isDone()).isTrue();
        Lock viaLock = lock("released-by-lock", DeadlockPolicy.REPORT);
        Asyncio.createTask(viaLock.acquire().doOnNext(p -> viaLock.release()).then(), "asyncio-style");
        assertThat(reports()).isEmpty();
        assertThat(lock.locked()).isFalse();
        assertThat(viaLock.locked()).isFalse();
    }

    @Test
    void noReportWhenAnotherTaskReleasesItFirst() {
        // asyncio allows it: the holder hands the permit (or just the lock) over and another task releases it.
        Lock lock = lock("handed", DeadlockPolicy.REPORT);
        AtomicReference<Permit> handedOver = new AtomicReference<>();
        Sinks.Empty<Void> holderEnds = Sinks.empty();
        Asyncio.createTask(lock.acquire().doOnNext(handedOver::set).then(holderEnds.asMono()), "holder");
        Asyncio.createTask(Mono.fromRunnable(() -> handedOver.get().release()), "releaser");
        holderEnds.tryEmitEmpty();

        Lock anonymous = lock("anonymous", DeadlockPolicy.REPORT);
        Sinks.Empty<Void> secondEnds = Sinks.empty();
        Asyncio.createTask(anonymous.acquire().then(secondEnds.asMono()), "holder");
        Asyncio.createTask(Mono.fromRunnable(anonymous::release), "releaser");
        // The lock moves on to a new raw holder: the first holder's end must not be blamed for that one's hold.
        Task<Permit> next = Asyncio.createTask(anonymous.acquire(), "next");
        secondEnds.tryEmitError(new IllegalStateException("late"));

        assertThat(next.result()).isNotNull();
        assertThat(reports()).as("and 'next' handed its permit on as its value").isEmpty();
        next.result().release();
    }

    @Test
    void aSemaphoresRawPermitIsNotWatchedItMayBeASignal() {
        Semaphore signal = Semaphore.create(prefix + "signal", 1);
        Asyncio.createTask(signal.acquire().then(Mono.error(new IllegalStateException("x"))), "consumer");
        assertThat(all).filteredOn(r -> r.primitive().contains(prefix)).isEmpty();
    }

    @Test
    void aPermitHandedOnAsTheTasksValueIsNotAbandoned() {
        Lock lock = lock("value", DeadlockPolicy.REPORT);
        Task<Permit> task = Asyncio.createTask(lock.acquire(), "acquirer");
        assertThat(task.isDone()).isTrue();
        assertThat(reports()).isEmpty();
        task.result().release();
    }

    @Test
    void anEnclosingLibraryScopeThatEndsHoldingItIsReportedAsTheHolder() {
        Semaphore sem = Semaphore.create(prefix + "sem", 1);
        Lock lock = lock("inner", DeadlockPolicy.REPORT);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        named("main", sem.withPermit(acquireThenFail(lock, Mono.empty()))).subscribe(v -> { }, failed::set);

        assertThat(failed.get()).hasMessage("Something bad happened");
        assertThat(reports()).singleElement().satisfies(r -> assertThat(r.message()).contains("after its holder "
                + "ended: the withPermit(Semaphore '" + prefix + "sem') scope of 'main', which failed with "
                + "IllegalStateException: Something bad happened without releasing it"));
    }

    @Test
    void aScopeWhoseValueIsThePermitHandsItOn() {
        Lock outer = lock("outer", DeadlockPolicy.REPORT);
        Lock lock = lock("handed-on", DeadlockPolicy.REPORT);
        Permit permit = outer.withLock(lock.acquire()).block(Duration.ofSeconds(1));
        assertThat(reports()).isEmpty();
        permit.release();
    }

    @Test
    void aTaskStartedInsideAScopeIsTheInnermostHolderAndIsReportedOnce() {
        Lock outer = lock("outer", DeadlockPolicy.REPORT);
        Lock lock = lock("inner", DeadlockPolicy.REPORT);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        // gather's tasks inherit the scope's Context: the scope encloses the task, so the task is the holder.
        named("main", outer.withLock(Asyncio.gather(acquireThenFail(lock, Mono.empty())).then()))
                .subscribe(v -> { }, failed::set);
        assertThat(failed.get()).hasMessage("Something bad happened");
        assertThat(reports()).singleElement().satisfies(r -> assertThat(r.message())
                .matches(".*after its holder ended: 'Task-\\d+', which failed with IllegalStateException.*"));
    }

    @Test
    void aTaskGroupChildThatFailsHoldingItIsReported() {
        Lock lock = lock("group", DeadlockPolicy.REPORT);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Asyncio.taskGroup(group -> {
            group.spawn(acquireThenFail(lock, Mono.empty()), "child");
            return Mono.empty();
        }).subscribe(v -> { }, failed::set);
        assertThat(failed.get()).hasMessage("Something bad happened");
        assertThat(reports()).singleElement().satisfies(r -> assertThat(r.message())
                .contains("'child', which failed with IllegalStateException: Something bad happened"));
    }

    @Test
    void aLongLivedTaskThatAcquiresAndReleasesInALoopKeepsOnlyWhatItHolds() {
        Lock lock = lock("loop", DeadlockPolicy.REPORT);
        Task<Void> task = Asyncio.createTask(reactor.core.publisher.Flux.range(0, 10_000)
                .concatMap(i -> lock.acquire().doOnNext(Permit::release)).then(lock.acquire()).then(), "looper");
        assertThat(task.isDone()).isTrue();
        assertThat(reports()).singleElement().satisfies(r -> assertThat(r.message()).contains("'looper', which completed"));
    }
}
