package io.github.reactorasyncio.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;

import io.github.reactorasyncio.spring.metrics.ConcurrencyLimitMetrics;
import io.github.reactorasyncio.spring.metrics.ReactorAsyncioMetricsAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Binding of {@code reactor.asyncio.*}: what a good configuration builds, and how a bad one fails start-up. */
class ReactorAsyncioPropertiesTest {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReactorAsyncioAutoConfiguration.class,
                    ReactorAsyncioMetricsAutoConfiguration.class));

    @Test
    void twoPropertiesLimitInboundAndOutbound() {
        runner.withPropertyValues("reactor.asyncio.inbound.max-concurrent=10",
                        "reactor.asyncio.outbound.max-concurrent=4")
                .run(context -> {
                    assertThat(context).hasNotFailed()
                            .hasSingleBean(ConcurrencyLimitWebFilter.class)
                            .hasSingleBean(ConcurrencyLimitExchangeFilter.class)
                            .hasSingleBean(ConcurrencyLimitMetrics.class);
                    ConcurrencyLimit inbound = context.getBean(ConcurrencyLimitRegistry.class).find("inbound")
                            .orElseThrow();
                    assertThat(inbound.maxConcurrent()).isEqualTo(10);
                    assertThat(inbound.maxQueue()).isEqualTo(100);
                    assertThat(inbound.maxWait()).isEqualTo(Duration.ofSeconds(1));
                });
    }

    @Test
    void routesAndNamedOutboundLimitsAreRegisteredByName() {
        runner.withPropertyValues("reactor.asyncio.inbound.routes.api.pattern=/api/**",
                        "reactor.asyncio.inbound.routes.api.max-concurrent=3",
                        "reactor.asyncio.inbound.routes.api.max-queue=0",
                        "reactor.asyncio.outbound.limits[api.example.com].max-concurrent=5",
                        "reactor.asyncio.outbound.limits[api.example.com].max-wait=250ms")
                .run(context -> {
                    ConcurrencyLimitRegistry registry = context.getBean(ConcurrencyLimitRegistry.class);
                    assertThat(registry.limits()).extracting(ConcurrencyLimit::name)
                            .containsExactlyInAnyOrder("api", "api.example.com");
                    assertThat(registry.find("api").orElseThrow().maxQueue()).isZero();
                    assertThat(registry.find("api.example.com").orElseThrow().maxWait())
                            .isEqualTo(Duration.ofMillis(250));
                });
    }

    @Test
    void unlistedHostsGetTheirOwnLimitOnFirstUseButNeverAnInboundOne() {
        runner.withPropertyValues("reactor.asyncio.inbound.max-concurrent=10",
                        "reactor.asyncio.outbound.max-concurrent=2",
                        "reactor.asyncio.outbound.limits.github.max-concurrent=7")
                .run(context -> {
                    ConcurrencyLimitExchangeFilter filter = context.getBean(ConcurrencyLimitExchangeFilter.class);
                    ConcurrencyLimitRegistry registry = context.getBean(ConcurrencyLimitRegistry.class);
                    ExchangeFunction ok = request -> Mono.just(ClientResponse.create(HttpStatus.OK).build());
                    StepVerifier.create(filter.filter(get("http://api.test/x"), ok).flatMap(ClientResponse::releaseBody))
                            .verifyComplete();
                    assertThat(registry.find("api.test")).get().extracting(ConcurrencyLimit::maxConcurrent)
                            .isEqualTo(2);
                    StepVerifier.create(filter.filter(get("http://github/x"), ok).flatMap(ClientResponse::releaseBody))
                            .verifyComplete();
                    assertThat(registry.find("github").orElseThrow().completed()).isOne();
                    // a host named like the inbound limit must not share it
                    StepVerifier.create(filter.filter(get("http://inbound/x"), ok))
                            .expectErrorMessage("a concurrency limit named 'inbound' is already registered")
                            .verify();
                    assertThat(registry.find("inbound").orElseThrow().completed()).isZero();
                });
    }

    private static ClientRequest get(String url) {
        return ClientRequest.create(HttpMethod.GET, URI.create(url)).build();
    }

    @Test
    void theInboundFilterCanBeSwitchedOff() {
        runner.withPropertyValues("reactor.asyncio.inbound.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ConcurrencyLimitWebFilter.class)
                        .hasSingleBean(ConcurrencyLimitExchangeFilter.class));
    }

    @Test
    void outsideAReactiveWebApplicationNothingIsConfigured() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReactorAsyncioAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(ConcurrencyLimitRegistry.class));
    }

    @Test
    void aNegativeLimitFailsStartUpNamingThePropertyAndTheValue() {
        runner.withPropertyValues("reactor.asyncio.inbound.max-concurrent=-1",
                        "reactor.asyncio.outbound.limits.github.max-concurrent=5",
                        "reactor.asyncio.outbound.limits.github.max-queue=-3")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("Field error in object 'reactor.asyncio' on field "
                                    + "'inbound.maxConcurrent': rejected value [-1]")
                            .hasMessageContaining("must be at least 1, was -1")
                            .hasMessageContaining("on field 'outbound.limits[github].maxQueue': rejected value [-3]")
                            .hasMessageContaining("must be at least 0, was -3");
                });
    }

    @Test
    void anUnknownKeyFailsStartUpNamingTheKey() {
        runner.withPropertyValues("reactor.asyncio.inbound.max-concurent=10")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("reactor.asyncio.inbound.max-concurent")
                            .hasMessageContaining("were left unbound");
                });
    }

    @Test
    void aRouteWithoutPatternOrLimitAndABadStatusFailStartUp() {
        runner.withPropertyValues("reactor.asyncio.inbound.routes.search.max-wait=2s",
                        "reactor.asyncio.inbound.routes.bad.pattern=/a/**/b/**",
                        "reactor.asyncio.inbound.routes.bad.max-concurrent=1",
                        "reactor.asyncio.inbound.rejected-status=200")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("on field 'inbound.routes[search].pattern'")
                            .hasMessageContaining("must be set, e.g. /api/**")
                            .hasMessageContaining("on field 'inbound.routes[search].maxConcurrent'")
                            .hasMessageContaining("on field 'inbound.routes[bad].pattern'")
                            .hasMessageContaining("is not a valid path pattern")
                            .hasMessageContaining("must be a 4xx or 5xx status, was 200");
                });
    }
}
