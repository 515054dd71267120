package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Issue 14, item 3's proof of no false positives: random trees that cannot deadlock, under DETECT, on a mix of Locks,
 * Semaphores of 1 to 3 permits, Conditions and raw permits, with random cancels (timeouts around any node). No run
 * may see a DeadlockException or a report, and every run must finish with every permit back and nobody waiting.
 *
 * <p>Why they cannot deadlock: primitives are numbered and every chain takes them in ascending order (a node's
 * descendants use only primitives numbered above the one it holds), so no chain waits for a primitive an ancestor
 * holds and no cycle of holds exists. A Condition awaiter (inside its lock, any depth) is woken by a signaller that
 * takes only that lock, from outside every tree, and is never cancelled. Raw permits ({@code acquire()}) come from
 * a semaphore that only raw acquires use, which has its own place in the order: a raw permit counts as held by the scope or task that took it (see
 * docs/deadlocks.md), so a {@code withPermit} of the same semaphore in a sibling branch of that scope would be
 * flagged although the sibling may release it; that shape is a documented limit, not generated here.
 *
 * <p>{@code -Ddeadlock.trees=N} sets the number of trees (default 5,000), {@code -Ddeadlock.trees.seed=S} replays
 * one run; a failure names its seed and trial.
 */
class RandomNonDeadlockingTreesTest {

    @Test
    void randomNonDeadlockingTreesNeverFailNorReportAndStrandNobody() {
        long seed = Long.getLong("deadlock.trees.seed", System.nanoTime());
        int trees = Integer.getInteger("deadlock.trees", 5_000);
        String replay = "seed " + seed + " (replay: mvn test -Dtest=RandomNonDeadlockingTreesTest "
                + "-Ddeadlock.trees.seed=" + seed + " -Ddeadlock.trees=" + trees + ")";
        Random random = new Random(seed);
        List<DeadlockReport> reports = new CopyOnWriteArrayList<>();
        Disposable listener = Diagnostics.addDeadlockListener(reports::add);
        VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
        int conditionTrees = 0;
        int cancelled = 0;
        try {
            for (int trial = 0; trial < trees; trial++) {
                Trial t = new Trial(random, trial % 3 == 1, trial % 3 == 2);
                List<Throwable> errors = new CopyOnWriteArrayList<>();
                AtomicInteger done = new AtomicInteger();
                List<Mono<?>> roots = new ArrayList<>();
                int rootCount = 1 + random.nextInt(4);
                for (int r = 0; r < rootCount; r++) {
                    roots.add(t.node(0, 0));
                }
                roots.addAll(t.signallers());
                for (Mono<?> root : roots) {
                    root.subscribe(v -> { }, e -> {
                        errors.add(e);
                        done.incrementAndGet();
                    }, done::incrementAndGet);
                }
                clock.advanceTimeBy(Duration.ofSeconds(60));
                String where = replay + ", trial " + trial;
                assertThat(errors).as("%s: no failure", where).isEmpty();
                assertThat(reports).as("%s: no report", where).isEmpty();
                assertThat(done.get()).as("%s: every root ended", where).isEqualTo(roots.size());
                t.assertAllFree(where);
                conditionTrees += t.awaits > 0 ? 1 : 0;
                cancelled += t.timeouts.get();
            }
        } finally {
            VirtualTimeScheduler.reset();
            listener.dispose();
        }
        assertThat(conditionTrees).as("trees with Condition awaits").isGreaterThan(trees / 5);
        assertThat(cancelled).as("cancels that fired").isGreaterThan(trees / 5);
    }

    /** One tree's primitives and generator. */
    private static final class Trial {
        final Random random;
        final boolean conditionHeavy;
        final boolean cancelHeavy;
        /** Scoped primitives, in the order chains take them; {@code conditions[i]} is set when {@code scoped[i]} is a Lock with one. */
        final List<Object> scoped = new ArrayList<>();
        final List<Condition> conditions = new ArrayList<>();
        final List<AtomicBoolean> flags = new ArrayList<>();
        /** Semaphores only raw acquires use. */
        final List<Semaphore> raw = new ArrayList<>();
        final AtomicInteger timeouts = new AtomicInteger();
        /** Where the raw semaphore comes in the order of acquisition (see {@link #node}). */
        final int rawAt;
        int awaits;

        Trial(Random random, boolean conditionHeavy, boolean cancelHeavy) {
            this.random = random;
            this.conditionHeavy = conditionHeavy;
            this.cancelHeavy = cancelHeavy;
            int n = 2 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                if (random.nextBoolean()) {
                    Lock lock = Lock.create("L" + i, DeadlockPolicy.DETECT);
                    scoped.add(lock);
                    boolean withCondition = random.nextInt(conditionHeavy ? 1 : 3) == 0;
                    conditions.add(withCondition ? Condition.create(lock) : null);
                } else {
                    scoped.add(Semaphore.create("S" + i, 1 + random.nextInt(3), DeadlockPolicy.DETECT));
                    conditions.add(null);
                }
                flags.add(new AtomicBoolean());
            }
            raw.add(Semaphore.create("R0", 1 + random.nextInt(2), DeadlockPolicy.DETECT));
            rawAt = random.nextInt(n + 1);
        }

