package io.github.reactorasyncio.spring;

import java.util.Objects;
import java.util.function.Function;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Limits concurrent {@code WebClient} calls with shared {@link ConcurrencyLimit}s, so a whole application honours
 * a remote API's concurrency limit however many clients and requests it has.
 *
 * <p><b>Which limit.</b> A request carrying the attribute {@link #LIMIT_ATTRIBUTE} uses the limit it names (looked
 * up by the selector); otherwise the selector picks by request, typically by host ({@link #perHost}). A selector
 * answering {@code null} leaves the call unlimited.
 *
 * <p><b>What a permit covers.</b> The whole call: from sending the request until the response body has been
 * consumed, released or abandoned by cancellation (a response is not finished when its headers arrive). A caller
 * that never consumes nor releases the body keeps the permit, as it keeps the connection; WebClient's
 * {@code retrieve()} and {@code toBodilessEntity()} always do one of the two.
 *
 * <p><b>Refusals.</b> A call the limit refuses fails with {@link ConcurrencyLimitExceededException} (queue full at
 * once; timed out after {@code maxWait}); nothing is sent.
 *
 * <p><b>Cancellation.</b> Cancelling a waiting call withdraws it; cancelling before the response is emitted cancels
 * the exchange and releases the permit at once.
 */
public final class ConcurrencyLimitExchangeFilter implements ExchangeFilterFunction {

    /** Request attribute naming the limit a call must use, e.g. {@code .attribute(LIMIT_ATTRIBUTE, "github")}. */
    public static final String LIMIT_ATTRIBUTE = ConcurrencyLimitExchangeFilter.class.getName() + ".limit";

    private final Function<ClientRequest, ConcurrencyLimit> selector;

    private ConcurrencyLimitExchangeFilter(Function<ClientRequest, ConcurrencyLimit> selector) {
        this.selector = selector;
    }

    /**
     * Every call through this filter shares {@code limit}, whatever {@link #LIMIT_ATTRIBUTE} says.
     *
     * @param limit the limit every call holds a permit of; not null
     * @return a new filter
     * @throws NullPointerException if {@code limit} is null
     */
    public static ConcurrencyLimitExchangeFilter of(ConcurrencyLimit limit) {
        Objects.requireNonNull(limit, "limit must not be null");
        return new ConcurrencyLimitExchangeFilter(request -> limit);
    }

    /**
     * Calls share the limit {@code byName} returns for the name in {@link #LIMIT_ATTRIBUTE} if present, else for
     * the request's host (e.g. {@code api.example.com}); {@code null} means unlimited.
     *
     * @param byName called at each call's subscription with the limit name or host; returns the limit to hold, or
     *     {@code null} for none; what it throws fails that call; not null itself
     * @return a new filter
     * @throws NullPointerException if {@code byName} is null
     */
    public static ConcurrencyLimitExchangeFilter perHost(Function<String, ConcurrencyLimit> byName) {
        Objects.requireNonNull(byName, "byName must not be null");
        return new ConcurrencyLimitExchangeFilter(request -> byName.apply(request.attribute(LIMIT_ATTRIBUTE)
                .map(Object::toString)
                .orElseGet(() -> request.url().getHost())));
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        // The permit must outlive the Mono<ClientResponse> (it covers the body too), so the limited run is a
        // separate subscription that hands the response out through a sink and ends when the body does.
        // Selecting at subscription makes a selector failure (e.g. a name clash) an error signal, not a throw.
        return Mono.deferContextual(context -> {
            ConcurrencyLimit limit = selector.apply(request);
            if (limit == null) {
                return next.exchange(request);
            }
            Sinks.One<ClientResponse> response = Sinks.one();
            Disposable call = limit.run(next.exchange(request).flatMap(received -> {
                        Sinks.Empty<Void> bodyDone = Sinks.empty();
                        ClientResponse tracked = received.mutate()
                                .body(body -> body.doFinally(signal -> bodyDone.tryEmitEmpty()))
                                .build();
                        response.tryEmitValue(tracked);
                        return bodyDone.asMono();
                    }))
                    .contextWrite(context)
                    .subscribe(null, response::tryEmitError, response::tryEmitEmpty);
            return response.asMono().doOnCancel(call::dispose);
        });
    }

    @Override
    public String toString() {
        return "ConcurrencyLimitExchangeFilter";
    }
}
