package io.github.reactorasyncio.http;

import java.util.Objects;

import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fetches many URLs with at most {@link FetchOptions#concurrency()} in flight: the seeds' {@code async with
 * semaphore: await session.get(url)} under {@code asyncio.gather(..., return_exceptions=True)}, as one Reactor
 * pipeline over one connection pool of its own: HTTP/1.1 on Netty's codec, or Reactor Netty's {@code HttpClient}
 * when HTTP/2 is offered ({@link FetchOptions#http2()}, {@link FetchOptions#h2c()}).
 *
 * <p><b>Concurrency.</b> {@link #fetchAll(Publisher)} is {@code flatMap(fetch, concurrency)} in effect (an
 * operator with flatMap's demand and constant work per finished request): it subscribes
 * to at most {@code concurrency} requests and starts the next one only when one finishes, which is exactly a
 * semaphore of that many permits held for the duration of each request. {@code concurrency} also bounds the
 * fetcher as a whole — several {@code fetchAll} pipelines and {@link #fetch(String)} calls running at once share
 * it (FIFO) — and sizes the pool (connections per host). Only requests holding a turn reach the pool, so it
 * never holds a queue of its own beyond the requests already in flight. {@link #statistics()} reports the most requests ever in
 * flight at once. For a limit shared with other work, give the options a
 * {@link io.github.reactorasyncio.sync.Semaphore} ({@link FetchOptions.Builder#sharedLimit}): every request then
 * also holds one of its permits, in {@code fetchAll} and {@link #fetch(String)} alike.
 *
 * <p><b>Results.</b> Every input URL yields exactly one {@link FetchResult}, failures included; the returned Flux
 * never errors because of a URL (only because of the input publisher itself). Emission follows completion order,
 * also for results that wait for downstream's demand, with {@link FetchResult#index()} naming the input position, or input order when {@link FetchOptions#ordered()}
 * ({@code flatMapSequential}: same concurrency, results buffered until their turn).
 *
 * <p><b>Cancellation.</b> Cancelling the Flux cancels every request in flight: their connections are closed, not
 * returned to the pool half-read, and their turns are released. No result is emitted for cancelled URLs.
 *
 * <p><b>Resources.</b> A Fetcher owns its connection pool; {@link #close()} disposes it (in-flight requests then
 * fail with {@link FetchErrorKind#CONNECTION_RESET}; on HTTP/1.1 later ones with {@link FetchErrorKind#IO_ERROR}
 * "the fetcher is closed", through Reactor Netty's pool also {@link FetchErrorKind#POOL_EXHAUSTED}). Netty's event
 * loop threads are the shared, daemon Reactor Netty ones: they never keep a JVM alive.
 *
 * <p>Corresponds to {@code aiohttp.ClientSession} + {@code asyncio.Semaphore} + {@code asyncio.gather}.
 */
public interface Fetcher extends Disposable, AutoCloseable {

    /**
     * A fetcher with {@link FetchOptions#defaults()}: limit 10.
     *
     * @return a new fetcher owning a new connection pool; {@link #close()} it when done
     */
    static Fetcher create() {
        return create(FetchOptions.defaults());
    }

    /**
     * A fetcher with the given settings.
     *
     * @param options the settings; not null
     * @return a new fetcher owning a new connection pool; {@link #close()} it when done
     * @throws NullPointerException if {@code options} is null
     */
    static Fetcher create(FetchOptions options) {
        return new DefaultFetcher(Objects.requireNonNull(options, "options"));
    }

    /**
     * Fetches every URL of {@code urls}, at most {@link FetchOptions#concurrency()} at a time, one result each.
     * Subscribing again fetches again. Urls are pulled from the publisher as turns free up (bounded demand).
     *
     * @param urls the URLs to fetch, as text; not null
     * @return a Flux of one {@link FetchResult} per URL, in completion order (input order if
     *     {@link FetchOptions#ordered()}); it errors only if {@code urls} does
     * @throws NullPointerException naming {@code urls} if null (a null element errors the Flux, as Reactive
     *                              Streams forbids nulls; malformed text is a result, not an error)
     */
    Flux<FetchResult> fetchAll(Publisher<String> urls);

    /**
     * {@link #fetchAll(Publisher)} over a collection.
     *
     * @param urls the URLs to fetch, as text; not null (a null element errors the Flux)
     * @return a Flux of one {@link FetchResult} per URL, as for {@link #fetchAll(Publisher)}
     * @throws NullPointerException naming {@code urls} if null
     */
    Flux<FetchResult> fetchAll(Iterable<String> urls);

    /**
     * Fetches one URL (index 0), waiting for a turn under the fetcher-wide {@code concurrency} limit (and the
     * shared limit, if set) like every request of this fetcher. Never errors: failures are results.
     *
     * @param url the URL to fetch, as text; not null; malformed text gives a failed result
     * @return a Mono of the URL's one {@link FetchResult}, with {@link FetchResult#index()} 0
     * @throws NullPointerException naming {@code url} if null
     */
    Mono<FetchResult> fetch(String url);

    /**
     * This fetcher's counters, such as the most requests it ever had in flight at once.
     *
     * @return a snapshot of the counters
     */
    FetchStatistics statistics();

    /**
     * The settings this fetcher was created with.
     *
     * @return the fetcher's options
     */
    FetchOptions options();

    /** Disposes the connection pool (asynchronously; never blocks). Idempotent. */
    @Override
    void close();
}
