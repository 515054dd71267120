package io.github.reactorasyncio.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Scannable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class ExchangeEndTest {

    /** Records what the end did; "answered:x", "failed:message", and counts cancels. */
    private static final class Recorded implements ExchangeEnd.Outcome<String, String> {
        final AtomicInteger cancels = new AtomicInteger();
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public String answered(String answer) {
            if (answer.equals("unbuildable")) {
                throw new IllegalStateException("cannot build");
            }
            calls.add("answered:" + answer);
            return "result of " + answer;
        }

        @Override
        public String failed(Throwable error) {
            calls.add("failed:" + error.getMessage());
            return "failure: " + error.getMessage();
        }

        @Override
        public void cancelled() {
            cancels.incrementAndGet();
        }
    }

    @AfterEach
    void resetHooks() {
        Hooks.resetOnErrorDropped();
    }

    @Test
    void anAnswerBecomesItsResultThenCompletion() {
        Recorded outcome = new Recorded();
        StepVerifier.create(ExchangeEnd.of(Mono.just("200"), outcome))
                .expectNext("result of 200")
                .verifyComplete();
        assertThat(outcome.calls).containsExactly("answered:200");
        assertThat(outcome.cancels).hasValue(0);
    }

    @Test
    void anErrorBecomesAFailedResultNeverAnError() {
        Recorded outcome = new Recorded();
        StepVerifier.create(ExchangeEnd.of(Mono.error(new IllegalArgumentException("refused")), outcome))
                .expectNext("failure: refused")
                .verifyComplete();
        assertThat(outcome.calls).containsExactly("failed:refused");
    }

    @Test
    void aResultThatCannotBeBuiltBecomesAFailedResultOfThatError() {
        Recorded outcome = new Recorded();
        StepVerifier.create(ExchangeEnd.of(Mono.just("unbuildable"), outcome))
                .expectNext("failure: cannot build")
                .verifyComplete();
    }

    @Test
    void anEmptySourceCompletesEmpty() {
        Recorded outcome = new Recorded();
        StepVerifier.create(ExchangeEnd.of(Mono.<String>empty(), outcome)).verifyComplete();
        assertThat(outcome.calls).isEmpty();
    }

    @Test
    void aCancelIsReportedAndReachesTheSource() {
        Recorded outcome = new Recorded();
        TestPublisher<String> source = TestPublisher.create();
        StepVerifier.create(ExchangeEnd.of(source.mono(), outcome))
                .thenCancel()
                .verify();
        assertThat(outcome.cancels).hasValue(1);
        source.assertCancelled();
        assertThat(outcome.calls).isEmpty();
    }

    @Test
    void theResultWaitsForDemand() {
        Recorded outcome = new Recorded();
        StepVerifier.create(ExchangeEnd.of(Mono.just("200"), outcome), 0)
                .expectSubscription()
                .expectNoEvent(java.time.Duration.ofMillis(10))
                .thenRequest(1)
                .expectNext("result of 200")
                .verifyComplete();
    }

    @Test
    void anErrorAfterTheAnswerGoesToTheDroppedHook() {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        Recorded outcome = new Recorded();
        // A source that breaks the Mono contract: a value, then an error.
        Mono<String> source = new Mono<>() {
            @Override
            public void subscribe(reactor.core.CoreSubscriber<? super String> actual) {
                actual.onSubscribe(reactor.core.publisher.Operators.emptySubscription());
                actual.onNext("200");
                actual.onError(new IllegalStateException("late"));
            }
        };
        StepVerifier.create(ExchangeEnd.of(source, outcome))
                .expectNext("result of 200")
                .verifyComplete();
        assertThat(dropped).extracting(Throwable::getMessage).containsExactly("late");
        assertThat(outcome.calls).containsExactly("answered:200");
    }

    @Test
    void itIsScannableUpToItsSource() {
        Mono<String> source = Sinks.<String>one().asMono();
        Mono<String> end = ExchangeEnd.of(source, new Recorded());
        assertThat(Scannable.from(end).scan(Scannable.Attr.PARENT)).isSameAs(source);
        assertThat(Scannable.from(end).scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);
    }
}
