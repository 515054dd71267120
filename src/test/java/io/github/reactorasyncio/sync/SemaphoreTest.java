package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import io.github.reactorasyncio.DedicatedRace;
import reactor.util.context.Context;

class SemaphoreTest {

    @Test
    void misuseFailsLoudlyWithTheValues() {
        assertThatIllegalArgumentException().isThrownBy(() -> Semaphore.create(-1))
                .withMessage("permits must be >= 0, was -1");
        assertThatNullPointerException().isThrownBy(() -> Semaphore.create(null, 1))
                .withMessage("name must not be null");
        Semaphore sem = Semaphore.create("s", 1);
        assertThatNullPointerException().isThrownBy(() -> sem.withPermit((Mono<Object>) null))
                .withMessage("work must not be null");
        assertThatNullPointerException().isThrownBy(() -> sem.withPermit((Flux<Object>) null))
                .withMessage("work must not be null");
        assertThatNullPointerException().isThrownBy(() -> sem.acquire(null))
                .withMessage("maxWait must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> sem.acquire(Duration.ofSeconds(-2)))
                .withMessage("maxWait must not be negative, was -2s");
        assertThatNullPointerException().isThrownBy(() -> sem.withPermit(Mono.empty(), null))
                .withMessage("maxWait must not be null");
        assertThatNullPointerException().isThrownBy(() -> sem.withPermit((Mono<Object>) null, Duration.ZERO))
                .withMessage("work must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> sem.withPermit(Mono.empty(), Duration.ofMillis(-5)))
                .withMessage("maxWait must not be negative, was -5ms");
    }

    @Test
    void aWithPermitMonoCanBeSubscribedAgainAndFromManyThreadsAtOnce() throws InterruptedException {
        Semaphore sem = Semaphore.create("resubscribed", 2);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        Mono<Integer> guarded = sem.withPermit(Mono.fromCallable(() -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Thread.yield();
            inFlight.decrementAndGet();
            return runs.incrementAndGet();
        }));
        // The first subscription on the assembling thread runs in the Mono itself, the next ones in fresh scopes.
        StepVerifier.create(guarded).expectNext(1).verifyComplete();
        StepVerifier.create(guarded).expectNext(2).verifyComplete();
        StepVerifier.create(guarded.repeat(2)).expectNext(3, 4, 5).verifyComplete();

        Mono<Integer> shared = sem.withPermit(Mono.fromCallable(() -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Thread.yield();
            inFlight.decrementAndGet();
            return runs.incrementAndGet();
        }));
        int subscribers = 8;
        int rounds = 500;
        CountDownLatch done = new CountDownLatch(subscribers);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < subscribers; t++) {
            new Thread(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        if (shared.block(Duration.ofSeconds(10)) == null) {
                            throw new AssertionError("no value");
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "subscriber-" + t).start();
        }
        // Meanwhile the assembling thread claims the Mono for its own first subscription.
        assertThat(shared.block(Duration.ofSeconds(10))).isNotNull();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).isNull();
        assertThat(runs).hasValue(6 + subscribers * rounds);
        assertThat(maxInFlight.get()).isLessThanOrEqualTo(2);
        assertThat(sem.availablePermits()).isEqualTo(2);
        assertThat(sem.waiting()).isZero();
    }

    @Test
    void aWithPermitMonoKeptForLaterDoesNotKeepItsFirstSubscriberReachable() throws InterruptedException {
        Semaphore sem = Semaphore.create("kept", 1);
        Mono<Integer> completes = sem.withPermit(Mono.just(1));
        Mono<Integer> cancelledWhileQueued = sem.withPermit(Mono.just(2));
        Mono<Integer> failsToQueue = sem.withPermit(Mono.just(3), Duration.ofMillis(1));
        Mono<Integer> cancelledWhileHeld = sem.withPermit(Mono.never());

        WeakReference<Object> completed = subscribeAndDrop(completes, false);
        Permit taken = sem.tryAcquire().orElseThrow();
        WeakReference<Object> withdrawn = subscribeAndDrop(cancelledWhileQueued, true);
        CountDownLatch timeout = new CountDownLatch(1);
        WeakReference<Object> timedOut = subscribeAndDrop(failsToQueue.doOnError(e -> timeout.countDown()), false);
        assertThat(timeout.await(5, TimeUnit.SECONDS)).as("timed out").isTrue();
        taken.release();
        WeakReference<Object> cancelled = subscribeAndDrop(cancelledWhileHeld, true);

        for (int i = 0; i < 50 && (completed.get() != null || withdrawn.get() != null || timedOut.get() != null
                || cancelled.get() != null); i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(completed.get()).as("completed").isNull();
        assertThat(withdrawn.get()).as("cancelled while queued").isNull();
        assertThat(timedOut.get()).as("timed out").isNull();
        assertThat(cancelled.get()).as("cancelled while holding").isNull();
        assertThat(List.of(completes, cancelledWhileQueued, failsToQueue, cancelledWhileHeld)).hasSize(4);
        assertThat(sem.availablePermits()).isOne();
    }

    @Test
    void aWithPermitMonoSaysWhichPrimitiveItGuardsAndWhereItsFirstHoldIs() {
        Semaphore sem = Semaphore.create("described", 1);
        Mono<Object> guarded = sem.withPermit(Mono.never());
        assertThat(guarded).hasToString("withPermit(Semaphore 'described')[unclaimed]");
        Disposable holding = guarded.subscribe();
        assertThat(guarded).hasToString("withPermit(Semaphore 'described')[holding]");
        Mono<Object> queued = sem.withPermit(Mono.never());
        Disposable waiting = queued.subscribe();
        assertThat(queued).hasToString("withPermit(Semaphore 'described')[waiting]");
        holding.dispose();
        assertThat(guarded).hasToString("withPermit(Semaphore 'described')[released]");
        assertThat(queued).hasToString("withPermit(Semaphore 'described')[holding]");
        waiting.dispose();
        assertThat(Lock.create("guard").withLock(Mono.empty())).hasToString("withLock(Lock 'guard')[unclaimed]");
    }

    /** Subscribes a fresh subscriber on this thread (so it claims the Mono) and forgets it. */
    private static WeakReference<Object> subscribeAndDrop(Mono<Integer> mono, boolean cancel) {
        BaseSubscriber<Integer> subscriber = new BaseSubscriber<>() {
        };
        mono.subscribe(subscriber);
        if (cancel) {
            subscriber.cancel();
        }
        return new WeakReference<>(subscriber);
    }

    @Test
    void limitsHowManyRunAtOnce() {
        Semaphore sem = Semaphore.create("limit", 3);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> Flux.range(0, 10)
                        .flatMap(i -> sem.withPermit(Mono.delay(Duration.ofSeconds(1))
                                .doOnSubscribe(s -> maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
                                .doOnTerminate(inFlight::decrementAndGet)
                                .thenReturn(i))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNextCount(3)
                .thenAwait(Duration.ofSeconds(3))
                .expectNextCount(7)
                .verifyComplete();
        assertThat(maxInFlight).hasValue(3);
        assertThat(sem.availablePermits()).isEqualTo(3);
        assertThat(sem.waiting()).isZero();
    }

    @Test
    void grantsInArrivalOrderAndACancelledWaiterIsSkipped() {
        Semaphore sem = Semaphore.create("fifo", 1);
        List<String> order = new CopyOnWriteArrayList<>();
        Permit a = sem.acquire().block();
        Disposable b = sem.withPermit(Mono.fromRunnable(() -> order.add("B"))).subscribe();
        sem.withPermit(Mono.fromRunnable(() -> order.add("C"))).subscribe();
        sem.withPermit(Mono.fromRunnable(() -> order.add("D"))).subscribe();
        assertThat(sem.waiting()).isEqualTo(3);
        assertThat(sem).hasToString("Semaphore[name=fifo, available=0/1, waiting=3]");

        b.dispose();
        assertThat(sem.waiting()).isEqualTo(2);
        assertThat(a.release()).isTrue();

        assertThat(order).containsExactly("C", "D");
        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThat(sem.statistics().cancelled()).isEqualTo(1);
    }

    @Test
    void noBargingTryAcquireAndLockedRespectTheQueue() {
        Semaphore sem = Semaphore.create("queue", 0);
        List<Permit> granted = new CopyOnWriteArrayList<>();
        sem.acquire().subscribe(granted::add);
        assertThat(sem.locked()).isTrue();
        assertThat(sem.tryAcquire()).isEmpty();

        sem.release();
        assertThat(granted).hasSize(1);
        assertThat(sem.tryAcquire()).isEmpty();

        granted.get(0).release();
        assertThat(sem.locked()).isFalse();
        Permit p = sem.tryAcquire().orElseThrow();
        assertThat(sem.locked()).isTrue();
        assertThat(p.release()).isTrue();
    }

    @Test
    void permitReleaseIsIdempotent() {
        Semaphore sem = Semaphore.create("idem", 2);
        Permit p = sem.acquire().block();
        assertThat(p.isReleased()).isFalse();
        assertThat(p.release()).isTrue();
        assertThat(p.release()).isFalse();
        assertThat(p.isReleased()).isTrue();
        assertThat(sem.availablePermits()).isEqualTo(2);
        assertThat(sem.statistics().capacity()).isEqualTo(2);
    }

    @Test
    void releasesExactlyOnceOnCompleteErrorAndCancel() {
        Semaphore sem = Semaphore.create("once", 1);
        StepVerifier.create(sem.withPermit(Mono.just(1))).expectNext(1).verifyComplete();
        assertThat(sem.availablePermits()).isEqualTo(1);

        StepVerifier.create(sem.withPermit(Mono.error(new IllegalStateException("boom"))))
                .verifyErrorMessage("boom");
        assertThat(sem.availablePermits()).isEqualTo(1);

        StepVerifier.create(sem.withPermit(Mono.never())).thenCancel().verify();
        assertThat(sem.availablePermits()).isEqualTo(1);

        StepVerifier.create(sem.withPermit(Flux.range(0, 5))).expectNextCount(5).verifyComplete();
        StepVerifier.create(sem.withPermit(Flux.never()), 0).thenCancel().verify();
        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThat(sem.statistics().capacity()).isEqualTo(1);
    }

    @Test
    void releasesWhenTheInnerPublisherThrowsAtSubscribe() {
        Semaphore sem = Semaphore.create("throws", 1);
        Publisher<Integer> broken = subscriber -> {
            throw new IllegalStateException("broken publisher");
        };
        StepVerifier.create(sem.withPermit(Mono.fromDirect(broken))).verifyErrorMessage("broken publisher");
        StepVerifier.create(sem.withPermit(Mono.defer(() -> {
            throw new IllegalArgumentException("assembly failed");
        }))).verifyErrorMessage("assembly failed");
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void releasesBeforeTheTerminalSignalSoDownstreamCanReacquire() {
        Semaphore sem = Semaphore.create("handover", 1);
        AtomicInteger availableAtCompletion = new AtomicInteger(-1);
        sem.withPermit(Mono.just(1))
                .doOnSuccess(v -> availableAtCompletion.set(sem.availablePermits()))
                .block();
        assertThat(availableAtCompletion).hasValue(1);
    }

    @Test
    void cancelWhileQueuedTakesNoPermit() {
        Semaphore sem = Semaphore.create("cancel", 1);
        AtomicInteger ran = new AtomicInteger();
        Permit holder = sem.acquire().block();
        StepVerifier.create(sem.withPermit(Mono.fromRunnable(ran::incrementAndGet)))
                .expectSubscription()
                .then(() -> assertThat(sem.waiting()).isEqualTo(1))
                .thenCancel()
                .verify();
        assertThat(sem.waiting()).isZero();
        holder.release();
        assertThat(ran).hasValue(0);
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void cancelledWaitersStayLinkedUntilTheyOutnumberTheLiveOnesOrReachTheHead() {
        Semaphore sem = Semaphore.create("sweep", 0);
        PermitQueue queue = ((PermitSource) sem).queue;
        List<Integer> ran = new CopyOnWriteArrayList<>();
        Disposable[] waiters = new Disposable[10];
        for (int i = 0; i < waiters.length; i++) {
            int id = i;
            waiters[i] = sem.withPermit(Mono.fromRunnable(() -> ran.add(id))).subscribe();
        }
        for (int i = 1; i <= 5; i++) {
            waiters[i].dispose();
        }
        assertThat(sem.waiting()).isEqualTo(5);
        assertThat(queue.linkedWaiters).as("a cancel behind the head only marks its waiter").isEqualTo(10);

        waiters[6].dispose();
        assertThat(sem.waiting()).isEqualTo(4);
        assertThat(queue.linkedWaiters).as("6 withdrawn outnumber 4 live: swept").isEqualTo(4);

        waiters[0].dispose();
        assertThat(queue.linkedWaiters).as("a withdrawn head is unlinked at once").isEqualTo(3);
        sem.release();
        assertThat(ran).containsExactly(7, 8, 9);
        assertThat(queue.linkedWaiters).isZero();
        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThat(sem.statistics().cancelled()).isEqualTo(7);
    }

    @Test
    void aQueueEmptiedByCancelsKeepsNoWaiterAndTheLongestWaitIsTheOldestLiveOne() {
        VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
        try {
            Semaphore sem = Semaphore.create("emptied", 0);
            PermitQueue queue = ((PermitSource) sem).queue;
            Disposable oldest = sem.withPermit(Mono.empty()).subscribe();
            clock.advanceTimeBy(Duration.ofSeconds(5));
            Disposable middle = sem.withPermit(Mono.empty()).subscribe();
            clock.advanceTimeBy(Duration.ofSeconds(2));
            Disposable newest = sem.withPermit(Mono.empty()).subscribe();
            assertThat(sem.statistics().longestWait()).isEqualTo(Duration.ofSeconds(7));

            middle.dispose();
            assertThat(queue.linkedWaiters).as("withdrawn, still linked").isEqualTo(3);
            assertThat(sem.statistics().longestWait()).isEqualTo(Duration.ofSeconds(7));
            oldest.dispose();
            assertThat(queue.linkedWaiters).as("head and the withdrawn one behind it unlinked").isOne();
            assertThat(sem.statistics().longestWait()).isZero();

            newest.dispose();
            assertThat(sem.waiting()).isZero();
            assertThat(queue.linkedWaiters).as("nothing kept once nobody waits").isZero();
            assertThat(sem.statistics().longestWait()).isZero();
        } finally {
            VirtualTimeScheduler.reset();
        }
    }

    @Test
    void cancelRacingAGrantNeverLosesOrLeaksAPermit() {
        Semaphore sem = Semaphore.create("race", 1);
        PermitQueue queue = ((PermitSource) sem).queue;
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 20_000; i++) {
            Permit holder = sem.tryAcquire().orElseThrow();
            Disposable waiter = sem.withPermit(Mono.fromRunnable(ran::incrementAndGet)).subscribe();
            Disposable rawWaiter = sem.acquire().subscribe(Permit::release);
            DedicatedRace.race(holder::release, waiter::dispose);
            rawWaiter.dispose();
            assertThat(sem.waiting()).as("round %d", i).isZero();
            assertThat(sem.availablePermits()).as("round %d", i).isEqualTo(1);
            assertThat(queue.linkedWaiters).as("round %d: withdrawn waiters left linked", i).isZero();
        }
        assertThat(sem.statistics().capacity()).isEqualTo(1);
    }

    @Test
    void aCancelRacingTheGrantLeavesNoReferenceToTheSubscriber() {
        Semaphore sem = Semaphore.create("race-forget", 1);
        for (int i = 0; i < 20_000; i++) {
            Permit holder = sem.tryAcquire().orElseThrow();
            Mono<Object> kept = sem.withPermit(Mono.never());
            Disposable waiter = kept.subscribe();
            DedicatedRace.race(holder::release, waiter::dispose);
            assertThat(((PermitScope<?>) kept).referencesSubscriber()).as("round %d: %s", i, kept).isFalse();
            assertThat(sem.availablePermits()).as("round %d", i).isEqualTo(1);
        }
    }

    /**
     * A work whose subscription is cancelled from another thread while {@code work.subscribe} is still returning on
     * the granting thread, and whose {@code cancel()} then takes a while (a callback of work the cancel must reach
     * first). The next holder must not start before that {@code cancel()} has returned: the granting thread once
     * released on its way out of {@code work.subscribe}, because it saw the scope cancelled (seed 89 of the soak).
     */
    private static final class CancelledWhileSubscribing extends Mono<Integer> {
        final AtomicInteger nextHolderStarted;
        final AtomicReference<Disposable> holder = new AtomicReference<>();
        final CountDownLatch insideCancel = new CountDownLatch(1);
        volatile Thread canceller;
        volatile boolean nextHolderStartedDuringCancel;

        CancelledWhileSubscribing(AtomicInteger nextHolderStarted) {
            this.nextHolderStarted = nextHolderStarted;
        }

        @Override
        public void subscribe(reactor.core.CoreSubscriber<? super Integer> actual) {
            actual.onSubscribe(new org.reactivestreams.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                    insideCancel.countDown();
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                    while (System.nanoTime() < deadline) {
                        if (nextHolderStarted.get() > 0) {
                            nextHolderStartedDuringCancel = true;
                            return;
                        }
                        Thread.onSpinWait();
                    }
                }
            });
            canceller = new Thread(() -> holder.get().dispose(), "canceller");
            canceller.start();
            try {
                assertThat(insideCancel.await(5, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aCancelArrivingWhileWorkIsBeingSubscribedReleasesOnlyAfterItHasReachedTheWork() throws Exception {
        for (boolean waitedFirst : new boolean[] {false, true}) {
            Semaphore sem = Semaphore.create("cancel-while-subscribing", 1);
            AtomicInteger nextHolderStarted = new AtomicInteger();
            CancelledWhileSubscribing work = new CancelledWhileSubscribing(nextHolderStarted);
            Permit earlier = waitedFirst ? sem.tryAcquire().orElseThrow() : null;
            BaseSubscriber<Integer> first = new BaseSubscriber<>() {
            };
            work.holder.set(first);
            Disposable next;
            if (waitedFirst) {
                sem.withPermit(work).subscribe(first);
                next = sem.withPermit(Mono.fromRunnable(nextHolderStarted::incrementAndGet)).subscribe();
                earlier.release(); // grants the first on this thread, which then subscribes its work
            } else {
                // The next holder queues from inside the first's work.subscribe, before the cancel starts.
                Mono<Integer> queueTheNextThenRun = Mono.defer(() -> {
                    sem.withPermit(Mono.fromRunnable(nextHolderStarted::incrementAndGet)).subscribe();
                    return work;
                });
                sem.withPermit(queueTheNextThenRun).subscribe(first);
                next = null;
            }
            work.canceller.join(TimeUnit.SECONDS.toMillis(5));
            assertThat(work.nextHolderStartedDuringCancel)
                    .as("waited first: %s; the next holder started while the cancel had not reached the work",
                            waitedFirst)
                    .isFalse();
            assertThat(nextHolderStarted).as("waited first: %s", waitedFirst).hasValue(1);
            assertThat(sem.availablePermits()).as("waited first: %s", waitedFirst).isOne();
            if (next != null) {
                next.dispose();
            }
        }
    }

    @Test
    void acquireTimesOutNamingTheSemaphoreAndTheWait() {
        StepVerifier.withVirtualTime(() -> {
                    Semaphore sem = Semaphore.create("fetch", 1);
                    sem.tryAcquire().orElseThrow();
                    return sem.acquire(Duration.ofMillis(1500));
                })
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1499))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TimeoutException.class)
                        .hasMessage("no permit of Semaphore 'fetch' within 1.5s "
                                + "(Semaphore[name=fetch, available=0/1, waiting=0])"))
                .verify();
    }

    @Test
    void acquireWithMaxWaitGetsThePermitInTime() {
        Semaphore sem = Semaphore.create("intime", 1);
        StepVerifier.withVirtualTime(() -> {
                    Permit held = sem.tryAcquire().orElseThrow();
                    return sem.acquire(Duration.ofSeconds(2))
                            .doOnSubscribe(s -> Mono.delay(Duration.ofSeconds(1)).subscribe(x -> held.release()));
                })
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(p -> assertThat(p.release()).isTrue())
                .verifyComplete();
        assertThat(sem.statistics().timedOut()).isZero();
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void withPermitMaxWaitTimesOutWithoutEverRunningTheWork() {
        Semaphore sem = Semaphore.create("api", 1);
        AtomicInteger subscribed = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> {
                    sem.tryAcquire().orElseThrow();
                    return sem.withPermit(Mono.fromCallable(subscribed::incrementAndGet), Duration.ofSeconds(2));
                })
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1999))
                .then(() -> assertThat(sem.waiting()).isOne())
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TimeoutException.class)
                        .hasMessage("no permit of Semaphore 'api' within 2s "
                                + "(Semaphore[name=api, available=0/1, waiting=0])"))
                .verify();
        assertThat(subscribed).hasValue(0);
        SemaphoreStatistics stats = sem.statistics();
        assertThat(stats.timedOut()).isOne();
        assertThat(stats.cancelled()).isZero();
        assertThat(stats.waiting()).isZero();
        assertThat(stats.inUse()).as("only the permit taken by tryAcquire").isOne();
    }

    @Test
    void withPermitMaxWaitLimitsTheWaitNotTheWork() {
        Semaphore sem = Semaphore.create("api", 1);
        StepVerifier.withVirtualTime(() -> {
                    Permit held = sem.tryAcquire().orElseThrow();
                    Mono.delay(Duration.ofSeconds(1)).subscribe(x -> held.release());
                    // granted after 1s of a 2s maximum wait, then works for 10s: the timer must not fire.
                    return sem.withPermit(Mono.delay(Duration.ofSeconds(10)).thenReturn("done"), Duration.ofSeconds(2));
                })
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(11))
                .expectNext("done")
                .verifyComplete();
        assertThat(sem.statistics().timedOut()).isZero();
        assertThat(sem.availablePermits()).isOne();
    }

    @Test
    void withPermitMaxWaitTakesAFreePermitAtOnceEvenWithZeroWait() {
        Semaphore sem = Semaphore.create("zero", 1);
        StepVerifier.create(sem.withPermit(Mono.just("in"), Duration.ZERO)).expectNext("in").verifyComplete();
        assertThat(sem.availablePermits()).isOne();
    }

    @Test
    void withPermitMaxWaitCancelledWhileQueuedWithdrawsAndCountsACancel() {
        Semaphore sem = Semaphore.create("cancel", 1);
        Permit held = sem.tryAcquire().orElseThrow();
        Disposable waiter = sem.withPermit(Mono.just(1), Duration.ofMinutes(1)).subscribe();
        assertThat(sem.waiting()).isOne();
        waiter.dispose();
        assertThat(sem.waiting()).isZero();
        held.release();
        assertThat(sem.statistics().cancelled()).isOne();
        assertThat(sem.statistics().timedOut()).isZero();
        assertThat(sem.availablePermits()).isOne();
    }

    @Test
    void withPermitMaxWaitRacingTheGrantEitherRunsOrTimesOutNeverBoth() throws InterruptedException {
        Semaphore sem = Semaphore.create("race", 1);
        int rounds = 2000;
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        for (int i = 0; i < rounds; i++) {
            Permit held = sem.tryAcquire().orElseThrow();
            CountDownLatch done = new CountDownLatch(1);
            sem.withPermit(Mono.fromCallable(ran::incrementAndGet), Duration.ofNanos(1 + i % 50_000))
                    .subscribe(v -> { }, e -> {
                        assertThat(e).isInstanceOf(TimeoutException.class);
                        timedOut.incrementAndGet();
                        done.countDown();
                    }, done::countDown);
            held.release();
            assertThat(done.await(5, TimeUnit.SECONDS)).as("round %d terminated", i).isTrue();
            assertThat(sem.availablePermits()).as("round %d", i).isOne();
            assertThat(sem.waiting()).as("round %d", i).isZero();
        }
        assertThat(ran.get() + timedOut.get()).isEqualTo(rounds);
        assertThat(sem.statistics().timedOut()).isEqualTo(timedOut.get());
        assertThat(sem.statistics().capacity()).isOne();
    }

    @Test
    void releaseBeyondTheInitialCountGrowsCapacityAsInAsyncio() {
        // seed 000: "two acquires, three releases", then "three acquires" all get in at once.
        Semaphore sem = Semaphore.create("grow", 2);
        Permit first = sem.acquire().block();
        Permit second = sem.acquire().block();
        sem.release();
        first.release();
        second.release();
        assertThat(sem).hasToString("Semaphore[name=grow, available=3/3, waiting=0]");
        assertThat(sem.tryAcquire()).isPresent();
        assertThat(sem.tryAcquire()).isPresent();
        assertThat(sem.tryAcquire()).isPresent();
        assertThat(sem.tryAcquire()).isEmpty();
    }

    @Test
    void statisticsReportHoldersWaitersAndTheLongestWait() {
        StepVerifier.withVirtualTime(() -> {
                    Semaphore sem = Semaphore.create("stats", 2);
                    sem.tryAcquire().orElseThrow();
                    sem.tryAcquire().orElseThrow();
                    sem.acquire().subscribe();
                    return Mono.delay(Duration.ofSeconds(3)).then(Mono.fromSupplier(sem::statistics));
                })
                .thenAwait(Duration.ofSeconds(3))
                .assertNext(stats -> assertThat(stats).isEqualTo(new SemaphoreStatistics(
                        "stats", 2, 0, 2, 1, Duration.ofSeconds(3), 0, 0)))
                .verifyComplete();
    }

    @Test
    void holderNameComesFromTheContext() {
        Semaphore sem = Semaphore.create("holders", 1);
        Permit p = sem.acquire().contextWrite(Context.of(Semaphore.HOLDER_KEY, "worker-7")).block();
        assertThat(p.holder()).isEqualTo("worker-7");
        assertThat(p).hasToString("Permit[of=holders, holder=worker-7, held]");
        p.release();
        assertThat(sem.acquire().block().holder()).isEqualTo("anonymous");
    }

    @Test
    void wakingManyWaitersInARowDoesNotGrowTheStack() {
        Semaphore sem = Semaphore.create("burst", 1);
        Permit gate = sem.acquire().block();
        int waiters = 100_000;
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < waiters; i++) {
            sem.withPermit(Mono.just(i)).subscribe(v -> done.incrementAndGet());
        }
        assertThat(sem.waiting()).isEqualTo(waiters);
        gate.release();
        assertThat(done).hasValue(waiters);
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void aWokenWaiterContinuesOnTheReleasingThread() {
        Scheduler releaser = Schedulers.newSingle("releaser");
        try {
            Semaphore sem = Semaphore.create("threads", 1);
            Permit held = sem.acquire().block();
            AtomicReference<String> ranOn = new AtomicReference<>();
            Sinks.Empty<Void> done = Sinks.empty();
            sem.withPermit(Mono.fromRunnable(() -> ranOn.set(Thread.currentThread().getName())))
                    .subscribe(null, null, done::tryEmitEmpty);
            releaser.schedule(held::release);
            done.asMono().block(Duration.ofSeconds(5));
            assertThat(ranOn.get()).startsWith("releaser");
        } finally {
            releaser.dispose();
        }
    }

    @Test
    void fluxWorkHoldsThePermitUntilItTerminates() {
        StepVerifier.withVirtualTime(() -> {
                    Semaphore sem = Semaphore.create("flux", 1);
                    Flux<String> first = sem.withPermit(Flux.interval(Duration.ofSeconds(1)).take(3).map(i -> "A" + i));
                    Flux<String> second = sem.withPermit(Flux.just("B"));
                    return Flux.merge(first, second);
                })
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(3))
                .expectNext("A0", "A1", "A2", "B")
                .verifyComplete();
    }

    @Test
    void synchronousWorkRunsHoldingAPermitAndGivesItBackExactlyOnce() {
        Semaphore sem = Semaphore.create("sync-work", 1);
        AtomicReference<Permit> held = new AtomicReference<>();
        sem.acquire().subscribe(held::set);
        List<String> values = new CopyOnWriteArrayList<>();
        sem.withPermit(() -> "value").subscribe(values::add);
        assertThat(values).as("waits for a permit").isEmpty();
        held.get().release();
        assertThat(values).containsExactly("value");
        assertThat(sem.availablePermits()).isOne();
        StepVerifier.create(sem.withPermit(() -> null)).verifyComplete();
        StepVerifier.create(sem.withPermit(() -> {
            throw new IOException("work failed");
        })).verifyErrorMessage("work failed");
        assertThat(sem.availablePermits()).isOne();
        assertThatNullPointerException().isThrownBy(() -> sem.withPermit((Callable<String>) null))
                .withMessage("work");
    }

    /** A work that ignores cancel, as the spec allows a source to do for a while: its signals come late. */
    private static final class LateWork extends Mono<Integer> {
        volatile reactor.core.CoreSubscriber<? super Integer> subscriber;

        @Override
        public void subscribe(reactor.core.CoreSubscriber<? super Integer> actual) {
            subscriber = actual;
            actual.onSubscribe(reactor.core.publisher.Operators.emptySubscription());
        }
    }

    @Test
    void lateSignalsOfACancelledWorkGoToReactorsDroppedHooksAndLogNothing() {
        // Issue 12, defect 5: they once reached Operators.emptySubscriber(), which logs an ERROR per signal.
        List<Object> droppedValues = new CopyOnWriteArrayList<>();
        List<Throwable> droppedErrors = new CopyOnWriteArrayList<>();
        reactor.core.publisher.Hooks.onNextDropped(droppedValues::add);
        reactor.core.publisher.Hooks.onErrorDropped(droppedErrors::add);
        java.util.logging.Logger reactorLog = java.util.logging.Logger.getLogger("reactor");
        List<String> errors = new CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                    errors.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        reactorLog.addHandler(capture);
        try {
            Semaphore semaphore = Semaphore.create(1);
            LateWork valueWork = new LateWork();
            semaphore.withPermit(valueWork).subscribe().dispose();
            valueWork.subscriber.onNext(1);
            valueWork.subscriber.onComplete();
            LateWork errorWork = new LateWork();
            semaphore.withPermit(Flux.from(errorWork)).subscribe().dispose();
            IllegalStateException late = new IllegalStateException("late");
            errorWork.subscriber.onError(late);

            assertThat(droppedValues).containsExactly(1);
            assertThat(droppedErrors).containsExactly(late);
            assertThat(errors).as("ERROR logs").isEmpty();
            assertThat(semaphore.availablePermits()).isEqualTo(1);
        } finally {
            reactorLog.removeHandler(capture);
            reactor.core.publisher.Hooks.resetOnNextDropped();
            reactor.core.publisher.Hooks.resetOnErrorDropped();
        }
    }

    @Test
    void withPermitIsScannableAsReactorsOwnOperatorsAre() {
        Semaphore semaphore = Semaphore.create("scanned", 1);
        Mono<Integer> work = Mono.just(1);
        reactor.core.Scannable mono = reactor.core.Scannable.from(semaphore.withPermit(work));
        assertThat(mono.isScanAvailable()).isTrue();
        assertThat(mono.stepName()).isEqualTo("withPermit(Semaphore 'scanned')[unclaimed]");
        assertThat(mono.parents()).first().isSameAs(work);
        reactor.core.Scannable flux = reactor.core.Scannable.from(semaphore.withPermit(Flux.just(1, 2)));
        assertThat(flux.stepName()).isEqualTo("withPermit(Semaphore 'scanned')");

        Sinks.One<Integer> held = Sinks.one();
        AtomicReference<reactor.core.Scannable> during = new AtomicReference<>();
        Disposable holding = semaphore.withPermit(held.asMono())
                .doOnSubscribe(s -> during.set(reactor.core.Scannable.from(s)))
                .subscribe();
        assertThat(during.get().scan(reactor.core.Scannable.Attr.TERMINATED)).isFalse();
        assertThat(during.get().scan(reactor.core.Scannable.Attr.CANCELLED)).isFalse();
        assertThat(during.get().stepName()).isEqualTo("withPermit(Semaphore 'scanned')[holding]");
        holding.dispose();
        assertThat(during.get().scan(reactor.core.Scannable.Attr.CANCELLED)).isTrue();
        assertThat(during.get().scan(reactor.core.Scannable.Attr.TERMINATED)).isTrue();
    }

    @Test
    void aCheckpointAfterWithPermitNamesItselfInTheWorksError() {
        Semaphore semaphore = Semaphore.create(1);
        StepVerifier.create(semaphore.withPermit(Mono.error(new IllegalStateException("bad"))).checkpoint("fetch-user"))
                .verifyErrorSatisfies(e -> assertThat(e.getSuppressed()).anySatisfy(
                        s -> assertThat(s.getMessage()).contains("checkpoint ⇢ fetch-user")));
        assertThat(semaphore.availablePermits()).isEqualTo(1);
    }

    /**
     * With {@code Hooks.onOperatorDebug()} every operator records where it was assembled, and an error's traceback
     * lists the chain it crossed: {@code withPermit} and {@code withLock} appear there. Reactor names the first frame
     * outside {@code reactor.core.publisher} as the site, so the line names the library's factory, not its caller.
     */
    @Test
    void withPermitAndWithLockAppearInTheOperatorDebugTraceback() {
        Semaphore semaphore = Semaphore.create("traced", 1);
        Lock lock = Lock.create("traced-lock");
        reactor.core.publisher.Hooks.onOperatorDebug();
        try {
            Mono<Object> mono = semaphore.withPermit(Mono.error(new IllegalStateException("bad")));
            Flux<Object> flux = lock.withLock(Flux.error(new IllegalStateException("bad")));
            StepVerifier.create(mono).verifyErrorSatisfies(e -> assertThat(traceback(e))
                    .contains("⇢ io.github.reactorasyncio.sync.PermitScope.withPermit("));
            StepVerifier.create(flux).verifyErrorSatisfies(e -> assertThat(traceback(e))
                    .contains("⇢ io.github.reactorasyncio.sync.ScopedFlux.withLock("));
        } finally {
            reactor.core.publisher.Hooks.resetOnOperatorDebug();
        }
        assertThat(semaphore.availablePermits()).isEqualTo(1);
        assertThat(lock.locked()).isFalse();
    }

    private static String traceback(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable suppressed : error.getSuppressed()) {
            text.append(suppressed.getMessage()).append('\n');
        }
        return text.toString();
    }
}
