package io.github.reactorasyncio.http;

/**
 * A snapshot of a {@link Fetcher}'s counters, taken without locking (each field is read atomically, the set is
 * not a single instant).
 *
 * @param requests            requests that got their turn (one per URL that passed validation, retries not counted)
 * @param attempts            HTTP exchanges started, retries included
 * @param inFlight            requests holding their turn right now
 * @param maxInFlight         the most requests ever in flight at once: proof the limit held
 * @param connectionsAcquired connections open and serving a request, or being opened for one, right now (all hosts)
 * @param connectionsIdle     connections open and idle (keep-alive), all hosts
 * @param pendingAcquires     acquires queued inside the pool: always 0 on HTTP/1.1, whose pool has no queue (a
 *                            request holding its turn takes an idle connection or opens one); with HTTP/2 offered,
 *                            Reactor Netty's pool's (live ones at most the limit, normally 0; it counts cancelled
 *                            ones until its pending-acquire timeout clears them)
 */
public record FetchStatistics(long requests, long attempts, int inFlight, int maxInFlight, int connectionsAcquired,
                              int connectionsIdle, int pendingAcquires) {
}
