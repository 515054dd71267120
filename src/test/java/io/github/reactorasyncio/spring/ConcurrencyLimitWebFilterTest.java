package io.github.reactorasyncio.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.reactorasyncio.spring.metrics.ConcurrencyLimitMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The inbound filter in a real Boot application on a random loopback port, driven by a real WebClient. Handlers
 * are held on sinks and latches, never by sleeping; each test uses its own route and so its own limit.
 */
class ConcurrencyLimitWebFilterTest {

    /** What the handlers report, and the gate that holds {@code /held}. */
    static final class Probe {
        final AtomicInteger inHandler = new AtomicInteger();
        final AtomicInteger maxInHandler = new AtomicInteger();
        final Sinks.Empty<Void> gate = Sinks.empty();
        final CountDownLatch hangEntered = new CountDownLatch(1);
        final CountDownLatch hangCancelled = new CountDownLatch(1);
        final CountDownLatch slowEntered = new CountDownLatch(1);
        final Sinks.Empty<Void> slowGate = Sinks.empty();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Probe probe() {
            return new Probe();
        }

        @Bean
        RouterFunction<ServerResponse> routes(Probe probe) {
            return RouterFunctions.route()
                    .GET("/held", request -> Mono.defer(() -> {
                        probe.maxInHandler.accumulateAndGet(probe.inHandler.incrementAndGet(), Math::max);
                        return probe.gate.asMono().doOnTerminate(probe.inHandler::decrementAndGet)
                                .then(ServerResponse.ok().bodyValue("ok"));
                    }))
                    .GET("/hang", request -> Mono.<ServerResponse>never()
                            .doOnSubscribe(s -> probe.hangEntered.countDown())
                            .doOnCancel(probe.hangCancelled::countDown))
                    .GET("/hang/next", request -> ServerResponse.ok().bodyValue("next"))
                    .GET("/slow", request -> Mono.defer(() -> {
                        probe.slowEntered.countDown();
                        return probe.slowGate.asMono().then(ServerResponse.ok().bodyValue("slow"));
                    }))
                    .build();
        }
    }

