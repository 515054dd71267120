package io.github.reactorasyncio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The whole test suite (sync, task and the rest) runs under BlockHound (blockhound-junit-platform installs it before the first test, with our
 * {@link BlockingCalls} integration): a blocking call on a non-blocking thread fails, so every test of this
 * package that runs a primitive on {@code parallel()} or {@code single()} proves it does not block.
 */
class BlockHoundInstalledTest {

    @Test
    void aBlockingCallOnANonBlockingThreadFails() {
        long before = BlockingCalls.count();
        assertThat(BlockingCalls.installed()).as("BlockHound installed with our integration").isTrue();
        for (var scheduler : new reactor.core.scheduler.Scheduler[] {Schedulers.parallel(), Schedulers.single()}) {
            StepVerifier.create(Mono.fromCallable(() -> {
                        Thread.sleep(1);
                        return 1;
                    }).subscribeOn(scheduler))
                    .expectError(BlockingOperationError.class)
                    .verify(Duration.ofSeconds(10));
        }
        assertThat(BlockingCalls.count() - before).isEqualTo(2);
        // Blocking is still allowed where it belongs.
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return 1;
                }).subscribeOn(Schedulers.boundedElastic()))
                .expectNext(1)
                .verifyComplete();
    }
}
