package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * Issue 14, item 5: a message names the holders and the waiting children; unnamed participants are numbered
 * ({@code anonymous#1}, {@code anonymous#2}, … in the order the message first mentions them: holders, then
 * children), never collapsed into one {@code [anonymous]}.
 */
class DeadlockMessageTest {

    @RegisterExtension
    final DeadlockReports reports = new DeadlockReports();

    @Test
    void unnamedParentsAndChildrenAreNumberedNotCollapsed() {
        Semaphore sem = Semaphore.create("pool", 2, DeadlockPolicy.DETECT);
        StepVerifier.withVirtualTime(() -> Flux.range(1, 2)
                        .flatMap(p -> sem.withPermit(Mono.delay(Duration.ofMillis(1))
                                .then(sem.withPermit(Mono.just("child")))))
                        .then())
                .thenAwait(Duration.ofMillis(1))
                .expectErrorMessage("Semaphore 'pool' (2 permits) is deadlocked: all 2 permits are held by parents "
                        + "[anonymous#1, anonymous#2] waiting on their own 2 children [anonymous#3, anonymous#4] queued "
                        + "on the same semaphore. Use separate semaphores per level, or create it with "
                        + "DeadlockPolicy.REENTRANT so children borrow their parent's permit.")
                .verify(Duration.ofSeconds(5));
        assertThat(reports).singleElement().extracting(DeadlockReport::holders)
                .isEqualTo(List.of("anonymous#1", "anonymous#2"));
    }

    @Test
    void namedChildrenAreListedByTheirOwnNames() {
        Semaphore sem = Semaphore.create("pool", 1, DeadlockPolicy.DETECT);
        StepVerifier.create(sem.withPermit(Flux.just("a", "b")
                                .flatMap(c -> sem.withPermit(Mono.just(c))
                                        .contextWrite(Context.of(Semaphore.HOLDER_KEY, "child-" + c)))
                                .then())
                        .contextWrite(Context.of(Semaphore.HOLDER_KEY, "parent")))
                .expectErrorMessage("Semaphore 'pool' (1 permit) is deadlocked: all 1 permit is held by parents "
                        + "[parent] waiting on their own 1 child [child-a] queued on the same semaphore. Use separate "
                        + "semaphores per level, or create it with DeadlockPolicy.REENTRANT so children borrow their "
                        + "parent's permit.")
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void anUnnamedLockCycleNumbersEachChainOnceAndTheCloserAsItsOwnHolder() {
        Lock l1 = Lock.create("L1", DeadlockPolicy.DETECT);
        Lock l2 = Lock.create("L2", DeadlockPolicy.DETECT);
        List<String> failures = new CopyOnWriteArrayList<>();
        StepVerifier.withVirtualTime(() -> Flux.merge(
                        l1.withLock(Mono.delay(Duration.ofSeconds(1)).then(l2.withLock(Mono.just("first")))),
                        l2.withLock(Mono.delay(Duration.ofSeconds(1)).then(l1.withLock(Mono.just("second"))))
                                .onErrorResume(DeadlockException.class, e -> {
                                    failures.add(e.getMessage());
                                    return Mono.just("second gave up");
                                }))
                        .collectList())
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(r -> assertThat(r).containsExactlyInAnyOrder("first", "second gave up"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(failures).containsExactly("Lock cycle: 'anonymous#1' waits for Lock 'L1' held by 'anonymous#2', "
                + "which waits for Lock 'L2' held by 'anonymous#1'. Take locks in one global order (Locks.withAll).");
    }
}
