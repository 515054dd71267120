package io.github.reactorasyncio.sync;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Downstream of a hold once its subscription has ended. A work may still signal after a cancel (the spec allows it);
 * those signals go where Reactor's own operators send them: values to {@code Hooks.onNextDropped}, errors to
 * {@code Hooks.onErrorDropped}, a completion nowhere. Never logged as misuse.
 */
final class LateSubscriber implements CoreSubscriber<Object> {
    static final LateSubscriber INSTANCE = new LateSubscriber();

    private LateSubscriber() {
    }

    @Override
    public void onSubscribe(Subscription s) {
        s.cancel();
    }

    @Override
    public void onNext(Object value) {
        Operators.onNextDropped(value, Context.empty());
    }

    @Override
    public void onError(Throwable error) {
        Operators.onErrorDropped(error, Context.empty());
    }

    @Override
    public void onComplete() {
        // nothing is owed for a completion nobody waits for
    }
}