    static ConfigurableApplicationContext app;
    static WebClient client;
    static ConnectionProvider connections;
    static Probe probe;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(App.class).properties(
                "server.port=0",
                "server.address=127.0.0.1",
                "spring.main.banner-mode=off",
                "reactor.asyncio.inbound.max-concurrent=10",
                "reactor.asyncio.inbound.max-queue=50",
                "reactor.asyncio.inbound.max-wait=30s",
                "reactor.asyncio.inbound.retry-after=2s",
                "reactor.asyncio.inbound.exclude=/actuator/**",
                "reactor.asyncio.inbound.routes.hang.pattern=/hang/**",
                "reactor.asyncio.inbound.routes.hang.max-concurrent=1",
                "reactor.asyncio.inbound.routes.hang.max-wait=30s",
                "reactor.asyncio.inbound.routes.slow.pattern=/slow",
                "reactor.asyncio.inbound.routes.slow.max-concurrent=1",
                "reactor.asyncio.inbound.routes.slow.max-queue=5",
                "reactor.asyncio.inbound.routes.slow.max-wait=100ms").run();
        int port = ((ReactiveWebServerApplicationContext) app).getWebServer().getPort();
        // 200 clients at once need 200 connections (HTTP/1.1); the default pool has far fewer.
        connections = ConnectionProvider.builder("clients").maxConnections(256).pendingAcquireMaxCount(-1).build();
        client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
                .build();
        probe = app.getBean(Probe.class);
    }

    @AfterAll
    static void stop() {
        if (connections != null) {
            connections.dispose();
        }
        if (app != null) {
            app.close();
        }
    }

    static ConcurrencyLimit limit(String name) {
        return app.getBean(ConcurrencyLimitRegistry.class).find(name).orElseThrow();
    }

    @Test
    void twoHundredClientsAgainstTenPermitsAndAQueueOfFifty() {
        ConcurrencyLimit limit = limit("inbound");
        Mono<List<ResponseEntity<String>>> responses = Flux.range(0, 200)
                .flatMap(i -> client.get().uri("/held").retrieve()
                        .onStatus(status -> status.value() == 503, r -> Mono.empty())
                        .toEntity(String.class), 200)
                .collectList()
                .cache();
        Disposable inFlight = responses.subscribe();

        // All 200 have arrived once 10 run, 50 wait and 140 were turned away; only then open the gate.
        await().atMost(Duration.ofSeconds(20)).until(() -> limit.rejected() == 140);
        await().atMost(Duration.ofSeconds(5)).until(() -> probe.inHandler.get() == 10
                && limit.semaphore().waiting() == 50);
        assertThat(limit.admitted()).isEqualTo(60);
        probe.gate.tryEmitEmpty();

        List<ResponseEntity<String>> all = responses.block(Duration.ofSeconds(20));
        Map<Integer, List<ResponseEntity<String>>> byStatus = all.stream()
                .collect(Collectors.groupingBy(r -> r.getStatusCode().value()));
        assertThat(byStatus.keySet()).containsExactlyInAnyOrder(200, 503);
        assertThat(byStatus.get(200)).hasSize(60).allSatisfy(r -> assertThat(r.getBody()).isEqualTo("ok"));
        assertThat(byStatus.get(503)).hasSize(140)
                .allSatisfy(r -> assertThat(r.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2"));
        assertThat(probe.maxInHandler).as("the handler never sees more than the limit").hasValue(10);

        // The server finishes each exchange just after its response reaches the client: wait for idle.
        await().atMost(Duration.ofSeconds(5)).until(() -> limit.admitted() == 0);
        assertThat(limit.semaphore().statistics()).satisfies(s -> {
            assertThat(s.available()).isEqualTo(10);
            assertThat(s.inUse()).isZero();
            assertThat(s.waiting()).isZero();
            assertThat(s.capacity()).isEqualTo(10);
        });

        MeterRegistry meters = app.getBean(MeterRegistry.class);
        Function<String, Double> gauge = name -> meters.get(name).tag("name", "inbound").gauge().value();
        Function<String, Double> counter = name -> meters.get(name).tag("name", "inbound").functionCounter().count();
        assertThat(counter.apply(ConcurrencyLimitMetrics.REJECTED)).isEqualTo(140);
        assertThat(counter.apply(ConcurrencyLimitMetrics.COMPLETED)).isEqualTo(60);
        assertThat(counter.apply(ConcurrencyLimitMetrics.TIMEOUTS)).isZero();
        assertThat(counter.apply(ConcurrencyLimitMetrics.CANCELLED)).isZero();
        assertThat(meters.get(ConcurrencyLimitMetrics.WAIT).tag("name", "inbound").timer().count()).isEqualTo(60);
        assertThat(meters.get(ConcurrencyLimitMetrics.WAIT).tag("name", "inbound").timer()
                .max(TimeUnit.NANOSECONDS)).as("the queued 50 waited for the gate").isPositive();
        assertThat(gauge.apply(ConcurrencyLimitMetrics.AVAILABLE)).isEqualTo(10);
        assertThat(gauge.apply(ConcurrencyLimitMetrics.IN_USE)).isZero();
        assertThat(gauge.apply(ConcurrencyLimitMetrics.WAITING)).isZero();
        inFlight.dispose();
    }

    @Test
    void aClientThatDisconnectsMidRequestReleasesItsPermit() throws InterruptedException {
        ConcurrencyLimit limit = limit("hang");
        Disposable first = client.get().uri("/hang").retrieve().bodyToMono(String.class).subscribe();
        assertThat(probe.hangEntered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(limit.semaphore().availablePermits()).isZero();

        first.dispose();   // the client closes the connection mid-request

        assertThat(probe.hangCancelled.await(10, TimeUnit.SECONDS))
                .as("the server cancelled the handler").isTrue();
        assertThat(client.get().uri("/hang/next").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)))
                .as("the next request gets the permit").isEqualTo("next");
        await().atMost(Duration.ofSeconds(5)).until(() -> limit.admitted() == 0);
        assertThat(limit.semaphore().availablePermits()).isOne();
        assertThat(limit.completed()).as("the disconnected one did not complete").isOne();
    }

    @Test
    void aRequestThatWaitsMaxWaitInVainGets503AndTheTimeoutIsCounted() throws InterruptedException {
        ConcurrencyLimit limit = limit("slow");
        Mono<ResponseEntity<String>> first = client.get().uri("/slow").retrieve().toEntity(String.class).cache();
        Disposable holding = first.subscribe();
        assertThat(probe.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();

        ResponseEntity<Void> second = client.get().uri("/slow").retrieve()
                .onStatus(status -> status.value() == 503, r -> Mono.empty())
                .toBodilessEntity().block(Duration.ofSeconds(10));
        assertThat(second.getStatusCode().value()).isEqualTo(503);
        assertThat(second.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        assertThat(limit.timedOut()).isOne();
        assertThat(limit.rejected()).isZero();

        probe.slowGate.tryEmitEmpty();
        assertThat(first.block(Duration.ofSeconds(10)).getBody()).isEqualTo("slow");
        holding.dispose();
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        assertThat(meters.get(ConcurrencyLimitMetrics.TIMEOUTS).tag("name", "slow").functionCounter().count())
                .isEqualTo(1);
    }

    @Test
    void excludedPathsAreNeverLimited() {
        assertThat(client.get().uri("/actuator/health").retrieve().toBodilessEntity().block(Duration.ofSeconds(10))
                .getStatusCode().value()).isEqualTo(200);
        assertThat(limit("inbound").admitted()).isZero();
    }
}
