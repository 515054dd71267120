package io.github.reactorasyncio.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/** The outbound filter against a Reactor Netty stub on a loopback port whose responses are held on sinks. */
class ConcurrencyLimitExchangeFilterTest {

    private final AtomicInteger arrived = new AtomicInteger();
    private final AtomicInteger inServer = new AtomicInteger();
    private final AtomicInteger maxInServer = new AtomicInteger();
    private final Sinks.Empty<Void> gate = Sinks.empty();
    private DisposableServer server;

    @BeforeEach
    void startStub() {
        // Headers go out at once; the body's last chunk waits for the gate, so a call is unfinished until then.
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/item/{id}", (request, response) -> {
                    arrived.incrementAndGet();
                    maxInServer.accumulateAndGet(inServer.incrementAndGet(), Math::max);
                    return response.sendString(Flux.concat(Mono.just("item-"),
                                    gate.asMono().then(Mono.fromCallable(() -> request.param("id")))))
                            .then()
                            .doFinally(s -> inServer.decrementAndGet());
                }))
                .bindNow();
    }

    @AfterEach
    void stopStub() {
        server.disposeNow();
    }

    private WebClient client(ConcurrencyLimitExchangeFilter filter) {
        return WebClient.builder().baseUrl("http://127.0.0.1:" + server.port()).filter(filter).build();
    }

    @Test
    void twentyCallsThroughALimitOfThreeNeverOverlapMoreThanThree() {
        ConcurrencyLimit limit = ConcurrencyLimit.of("stub", 3, 100, Duration.ofSeconds(30));
        WebClient client = client(ConcurrencyLimitExchangeFilter.of(limit));
        Mono<List<String>> calls = Flux.range(0, 20)
                .flatMap(i -> client.get().uri("/item/{id}", i).retrieve().bodyToMono(String.class))
                .collectList()
                .cache();
        calls.subscribe();
        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 3 && limit.semaphore().waiting() == 17);
        gate.tryEmitEmpty();
        assertThat(calls.block(Duration.ofSeconds(10))).hasSize(20).allSatisfy(body -> assertThat(body)
                .startsWith("item-"));
        assertThat(maxInServer).hasValue(3);
        assertThat(arrived).hasValue(20);
        await().atMost(Duration.ofSeconds(5)).until(() -> limit.admitted() == 0);
        assertThat(limit.semaphore().availablePermits()).isEqualTo(3);
        assertThat(limit.completed()).isEqualTo(20);
    }

    @Test
    void thePermitCoversTheBodyNotJustTheHeaders() {
        ConcurrencyLimit limit = ConcurrencyLimit.of("body", 1, 10, Duration.ofSeconds(30));
        WebClient client = client(ConcurrencyLimitExchangeFilter.of(limit));
        AtomicInteger headersReceived = new AtomicInteger();
        Mono<String> held = client.get().uri("/item/2")
                .exchangeToMono(response -> {
                    headersReceived.incrementAndGet();
                    return response.bodyToMono(String.class);
                })
                .cache();
        held.subscribe();
        await().atMost(Duration.ofSeconds(10)).until(() -> headersReceived.get() == 1);
        Mono<String> next = client.get().uri("/item/3").retrieve().bodyToMono(String.class).cache();
        next.subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> limit.semaphore().waiting() == 1);
        assertThat(arrived).as("the first call's body is unfinished, so the second waits").hasValue(1);
        gate.tryEmitEmpty();
        assertThat(held.block(Duration.ofSeconds(10))).isEqualTo("item-2");
        assertThat(next.block(Duration.ofSeconds(10))).isEqualTo("item-3");
        assertThat(maxInServer).hasValue(1);
    }

    @Test
    void aFullQueueFailsTheCallAtOnceAndSendsNothing() {
        ConcurrencyLimit limit = ConcurrencyLimit.of("full", 1, 0, Duration.ofSeconds(30));
        WebClient client = client(ConcurrencyLimitExchangeFilter.of(limit));
        Mono<String> first = client.get().uri("/item/1").retrieve().bodyToMono(String.class).cache();
        first.subscribe();
        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 1);
        StepVerifier.create(client.get().uri("/item/2").retrieve().bodyToMono(String.class))
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOfSatisfying(ConcurrencyLimitExceededException.class, refused ->
                                assertThat(refused.reason()).isEqualTo(ConcurrencyLimitExceededException.Reason.QUEUE_FULL)))
                .verify(Duration.ofSeconds(10));
        assertThat(arrived).hasValue(1);
        gate.tryEmitEmpty();
        assertThat(first.block(Duration.ofSeconds(10))).isEqualTo("item-1");
    }

    @Test
    void cancellingAWaitingCallWithdrawsItAndCancellingARunningOneReleasesItsPermit() {
        ConcurrencyLimit limit = ConcurrencyLimit.of("cancel", 1, 10, Duration.ofSeconds(30));
        WebClient client = client(ConcurrencyLimitExchangeFilter.of(limit));
        var running = client.get().uri("/item/1").retrieve().bodyToMono(String.class).subscribe();
        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 1);
        var waiting = client.get().uri("/item/2").retrieve().bodyToMono(String.class).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> limit.semaphore().waiting() == 1);
        waiting.dispose();
        running.dispose();
        await().atMost(Duration.ofSeconds(5)).until(() -> limit.admitted() == 0);
        assertThat(limit.semaphore().availablePermits()).isOne();
        assertThat(arrived).as("the withdrawn call was never sent").hasValue(1);
    }

    @Test
    void perHostPicksTheHostsLimitAndTheAttributeOverridesIt() {
        Map<String, ConcurrencyLimit> limits = new ConcurrentHashMap<>();
        limits.put("127.0.0.1", ConcurrencyLimit.of("127.0.0.1", 2, 10, Duration.ofSeconds(30)));
        limits.put("named", ConcurrencyLimit.of("named", 2, 10, Duration.ofSeconds(30)));
        WebClient client = client(ConcurrencyLimitExchangeFilter.perHost(limits::get));
        gate.tryEmitEmpty();
        assertThat(client.get().uri("/item/1").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)))
                .isEqualTo("item-1");
        assertThat(client.get().uri("/item/2").attribute(ConcurrencyLimitExchangeFilter.LIMIT_ATTRIBUTE, "named")
                .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10))).isEqualTo("item-2");
        WebClient unlimited = client(ConcurrencyLimitExchangeFilter.perHost(name -> null));
        assertThat(unlimited.get().uri("/item/3").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)))
                .isEqualTo("item-3");
        await().atMost(Duration.ofSeconds(5)).until(() -> limits.get("named").completed() == 1);
        assertThat(limits.get("127.0.0.1").completed()).isOne();
    }
}
