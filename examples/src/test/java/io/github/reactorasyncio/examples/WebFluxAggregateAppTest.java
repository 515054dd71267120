package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the example on a random loopback port and checks its story. */
class WebFluxAggregateAppTest {

    @Test
    void limitsHoldAndTheMetricsTellWhatHappened() {
        try (ConfigurableApplicationContext app = WebFluxAggregateApp.start()) {
            Story out = new Story();
            WebFluxAggregateApp.Result result = WebFluxAggregateApp.story(app, out);

            // Six aggregates fit the inbound limit (4 running + 2 queued): all succeed, each with its 5 parts.
            assertThat(result.calmStatuses()).hasSize(6).containsOnly(200);
            assertThat(result.calmPartCounts()).containsOnly(5);
            // The burst of 20: every request is answered, either served or turned away with Retry-After.
            assertThat(result.burstOk() + result.burstRejected()).isEqualTo(20);
            assertThat(result.burstOk()).isGreaterThanOrEqualTo(6);
            assertThat(result.retryAfters()).containsOnly("1");
            // The limits held: never more than 4 aggregates, never more than 3 downstream calls app-wide.
            assertThat(result.maxAggregatesInFlight()).isBetween(1, 4);
            assertThat(result.maxDownstreamInFlight()).isBetween(1, 3);
            // Actuator's numbers match the story.
            int served = 6 + result.burstOk();
            assertThat(result.metrics())
                    .containsEntry("reactor.asyncio.limit.completed{name=aggregate}", (double) served)
                    .containsEntry("reactor.asyncio.limit.rejected{name=aggregate}", (double) result.burstRejected())
                    .containsEntry("reactor.asyncio.limit.completed{name=downstream}", 5.0 * served)
                    .containsEntry("reactor.asyncio.limit.rejected{name=downstream}", 0.0)
                    .containsEntry("reactor.asyncio.permits.in.use{name=aggregate}", 0.0)
                    .containsEntry("reactor.asyncio.permits.available{name=aggregate}", 4.0)
                    .containsEntry("reactor.asyncio.permits.in.use{name=downstream}", 0.0)
                    .containsEntry("reactor.asyncio.permits.available{name=downstream}", 3.0)
                    .containsEntry("reactor.asyncio.permits.timeouts{name=aggregate}", 0.0);
            assertThat(Collections.frequency(out.lines().stream().map(l -> l.startsWith("calm:  200")).toList(), true))
                    .isEqualTo(6);
        }
    }
}
