package io.github.reactorasyncio.spring;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.server.WebFilter;

/**
 * Spring Boot auto-configuration, active in a reactive web application with Spring WebFlux on the classpath:
 * the {@link ConcurrencyLimitRegistry}, the inbound {@link ConcurrencyLimitWebFilter} and the outbound
 * {@link ConcurrencyLimitExchangeFilter} (apply it with {@code WebClient.builder().filter(filter)}), all from
 * {@link ReactorAsyncioProperties}. Each bean backs off if the application defines its own.
 */
@AutoConfiguration
@ConditionalOnClass({WebFilter.class, ExchangeFilterFunction.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(ReactorAsyncioProperties.class)
public class ReactorAsyncioAutoConfiguration {

    /** Name of the inbound default limit (top-level {@code reactor.asyncio.inbound.max-concurrent}). */
    public static final String INBOUND_LIMIT = "inbound";

    /**
     * The registry of every limit this configuration makes, holding the named outbound limits from the start.
     *
     * @param properties the bound {@code reactor.asyncio.*} properties
     * @return a registry holding one limit per {@code reactor.asyncio.outbound.limits} entry
     */
    @Bean
    @ConditionalOnMissingBean
    public ConcurrencyLimitRegistry concurrencyLimitRegistry(ReactorAsyncioProperties properties) {
        ConcurrencyLimitRegistry registry = new ConcurrencyLimitRegistry();
        properties.getOutbound().getLimits().forEach((name, limit) -> registry.register(limit.toLimit(name)));
        return registry;
    }

    /**
     * The inbound filter, unless {@code reactor.asyncio.inbound.enabled} is {@code false}: the excluded paths, one
     * rule per {@code inbound.routes} entry (in order, each limit registered under the route's name), and, if the
     * top-level {@code max-concurrent} is set, a default limit named {@link #INBOUND_LIMIT}.
     *
     * @param properties the bound {@code reactor.asyncio.*} properties
     * @param registry   where each inbound limit is registered (for metrics)
     * @return the configured filter
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "reactor.asyncio.inbound", name = "enabled", matchIfMissing = true)
    public ConcurrencyLimitWebFilter concurrencyLimitWebFilter(ReactorAsyncioProperties properties,
                                                               ConcurrencyLimitRegistry registry) {
        ReactorAsyncioProperties.Inbound inbound = properties.getInbound();
        ConcurrencyLimitWebFilter.Builder builder = ConcurrencyLimitWebFilter.builder()
                .rejectedStatus(HttpStatusCode.valueOf(inbound.getRejectedStatus()))
                .retryAfter(inbound.getRetryAfter());
        inbound.getExclude().forEach(builder::exclude);
        inbound.getRoutes().forEach((name, route) ->
                builder.route(route.getPattern(), registry.register(route.toLimit(name))));
        if (inbound.getMaxConcurrent() != null) {
            builder.defaultLimit(registry.register(inbound.toLimit(INBOUND_LIMIT)));
        }
        return builder.build();
    }

    /**
     * Per host: a host named under {@code reactor.asyncio.outbound.limits} uses that limit; any other host gets
     * its own limit on first use, sized by the top-level {@code reactor.asyncio.outbound.*}, or none if
     * {@code max-concurrent} is unset.
     *
     * @param properties the bound {@code reactor.asyncio.*} properties
     * @param registry   holds the named outbound limits, and receives each per-host limit made on first use
     * @return the configured filter; apply it with {@code WebClient.builder().filter(filter)}
     */
    @Bean
    @ConditionalOnMissingBean
    public ConcurrencyLimitExchangeFilter concurrencyLimitExchangeFilter(ReactorAsyncioProperties properties,
                                                                         ConcurrencyLimitRegistry registry) {
        ReactorAsyncioProperties.Outbound outbound = properties.getOutbound();
        // Only outbound limits are looked up, so a host never lands on an inbound limit of the same name.
        Map<String, ConcurrencyLimit> named = new HashMap<>();
        outbound.getLimits().keySet().forEach(name -> named.put(name, registry.find(name).orElseThrow()));
        Map<String, ConcurrencyLimit> perHost = new ConcurrentHashMap<>();
        return ConcurrencyLimitExchangeFilter.perHost(name -> {
            ConcurrencyLimit limit = named.get(name);
            if (limit != null || outbound.getMaxConcurrent() == null) {
                return limit;
            }
            // register() refuses a host whose name an inbound limit already has: that call fails, saying so.
            return perHost.computeIfAbsent(name, host -> registry.register(outbound.toLimit(host)));
        });
    }
}
