package io.github.reactorasyncio.sync;

/**
 * What a {@link Semaphore} or {@link Lock} does when it sees a reactive deadlock forming: a permit holder waiting,
 * directly or through its descendants, for a permit that only its own completion could free. No thread is
 * blocked in such a deadlock, so thread dumps show nothing; these policies are how it becomes visible.
 *
 * <p>What is detected, exactly (see {@code docs/deadlocks.md}):
 * <ul>
 *   <li><b>Nested starvation</b> (seed 000): no permit is free and <em>every</em> holder has a descendant queued
 *       on the same semaphore. A descendant is work subscribed inside the holder's {@code withPermit}/{@code
 *       withLock}, found through the Reactor Context. With one permit this is a {@link Lock} acquired again by
 *       the chain that holds it.</li>
 *   <li><b>Wait cycles</b>: a chain holding lock A queues for lock B while B's holder has a descendant queued for
 *       A (through any number of primitives created with one permit: {@link Lock}s and {@code Semaphore(1)}s), or
 *       awaiting, without a maximum wait, a {@link Condition} whose lock A's holder is the chain that waits.</li>
 *   <li>A permit taken with {@code acquire()} counts as held by the {@code withPermit}/{@code withLock} scope, or
 *       else the task, it was acquired in, for the nested starvation check. Such a starvation is a suspicion (a
 *       sibling branch of that scope or task may still release the permit): reported, never failed.</li>
 * </ul>
 *
 * <p>Both are certain deadlocks <em>if the holders need their descendants to finish</em>. A holder that can finish
 * another way — {@code timeout(d, fallback)}, {@code firstWithValue}, {@code take}, a race — is not deadlocked:
 * it will give its permit back. That is why the default is {@link #REPORT}, which never changes what a flow does.
 */
public enum DeadlockPolicy {

    /**
     * Fail fast: the queued descendants of a nested starvation, or the waiter that closed a lock cycle, fail at once
     * with a {@link DeadlockException} naming who holds what and who waits for what. The failure then typically
     * unwinds the holders, which release their permits. Choose it when holders always need their children. A
     * starvation that counts a permit taken with {@code acquire()} is reported as under {@link #REPORT} and fails
     * nothing.
     */
    DETECT,

    /**
     * The default: log the same message (through Reactor's logger, at WARN) and notify
     * {@link Diagnostics#addDeadlockListener listeners} once per episode; the flow is left alone.
     */
    REPORT,

    /**
     * A descendant of a holder runs under the holder's permit instead of taking a new one, so a parent and the
     * children it spawns can never starve each other. Trade-off: the limit then counts top-level holders, not
     * operations — a parent's children all run at once under its one permit (limit their fan-out with
     * {@code flatMap(f, n)} if that matters). Permits are still FIFO among top-level acquirers.
     */
    REENTRANT,

    /**
     * asyncio's behaviour, for the record: nothing is tracked and a deadlocked flow hangs silently. Exclusion is
     * unchanged: a cancel of nested scopes still keeps every enclosing permit until the inner work's subscription
     * is cancelled, as under every policy.
     */
    OFF
}
