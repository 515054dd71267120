package io.github.reactorasyncio.cli;

/**
 * A snapshot of a {@link DemoServer}'s counters.
 *
 * @param requests        requests received
 * @param inFlight        requests received and not yet answered (their response has not started)
 * @param maxInFlight     the most requests ever waiting for their answer at once: what the client's limit allowed
 * @param openConnections TCP connections open right now
 * @param injectedErrors  503 answers given because of the configured error rate
 */
public record DemoServerStatistics(long requests, int inFlight, int maxInFlight, int openConnections,
                                   long injectedErrors) {
}
