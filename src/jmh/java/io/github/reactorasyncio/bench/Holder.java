package io.github.reactorasyncio.bench;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/** The smallest end subscriber that can cancel later: what a queued waiter's caller keeps. */
final class Holder implements CoreSubscriber<Object> {

    Subscription subscription;

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object value) {
    }

    @Override
    public void onError(Throwable t) {
    }

    @Override
    public void onComplete() {
    }
}
