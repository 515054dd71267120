package io.github.reactorasyncio.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.util.RaceTestUtils;

/**
 * {@link MonoMerge}: the contract of {@code flatMap(mapper, concurrency, 1)} with Mono inners — demand, order,
 * errors, cancel — checked directly and side by side with {@code flatMap} on random scripts, and under races.
 */
class MonoMergeTest {

    /** Inners the test completes by hand, one per source element, in the order they were subscribed. */
    private static final class Inners {
        final List<Sinks.One<Integer>> sinks = new CopyOnWriteArrayList<>();
        final AtomicInteger live = new AtomicInteger();
        final AtomicInteger maxLive = new AtomicInteger();

        Mono<Integer> of(Integer element) {
            Sinks.One<Integer> sink = Sinks.one();
            sinks.add(sink);
            return tracked(sink.asMono(), live, maxLive);
        }

        void succeed(int i, int value) {
            sinks.get(i).emitValue(value, Sinks.EmitFailureHandler.FAIL_FAST);
        }
    }

    /**
     * {@code mono}, counted in {@code live} from its subscription until its terminal signal or cancel reaches the
     * operator (whichever first): what the operator's limit is about.
     */
    private static <T> Mono<T> tracked(Mono<T> mono, AtomicInteger live, AtomicInteger maxLive) {
        return Mono.defer(() -> {
            AtomicBoolean ended = new AtomicBoolean();
            Runnable end = () -> {
                if (ended.compareAndSet(false, true)) {
                    live.decrementAndGet();
                }
            };
            return mono.doOnSubscribe(s -> maxLive.accumulateAndGet(live.incrementAndGet(), Math::max))
                    .doOnTerminate(end)
                    .doOnCancel(end);
        });
    }

    @Test
    void valuesArriveInTheOrderInnersProduceThemAndTheStreamCompletesAfterTheLast() {
        Inners inners = new Inners();
        StepVerifier.create(MonoMerge.of(Flux.range(0, 3), inners::of, 3))
                .then(() -> inners.succeed(2, 20))
                .expectNext(20)
                .then(() -> inners.succeed(0, 0))
                .expectNext(0)
                .then(() -> inners.succeed(1, 10))
                .expectNext(10)
                .verifyComplete();
    }

    @Test
    void theSourceIsAskedForConcurrencyFirstThenForOneMorePerEndedInner() {
        Inners inners = new Inners();
        List<Long> requests = new CopyOnWriteArrayList<>();
        Flux<Integer> source = Flux.range(0, 10).doOnRequest(requests::add);
        StepVerifier.create(MonoMerge.of(source, inners::of, 3))
                .then(() -> {
                    assertThat(requests).containsExactly(3L);
                    assertThat(inners.sinks).hasSize(3);
                    inners.succeed(1, 1);
                    assertThat(requests).containsExactly(3L, 1L);
                    assertThat(inners.sinks).hasSize(4);
                    inners.sinks.get(0).emitEmpty(Sinks.EmitFailureHandler.FAIL_FAST);
                    assertThat(requests).containsExactly(3L, 1L, 1L);
                    for (int i = 2; i < 10; i++) {
                        inners.succeed(i, i);
                    }
                })
                .expectNext(1, 2, 3, 4, 5, 6, 7, 8, 9)
                .verifyComplete();
        assertThat(inners.maxLive).hasValue(3);
    }

    @Test
    void aValueWaitsForDemandAndItsSlotIsGivenBackOnlyOnceItIsDelivered() {
        Inners inners = new Inners();
        List<Long> requests = new CopyOnWriteArrayList<>();
        Flux<Integer> source = Flux.range(0, 3).doOnRequest(requests::add);
        StepVerifier.create(MonoMerge.of(source, inners::of, 2), 0)
                .then(() -> {
                    inners.succeed(1, 10);
                    inners.succeed(0, 0);
                    assertThat(requests).as("no slot back before delivery").containsExactly(2L);
                })
                .expectNoEvent(Duration.ZERO)
                .thenRequest(1)
                .expectNext(10)
                .then(() -> assertThat(requests).containsExactly(2L, 1L))
                .thenRequest(1)
                .expectNext(0)
                .then(() -> inners.succeed(2, 20))
                .thenRequest(1)
                .expectNext(20)
                .verifyComplete();
    }

