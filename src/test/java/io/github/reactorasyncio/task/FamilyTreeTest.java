package io.github.reactorasyncio.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.github.reactorasyncio.sync.DeadlockException;
import io.github.reactorasyncio.sync.DeadlockPolicy;
import io.github.reactorasyncio.sync.DeadlockReport;
import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * Issue 14, item 4: chains that lose the family tree. Each shape is run with Reactor's automatic context
 * propagation off and on ({@code Hooks.enableAutomaticContextPropagation()}, as Spring Boot apps often run): the
 * shape that loses the link (documented in docs/deadlocks.md) hangs unreported, and the fix the documentation gives
 * keeps it, so the same seed-000 nesting (a holder of the only permit waiting on a child that needs it) fails under
 * DETECT.
 */
@Timeout(30)
class FamilyTreeTest {

    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private final String prefix = "tree" + UNIQUE.incrementAndGet() + "-";
    @RegisterExtension
    final io.github.reactorasyncio.sync.DeadlockReports all = new io.github.reactorasyncio.sync.DeadlockReports();

    @AfterEach
    void restore() {
        Hooks.disableAutomaticContextPropagation();
    }

    private void propagation(boolean on) {
        if (on) {
            Hooks.enableAutomaticContextPropagation();
        }
    }

    private List<DeadlockReport> mine() {
        return all.stream().filter(r -> r.primitive().contains("'" + prefix)).toList();
    }

    /** The parent holds the only permit of a DETECT semaphore and waits for {@code child} run through {@code via}. */
    private Outcome nest(Function<Mono<Integer>, Mono<Integer>> via) {
        String name = prefix + "sem-" + UNIQUE.incrementAndGet();
        Semaphore sem = Semaphore.create(name, 1, DeadlockPolicy.DETECT);
        Mono<Integer> child = sem.withPermit(Mono.just(1));
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicReference<Integer> value = new AtomicReference<>();
        Disposable parent = sem.withPermit(via.apply(child)).subscribe(value::set, error::set);
        Outcome outcome = new Outcome(error.get(), value.get(), sem.waiting(),
                (int) all.stream().filter(r -> r.primitive().equals("Semaphore '" + name + "'")).count());
        parent.dispose();
        return outcome;
    }

    record Outcome(Throwable error, Integer value, int waiting, int reports) {
        boolean detected() {
            Throwable e = error;
            while (e != null && !(e instanceof DeadlockException)) {
                e = e.getCause();
            }
            return e != null && reports == 1;
        }

        boolean hangsUnreported() {
            return error == null && value == null && waiting == 1 && reports == 0;
        }
    }

    @ParameterizedTest(name = "automatic context propagation {0}")
    @ValueSource(booleans = {false, true})
    void createTaskInsideDeferLosesTheScopeStartTaskKeepsIt(boolean automatic) {
        propagation(automatic);
        assertThat(nest(child -> Mono.defer(() -> Asyncio.createTask(child).join())).hangsUnreported())
                .as("createTask in defer: the task starts with an empty Context").isTrue();
        assertThat(nest(child -> Mono.fromCallable(() -> Asyncio.createTask(child)).flatMap(Task::join))
                .hangsUnreported()).as("createTask in fromCallable").isTrue();
        assertThat(nest(child -> Asyncio.startTask(child).flatMap(Task::join)).detected())
                .as("startTask: the task's work sees the scope").isTrue();
        assertThat(nest(child -> Asyncio.startTask(child, "child").flatMap(Task::join)).detected()).isTrue();
    }

    @ParameterizedTest(name = "automatic context propagation {0}")
    @ValueSource(booleans = {false, true})
    void aContextReplacedWholeLosesTheScopeOneAddedToKeepsIt(boolean automatic) {
        propagation(automatic);
        assertThat(nest(child -> child.contextWrite(ctx -> Context.of("traceId", "t-1"))).hangsUnreported())
                .isTrue();
        assertThat(nest(child -> child.contextWrite(ctx -> ctx.put("traceId", "t-1"))).detected()).isTrue();
        assertThat(nest(child -> child.contextWrite(Context.of("traceId", "t-1"))).detected())
                .as("contextWrite(Context) merges").isTrue();
    }

    @ParameterizedTest(name = "automatic context propagation {0}")
    @ValueSource(booleans = {false, true})
    void aChildDetachedThroughAFutureLosesTheScopeUnlessTheContextIsPassedOn(boolean automatic) {
        propagation(automatic);
        assertThat(nest(child -> Mono.fromFuture(() -> child.toFuture())).hangsUnreported()).isTrue();
        assertThat(nest(child -> Mono.deferContextual(ctx -> Mono.fromFuture(child.contextWrite(ctx).toFuture())))
                .detected()).isTrue();
    }

    @ParameterizedTest(name = "automatic context propagation {0}")
    @ValueSource(booleans = {false, true})
    void aChildSubscribedIntoASinkLosesTheScopeUnlessTheContextIsPassedOn(boolean automatic) {
        propagation(automatic);
        assertThat(nest(child -> Mono.defer(() -> {
            Sinks.One<Integer> sink = Sinks.one();
            child.subscribe(sink::tryEmitValue, sink::tryEmitError);
            return sink.asMono();
        })).hangsUnreported()).isTrue();
        assertThat(nest(child -> Mono.deferContextual(ctx -> {
            Sinks.One<Integer> sink = Sinks.one();
            child.subscribe(sink::tryEmitValue, sink::tryEmitError, null, Context.of(ctx));
            return sink.asMono();
        })).detected()).isTrue();
    }

    @ParameterizedTest(name = "automatic context propagation {0}")
    @ValueSource(booleans = {false, true})
    void aDetachedTaskStillOwnsTheLockItTakesAndIsReportedWhenItEndsHoldingIt(boolean automatic) {
        // What can be kept however the task was created: the task itself is the holder of a raw acquire in it.
        propagation(automatic);
        Lock outer = Lock.create(prefix + "outer");
        AtomicReference<Throwable> error = new AtomicReference<>();
        outer.withLock(Mono.defer(() -> Asyncio.createTask(failsHolding(Lock.create(prefix + "first")), "detached")
                        .join()))
                .subscribe(v -> { }, error::set);
        outer.withLock(Asyncio.startTask(failsHolding(Lock.create(prefix + "second")), "started").flatMap(Task::join))
                .contextWrite(Context.of(Semaphore.HOLDER_KEY, "main"))
                .subscribe(v -> { }, error::set);
        assertThat(mine()).extracting(DeadlockReport::message).containsExactly(
                abandoned("first", "detached"), abandoned("second", "started"));
    }

    private static Mono<Void> failsHolding(Lock lock) {
        return lock.acquire()
                .flatMap(p -> Mono.<Void>error(new IllegalStateException("boom")).then(Mono.fromRunnable(p::release)));
    }

    private String abandoned(String lock, String task) {
        return "Lock '" + prefix + lock + "' is still held through a raw Permit after its holder ended: '" + task
                + "', which failed with IllegalStateException: boom without releasing it; nobody waits for it yet. "
                + "Only a release() by other code can free it: release the permit in doFinally, or use withLock, "
                + "which releases on error and cancel.";
    }
}
