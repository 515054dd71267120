package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class ConditionExampleTest {

    @Test
    void bothWorkersWakeAtFiveSecondsAndWorkOneAfterTheOtherUnderTheLock() {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        Transcript transcript = new Transcript(clock);

        StepVerifier.withVirtualTime(() -> ConditionExample.run(transcript.out(), clock), () -> clock,
                        Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(7))
                .expectNext(new ConditionExample.Result(Duration.ofSeconds(7)))
                .verifyComplete();

        assertThat(transcript.timeline()).containsExactly(
                "0.000 do_work: acquiring the condition lock...",
                "0.000 do_work: Lock acquired, releasing it and waiting for the condition...",
                "0.000 do_work: acquiring the condition lock...",
                "0.000 do_work: Lock acquired, releasing it and waiting for the condition...",
                "5.000 fire_event: acquiring the condition lock...",
                "5.000 fire_event: Lock acquired, notifying all workers",
                "5.000 fire_event: Workers notified, releasing the lock.",
                "5.000 do_work: Condition met, lock re-acquired, starting work...",
                // The second worker gets the lock back only when the first leaves its `async with`.
                "6.000 do_work: Work finished, lock released.",
                "6.000 do_work: Condition met, lock re-acquired, starting work...",
                "7.000 do_work: Work finished, lock released.");
    }
}
