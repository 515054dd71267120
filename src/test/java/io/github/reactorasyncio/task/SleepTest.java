package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class SleepTest {

    @Test
    void completesAfterTheDelay() {
        StepVerifier.withVirtualTime(() -> Asyncio.sleep(seconds(2)))
                .expectSubscription()
                .expectNoEvent(seconds(1.999))
                .thenAwait(seconds(0.001))
                .verifyComplete();
    }

    @Test
    void zeroIsAllowedNegativeIsNot() {
        StepVerifier.withVirtualTime(() -> Asyncio.sleep(Duration.ZERO)).thenAwait().verifyComplete();
        assertThatThrownBy(() -> Asyncio.sleep(seconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delay must not be negative, was PT-1S");
        assertThatThrownBy(() -> Asyncio.sleep(null)).isInstanceOf(NullPointerException.class).hasMessage("delay");
    }
}
