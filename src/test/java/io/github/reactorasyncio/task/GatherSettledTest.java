package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.github.reactorasyncio.VirtualTimeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

@ExtendWith(VirtualTimeExtension.class)
class GatherSettledTest {

    private final VirtualTimeScheduler time;
    private final Works works = new Works();

    GatherSettledTest(VirtualTimeScheduler time) {
        this.time = time;
    }

    @Test
    void failuresAreOutcomesInArgumentOrderAndEveryWorkRuns() {
        IllegalStateException user4 = new IllegalStateException("cannot connect to 4");
        StepVerifier.create(Asyncio.gatherSettled(works.valueAfter(seconds(2), 1), works.valueAfter(seconds(2), 2),
                        works.valueAfter(seconds(2), 3), works.<Integer>errorAfter(seconds(0.1), user4)))
                .then(() -> time.advanceTimeBy(seconds(1.9)))
                .expectNoEvent(seconds(0))
                .then(() -> time.advanceTimeBy(seconds(0.1)))
                .expectNext(List.of(Outcome.success(1), Outcome.success(2), Outcome.success(3),
                        Outcome.failure(user4)))
                .verifyComplete();
        assertThat(works.finished).hasValue(3);
    }

    @Test
    void noWorksGiveAnEmptyList() {
        StepVerifier.create(Asyncio.gatherSettled(List.<Mono<String>>of())).expectNext(List.of()).verifyComplete();
    }

    @Test
    void cancellingTheCallerCancelsEveryTask() {
        Disposable caller = Asyncio.gatherSettled(works.valueAfter(seconds(1), 1), works.valueAfter(seconds(1), 2))
                .subscribe();
        caller.dispose();
        time.advanceTimeBy(seconds(2));
        assertThat(works.cancelled).hasValue(2);
        assertThat(works.finished).hasValue(0);
    }

    @Test
    void nullArgumentsAreNamed() {
        assertThatThrownBy(() -> Asyncio.gatherSettled((Mono<String>[]) null))
                .isInstanceOf(NullPointerException.class).hasMessage("works");
    }
}
