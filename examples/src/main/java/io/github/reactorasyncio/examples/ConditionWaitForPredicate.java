package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.reactorasyncio.sync.Condition;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Two queries wait, on a {@link Condition}, until a connection is initialized; the connection passes through two
 * state changes, each followed by a wake-up of all waiters, and only the second makes the predicate true. Each
 * query then runs for 5 s while holding the condition's lock, so the second starts when the first ends.
 *
 * <p>Java twin of seed {@code 001_30140f3da4ba40e1.txt}, section "{@code asyncio.Condition}", its second example:
 * {@code Connection} / {@code ConnectionState} with {@code condition.wait_for(self._is_initialized)}.
 * {@code wait_for(predicate)} is {@link Condition#awaitUntil(java.util.function.Supplier)}: it evaluates the
 * predicate under the lock at once and again after every wake-up, which is why "_is_initialized: ..." appears
 * six times. {@code async with self._condition} is {@link Condition#withLock(Mono)}, {@code notify_all()} is
 * {@link Condition#signalAll()}. (The seed's state {@code INITIALING} is spelled {@code INITIALIZING} here.)
 *
 * <p>Timeline: at 0 s both queries wait and the state goes to {@code INITIALIZING} (predicate false again); at
 * 5 s it goes to {@code INITIALIZED}, the first query runs; at 10 s the second; at 15 s all is done.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=ConditionWaitForPredicate} (15 s, real time).
 */
public final class ConditionWaitForPredicate {

    private static final Duration INITIALIZATION = Duration.ofSeconds(5);
    private static final Duration QUERY = Duration.ofSeconds(5);

    /**
     * @param finalState the connection's state at the end ({@code INITIALIZED})
     * @param elapsed    time from start until both queries finished, on the run's clock (15 s)
     */
    public record Result(ConnectionState finalState, Duration elapsed) {
    }

    /** The seed's {@code ConnectionState}. */
    public enum ConnectionState {
        WAIT_INIT, INITIALIZING, INITIALIZED;

        @Override
        public String toString() {
            return "ConnectionState." + name();
        }
    }

    /** The seed's {@code Connection}. */
    static final class Connection {
        private final Condition condition = Condition.create();
        private final Consumer<String> out;
        private final Scheduler clock;
        /** Written outside the lock, as in the seed, then signalled; read by the predicate under the lock. */
        private volatile ConnectionState state = ConnectionState.WAIT_INIT;

        Connection(Consumer<String> out, Scheduler clock) {
            this.out = out;
            this.clock = clock;
        }

        Mono<Void> initialize() {
            return Mono.fromRunnable(() -> out.accept("initialize: Preparing initialize the connection."))
                    .then(changeState(ConnectionState.INITIALIZING))
                    .then(Mono.delay(INITIALIZATION, clock))
                    .then(Mono.fromRunnable(() -> out.accept("initialize: Connection initialized")))
                    .then(changeState(ConnectionState.INITIALIZED));
        }

        Mono<Void> execute(String query) {
            return condition.withLock(
                    Mono.fromRunnable(() -> out.accept("execute: Waiting for connection initialized"))
                            .then(condition.awaitUntil(this::isInitialized))
                            .then(Mono.fromRunnable(() ->
                                    out.accept("execute: Connection initialized, executing query: " + query)))
                            .then(Mono.delay(QUERY, clock))
                            .then(Mono.fromRunnable(() -> out.accept("execute: Execute finished."))));
        }

        private Mono<Void> changeState(ConnectionState next) {
            return Mono.defer(() -> {
                out.accept("_change_state: Will change state from " + state + " to " + next);
                state = next;
                out.accept("_change_state: Change the state and notify all..");
                return condition.withLock(Mono.fromRunnable(condition::signalAll));
            });
        }

        private boolean isInitialized() {
            if (state != ConnectionState.INITIALIZED) {
                out.accept("_is_initialized: The connection is not initialized.");
                return false;
            }
            out.accept("_is_initialized: The connection is ready.");
            return true;
        }

        ConnectionState state() {
            return state;
        }
    }

    private ConditionWaitForPredicate() {
    }

    public static void main(String[] args) {
        run(System.out::println, Schedulers.parallel()).block();
    }

    /** The seed's {@code main()}. */
    public static Mono<Result> run(Consumer<String> out, Scheduler clock) {
        return Mono.defer(() -> {
            long start = clock.now(TimeUnit.MILLISECONDS);
            Connection connection = new Connection(out, clock);
            return Mono.when(connection.execute("SELECT * FROM table"),
                            connection.execute("SELECT * FROM other_table"),
                            connection.initialize())
                    .then(Mono.fromCallable(() -> new Result(connection.state(),
                            Duration.ofMillis(clock.now(TimeUnit.MILLISECONDS) - start))));
        });
    }
}
