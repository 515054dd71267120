package io.github.reactorasyncio.spring.metrics;

import io.github.reactorasyncio.spring.ConcurrencyLimitRegistry;
import io.github.reactorasyncio.spring.ReactorAsyncioAutoConfiguration;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link ConcurrencyLimitMetrics} as a {@link MeterBinder} when Micrometer is on the classpath; Spring
 * Boot's metrics auto-configuration binds every {@code MeterBinder} bean to the application's registries, which
 * is how the meters reach Actuator's {@code /actuator/metrics}.
 */
@AutoConfiguration(after = ReactorAsyncioAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(ConcurrencyLimitRegistry.class)
public class ReactorAsyncioMetricsAutoConfiguration {

    /**
     * The binder of every limit in the application's registry, unless the application defines its own.
     *
     * @param limits the registry of the application's concurrency limits
     * @return a binder for Boot to bind to the application's meter registries
     */
    @Bean
    @ConditionalOnMissingBean
    public ConcurrencyLimitMetrics concurrencyLimitMetrics(ConcurrencyLimitRegistry limits) {
        return new ConcurrencyLimitMetrics(limits);
    }
}
