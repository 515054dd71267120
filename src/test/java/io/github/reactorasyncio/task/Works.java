package io.github.reactorasyncio.task;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/** Test work with observable side effects: how often it started, finished, and was cancelled. */
final class Works {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();

    /** Emits {@code value} after {@code delay}, counting start, finish (the side effect) and cancel. */
    <T> Mono<T> valueAfter(Duration delay, T value) {
        return Mono.delay(delay)
                .doOnSubscribe(s -> started.incrementAndGet())
                .doOnCancel(cancelled::incrementAndGet)
                .map(tick -> {
                    finished.incrementAndGet();
                    return value;
                });
    }

    /** Fails with {@code error} after {@code delay}. */
    <T> Mono<T> errorAfter(Duration delay, RuntimeException error) {
        return Mono.delay(delay)
                .flatMap(tick -> Mono.<T>error(error))
                .doOnSubscribe(s -> started.incrementAndGet())
                .doOnCancel(cancelled::incrementAndGet);
    }

    static Duration seconds(double seconds) {
        return Duration.ofMillis((long) (seconds * 1000));
    }
}
