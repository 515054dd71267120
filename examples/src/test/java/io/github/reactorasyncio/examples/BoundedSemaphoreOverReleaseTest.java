package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class BoundedSemaphoreOverReleaseTest {

    @Test
    void theSecondReleaseIsRefusedWithItsMessageAndChangesNothing() {
        List<String> lines = new ArrayList<>();

        StepVerifier.create(BoundedSemaphoreOverRelease.run(lines::add))
                .assertNext(result -> {
                    assertThat(result.refusal())
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessage("BoundedSemaphore 'bounded' released too many times (bound 1)");
                    assertThat(result.availableAtEnd()).isEqualTo(1);
                    assertThat(result.firstPermitRelease()).isTrue();
                    assertThat(result.secondPermitRelease()).isFalse();
                })
                .verifyComplete();

        assertThat(lines).containsExactly(
                "acquired:        BoundedSemaphore[name=bounded, available=0/1, waiting=0]",
                "released once:   BoundedSemaphore[name=bounded, available=1/1, waiting=0]",
                "releasing again...",
                "IllegalStateException: BoundedSemaphore 'bounded' released too many times (bound 1)",
                "state unchanged: BoundedSemaphore[name=bounded, available=1/1, waiting=0]",
                "with a Permit in hand: first release() -> true, second release() -> false (a no-op)",
                "                 BoundedSemaphore[name=bounded, available=1/1, waiting=0]");
    }
}
