/**
 * Reactor-asyncio embedded in Spring WebFlux: concurrency limits for the requests an application serves and
 * the calls it makes, never blocking an event loop.
 *
 * <p>How the types relate:
 * <ul>
 *   <li>{@link io.github.reactorasyncio.spring.ConcurrencyLimit} is one named limit: a
 *       {@link io.github.reactorasyncio.sync.Semaphore} plus a bounded queue and a maximum wait; its refusals are
 *       {@link io.github.reactorasyncio.spring.ConcurrencyLimitExceededException}s. It has no Spring types.</li>
 *   <li>{@link io.github.reactorasyncio.spring.ConcurrencyLimitWebFilter} (inbound, a {@code WebFilter}) and
 *       {@link io.github.reactorasyncio.spring.ConcurrencyLimitExchangeFilter} (outbound, a WebClient
 *       {@code ExchangeFilterFunction}) run requests and calls under limits.</li>
 *   <li>{@link io.github.reactorasyncio.spring.ConcurrencyLimitRegistry} holds an application's limits by name,
 *       so that metrics ({@code spring.metrics}) can follow all of them.</li>
 *   <li>{@link io.github.reactorasyncio.spring.ReactorAsyncioAutoConfiguration} builds all of the above in a Spring
 *       Boot application from {@link io.github.reactorasyncio.spring.ReactorAsyncioProperties}
 *       ({@code reactor.asyncio.*}).</li>
 * </ul>
 *
 * <p>Spring (and Micrometer, for {@code spring.metrics}) are optional dependencies: only these two packages refer
 * to them, so core users need neither. See {@code docs/spring-webflux.md}.
 */
package io.github.reactorasyncio.spring;
