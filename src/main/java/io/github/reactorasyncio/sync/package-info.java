/**
 * Synchronization primitives for Reactor, after {@code asyncio}'s: none of them ever blocks a thread.
 *
 * <p>How the types relate:
 * <ul>
 *   <li>{@link io.github.reactorasyncio.sync.Semaphore} limits how many subscriptions run a piece of work at
 *       once; {@link io.github.reactorasyncio.sync.BoundedSemaphore} is the same but refuses to be released more
 *       often than acquired. Both hand out {@link io.github.reactorasyncio.sync.Permit}s from a strict-FIFO,
 *       cancel-safe queue, and {@code withPermit} scopes one piece of work to one permit.</li>
 *   <li>{@link io.github.reactorasyncio.sync.Lock} is that queue with one permit and an owner-visible scope
 *       ({@code withLock}), over which a {@link io.github.reactorasyncio.sync.Condition} lends the lock away while
 *       it waits for a signal.</li>
 *   <li>{@link io.github.reactorasyncio.sync.Event} (a flag) and {@link io.github.reactorasyncio.sync.Barrier}
 *       (a meeting point for N) coordinate without holding anything.</li>
 *   <li>{@link io.github.reactorasyncio.sync.SemaphoreStatistics} is the snapshot the permit-based ones report.</li>
 *   <li>{@link io.github.reactorasyncio.sync.Locks} takes several locks in one global order (creation order).</li>
 *   <li>Deadlocks: each Semaphore/Lock has a {@link io.github.reactorasyncio.sync.DeadlockPolicy}; detections
 *       surface as {@link io.github.reactorasyncio.sync.DeadlockException} (DETECT) and
 *       {@link io.github.reactorasyncio.sync.DeadlockReport}s to
 *       {@link io.github.reactorasyncio.sync.Diagnostics} listeners, whose
 *       {@link io.github.reactorasyncio.sync.Diagnostics#snapshot() snapshot()} lists every live primitive's
 *       holders and waiters ({@link io.github.reactorasyncio.sync.DiagnosticsSnapshot},
 *       {@link io.github.reactorasyncio.sync.PrimitiveSnapshot}). Raw permits kept after their holder ended
 *       (a {@link io.github.reactorasyncio.sync.PermitOwner}: a task or a scope) or dropped while held (the
 *       sampled leak net) are reported the same way, never failed. See {@code docs/deadlocks.md}.</li>
 * </ul>
 *
 * <p>Inside (package-private): {@code PermitQueue} is the permit engine every permit-based primitive shares (free
 * permits in one word, a FIFO list of {@code Waiter}s, one drain loop). A {@code Waiter} is one queued acquire: a
 * scope's {@code QueueNode}, a raw {@code acquire()}, or a Condition's {@code Reclaim} of its lent lock. A
 * {@code PermitScope} is one {@code withPermit}/{@code withLock} subscription (its {@code Plan} shared by the calls,
 * its {@code HoldRecord} made only when something looks at the hold, a {@code LateSubscriber} once it ended).
 * Observers the engine calls but does not contain: {@code DeadlockAccounting} (null under OFF and REENTRANT),
 * {@code RawLockHolds} with {@code AbandonedLocks} (shape 4), and {@code LeakNet}.
 *
 * <p>The full contract of each primitive (fairness, cancellation, errors, messages) is in its Javadoc and in
 * {@code docs/semantics.md}.
 */
package io.github.reactorasyncio.sync;
