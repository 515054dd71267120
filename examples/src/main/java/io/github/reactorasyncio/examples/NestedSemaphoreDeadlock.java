package io.github.reactorasyncio.examples;

import java.time.Duration;

import io.github.reactorasyncio.sync.DeadlockException;
import io.github.reactorasyncio.sync.DeadlockPolicy;
import io.github.reactorasyncio.sync.Semaphore;
import io.github.reactorasyncio.sync.SemaphoreStatistics;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Parents that hold a permit and wait for children needing a permit of the same semaphore: once the parents hold
 * every permit, the children never start and the parents never finish. Shown four ways: what hangs (asyncio's
 * behaviour, {@link DeadlockPolicy#OFF}, bounded here by a 10 s timeout), what {@link DeadlockPolicy#DETECT}
 * reports the instant it forms, and the two fixes: one semaphore per level, and {@link DeadlockPolicy#REENTRANT}
 * (children borrow their parent's permit; the limit then counts parents, not operations).
 *
 * <p>Java twin of seed {@code 000_ec10745fc4071faf.txt}, the paragraph before "Semaphore": coroutine 1 holds the
 * semaphore and calls coroutine 2 several times, which also takes it; with enough coroutine-1 tasks, the semaphore
 * fills with parents whose children cannot even start. Here: 3 parents × 2 children on one {@code Semaphore(3)},
 * each doing 1 s of work. {@code docs/deadlocks.md} explains what is detected and why it is not the default.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=NestedSemaphoreDeadlock} (16 s, real time).
 */
public final class NestedSemaphoreDeadlock {

    static final int PARENTS = 3;
    static final int CHILDREN = 2;
    /** Each parent's own work before it starts its children, and each child's work. */
    static final Duration WORK = Duration.ofSeconds(1);
    /** How long the demo lets the asyncio-style run hang before giving up on it. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    /**
     * @param story                  what was printed
     * @param separateChildrenAtOnce most children running at once with a semaphore per level (3)
     * @param reentrantParentsAtOnce most parents running at once under REENTRANT (3: the limit held)
     * @param reentrantChildrenAtOnce most children running at once under REENTRANT (6: all under their parents)
     */
    public record Result(Story story, int separateChildrenAtOnce, int reentrantParentsAtOnce,
                         int reentrantChildrenAtOnce) {
    }

    private NestedSemaphoreDeadlock() {
    }

    public static void main(String[] args) {
        run().block();
    }

    public static Mono<Result> run() {
        return Mono.defer(() -> {
            Story story = new Story();
            InFlight separateChildren = new InFlight();
            InFlight reentrantParents = new InFlight();
            InFlight reentrantChildren = new InFlight();
            return asyncioHangs(story)
                    .then(detectFailsFast(story))
                    .then(separateSemaphores(story, separateChildren))
                    .then(reentrant(story, reentrantParents, reentrantChildren))
                    .then(Mono.fromCallable(() -> new Result(story, separateChildren.max(), reentrantParents.max(),
                            reentrantChildren.max())));
        });
    }

    /**
     * The seed's program: {@code PARENTS} parents, each taking a permit of {@code parents}, working, then waiting
     * for {@code CHILDREN} children that each take a permit of {@code children}.
     */
    static Mono<Void> family(Semaphore parents, Semaphore children, InFlight parentsIn, InFlight childrenIn) {
        return Flux.range(1, PARENTS)
                .flatMap(p -> parents.withPermit(parentsIn.count(Mono.delay(WORK)
                                .then(Flux.range(1, CHILDREN)
                                        .flatMap(c -> children.withPermit(childrenIn.count(Mono.delay(WORK)))
                                                .contextWrite(Context.of(Semaphore.HOLDER_KEY, "child-" + p + "." + c)))
                                        .then())))
                        .contextWrite(Context.of(Semaphore.HOLDER_KEY, "parent-" + p)))
                .then();
    }

    private static Mono<Void> asyncioHangs(Story story) {
        return Mono.defer(() -> {
            story.printTimed("1. One Semaphore(3) for 3 parents x 2 children, DeadlockPolicy.OFF (asyncio's behaviour)");
            Semaphore fetch = Semaphore.create("fetch", PARENTS, DeadlockPolicy.OFF);
            // Looked at before giving up: giving up cancels the family, which releases every permit.
            Mono<Void> lookAndGiveUp = Mono.delay(PATIENCE).then(Mono.<Void>fromRunnable(() -> {
                SemaphoreStatistics stats = fetch.statistics();
                story.printTimed("   still hung: " + stats.inUse() + "/" + stats.capacity()
                        + " permits held by parents, " + stats.waiting() + " children queued, no error, nothing logged");
            }));
            return Mono.firstWithSignal(
                    family(fetch, fetch, new InFlight(), new InFlight())
                            .then(Mono.<Void>fromRunnable(() -> story.printTimed("   finished"))),
                    lookAndGiveUp);
        });
    }

    private static Mono<Void> detectFailsFast(Story story) {
        return Mono.defer(() -> {
            story.printTimed("2. The same with DeadlockPolicy.DETECT");
            Semaphore fetch = Semaphore.create("fetch", PARENTS, DeadlockPolicy.DETECT);
            return family(fetch, fetch, new InFlight(), new InFlight())
                    .then(Mono.<Void>fromRunnable(() -> story.printTimed("   finished")))
                    .onErrorResume(DeadlockException.class, e -> Mono.<Void>fromRunnable(() -> {
                        story.printTimed("   DeadlockException: " + e.getMessage());
                        story.printTimed("   the parents failed with it and released: "
                                + fetch.availablePermits() + " permits available");
                    }));
        });
    }

    private static Mono<Void> separateSemaphores(Story story, InFlight childrenIn) {
        return Mono.defer(() -> {
            story.printTimed("3. Fix: a semaphore per level, Semaphore(3) for parents and Semaphore(3) for children");
            return family(Semaphore.create("parents", PARENTS), Semaphore.create("children", PARENTS),
                            new InFlight(), childrenIn)
                    .then(Mono.<Void>fromRunnable(() -> story.printTimed("   all " + PARENTS * CHILDREN
                            + " children done, at most " + childrenIn.max() + " at once")));
        });
    }

    private static Mono<Void> reentrant(Story story, InFlight parentsIn, InFlight childrenIn) {
        return Mono.defer(() -> {
            story.printTimed("4. Fix: one Semaphore(3) with DeadlockPolicy.REENTRANT, children borrow their parent's "
                    + "permit");
            Semaphore fetch = Semaphore.create("fetch", PARENTS, DeadlockPolicy.REENTRANT);
            return family(fetch, fetch, parentsIn, childrenIn)
                    .then(Mono.<Void>fromRunnable(() -> story.printTimed("   all " + PARENTS * CHILDREN
                            + " children done, at most " + parentsIn.max() + " parents at once, "
                            + childrenIn.max() + " children at once under their parents' permits")));
        });
    }
}
