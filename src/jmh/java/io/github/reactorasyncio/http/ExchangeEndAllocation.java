package io.github.reactorasyncio.http;

import java.lang.management.ManagementFactory;
import java.util.Locale;

import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

/**
 * Exact bytes allocated per exchange end (issue 16, item 3): {@link ExchangeEnd} against the chain it replaced,
 * {@code map(answered).onErrorResume(e -> Mono.just(failed(e))).doOnCancel(cancelled)}, for an answer and for an
 * error. The thread's own allocation counter (load-independent, unlike JFR's sampled estimate), after warm-up
 * rounds; every object escapes (the subscriber is published), so none is scalar-replaced. The figures include the
 * outcome and the subscriber, the same in both variants.
 *
 * <p>usage: {@code mvn -q -Pbench exec:exec -Dbench.main=io.github.reactorasyncio.http.ExchangeEndAllocation}
 */
public final class ExchangeEndAllocation {

    private static volatile Object sink;

    private static final class Outcome implements ExchangeEnd.Outcome<String, String> {
        @Override
        public String answered(String answer) {
            return answer;
        }

        @Override
        public String failed(Throwable error) {
            return "failed";
        }

        @Override
        public void cancelled() {
        }
    }

    private static final class Subscriber extends BaseSubscriber<String> {
        @Override
        protected void hookOnNext(String value) {
            sink = value;
        }
    }

    public static void main(String[] args) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Mono<String> answer = Mono.just("200").hide();
        Mono<String> error = Mono.<String>error(new IllegalStateException("refused")).hide();
        int calls = 200_000;
        for (int round = 0; round < 5; round++) {
            for (String variant : new String[] {"replaced chain, answer", "ExchangeEnd, answer",
                    "replaced chain, error", "ExchangeEnd, error"}) {
                Mono<String> source = variant.endsWith("error") ? error : answer;
                boolean replaced = variant.startsWith("replaced");
                long before = threads.getThreadAllocatedBytes(thread);
                for (int i = 0; i < calls; i++) {
                    Outcome outcome = new Outcome();
                    Mono<String> end = replaced
                            ? source.map(outcome::answered).onErrorResume(e -> Mono.just(outcome.failed(e)))
                                    .doOnCancel(outcome::cancelled)
                            : ExchangeEnd.of(source, outcome);
                    Subscriber subscriber = new Subscriber();
                    end.subscribe(subscriber);
                    sink = subscriber;
                }
                long bytes = threads.getThreadAllocatedBytes(thread) - before;
                if (round == 4) {
                    System.out.printf(Locale.ROOT, "%-24s %6.1f B per exchange%n", variant, bytes / (double) calls);
                }
            }
        }
    }
}
