package io.github.reactorasyncio.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.reactorasyncio.spring.ConcurrencyLimit;
import io.github.reactorasyncio.spring.ConcurrencyLimitRegistry;
import io.github.reactorasyncio.sync.DeadlockException;
import io.github.reactorasyncio.sync.DeadlockPolicy;
import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Permit;
import io.github.reactorasyncio.sync.Semaphore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The meters follow the limits' and primitives' state exactly, with a plain SimpleMeterRegistry. */
class ConcurrencyLimitMetricsTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();

    private double gauge(String meter, String name) {
        return meters.get(meter).tag("name", name).gauge().value();
    }

    private double counter(String meter, String name) {
        return meters.get(meter).tag("name", name).functionCounter().count();
    }

    @Test
    void limitMetersTrackRunningWaitingRejectedCompletedAndTheWait() {
        ConcurrencyLimitRegistry registry = new ConcurrencyLimitRegistry();
        ConcurrencyLimitMetrics metrics = new ConcurrencyLimitMetrics(registry);
        metrics.bindTo(meters);
        // registered after binding: the binder follows the registry
        ConcurrencyLimit limit = registry.register(ConcurrencyLimit.of("api", 2, 1, Duration.ofMinutes(1)));
        Sinks.Empty<Void> gate = Sinks.empty();
        Disposable a = limit.run(gate.asMono()).subscribe();
        Disposable b = limit.run(gate.asMono()).subscribe();
        Disposable c = limit.run(gate.asMono()).subscribe();
        StepVerifier.create(limit.run(Mono.just(1))).expectError().verify();

        assertThat(gauge(ConcurrencyLimitMetrics.IN_USE, "api")).isEqualTo(2);
        assertThat(gauge(ConcurrencyLimitMetrics.AVAILABLE, "api")).isZero();
        assertThat(gauge(ConcurrencyLimitMetrics.WAITING, "api")).isEqualTo(1);
        assertThat(counter(ConcurrencyLimitMetrics.REJECTED, "api")).isEqualTo(1);
        assertThat(meters.get(ConcurrencyLimitMetrics.WAIT).tag("name", "api").timer().count()).isEqualTo(2);

        gate.tryEmitEmpty();
        assertThat(gauge(ConcurrencyLimitMetrics.IN_USE, "api")).isZero();
        assertThat(gauge(ConcurrencyLimitMetrics.AVAILABLE, "api")).isEqualTo(2);
        assertThat(gauge(ConcurrencyLimitMetrics.WAITING, "api")).isZero();
        assertThat(counter(ConcurrencyLimitMetrics.COMPLETED, "api")).isEqualTo(3);
        assertThat(counter(ConcurrencyLimitMetrics.TIMEOUTS, "api")).isZero();
        assertThat(meters.get(ConcurrencyLimitMetrics.WAIT).tag("name", "api").timer().count()).isEqualTo(3);
        metrics.close();
        a.dispose();
        b.dispose();
        c.dispose();
    }

    @Test
    void waitTimerRecordsTheWaitAndTimeoutsAndCancelsAreCounted() {
        ConcurrencyLimit limit = ConcurrencyLimit.of("slow", 1, 5, Duration.ofSeconds(2));
        ConcurrencyLimitMetrics.bind(limit, meters);
        StepVerifier.withVirtualTime(() -> {
                    Mono.delay(Duration.ofSeconds(1)).then().as(limit::run).subscribe();   // holds 1s
                    return limit.run(Mono.just("second"));
                })
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("second")
                .verifyComplete();
        assertThat(meters.get(ConcurrencyLimitMetrics.WAIT).tag("name", "slow").timer().max(TimeUnit.MILLISECONDS))
                .isEqualTo(1000);

        Disposable holder = limit.run(Mono.never()).subscribe();
        Disposable cancelled = limit.run(Mono.never()).subscribe();
        cancelled.dispose();
        StepVerifier.withVirtualTime(() -> limit.run(Mono.just(1)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(2))
                .expectError()
                .verify();
        assertThat(counter(ConcurrencyLimitMetrics.TIMEOUTS, "slow")).isEqualTo(1);
        assertThat(counter(ConcurrencyLimitMetrics.CANCELLED, "slow")).isEqualTo(1);
        holder.dispose();
    }

    @Test
    void plainSemaphoresAndLocksCanBeBound() {
        Semaphore sem = Semaphore.create("pool", 3);
        Lock lock = Lock.create("accounts");
        ConcurrencyLimitMetrics.bind(sem, meters);
        ConcurrencyLimitMetrics.bind(lock, meters);
        Permit permit = sem.tryAcquire().orElseThrow();
        Permit held = lock.tryAcquire().orElseThrow();
        assertThat(gauge(ConcurrencyLimitMetrics.IN_USE, "pool")).isEqualTo(1);
        assertThat(gauge(ConcurrencyLimitMetrics.AVAILABLE, "pool")).isEqualTo(2);
        assertThat(gauge(ConcurrencyLimitMetrics.IN_USE, "accounts")).isEqualTo(1);
        assertThat(gauge(ConcurrencyLimitMetrics.AVAILABLE, "accounts")).isZero();
        permit.release();
        held.release();
        assertThat(gauge(ConcurrencyLimitMetrics.IN_USE, "pool")).isZero();
        assertThat(gauge(ConcurrencyLimitMetrics.IN_USE, "accounts")).isZero();
    }

    @Test
    void detectedDeadlocksAreCountedUntilClosed() {
        ConcurrencyLimitMetrics metrics = new ConcurrencyLimitMetrics(new ConcurrencyLimitRegistry());
        metrics.bindTo(meters);
        Lock lock = Lock.create("db", DeadlockPolicy.DETECT);
        StepVerifier.create(lock.withLock(lock.withLock(Mono.just(1))))
                .expectError(DeadlockException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(meters.get(ConcurrencyLimitMetrics.DEADLOCKS).tag("primitive", "Lock 'db'")
                .tag("policy", "DETECT").counter().count()).isEqualTo(1);

        metrics.close();
        StepVerifier.create(lock.withLock(lock.withLock(Mono.just(1))))
                .expectError(DeadlockException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(meters.get(ConcurrencyLimitMetrics.DEADLOCKS).counter().count()).as("closed: no longer counted")
                .isEqualTo(1);
    }
}
