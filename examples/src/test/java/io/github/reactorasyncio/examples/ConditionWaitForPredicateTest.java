package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.github.reactorasyncio.examples.ConditionWaitForPredicate.ConnectionState;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class ConditionWaitForPredicateTest {

    @Test
    void thePredicateIsRecheckedOnEveryWakeUpAndTheQueriesRunOnceInitialized() {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        Transcript transcript = new Transcript(clock);

        StepVerifier.withVirtualTime(() -> ConditionWaitForPredicate.run(transcript.out(), clock), () -> clock,
                        Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(15))
                .expectNext(new ConditionWaitForPredicate.Result(ConnectionState.INITIALIZED, Duration.ofSeconds(15)))
                .verifyComplete();

        assertThat(transcript.timeline()).containsExactly(
                "0.000 execute: Waiting for connection initialized",
                "0.000 _is_initialized: The connection is not initialized.",
                "0.000 execute: Waiting for connection initialized",
                "0.000 _is_initialized: The connection is not initialized.",
                "0.000 initialize: Preparing initialize the connection.",
                "0.000 _change_state: Will change state from ConnectionState.WAIT_INIT to ConnectionState.INITIALIZING",
                "0.000 _change_state: Change the state and notify all..",
                // Both woken; each re-acquires the lock in turn and re-checks: still not initialized.
                "0.000 _is_initialized: The connection is not initialized.",
                "0.000 _is_initialized: The connection is not initialized.",
                "5.000 initialize: Connection initialized",
                "5.000 _change_state: Will change state from ConnectionState.INITIALIZING to ConnectionState.INITIALIZED",
                "5.000 _change_state: Change the state and notify all..",
                "5.000 _is_initialized: The connection is ready.",
                "5.000 execute: Connection initialized, executing query: SELECT * FROM table",
                // The first query holds the lock while it runs; the second re-checks when it gets the lock.
                "10.000 execute: Execute finished.",
                "10.000 _is_initialized: The connection is ready.",
                "10.000 execute: Connection initialized, executing query: SELECT * FROM other_table",
                "15.000 execute: Execute finished.");
    }
}
