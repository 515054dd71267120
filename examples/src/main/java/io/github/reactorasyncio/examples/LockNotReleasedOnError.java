package io.github.reactorasyncio.examples;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.github.reactorasyncio.sync.DeadlockReport;
import io.github.reactorasyncio.sync.Diagnostics;
import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Semaphore;
import io.github.reactorasyncio.task.Asyncio;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * A task takes a lock with a raw {@code acquire()}, then fails before its {@code release()}: the lock stays held
 * for good, and {@code main}'s acquire a second later would wait forever. The library reports it (a
 * {@link DeadlockReport.Kind#ABANDONED_LOCK} report, logged at WARN and printed here by a
 * {@link Diagnostics#addDeadlockListener listener}) the moment the task ends holding the lock, and again when
 * {@code main} queues for it; it fails nothing, since asyncio would let other code release the lock. {@code main}
 * bounds its wait ({@link Lock#acquire(Duration)}, the seed's second habit "use timeouts when waiting"), and its
 * timeout names the holder; while it waits, {@link Diagnostics#snapshot(Lock)} names the holder and how long it
 * has held. Then the fix, the seed's first habit: {@link Lock#withLock} releases on error, so {@code main} gets the
 * lock at once and nothing is reported.
 *
 * <p>Java twin of seed {@code 001_30140f3da4ba40e1.txt}, section "Deadlock", third program
 * ({@code await lock.acquire()}; {@code raise Exception('Something bad happened')}), and the "Context Managers"
 * advice after it. Holder tracking ({@link Diagnostics#trackHolders}) is turned on for the run and restored after.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=LockNotReleasedOnError} (7 s, real time).
 */
public final class LockNotReleasedOnError {

    /** The seed's {@code await asyncio.sleep(1)} before main acquires. */
    static final Duration MOMENT = Duration.ofSeconds(1);
    /** How long main is willing to wait for the lock. */
    static final Duration MAX_WAIT = Duration.ofSeconds(5);
    /** When, into main's wait, the demo looks at the lock. */
    static final Duration LOOK_AFTER = Duration.ofSeconds(2);

    private LockNotReleasedOnError() {
    }

    public static void main(String[] args) {
        run().block();
    }

    public static Mono<Story> run() {
        return Mono.defer(() -> {
            Story story = new Story();
            boolean wasTracking = Diagnostics.tracksHolders();
            Diagnostics.trackHolders(true);
            Disposable listener = Diagnostics.addDeadlockListener(report -> {
                if (report.kind() == DeadlockReport.Kind.ABANDONED_LOCK && report.primitive().equals("Lock 'lock'")) {
                    story.printTimed("Reported: " + report.message());
                }
            });
            return rawAcquire(story)
                    .then(withLock(story))
                    .thenReturn(story)
                    .doFinally(signal -> {
                        listener.dispose();
                        Diagnostics.trackHolders(wasTracking);
                    });
        });
    }

    private static Mono<Void> rawAcquire(Story story) {
        return Mono.defer(() -> {
            story.print("Raw acquire() and release():");
            Lock lock = Lock.create("lock");
            Mono<Void> task = Mono.fromRunnable(() -> story.printTimed("Task acquiring lock..."))
                    .then(lock.acquire())
                    .flatMap(permit -> Mono.<Void>error(new IllegalStateException("Something bad happened"))
                            .then(Mono.fromRunnable(() -> {
                                story.printTimed("Task releasing lock..."); // never gets here
                                permit.release();
                            }))
                            .then())
                    .doOnError(e -> story.printTimed("Task failed: " + e.getMessage()));
            Asyncio.createTask(task, "task");
            Mono<Void> look = Mono.delay(LOOK_AFTER).then(Mono.fromRunnable(() -> {
                story.printTimed("Diagnostics.snapshot(lock):");
                for (String line : Diagnostics.snapshot(lock).toString().split("\n")) {
                    story.print("    " + line);
                }
            }));
            Mono<Void> mainAcquires = Mono.fromRunnable(() -> story.printTimed("Main acquiring lock..."))
                    .then(lock.acquire(MAX_WAIT))
                    .doOnNext(permit -> {
                        story.printTimed("Main got the lock");
                        permit.release();
                    })
                    .onErrorResume(TimeoutException.class, e -> Mono.fromRunnable(
                            () -> story.printTimed("Main gave up: " + e.getMessage())))
                    .then();
            return Mono.delay(MOMENT).then(Mono.when(mainAcquires, look))
                    .contextWrite(Context.of(Semaphore.HOLDER_KEY, "main"));
        });
    }

    private static Mono<Void> withLock(Story story) {
        return Mono.defer(() -> {
            story.print("withLock:");
            Lock lock = Lock.create("lock");
            Mono<Void> task = Mono.fromRunnable(() -> story.printTimed("Task acquiring lock..."))
                    .then(lock.withLock(Mono.error(new IllegalStateException("Something bad happened"))))
                    .doOnError(e -> story.printTimed("Task failed: " + e.getMessage() + "; lock.locked() = "
                            + lock.locked()))
                    .then();
            Asyncio.createTask(task, "task");
            return Mono.delay(MOMENT)
                    .then(Mono.fromRunnable(() -> story.printTimed("Main acquiring lock...")))
                    .then(lock.withLock(Mono.<Void>fromRunnable(() -> story.printTimed("Main got the lock"))))
                    .contextWrite(Context.of(Semaphore.HOLDER_KEY, "main"));
        });
    }
}
