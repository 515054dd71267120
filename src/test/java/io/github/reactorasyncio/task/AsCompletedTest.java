package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class AsCompletedTest {

    private final Works works = new Works();

    @AfterEach
    void reset() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void valuesComeInCompletionOrder() {
        StepVerifier.withVirtualTime(() -> Asyncio.asCompleted(works.valueAfter(seconds(3), "a"),
                        works.valueAfter(seconds(1), "b"), Mono.<String>empty(), works.valueAfter(seconds(2), "c")))
                .thenAwait(seconds(1))
                .expectNext("b")
                .thenAwait(seconds(1))
                .expectNext("c")
                .thenAwait(seconds(1))
                .expectNext("a")
                .verifyComplete();
    }

    @Test
    void anErrorEndsTheFluxAndCancelsTheRest() {
        StepVerifier.withVirtualTime(() -> Asyncio.asCompleted(works.valueAfter(seconds(1), "a"),
                        works.<String>errorAfter(seconds(2), new IllegalStateException("bad")),
                        works.valueAfter(seconds(3), "c")))
                .thenAwait(seconds(2))
                .expectNext("a")
                .verifyErrorMessage("bad");
        VirtualTimeScheduler.getOrSet().advanceTimeBy(seconds(5));
        assertThat(works.finished).as("'c' was cancelled before it could finish").hasValue(1);
    }

    @Test
    void cancellingTheCallerCancelsEveryWork() {
        VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
        Asyncio.asCompleted(works.valueAfter(seconds(1), "a"), works.valueAfter(seconds(2), "b")).subscribe().dispose();
        time.advanceTimeBy(seconds(2));
        assertThat(works.cancelled).hasValue(2);
        assertThat(works.finished).hasValue(0);
    }

    @Test
    void noWorksCompleteEmpty() {
        StepVerifier.create(Asyncio.asCompleted(List.<Mono<String>>of())).verifyComplete();
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Asyncio.asCompleted(Arrays.asList(Mono.just(1), null)))
                .isInstanceOf(NullPointerException.class).hasMessage("works[1]");
    }
}
