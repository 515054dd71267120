package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.List;

import io.github.reactorasyncio.sync.DeadlockException;
import io.github.reactorasyncio.sync.DeadlockPolicy;
import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Locks;
import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Two tasks take two locks in opposite orders, with a sleep in between: each ends up holding one lock and waiting
 * for the other's. With {@link DeadlockPolicy#DETECT} the task whose wait closes the cycle fails at once with the
 * cycle in its message; its failure releases the lock it held, so the other task proceeds. The fix is the seed's
 * third habit, one global order: {@link Locks#withAll} takes the locks in creation order whatever order they are
 * passed in, so the two tasks simply run one after the other.
 *
 * <p>Java twin of seed {@code 001_30140f3da4ba40e1.txt}, section "Deadlock", second program
 * ({@code task(1, lock1, lock2)} and {@code task(2, lock2, lock1)} gathered), and the advice at the end of that
 * section. Ordering note: at 1 s "Task 1 got both" is printed before "Task 2 failed", because a lock is released
 * before the failure travels on (the contract of {@code withLock}): Task 2's lock2 passes to Task 1 first. For the
 * same reason, at 2 s "Task 2 holds both" comes before "Task 1 done".
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=LockOrderDeadlock} (3 s, real time).
 */
public final class LockOrderDeadlock {

    static final Duration SLEEP = Duration.ofSeconds(1);

    private LockOrderDeadlock() {
    }

    public static void main(String[] args) {
        Scheduler loop = Schedulers.newSingle("event-loop");
        try {
            run(loop).block();
        } finally {
            loop.dispose();
        }
    }

    /**
     * Runs the story with the tasks' sleeps on {@code loop}. One thread, as asyncio's loop: two waits that close a
     * cycle at the same instant from two threads could each miss the other (a limit in {@code docs/deadlocks.md}).
     */
    public static Mono<Story> run(Scheduler loop) {
        return Mono.defer(() -> {
            Story story = new Story();
            return detectTheCycle(story, loop).then(takeThemInOneOrder(story, loop)).thenReturn(story);
        });
    }

    /** The seed's {@code task(number, lock1, lock2)}: one lock, a sleep, the other lock. */
    static Mono<String> task(Story story, int number, Lock first, Lock second, Scheduler loop) {
        String name = "Task " + number;
        return Mono.fromRunnable(() -> story.printTimed(name + " acquiring " + first.name() + "..."))
                .then(first.withLock(Mono.delay(SLEEP, loop)
                        .then(Mono.fromRunnable(() -> story.printTimed(name + " acquiring " + second.name() + "...")))
                        .then(second.withLock(Mono.fromCallable(() -> name + " got both")))))
                .contextWrite(Context.of(Semaphore.HOLDER_KEY, name));
    }

    private static Mono<Void> detectTheCycle(Story story, Scheduler loop) {
        return Mono.defer(() -> {
            story.print("Locks in opposite orders, DeadlockPolicy.DETECT:");
            Lock lock1 = Lock.create("lock1", DeadlockPolicy.DETECT);
            Lock lock2 = Lock.create("lock2", DeadlockPolicy.DETECT);
            return Flux.merge(reportFailure(story, 1, task(story, 1, lock1, lock2, loop)),
                            reportFailure(story, 2, task(story, 2, lock2, lock1, loop)))
                    .doOnNext(story::printTimed)
                    .then();
        });
    }

    /** Whichever task's wait closes the cycle fails: Task 2, whose timer fires second. */
    private static Mono<String> reportFailure(Story story, int number, Mono<String> task) {
        return task.onErrorResume(DeadlockException.class, e -> Mono.fromRunnable(
                () -> story.printTimed("Task " + number + " failed: " + e.getMessage())));
    }

    /** The fix: both tasks name both locks, in opposite orders, and {@link Locks#withAll} orders them. */
    private static Mono<Void> takeThemInOneOrder(Story story, Scheduler loop) {
        return Mono.defer(() -> {
            story.print("The same two tasks with Locks.withAll:");
            Lock lock1 = Lock.create("lock1", DeadlockPolicy.DETECT);
            Lock lock2 = Lock.create("lock2", DeadlockPolicy.DETECT);
            return Flux.merge(both(story, 1, List.of(lock1, lock2), loop),
                            both(story, 2, List.of(lock2, lock1), loop))
                    .doOnNext(story::printTimed)
                    .then();
        });
    }

    private static Mono<String> both(Story story, int number, List<Lock> locks, Scheduler loop) {
        String name = "Task " + number;
        return Mono.fromRunnable(() -> story.printTimed(name + " acquiring " + locks.stream().map(Lock::name).toList()
                        + " with Locks.withAll..."))
                .then(Locks.withAll(Mono.fromRunnable(() -> story.printTimed(name + " holds both"))
                        .then(Mono.delay(SLEEP, loop))
                        .thenReturn(name + " done"), locks))
                .contextWrite(Context.of(Semaphore.HOLDER_KEY, name));
    }
}
