package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.github.reactorasyncio.VirtualTimeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

@ExtendWith(VirtualTimeExtension.class)
class GatherStructuredTest {

    private final VirtualTimeScheduler time;
    private final Works works = new Works();

    GatherStructuredTest(VirtualTimeScheduler time) {
        this.time = time;
    }

    @Test
    void valuesComeInArgumentOrder() {
        StepVerifier.create(Asyncio.gatherStructured(works.valueAfter(seconds(2), "a"), works.valueAfter(seconds(1), "b")))
                .then(() -> time.advanceTimeBy(seconds(2)))
                .expectNext(List.of("a", "b"))
                .verifyComplete();
    }

    @Test
    void aFailureCancelsTheSiblingsBeforeTheCallerSeesIt() {
        IllegalStateException boom = new IllegalStateException("boom");
        StepVerifier.create(Asyncio.gatherStructured(works.valueAfter(seconds(2), 1), works.valueAfter(seconds(3), 2),
                        works.errorAfter(seconds(1), boom)))
                .then(() -> time.advanceTimeBy(seconds(1)))
                .consumeErrorWith(e -> {
                    assertThat(e).isSameAs(boom);
                    assertThat(works.cancelled).as("siblings already cancelled").hasValue(2);
                })
                .verify();
        time.advanceTimeBy(seconds(5));
        assertThat(works.finished).hasValue(0);
    }

    @Test
    void noWorksGiveAnEmptyList() {
        StepVerifier.create(Asyncio.gatherStructured(List.<Mono<String>>of())).expectNext(List.of()).verifyComplete();
    }

    @Test
    void cancellingTheCallerCancelsEveryTask() {
        Disposable caller = Asyncio.gatherStructured(works.valueAfter(seconds(1), 1)).subscribe();
        caller.dispose();
        time.advanceTimeBy(seconds(2));
        assertThat(works.cancelled).hasValue(1);
        assertThat(works.finished).hasValue(0);
    }

    @Test
    void aConditionAwaitCancelledWithASiblingHasItsLockBackBeforeTheGatherFails() {
        // Issue 12, defect 2 (a): the failure is signalled once the cancelled sibling's await holds its lock again.
        BusyCondition scene = new BusyCondition();
        assertThat(scene.run(await -> Asyncio.<Object>gatherStructured(await.then(Mono.just("signalled")),
                        Mono.delay(seconds(1)).then(Mono.error(new IllegalStateException("boom"))))
                .then(Mono.just("gathered"))
                .onErrorResume(IllegalStateException.class, e -> scene.seen())))
                .isEqualTo(BusyCondition.AFTER_THE_OTHER_PARTY_LEFT);
    }
}
