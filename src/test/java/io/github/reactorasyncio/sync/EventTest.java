package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

@Timeout(30) // guards against a hang; timing assertions are in virtual time
class EventTest {

    private static Disposable waiter(Event event, String name, List<String> log) {
        return event.await().subscribe(null, null, () -> log.add(name));
    }

    @Test
    void awaitCompletesAtOnceWhenSet() {
        Event event = Event.create("ready");
        event.set();

        assertThat(event.isSet()).isTrue();
        StepVerifier.create(event.await()).verifyComplete();
        assertThat(event.waiting()).isZero();
    }

    @Test
    void setWakesEveryWaiterInOrder() {
        Event event = Event.create("ready");
        List<String> log = new CopyOnWriteArrayList<>();
        waiter(event, "w1", log);
        waiter(event, "w2", log);
        waiter(event, "w3", log);
        assertThat(log).isEmpty();
        assertThat(event.waiting()).isEqualTo(3);

        event.set();

        assertThat(log).containsExactly("w1", "w2", "w3");
        assertThat(event.waiting()).isZero();
    }

    @Test
    void setIsIdempotent() {
        Event event = Event.create("ready");
        List<String> log = new CopyOnWriteArrayList<>();
        waiter(event, "w1", log);

        event.set();
        event.set();

        assertThat(log).containsExactly("w1");
        assertThat(event.isSet()).isTrue();
    }

    @Test
    void afterClearAnAwaitWaitsForTheNextSet() {
        Event event = Event.create("ready");
        List<String> log = new CopyOnWriteArrayList<>();
        event.set();
        event.clear();
        assertThat(event.isSet()).isFalse();

        waiter(event, "after clear", log);
        assertThat(log).isEmpty();
        assertThat(event.waiting()).isEqualTo(1);

        event.set();
        assertThat(log).containsExactly("after clear");
    }

    @Test
    void clearDoesNotAffectWaitersAlreadyWoken() {
        Event event = Event.create("ready");
        List<String> log = new CopyOnWriteArrayList<>();
        waiter(event, "w1", log);
        event.set();
        event.clear();
        event.clear();

        assertThat(log).containsExactly("w1");
        assertThat(event.isSet()).isFalse();
    }

    @Test
    void cancellingAWaiterDoesNotAffectOthersOrTheFlag() {
        Event event = Event.create("ready");
        List<String> log = new CopyOnWriteArrayList<>();
        waiter(event, "w1", log);
        Disposable cancelled = waiter(event, "w2", log);
        waiter(event, "w3", log);

        cancelled.dispose();
        assertThat(event.waiting()).isEqualTo(2);
        assertThat(event.isSet()).isFalse();

        event.set();
        assertThat(log).containsExactly("w1", "w3");
    }

    @Test
    void seedEventExampleWaitsTenSecondsForTheSetter() {
        Event event = Event.create("seed");
        List<String> log = new CopyOnWriteArrayList<>();

        StepVerifier.withVirtualTime(() -> Mono.when(
                        Mono.fromRunnable(() -> log.add(now() + " coro1: waiting"))
                                .then(event.await())
                                .then(Mono.fromRunnable(() -> log.add(now() + " coro1: event has been set"))),
                        Mono.delay(Duration.ofSeconds(10))
                                .then(Mono.fromRunnable(() -> {
                                    log.add(now() + " coro2: setting the event");
                                    event.set();
                                }))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(9_999))
                .thenAwait(Duration.ofMillis(1))
                .verifyComplete();

        assertThat(log).containsExactly(
                "0 coro1: waiting", "10000 coro2: setting the event", "10000 coro1: event has been set");
    }

    private static long now() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }

    @Test
    void toStringAndNames() {
        Event event = Event.create("ready");
        Disposable waiting = event.await().subscribe();
        event.await().subscribe();

        assertThat(event.name()).isEqualTo("ready");
        assertThat(event.toString()).isEqualTo("Event[name=ready, clear, waiting=2]");
        waiting.dispose();
        assertThat(event.toString()).isEqualTo("Event[name=ready, clear, waiting=1]");
        event.set();
        assertThat(event.toString()).isEqualTo("Event[name=ready, set]");
        assertThat(Event.create().name()).startsWith("Event-");
        assertThatThrownBy(() -> Event.create(null))
                .isInstanceOf(NullPointerException.class).hasMessage("name must not be null");
    }
}