    @Test
    void anEmptyInnerGivesItsSlotBackAtOnceEvenWithoutDemand() {
        Inners inners = new Inners();
        List<Long> requests = new CopyOnWriteArrayList<>();
        Flux<Integer> source = Flux.range(0, 3).doOnRequest(requests::add);
        StepVerifier.create(MonoMerge.of(source, inners::of, 2), 0)
                .then(() -> {
                    inners.succeed(0, 0);
                    inners.sinks.get(1).emitEmpty(Sinks.EmitFailureHandler.FAIL_FAST);
                    // flatMap would ask only once downstream asks again: it finds ended inners while delivering.
                    assertThat(requests).containsExactly(2L, 1L);
                    assertThat(inners.sinks).hasSize(3);
                })
                .thenRequest(1)
                .expectNext(0)
                .then(() -> inners.succeed(2, 2))
                .thenRequest(1)
                .expectNext(2)
                .verifyComplete();
    }

    @Test
    void anInnerErrorCancelsTheSourceAndTheOtherInnersAndDiscardsQueuedValues() {
        Inners inners = new Inners();
        TestPublisher<Integer> source = TestPublisher.create();
        StepVerifier.create(MonoMerge.of(source, inners::of, 3), 0)
                .then(() -> {
                    source.next(0, 1, 2);
                    inners.succeed(0, 0);
                    inners.sinks.get(1).emitError(new IllegalStateException("boom"), Sinks.EmitFailureHandler.FAIL_FAST);
                })
                .expectErrorMessage("boom")
                .verifyThenAssertThat()
                .hasDiscarded(0);
        source.assertCancelled();
        assertThat(inners.sinks.get(2).currentSubscriberCount()).as("the third inner, still live, cancelled").isZero();
        assertThat(inners.live).hasValue(0);
    }

    @Test
    void aSourceErrorCancelsTheLiveInners() {
        Inners inners = new Inners();
        Flux<Integer> source = Flux.just(0, 1).concatWith(Mono.error(new IllegalStateException("source broke")));
        StepVerifier.create(MonoMerge.of(source, inners::of, 3))
                .expectErrorMessage("source broke")
                .verify(Duration.ofSeconds(5));
        assertThat(inners.sinks).hasSize(2);
        assertThat(inners.sinks).allSatisfy(sink -> assertThat(sink.currentSubscriberCount()).isZero());
        assertThat(inners.live).hasValue(0);
    }

    @Test
    void aMapperThatThrowsOrReturnsNullCancelsTheSourceAndFails() {
        TestPublisher<Integer> source = TestPublisher.create();
        StepVerifier.create(MonoMerge.of(source, i -> {
                    throw new IllegalArgumentException("no Mono for " + i);
                }, 2))
                .then(() -> source.next(7))
                .expectErrorMessage("no Mono for 7")
                .verify(Duration.ofSeconds(5));
        source.assertCancelled();

        TestPublisher<Integer> second = TestPublisher.create();
        StepVerifier.create(MonoMerge.of(second, i -> null, 2))
                .then(() -> second.next(7))
                .expectErrorMessage("The mapper returned a null Mono")
                .verify(Duration.ofSeconds(5));
        second.assertCancelled();
    }

    @Test
    void cancelReachesTheSourceAndEveryLiveInnerAndDiscardsQueuedValues() {
        Inners inners = new Inners();
        TestPublisher<Integer> source = TestPublisher.create();
        StepVerifier.create(MonoMerge.of(source, inners::of, 3), 0)
                .then(() -> {
                    source.next(0, 1, 2);
                    inners.succeed(2, 20);
                })
                .thenCancel()
                .verifyThenAssertThat()
                .hasDiscarded(20);
        source.assertCancelled();
        assertThat(inners.sinks.get(0).currentSubscriberCount()).isZero();
        assertThat(inners.sinks.get(1).currentSubscriberCount()).isZero();
        assertThat(inners.live).hasValue(0);
    }

