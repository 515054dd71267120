package io.github.reactorasyncio.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Backoff, jitter, Retry-After and give-up rules, on virtual time. */
class RetryPolicyTest {

    static RetryPolicy policy(int retries, double jitter, double random) {
        return new RetryPolicy(retries, Duration.ofMillis(100), Duration.ofSeconds(2), jitter,
                Schedulers.parallel(), () -> random);
    }

    static RetryPolicy.RetryableStatus status(int code, Duration retryAfter) {
        return new RetryPolicy.RetryableStatus(new RetryPolicy.Attempt(code, 0, retryAfter));
    }

    @Test
    void backoffDoublesFromFirstUpToTheCap() {
        RetryPolicy p = policy(10, 0, 0.5);
        assertThat(p.backoff(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoff(4)).isEqualTo(Duration.ofMillis(1600));
        assertThat(p.backoff(5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoff(200)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void jitterScalesWithinPlusMinusTheFactorAndNeverPassesTheCap() {
        assertThat(policy(3, 0.5, 0.0).backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy(3, 0.5, 1.0).backoff(1)).isEqualTo(Duration.ofMillis(300));
        assertThat(policy(3, 0.5, 1.0).backoff(5)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void retryAfterIsAFloorAndAboveTheCapEndsTheRetries() {
        RetryPolicy p = policy(3, 0, 0.5);
        assertThat(p.delayFor(status(503, Duration.ofSeconds(1)), 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.delayFor(status(429, Duration.ZERO), 2)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delayFor(status(503, Duration.ofSeconds(3)), 0)).isNull();
    }

    @Test
    void onlyTransientFailuresAreRetried() {
        RetryPolicy p = policy(3, 0, 0.5);
        assertThat(p.delayFor(new FetchFailure(FetchErrorKind.CONNECTION_RESET, "reset"), 0)).isNotNull();
        assertThat(p.delayFor(new FetchFailure(FetchErrorKind.TIMEOUT, "slow"), 0)).isNotNull();
        assertThat(p.delayFor(new FetchFailure(FetchErrorKind.BODY_TOO_LARGE, "big"), 0)).isNull();
        assertThat(p.delayFor(new FetchFailure(FetchErrorKind.UNKNOWN_HOST, "x"), 0)).isNull();
        assertThat(p.delayFor(new IllegalStateException("bug"), 0)).isNull();
    }

    @Test
    void retriesOnTheSchedulerWithTheComputedDelaysThenPassesTheLastFailureThrough() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        RetryPolicy p = new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(2), 0, vts, () -> 0.5);
        AtomicInteger attempts = new AtomicInteger();
        Mono<String> failing = Mono.defer(() -> {
            attempts.incrementAndGet();
            return Mono.error(new FetchFailure(FetchErrorKind.CONNECTION_RESET, "reset #" + attempts.get()));
        });

        StepVerifier.withVirtualTime(() -> failing.retryWhen(p.asRetry()), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .then(() -> assertThat(attempts).hasValue(1))
                .thenAwait(Duration.ofMillis(99))
                .then(() -> assertThat(attempts).hasValue(1))
                .thenAwait(Duration.ofMillis(1))
                .then(() -> assertThat(attempts).hasValue(2))
                .thenAwait(Duration.ofMillis(199))
                .then(() -> assertThat(attempts).hasValue(2))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(FetchFailure.class).hasMessage("reset #3"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void waitsForRetryAfterBeforeTheNextAttempt() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        RetryPolicy p = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(10), 0, vts, () -> 0.5);
        AtomicInteger attempts = new AtomicInteger();
        Mono<String> flaky = Mono.defer(() -> attempts.incrementAndGet() == 1
                ? Mono.error(status(429, Duration.ofSeconds(3))) : Mono.just("ok"));

        StepVerifier.withVirtualTime(() -> flaky.retryWhen(p.asRetry()), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(2999))
                .then(() -> assertThat(attempts).hasValue(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("ok")
                .verifyComplete();
    }

    @Test
    void retryableStatusesAre5xxAnd429() {
        assertThat(RetryPolicy.retryableStatus(429)).isTrue();
        assertThat(RetryPolicy.retryableStatus(500)).isTrue();
        assertThat(RetryPolicy.retryableStatus(599)).isTrue();
        assertThat(RetryPolicy.retryableStatus(404)).isFalse();
        assertThat(RetryPolicy.retryableStatus(200)).isFalse();
    }
}
