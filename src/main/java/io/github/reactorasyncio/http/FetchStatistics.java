package io.github.reactorasyncio.http;

/**
 * A snapshot of a {@link Fetcher}'s counters, taken without locking (each field is read atomically, the set is
 * not a single instant).
 *
 * @param requests            requests that got their turn (one per URL that passed validation, retries not counted)
 * @param attempts            HTTP exchanges started, retries included
 * @param inFlight            requests holding their turn right now
 * @param maxInFlight         the most requests ever in flight at once: proof the limit held
 * @param connectionsAcquired pooled connections in use right now (all hosts)
 * @param connectionsIdle     pooled connections open and idle (keep-alive)
 * @param pendingAcquires     acquires queued inside the pool (live ones at most the limit, normally 0; the pool
 *                            counts cancelled ones until its pending-acquire timeout clears them)
 */
public record FetchStatistics(long requests, long attempts, int inFlight, int maxInFlight, int connectionsAcquired,
                              int connectionsIdle, int pendingAcquires) {
}
