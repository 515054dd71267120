package io.github.reactorasyncio.examples;

import io.github.reactorasyncio.sync.DeadlockException;
import io.github.reactorasyncio.sync.DeadlockPolicy;
import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * A task that holds a lock and asks for it again waits for itself forever in asyncio. With
 * {@link DeadlockPolicy#DETECT} the second acquire fails at once with a {@link DeadlockException} naming the lock
 * and the chain that holds it; the failure unwinds the first hold, so the lock is free again. With
 * {@link DeadlockPolicy#REENTRANT} the second acquire runs under the first hold instead.
 *
 * <p>Java twin of seed {@code 001_30140f3da4ba40e1.txt}, section "Deadlock", first program ({@code task(lock)}
 * with {@code async with lock} nested in itself). The seed's notebook cell hangs until it is interrupted
 * ({@code CancelledError}); here nothing waits, not even for a moment.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=LockTwiceDeadlock}
 */
public final class LockTwiceDeadlock {

    private LockTwiceDeadlock() {
    }

    public static void main(String[] args) {
        run().block();
    }

    public static Mono<Story> run() {
        return Mono.defer(() -> {
            Story story = new Story();
            Lock detecting = Lock.create("lock", DeadlockPolicy.DETECT);
            Lock reentrant = Lock.create("lock", DeadlockPolicy.REENTRANT);
            return Mono.fromRunnable(() -> story.print("With DeadlockPolicy.DETECT:"))
                    .then(task(story, detecting))
                    .onErrorResume(DeadlockException.class, e -> Mono.fromRunnable(() -> {
                        story.printTimed("DeadlockException: " + e.getMessage());
                        story.print("lock.locked() = " + detecting.locked());
                    }))
                    .then(Mono.fromRunnable(() -> story.print("With DeadlockPolicy.REENTRANT:")))
                    .then(task(story, reentrant))
                    .then(Mono.fromRunnable(() -> story.print("lock.locked() = " + reentrant.locked())))
                    .thenReturn(story);
        });
    }

    /** The seed's {@code task(lock)}, named "task" so the lock can say who holds it. */
    static Mono<Void> task(Story story, Lock lock) {
        return Mono.fromRunnable(() -> story.print("Task acquiring lock..."))
                .then(lock.withLock(Mono.fromRunnable(() -> story.print("Task acquiring lock again..."))
                        .then(lock.withLock(Mono.fromRunnable(() -> story.print("Task got the lock a second time"))))))
                .then()
                .contextWrite(Context.of(Semaphore.HOLDER_KEY, "task"));
    }
}
