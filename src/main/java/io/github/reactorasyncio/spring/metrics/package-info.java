/**
 * Micrometer meters for the concurrency limits of {@link io.github.reactorasyncio.spring} and for plain
 * {@link io.github.reactorasyncio.sync.Semaphore}s: {@link io.github.reactorasyncio.spring.metrics.ConcurrencyLimitMetrics}
 * is a {@code MeterBinder} following a {@link io.github.reactorasyncio.spring.ConcurrencyLimitRegistry};
 * {@link io.github.reactorasyncio.spring.metrics.ReactorAsyncioMetricsAutoConfiguration} registers it in a Boot
 * application. Micrometer is an optional dependency: only this package refers to it.
 */
package io.github.reactorasyncio.spring.metrics;
