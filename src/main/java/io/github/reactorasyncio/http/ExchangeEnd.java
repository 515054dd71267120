package io.github.reactorasyncio.http;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * The end of one exchange as one operator: the answer becomes a result ({@link Outcome#answered}), any error a failed
 * result ({@link Outcome#failed}), and a cancel is reported ({@link Outcome#cancelled}). It replaces
 * {@code map(answered).onErrorResume(e -> Mono.just(failed(e))).doOnCancel(cancelled)}, three operators with their
 * subscribers and lambdas per request, by one Mono and one subscriber: 352 → 152 B per exchange, counted exactly by
 * the bench {@code ExchangeEndAllocation} (docs/performance.md).
 *
 * <p>Signals: at most one result, then completion, never an error (a failure is a result); an empty source
 * completes empty. A result that {@code answered} cannot build (it throws) becomes {@code failed} of that error, as
 * {@code map} then {@code onErrorResume} did. A cancel reaches {@code cancelled} before the source is cancelled, as
 * {@code doOnCancel} did. A source's error after its value goes to {@code Hooks.onErrorDropped}; a result built after
 * the cancel goes to Reactor's discard hook, as for any cancelled Mono.
 */
final class ExchangeEnd<T, R> extends Mono<R> implements Scannable {

    /** What an exchange's end does with its answer, its error and its cancel. */
    interface Outcome<T, R> {
        R answered(T answer);

        R failed(Throwable error);

        void cancelled();
    }

    private final Mono<? extends T> source;
    private final Outcome<T, R> outcome;

    private ExchangeEnd(Mono<? extends T> source, Outcome<T, R> outcome) {
        this.source = source;
        this.outcome = outcome;
    }

    static <T, R> Mono<R> of(Mono<? extends T> source, Outcome<T, R> outcome) {
        return onAssembly(new ExchangeEnd<>(source, outcome));
    }

    @Override
    public void subscribe(CoreSubscriber<? super R> actual) {
        source.subscribe(new EndSubscriber<>(actual, outcome));
    }

    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            return source;
        }
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.SYNC;
        }
        return null;
    }

    private static final class EndSubscriber<T, R> extends Operators.MonoSubscriber<T, R> {
        private final Outcome<T, R> outcome;
        private Subscription upstream;
        // Signals of the source are serialized: a plain field. True once its value has been turned into a result.
        private boolean done;

        EndSubscriber(CoreSubscriber<? super R> actual, Outcome<T, R> outcome) {
            super(actual);
            this.outcome = outcome;
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(T answer) {
            if (done) {
                Operators.onNextDropped(answer, currentContext());
                return;
            }
            R result;
            try {
                result = outcome.answered(answer);
            } catch (Throwable t) {
                Exceptions.throwIfJvmFatal(t);
                result = outcome.failed(Operators.onOperatorError(upstream, t, answer, currentContext()));
            }
            done = true;
            complete(result);
        }

        @Override
        public void onError(Throwable error) {
            if (done) {
                Operators.onErrorDropped(error, currentContext());
                return;
            }
            done = true;
            complete(outcome.failed(error));
        }

        @Override
        public void onComplete() {
            if (!done) {
                done = true;
                actual.onComplete();
            }
        }

        @Override
        public void cancel() {
            super.cancel();
            outcome.cancelled();
            upstream.cancel();
        }

        @Override
        public Object scanUnsafe(Attr key) {
            if (key == Attr.PARENT) {
                return upstream;
            }
            return super.scanUnsafe(key);
        }
    }
}