    @Test
    void signalsAfterTheEndAreDropped() {
        TestPublisher<Integer> source = TestPublisher.createNoncompliant(TestPublisher.Violation.CLEANUP_ON_TERMINATE);
        Mono<Integer> misbehaving = new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Integer> s) {
                s.onSubscribe(Operators.emptySubscription());
                s.onNext(1);
                s.onComplete();
                s.onError(new IllegalStateException("late"));
            }
        };
        StepVerifier.create(MonoMerge.of(source, i -> misbehaving, 2))
                .then(() -> source.next(0).complete().error(new IllegalStateException("after complete")))
                .expectNext(1)
                .expectComplete()
                .verifyThenAssertThat()
                .hasDroppedErrorsSatisfying(errors -> assertThat(errors).extracting(Throwable::getMessage)
                        .containsExactlyInAnyOrder("late", "after complete"));
    }

    @Test
    void scannableNamesSourceConcurrencyAndLiveInners() {
        Inners inners = new Inners();
        Flux<Integer> source = Flux.range(0, 5);
        Flux<Integer> merge = MonoMerge.of(source, inners::of, 2);
        assertThat(Scannable.from(merge).scan(Scannable.Attr.PREFETCH)).isEqualTo(2);
        assertThat(Scannable.from(merge).scan(Scannable.Attr.PARENT)).isSameAs(source);
        List<Scannable> mains = new ArrayList<>();
        merge.subscribe(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                mains.add(Scannable.from(s));
                s.request(Long.MAX_VALUE);
            }
        });
        Scannable main = mains.get(0);
        assertThat(main.inners()).hasSize(2);
        assertThat(main.scan(Scannable.Attr.PREFETCH)).isEqualTo(2);
        assertThat(main.scan(Scannable.Attr.CANCELLED)).isFalse();
        inners.succeed(0, 0);
        assertThat(main.inners()).hasSize(2);
        assertThat(main.scan(Scannable.Attr.TERMINATED)).isFalse();
    }

    // --- side by side with flatMap ---

    /** An operator under test: {@code flatMap(mapper, concurrency, 1)} or {@code MonoMerge}. */
    private interface Merge {
        Publisher<Integer> apply(Flux<Integer> source, Function<Integer, Mono<Integer>> mapper, int concurrency);
    }

    /**
     * One random script run on one thread: inners end in a random order with a value and downstream asks in
     * random steps. (An inner that ends empty while downstream has no demand is where the two differ on purpose:
     * see {@link #anEmptyInnerGivesItsSlotBackAtOnceEvenWithoutDemand}.) The events (what the source is asked for, which inner is subscribed, what downstream
     * sees) must be the same for both operators: the script's choices depend on which inners are open, so any
     * difference in behaviour shows up as a different event list.
     */
    private static List<String> script(long seed, Merge merge) {
        Random random = new Random(seed);
        int count = 1 + random.nextInt(40);
        int concurrency = 1 + random.nextInt(8);
        List<String> events = new ArrayList<>();
        events.add("count " + count + ", concurrency " + concurrency);
        List<Sinks.One<Integer>> inners = new ArrayList<>();
        List<Integer> open = new ArrayList<>();
        Flux<Integer> source = Flux.range(0, count).doOnRequest(n -> events.add("request " + n));
        Function<Integer, Mono<Integer>> mapper = i -> {
            Sinks.One<Integer> sink = Sinks.one();
            inners.add(sink);
            open.add(i);
            events.add("subscribe " + i);
            return sink.asMono();
        };
        AtomicBoolean completed = new AtomicBoolean();
        BaseSubscriber<Integer> downstream = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
            }

            @Override
            protected void hookOnNext(Integer value) {
                events.add("value " + value);
            }

            @Override
            protected void hookOnComplete() {
                completed.set(true);
                events.add("complete");
            }
        };
        merge.apply(source, mapper, concurrency).subscribe(downstream);
        for (int step = 0; !completed.get() && step < count * 8; step++) {
            if (open.isEmpty() || random.nextInt(3) == 0) {
                int n = 1 + random.nextInt(3);
                events.add("ask " + n);
                downstream.request(n);
            }
            else {
                int i = open.remove(random.nextInt(open.size()));
                events.add("end " + i);
                inners.get(i).tryEmitValue(i);
            }
        }
        return events;
    }

    @Test
    void behavesAsFlatMapWithPrefetchOneOnRandomScripts() {
        long first = Long.getLong("monomerge.seed", System.nanoTime());
        int scripts = Integer.getInteger("monomerge.scripts", 2_000);
        for (int i = 0; i < scripts; i++) {
            long seed = first + i;
            String replay = "seed " + seed + " (replay: mvn test -Dtest=MonoMergeTest#"
                    + "behavesAsFlatMapWithPrefetchOneOnRandomScripts -Dmonomerge.seed=" + seed + " -Dmonomerge.scripts=1)";
            List<String> flatMap = script(seed, (source, mapper, concurrency) -> source.flatMap(mapper, concurrency, 1));
            List<String> merge = script(seed, MonoMerge::of);
            // Demand, subscriptions and the timing of every delivery are flatMap's; which of several waiting values
            // goes first is not: flatMap takes them by inner slot, MonoMerge in the order they came.
            assertThat(withoutValues(merge)).as(replay).isEqualTo(withoutValues(flatMap));
            assertThat(values(merge)).as(replay).containsExactlyInAnyOrderElementsOf(values(flatMap));
            assertThat(values(merge)).as(replay + ": in the order the inners produced them")
                    .isEqualTo(merge.stream().filter(e -> e.startsWith("end "))
                            .map(e -> e.substring("end ".length())).toList());
            assertThat(flatMap).as(replay + ": the script ran to the end").last().isEqualTo("complete");
        }
    }

    private static List<String> withoutValues(List<String> events) {
        return events.stream().map(e -> e.startsWith("value ") ? "value" : e).toList();
    }

    private static List<String> values(List<String> events) {
        return events.stream().filter(e -> e.startsWith("value ")).map(e -> e.substring("value ".length())).toList();
    }

    // --- races ---

    @Test
    void innersEndingOnTwoThreadsDeliverEveryValueOnceAndNeverExceedTheLimit() throws InterruptedException {
        long seed = Long.getLong("monomerge.seed", System.nanoTime());
        Random random = new Random(seed);
        Scheduler a = Schedulers.newSingle("merge-a");
        Scheduler b = Schedulers.newSingle("merge-b");
        try {
            for (int round = 0; round < 20; round++) {
                int count = 2_000;
                int concurrency = 1 + random.nextInt(64);
                AtomicInteger live = new AtomicInteger();
                AtomicInteger maxLive = new AtomicInteger();
                long[] delays = random.longs(count, 0, 3).toArray();
                Flux<Integer> merged = MonoMerge.of(Flux.range(0, count), i -> tracked(Mono.just(i)
                                .publishOn(i % 2 == 0 ? a : b)
                                .doOnNext(v -> busy(delays[v])), live, maxLive),
                        concurrency);
                List<Integer> values = merged.collectList().block(Duration.ofSeconds(30));
                String where = "seed " + seed + " (replay: mvn test -Dtest=MonoMergeTest -Dmonomerge.seed=" + seed
                        + "), round " + round;
                assertThat(values).as(where).hasSize(count).doesNotHaveDuplicates();
                assertThat(maxLive.get()).as(where).isLessThanOrEqualTo(concurrency);
            }
        } finally {
            a.dispose();
            b.dispose();
        }
    }

    private static volatile long spun;

    /** A little CPU work (not a sleep: BlockHound watches these threads), so that the two threads overlap. */
    private static void busy(long units) {
        long x = spun;
        for (long i = 0; i < units * 200; i++) {
            x = x * 31 + i;
        }
        spun = x;
    }

    @Test
    void aCancelRacingAnInnersSubscriptionStillCancelsIt() {
        for (int trial = 0; trial < 2_000; trial++) {
            Inners inners = new Inners();
            TestPublisher<Integer> source = TestPublisher.create();
            BaseSubscriber<Integer> downstream = new BaseSubscriber<>() { };
            MonoMerge.of(source, inners::of, 4).subscribe(downstream);
            source.next(0);
            RaceTestUtils.race(downstream::cancel, () -> source.next(1));
            assertThat(inners.live).as("trial %d: no inner left subscribed", trial).hasValue(0);
        }
    }

    @Test
    void aValueRacingACancelIsDeliveredOrDiscardedNeverBoth() throws InterruptedException {
        for (int trial = 0; trial < 2_000; trial++) {
            Inners inners = new Inners();
            List<Object> discarded = new CopyOnWriteArrayList<>();
            List<Integer> delivered = new CopyOnWriteArrayList<>();
            CountDownLatch subscribed = new CountDownLatch(1);
            BaseSubscriber<Integer> downstream = new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                    s.request(Long.MAX_VALUE);
                    subscribed.countDown();
                }

                @Override
                protected void hookOnNext(Integer value) {
                    delivered.add(value);
                }
            };
            MonoMerge.of(Flux.range(0, 2), inners::of, 2)
                    .contextWrite(Operators.enableOnDiscard(null, discarded::add))
                    .subscribe(downstream);
            assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();
            RaceTestUtils.race(downstream::cancel, () -> inners.succeed(1, 1));
            assertThat(delivered.size() + discarded.size()).as("trial %d", trial).isLessThanOrEqualTo(1);
        }
    }
}
