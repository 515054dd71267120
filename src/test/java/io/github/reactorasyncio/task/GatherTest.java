package io.github.reactorasyncio.task;

import static io.github.reactorasyncio.task.Works.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.reactorasyncio.VirtualTimeExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

@ExtendWith(VirtualTimeExtension.class)
class GatherTest {

    private final VirtualTimeScheduler time;
    private final Works works = new Works();

    GatherTest(VirtualTimeScheduler time) {
        this.time = time;
    }

    @AfterEach
    void reset() {
        Hooks.resetOnErrorDropped();
    }

    @Test
    void valuesComeInArgumentOrderWhenTheLastOneFinishes() {
        StepVerifier.withVirtualTime(() -> Asyncio.gather(
                        works.valueAfter(seconds(3), "a"), works.valueAfter(seconds(1), "b"),
                        works.valueAfter(seconds(2), "c")))
                .expectSubscription()
                .expectNoEvent(seconds(2.999))
                .thenAwait(seconds(0.001))
                .expectNext(List.of("a", "b", "c"))
                .verifyComplete();
    }

    @Test
    void valueLessWorksGiveNullsUnlikeMonoZip() {
        StepVerifier.create(Asyncio.gather(Mono.empty(), Mono.just("x"), Mono.<String>empty()))
                .assertNext(values -> assertThat(values).containsExactly(null, "x", null))
                .verifyComplete();
    }

    @Test
    void noWorksGiveAnEmptyList() {
        StepVerifier.create(Asyncio.gather(List.<Mono<String>>of())).expectNext(List.of()).verifyComplete();
    }

    @Test
    void nothingStartsBeforeSubscription() {
        Mono<List<String>> gather = Asyncio.gather(works.valueAfter(seconds(1), "a"));
        assertThat(works.started).hasValue(0);
        gather.subscribe();
        assertThat(works.started).hasValue(1);
    }

    @Test
    void theFirstErrorReachesTheCallerAtOnceAndTheOthersKeepRunning() {
        IllegalStateException user4 = new IllegalStateException("cannot connect to 4");
        StepVerifier.create(Asyncio.gather(works.valueAfter(seconds(2), 1), works.valueAfter(seconds(2), 2),
                        works.errorAfter(seconds(1), user4)))
                .then(() -> time.advanceTimeBy(seconds(1)))
                .verifyErrorSatisfies(e -> assertThat(e).isSameAs(user4));

        time.advanceTimeBy(seconds(1));
        assertThat(works.finished).as("siblings ran to completion").hasValue(2);
        assertThat(works.cancelled).hasValue(0);
    }

    @Test
    void aSiblingFailingAfterTheCallerGotItsErrorIsReportedAsDropped() {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second");
        StepVerifier.create(Asyncio.gather(works.errorAfter(seconds(1), first), works.errorAfter(seconds(2), second)))
                .then(() -> time.advanceTimeBy(seconds(1)))
                .verifyErrorSatisfies(e -> assertThat(e).isSameAs(first));
        time.advanceTimeBy(seconds(1));
        assertThat(dropped).containsExactly(second);
    }

    @Test
    void cancellingTheGatherCancelsEveryTask() {
        Disposable caller = Asyncio.gather(works.valueAfter(seconds(1), 1), works.valueAfter(seconds(2), 2))
                .subscribe();
        time.advanceTimeBy(seconds(0.5));
        caller.dispose();
        time.advanceTimeBy(seconds(5));
        assertThat(works.cancelled).hasValue(2);
        assertThat(works.finished).hasValue(0);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Asyncio.gather((List<Mono<String>>) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("works");
        assertThatThrownBy(() -> Asyncio.gather(Arrays.asList(Mono.just(1), null)))
                .isInstanceOf(NullPointerException.class).hasMessage("works[1]");
    }
}
