package io.github.reactorasyncio.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class ConcurrencyLimitTest {

    @Test
    void misuseNamesTheLimitAndTheValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> ConcurrencyLimit.of("api", 0, 1, Duration.ZERO))
                .withMessage("maxConcurrent of limit 'api' must be >= 1, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> ConcurrencyLimit.of("api", 1, -1, Duration.ZERO))
                .withMessage("maxQueue of limit 'api' must be >= 0, was -1");
        assertThatIllegalArgumentException().isThrownBy(() -> ConcurrencyLimit.of("api", 1, 1, Duration.ofSeconds(-1)))
                .withMessage("maxWait of limit 'api' must not be negative, was PT-1S");
        assertThatNullPointerException().isThrownBy(() -> ConcurrencyLimit.of(null, 1, 1, Duration.ZERO))
                .withMessage("name must not be null");
        assertThatNullPointerException().isThrownBy(() -> ConcurrencyLimit.of("api", 1, 1, Duration.ZERO).run(null))
                .withMessage("work must not be null");
    }

    @Test
    void admitsAtMostMaxConcurrentPlusMaxQueueAndRejectsTheRestAtOnce() {
        ConcurrencyLimit limit = ConcurrencyLimit.of("api", 2, 3, Duration.ofMinutes(1));
        Sinks.Empty<Void> gate = Sinks.empty();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        List<Object> outcomes = new CopyOnWriteArrayList<>();
        Mono<String> work = Mono.defer(() -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            // doOnTerminate: the permit is released as the value passes, so count the end before it does.
            return gate.asMono().thenReturn("done").doOnTerminate(running::decrementAndGet);
        });
        for (int i = 0; i < 8; i++) {
            limit.run(work).subscribe(outcomes::add, outcomes::add);
        }
        assertThat(limit.admitted()).isEqualTo(5);
        assertThat(limit.semaphore().waiting()).isEqualTo(3);
        assertThat(limit.rejected()).isEqualTo(3);
        assertThat(outcomes).hasSize(3).allSatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(ConcurrencyLimitExceededException.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(ConcurrencyLimitExceededException.Reason.QUEUE_FULL);
                    assertThat(refused.limitName()).isEqualTo("api");
                    assertThat(refused).hasMessage("concurrency limit 'api' is full: 2 running and 3 queued "
                            + "(Semaphore[name=api, available=0/2, waiting=3])");
                }));
        gate.tryEmitEmpty();
        assertThat(outcomes).hasSize(8).filteredOn("done"::equals).hasSize(5);
        assertThat(maxRunning).hasValue(2);
        assertThat(limit.completed()).isEqualTo(5);
        assertThat(limit.admitted()).isZero();
        assertThat(limit.semaphore().availablePermits()).isEqualTo(2);
    }

    @Test
    void aRunThatWaitsMaxWaitInVainTimesOutWithoutRunning() {
        ConcurrencyLimit limit = ConcurrencyLimit.of("slow", 1, 5, Duration.ofMillis(250));
        AtomicInteger started = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> {
                    limit.run(Mono.never()).subscribe();
                    return limit.run(Mono.fromCallable(started::incrementAndGet));
                })
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(249))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOfSatisfying(ConcurrencyLimitExceededException.class, refused ->
                            assertThat(refused.reason()).isEqualTo(ConcurrencyLimitExceededException.Reason.TIMED_OUT));
                    assertThat(e).hasMessage("concurrency limit 'slow' granted no permit within 250ms "
                            + "(Semaphore[name=slow, available=0/1, waiting=0])");
                    assertThat(e.getCause()).isInstanceOf(TimeoutException.class);
                })
                .verify();
        assertThat(started).hasValue(0);
        assertThat(limit.timedOut()).isOne();
        assertThat(limit.semaphore().statistics().timedOut()).isOne();
        assertThat(limit.admitted()).as("only the never-ending run").isOne();
    }

    @Test
    void theWorksOwnTimeoutIsNotMistakenForTheLimits() {
        ConcurrencyLimit limit = ConcurrencyLimit.of("own", 1, 0, Duration.ofSeconds(1));
        StepVerifier.create(limit.run(Mono.error(new TimeoutException("downstream slow"))))
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(TimeoutException.class)
                        .hasMessage("downstream slow"))
                .verify();
        assertThat(limit.timedOut()).isZero();
        assertThat(limit.completed()).isOne();
    }

    @Test
    void waitListenersHearHowLongEachGrantedRunWaited() {
        List<Duration> waits = new CopyOnWriteArrayList<>();
        ConcurrencyLimit limit = ConcurrencyLimit.of("timed", 1, 5, Duration.ofMinutes(1));
        limit.onPermitGranted(waits::add);
        StepVerifier.withVirtualTime(() -> Flux.range(0, 3)
                        .flatMap(i -> limit.run(Mono.delay(Duration.ofSeconds(2)))))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(6))
                .expectNextCount(3)
                .verifyComplete();
        assertThat(waits).containsExactly(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void cancellingWaitingAndRunningRunsGivesEverythingBack() {
        ConcurrencyLimit limit = ConcurrencyLimit.of("cancel", 1, 1, Duration.ofMinutes(1));
        AtomicInteger cancelled = new AtomicInteger();
        Disposable running = limit.run(Mono.never().doOnCancel(cancelled::incrementAndGet)).subscribe();
        Disposable waiting = limit.run(Mono.just(1)).subscribe();
        assertThat(limit.admitted()).isEqualTo(2);
        waiting.dispose();
        running.dispose();
        assertThat(cancelled).hasValue(1);
        assertThat(limit.admitted()).isZero();
        assertThat(limit.semaphore().availablePermits()).isOne();
        assertThat(limit.semaphore().statistics().cancelled()).isOne();
        assertThat(limit.completed()).as("cancelled work is not completed").isZero();
    }
}