        Duration delay() {
            return Duration.ofMillis(random.nextInt(5));
        }

        /**
         * A node whose chain may take what comes at or after position {@code from} in the order: scoped primitive
         * {@code i} is at position {@code 2i+1}, the raw semaphore at {@code 2 rawAt}.
         */
        Mono<Void> node(int depth, int from) {
            Mono<Void> result;
            int kind = random.nextInt(10);
            int first = from / 2; // the first scoped primitive at or after from
            int available = scoped.size() - first;
            if (kind < 5 && available > 0) {
                int i = first + random.nextInt(available);
                Condition condition = conditions.get(i);
                if (condition != null && random.nextInt(conditionHeavy ? 2 : 4) == 0) {
                    result = awaitNode(i, condition);
                } else {
                    Object p = scoped.get(i);
                    Mono<Void> body = body(depth, 2 * i + 2);
                    result = p instanceof Lock lock ? lock.withLock(body) : ((Semaphore) p).withPermit(body);
                }
            } else if (kind < 7 && 2 * rawAt >= from) {
                Semaphore sem = raw.get(0);
                Mono<Void> body = body(depth, 2 * rawAt + 1);
                result = sem.acquire().flatMap(p -> body.doFinally(s -> p.release()));
            } else {
                result = body(depth, from);
            }
            // Any node may be cancelled, awaits included (a cancelled await gives its lock back); signallers never are.
            if (random.nextInt(cancelHeavy ? 2 : 8) == 0) {
                Duration after = Duration.ofMillis(random.nextInt(8));
                result = result.timeout(after, Mono.<Void>empty().doOnSubscribe(s -> timeouts.incrementAndGet()));
            }
            return result;
        }

        private Mono<Void> body(int depth, int from) {
            int children = depth >= 3 ? 0 : random.nextInt(depth == 0 ? 4 : 3);
            List<Mono<Void>> kids = new ArrayList<>();
            for (int c = 0; c < children; c++) {
                kids.add(node(depth + 1, from));
            }
            return Mono.delay(delay()).then(Flux.merge(kids).then()).then(Mono.delay(delay())).then();
        }

        private Mono<Void> awaitNode(int i, Condition condition) {
            awaits++;
            AtomicBoolean flag = flags.get(i);
            Mono<Void> wait = random.nextInt(4) == 0
                    ? condition.await(Duration.ofMillis(random.nextInt(6))).onErrorResume(
                            java.util.concurrent.TimeoutException.class, e -> Mono.empty())
                    : condition.awaitUntil(() -> flag.get() ? Boolean.TRUE : null).then();
            return ((Lock) scoped.get(i)).withLock(Mono.delay(delay()).then(wait));
        }

        /** One signaller per Condition: takes only its lock, sets its flag and wakes everyone, twice (late awaiters). */
        List<Mono<?>> signallers() {
            List<Mono<?>> all = new ArrayList<>();
            for (int i = 0; i < scoped.size(); i++) {
                Condition condition = conditions.get(i);
                if (condition == null) {
                    continue;
                }
                AtomicBoolean flag = flags.get(i);
                Lock lock = (Lock) scoped.get(i);
                all.add(Mono.delay(Duration.ofMillis(random.nextInt(20)))
                        .then(lock.withLock(Mono.fromRunnable(() -> {
                            flag.set(true);
                            condition.signalAll();
                        }))));
            }
            return all;
        }

        void assertAllFree(String where) {
            for (Object p : scoped) {
                if (p instanceof Lock lock) {
                    assertThat(lock.locked()).as("%s: %s free", where, lock.name()).isFalse();
                    assertThat(lock.waiting()).as("%s: nobody waits for %s", where, lock.name()).isZero();
                } else {
                    Semaphore sem = (Semaphore) p;
                    assertThat(sem.waiting()).as("%s: nobody waits for %s", where, sem.name()).isZero();
                    assertThat(sem.availablePermits()).as("%s: %s all back", where, sem.name())
                            .isEqualTo(sem.statistics().capacity());
                }
            }
            for (Condition c : conditions) {
                if (c != null) {
                    assertThat(c.waiting()).as("%s: nobody awaits %s", where, c.name()).isZero();
                }
            }
            Semaphore r = raw.get(0);
            assertThat(r.waiting()).as("%s: nobody waits for raw", where).isZero();
            assertThat(r.availablePermits()).as("%s: raw all back", where).isEqualTo(r.statistics().capacity());
        }
    }
}
