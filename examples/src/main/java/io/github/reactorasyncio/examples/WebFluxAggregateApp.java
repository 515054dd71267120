package io.github.reactorasyncio.examples;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.reactorasyncio.spring.ConcurrencyLimitExchangeFilter;
import io.github.reactorasyncio.task.Asyncio;
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
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A Spring Boot WebFlux service embedding reactor-asyncio: {@code GET /aggregate?n=5} fans out to {@code n}
 * downstream calls ({@code GET /downstream/{i}}, served by the same app on loopback, 100 ms each) and gathers
 * them ({@code asyncio.gather}). Two limits, set by properties only (see {@link #PROPERTIES}):
 * <ul>
 *   <li>inbound: at most 4 {@code /aggregate} requests at once, 2 more may wait up to 5 s, the rest get
 *       {@code 503} with {@code Retry-After};</li>
 *   <li>outbound: all downstream calls of the whole app share one limit of 3 ("downstream"), however many
 *       aggregates run.</li>
 * </ul>
 * Actuator exposes the limits' meters at {@code /actuator/metrics/reactor.asyncio.*}.
 *
 * <p>The story {@link #main} tells: 6 aggregates at once all succeed (4 run, 2 wait) while the downstream never
 * sees more than 3 calls; a burst of 20 is partly turned away with 503; the metrics then match what happened.
 * The server keeps running afterwards for {@code curl}; stop it with Ctrl-C.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=WebFluxAggregateApp}
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class WebFluxAggregateApp {

    static final Duration DOWNSTREAM_LATENCY = Duration.ofMillis(100);

    /** The whole configuration of the limits: plain Boot properties (an application.properties would do). */
    static final String[] PROPERTIES = {
        "server.address=127.0.0.1",
        "server.port=0",
        "spring.main.banner-mode=off",
        "reactor.asyncio.inbound.routes.aggregate.pattern=/aggregate",
        "reactor.asyncio.inbound.routes.aggregate.max-concurrent=4",
        "reactor.asyncio.inbound.routes.aggregate.max-queue=2",
        "reactor.asyncio.inbound.routes.aggregate.max-wait=5s",
        "reactor.asyncio.outbound.limits.downstream.max-concurrent=3",
        "reactor.asyncio.outbound.limits.downstream.max-wait=5s",
        "management.endpoints.web.exposure.include=health,metrics",
    };

    /** How many handlers of each kind run at once, and the most ever seen. */
    public static final class Concurrency {
        final AtomicInteger aggregates = new AtomicInteger();
        final AtomicInteger maxAggregates = new AtomicInteger();
        final AtomicInteger downstream = new AtomicInteger();
        final AtomicInteger maxDownstream = new AtomicInteger();

        /**
         * Counts {@code work} in on subscription and out as it ends, before its result moves on (doOnTerminate, not
         * doFinally): the response completing releases the permit, which may start the next request before a
         * doFinally here would have run, and we would count an overlap the limit never allowed.
         */
        static <T> Mono<T> track(Mono<T> work, AtomicInteger now, AtomicInteger max) {
            return Mono.defer(() -> {
                max.accumulateAndGet(now.incrementAndGet(), Math::max);
                AtomicBoolean counted = new AtomicBoolean(true);
                Runnable leave = () -> {
                    if (counted.compareAndSet(true, false)) {
                        now.decrementAndGet();
                    }
                };
                return work.doOnTerminate(leave).doOnCancel(leave);
            });
        }
    }

    @Bean
    Concurrency concurrency() {
        return new Concurrency();
    }

    @Bean
    RouterFunction<ServerResponse> routes(ConcurrencyLimitExchangeFilter outboundLimit, Concurrency concurrency) {
        WebClient downstream = WebClient.builder().filter(outboundLimit).build();
        return RouterFunctions.route()
                .GET("/downstream/{id}", request -> Concurrency.track(Mono.delay(DOWNSTREAM_LATENCY),
                                concurrency.downstream, concurrency.maxDownstream)
                        .then(ServerResponse.ok().bodyValue("part-" + request.pathVariable("id"))))
                .GET("/aggregate", request -> Concurrency.track(aggregate(request, downstream),
                                concurrency.aggregates, concurrency.maxAggregates)
                        .flatMap(parts -> ServerResponse.ok().bodyValue(Map.of("parts", parts))))
                .build();
    }

    /** asyncio.gather over n downstream calls, each under the app-wide "downstream" limit. */
    private static Mono<List<String>> aggregate(ServerRequest request, WebClient downstream) {
        int n = Integer.parseInt(request.queryParam("n").orElse("5"));
        InetSocketAddress self = request.localAddress().orElseThrow();
        String base = "http://127.0.0.1:" + self.getPort();
        return Asyncio.gather(IntStream.range(0, n)
                .mapToObj(i -> downstream.get().uri(base + "/downstream/{i}", i)
                        .attribute(ConcurrencyLimitExchangeFilter.LIMIT_ATTRIBUTE, "downstream")
                        .retrieve().bodyToMono(String.class))
                .toList());
    }

    /** Starts the app on a random loopback port. */
    public static ConfigurableApplicationContext start(String... extraProperties) {
        return new SpringApplicationBuilder(WebFluxAggregateApp.class)
                .properties(PROPERTIES)
                .properties(extraProperties)
                .run();
    }

    public static int port(ConfigurableApplicationContext app) {
        return ((ReactiveWebServerApplicationContext) app).getWebServer().getPort();
    }

    /** What the story observed. */
    public record Result(List<Integer> calmStatuses, List<Integer> calmPartCounts, int burstOk, int burstRejected,
                         List<String> retryAfters, int maxAggregatesInFlight, int maxDownstreamInFlight,
                         Map<String, Double> metrics) {
    }

    /** Plays the story against a running app, printing as it goes. */
    public static Result story(ConfigurableApplicationContext app, Story out) {
        String base = "http://127.0.0.1:" + port(app);
        ConnectionProvider connections = ConnectionProvider.builder("story").maxConnections(64).build();
        try {
            WebClient client = WebClient.builder().baseUrl(base)
                    .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections))).build();
            out.print("Listening on " + base + " (try: curl '" + base + "/aggregate?n=8')");

            List<ResponseEntity<Map>> calm = fire(client, 6);
            calm.forEach(r -> out.print("calm:  " + r.getStatusCode().value() + " " + r.getBody()));
            List<ResponseEntity<Map>> burst = fire(client, 20);
            int ok = (int) burst.stream().filter(r -> r.getStatusCode().value() == 200).count();
            List<String> retryAfters = burst.stream().filter(r -> r.getStatusCode().value() == 503)
                    .map(r -> r.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).toList();
            out.print("burst: " + ok + " x 200, " + retryAfters.size() + " x 503 (Retry-After " + retryAfters.stream()
                    .distinct().toList() + ")");

            // The server finishes an exchange just after the client has its response: wait until idle.
            metric(client, "reactor.asyncio.permits.in.use", "aggregate")
                    .filter(inUse -> inUse == 0)
                    .repeatWhenEmpty(500, polls -> polls.delayElements(Duration.ofMillis(20)))
                    .block(Duration.ofSeconds(10));
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (String name : List.of("aggregate", "downstream")) {
                for (String meter : List.of("reactor.asyncio.limit.completed", "reactor.asyncio.limit.rejected",
                        "reactor.asyncio.permits.in.use", "reactor.asyncio.permits.available",
                        "reactor.asyncio.permits.timeouts")) {
                    double value = metric(client, meter, name).block(Duration.ofSeconds(10));
                    metrics.put(meter + "{name=" + name + "}", value);
                    out.print("metric " + meter + "{name=" + name + "} = " + value);
                }
            }
            Concurrency concurrency = app.getBean(Concurrency.class);
            out.print("most aggregates at once: " + concurrency.maxAggregates.get()
                    + ", most downstream calls at once: " + concurrency.maxDownstream.get());
            return new Result(calm.stream().map(r -> r.getStatusCode().value()).toList(),
                    calm.stream().map(r -> ((List<?>) r.getBody().get("parts")).size()).toList(),
                    ok, retryAfters.size(), retryAfters, concurrency.maxAggregates.get(),
                    concurrency.maxDownstream.get(), metrics);
        } finally {
            connections.dispose();
        }
    }

    @SuppressWarnings("rawtypes")
    private static List<ResponseEntity<Map>> fire(WebClient client, int requests) {
        return Flux.range(0, requests)
                .flatMap(i -> client.get().uri("/aggregate?n=5").retrieve()
                        .onStatus(status -> status.value() == 503, response -> Mono.empty())
                        .toEntity(Map.class), requests)
                .collectList()
                .block(Duration.ofSeconds(30));
    }

    /** One measurement from Actuator's metrics endpoint, e.g. {@code /actuator/metrics/X?tag=name:downstream}. */
    @SuppressWarnings("unchecked")
    private static Mono<Double> metric(WebClient client, String meter, String name) {
        return client.get().uri("/actuator/metrics/{meter}?tag=name:{name}", meter, name).retrieve()
                .bodyToMono(Map.class)
                .map(body -> ((Number) ((List<Map<String, Object>>) body.get("measurements")).get(0).get("value"))
                        .doubleValue());
    }

    public static void main(String[] args) {
        ConfigurableApplicationContext app = start(args);
        story(app, new Story());
        System.out.println("Serving until Ctrl-C.");
    }
}
