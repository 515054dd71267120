package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@Timeout(30) // guards against a hang
class BarrierTest {

    /** Subscribes an await that records "name=index" or "name broken: message". */
    private static Disposable arrive(Barrier barrier, String name, List<String> log) {
        return barrier.await().subscribe(
                index -> log.add(name + "=" + index),
                error -> log.add(name + " " + error.getClass().getSimpleName() + ": " + error.getMessage()));
    }

    @Test
    void everyPartyGetsADistinctIndexOnceTheRoundFills() {
        Barrier barrier = Barrier.create("start", 3);
        List<String> log = new CopyOnWriteArrayList<>();

        arrive(barrier, "a", log);
        arrive(barrier, "b", log);
        assertThat(log).isEmpty();
        assertThat(barrier.waiting()).isEqualTo(2);
        assertThat(barrier.toString()).isEqualTo("Barrier[name=start, waiting=2/3]");

        arrive(barrier, "c", log);

        assertThat(log).containsExactly("a=0", "b=1", "c=2");
        assertThat(barrier.waiting()).isZero();
    }

    @Test
    void theBarrierIsReusableRoundAfterRound() {
        Barrier barrier = Barrier.create("rounds", 4);

        StepVerifier.create(Flux.range(0, 12).flatMap(i -> barrier.await(), 12).collectList())
                .assertNext(indices -> assertThat(indices)
                        .containsExactly(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3))
                .verifyComplete();
        assertThat(barrier.waiting()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    @Test
    void onePartyPassesAtOnce() {
        StepVerifier.create(Barrier.create("solo", 1).await()).expectNext(0).verifyComplete();
    }

    @Test
    void cancellingAnAwaitWithdrawsItsArrival() {
        Barrier barrier = Barrier.create("withdraw", 3);
        List<String> log = new CopyOnWriteArrayList<>();
        arrive(barrier, "a", log);
        Disposable b = arrive(barrier, "b", log);

        b.dispose();
        assertThat(barrier.waiting()).isEqualTo(1);
        arrive(barrier, "c", log);
        assertThat(log).as("the round needs one more").isEmpty();

        arrive(barrier, "d", log);
        assertThat(log).containsExactly("a=0", "c=1", "d=2");
    }

    @Test
    void resetBreaksTheWaitersAndStartsAFreshRound() {
        Barrier barrier = Barrier.create("reset", 3);
        List<String> log = new CopyOnWriteArrayList<>();
        arrive(barrier, "a", log);
        arrive(barrier, "b", log);

        barrier.reset();

        assertThat(log).containsExactly(
                "a BrokenBarrierException: Barrier 'reset' is broken (parties=3)",
                "b BrokenBarrierException: Barrier 'reset' is broken (parties=3)");
        assertThat(barrier.isBroken()).isFalse();
        assertThat(barrier.waiting()).isZero();
        StepVerifier.create(Flux.range(0, 3).flatMap(i -> barrier.await()).collectList())
                .assertNext(indices -> assertThat(indices).containsExactly(0, 1, 2))
                .verifyComplete();
    }

    @Test
    void abortLeavesTheBarrierBrokenUntilReset() {
        Barrier barrier = Barrier.create("abort", 2);
        List<String> log = new CopyOnWriteArrayList<>();
        arrive(barrier, "a", log);

        barrier.abort();

        assertThat(log).containsExactly("a BrokenBarrierException: Barrier 'abort' is broken (parties=2)");
        assertThat(barrier.isBroken()).isTrue();
        assertThat(barrier.toString()).isEqualTo("Barrier[name=abort, waiting=0/2, broken]");
        StepVerifier.create(barrier.await())
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(BrokenBarrierException.class)
                        .hasMessage("Barrier 'abort' is broken (parties=2)"));
        assertThat(barrier.waiting()).as("a failed await does not count as an arrival").isZero();

        barrier.reset();

        assertThat(barrier.isBroken()).isFalse();
        StepVerifier.create(Mono.zip(barrier.await(), barrier.await()))
                .assertNext(both -> assertThat(List.of(both.getT1(), both.getT2())).containsExactly(0, 1))
                .verifyComplete();
    }

    @Test
    void misuseFailsWithTheValues() {
        assertThatThrownBy(() -> Barrier.create(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("parties must be >= 1, was 0");
        assertThatThrownBy(() -> Barrier.create("b", -3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("parties must be >= 1, was -3");
        assertThatThrownBy(() -> Barrier.create(null, 2))
                .isInstanceOf(NullPointerException.class).hasMessage("name must not be null");
        Barrier barrier = Barrier.create(5);
        assertThat(barrier.parties()).isEqualTo(5);
        assertThat(barrier.name()).startsWith("Barrier-");
    }
}
