package io.github.reactorasyncio.bench;

import org.openjdk.jmh.infra.Blackhole;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * A reusable, synchronous end subscriber for benchmarks: requests everything, hands values to a Blackhole and
 * keeps the subscription in a field, as real subscribers do (so escape analysis cannot make an allocation
 * disappear in the benchmark that would exist in an application).
 */
final class Sink implements CoreSubscriber<Object> {

    private final Blackhole blackhole;
    Subscription subscription;
    long completed;

    Sink(Blackhole blackhole) {
        this.blackhole = blackhole;
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object value) {
        blackhole.consume(value);
    }

    @Override
    public void onError(Throwable t) {
        throw new AssertionError("benchmark work failed", t);
    }

    @Override
    public void onComplete() {
        completed++;
    }
}
