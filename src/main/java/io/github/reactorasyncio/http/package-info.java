/**
 * The fan-out fetcher: many URLs, a bounded number in flight, one result each — the seeds' headline program
 * ({@code async with semaphore: await session.get(url)} under {@code asyncio.gather}) on Netty: HTTP/1.1 on Netty's
 * own codec and a connection pool of this package, HTTP/2 through Reactor Netty's {@code HttpClient}.
 *
 * <p>Reactor Netty is an optional dependency of this artifact: to use this package, declare
 * {@code io.projectreactor.netty:reactor-netty-http} (the version your Reactor BOM manages) next to it. The core
 * packages ({@code sync}, {@code task}) never load it.
 *
 * <h2>How the types relate</h2>
 * <ul>
 *   <li>{@link io.github.reactorasyncio.http.Fetcher} does the work, configured by immutable
 *       {@link io.github.reactorasyncio.http.FetchOptions}: it owns each request's turn, retries and result,
 *       and one transport of its own owns connections, bytes and each attempt's timeout (package-private: {@code Http1Transport},
 *       HTTP/1.1 on Netty's codec with a keep-alive pool per host; {@code ReactorNettyTransport}, Reactor Netty's
 *       {@code HttpClient}, when HTTP/2 is offered). Both run on Reactor Netty's event loops.</li>
 *   <li>Every input URL yields one {@link io.github.reactorasyncio.http.FetchResult}: a status, or an
 *       {@link io.github.reactorasyncio.http.FetchErrorKind} with a message. A batch never fails because of a
 *       URL (asyncio's {@code return_exceptions=True}).</li>
 *   <li>{@link io.github.reactorasyncio.http.FetchSummary} condenses a batch's results (histogram, errors by
 *       kind, percentiles), built while they stream past in memory independent of their number (an
 *       HdrHistogram for latencies: optional dependency {@code org.hdrhistogram:HdrHistogram});
 *       {@link io.github.reactorasyncio.http.FetchStatistics} is the fetcher's live counters,
 *       including the most requests it ever had in flight.</li>
 * </ul>
 * The {@code fetch} command line and its embedded demo server live apart, in package
 * {@code io.github.reactorasyncio.cli}; nothing here depends on them.
 *
 * <h2>Two ways to limit</h2>
 * <ol>
 *   <li>{@code flatMap(fetch, concurrency)} — the default, inside
 *       {@link io.github.reactorasyncio.http.Fetcher#fetchAll(org.reactivestreams.Publisher)}: one pipeline,
 *       at most {@code concurrency} requests in flight (unordered, through {@code MonoMerge}: flatMap's demand
 *       with constant work per finished request, where flatMap visits every live inner). This is what {@code asyncio.Semaphore(n)} around each
 *       request amounts to when all requests come from one place.</li>
 *   <li>A shared {@link io.github.reactorasyncio.sync.Semaphore}
 *       ({@link io.github.reactorasyncio.http.FetchOptions.Builder#sharedLimit}): every request also holds a
 *       permit, so one limit covers several pipelines, fetchers and single
 *       {@link io.github.reactorasyncio.http.Fetcher#fetch(String)} calls — e.g. all calls a WebFlux application
 *       makes to one API.</li>
 * </ol>
 * Either way the connection pool has no queue of its own beyond the limit: {@code maxConnections} is
 * {@code concurrency}, and a request enters the pool only holding a turn of the fetcher-wide
 * {@code concurrency} limit, so at most that many ever wait there (for at most the connect timeout).
 */
package io.github.reactorasyncio.http;
