/**
 * The {@code fetch} command line: a front end over the library's {@link io.github.reactorasyncio.http.Fetcher},
 * not part of the library's API. Its dependencies (picocli, Jackson) are optional in the pom, so a
 * library user inherits none of them.
 *
 * <h2>How the types relate</h2>
 * <ul>
 *   <li>{@link io.github.reactorasyncio.cli.FetchCommand} parses the options (picocli), builds a
 *       {@link io.github.reactorasyncio.http.FetchOptions}, streams the URLs ({@code UrlFile} reads a
 *       {@code --urls-file} line by line) through the fetcher and prints each result as JSON Lines, or the
 *       summary or the JSON report at the end; {@code Failures} keeps the bounded list of failures they show.</li>
 *   <li>{@code Progress} reports progress on stderr while the batch runs; {@code Diagnostics} sends Reactor's
 *       and Netty's log messages to stderr, summarized, so stdout carries results alone.</li>
 *   <li>{@link io.github.reactorasyncio.cli.DemoServer} is a loopback server with latency, jitter and an error
 *       rate that counts concurrent requests independently of the client
 *       ({@link io.github.reactorasyncio.cli.DemoServerStatistics}); the command fetches from it when given no
 *       URL, and the examples and tests use it as their server.</li>
 * </ul>
 */
package io.github.reactorasyncio.cli;
