package io.github.reactorasyncio.sync;

import java.util.List;

/**
 * One detected deadlock, or one suspicious hold, as delivered to {@link Diagnostics#addDeadlockListener listeners}.
 *
 * @param primitive the primitive where it was detected, e.g. {@code Semaphore 'fetch'}
 * @param policy    the policy in force ({@link DeadlockPolicy#DETECT} failed the waiters named in the message of a
 *                  {@link Kind#DEADLOCK}; the other kinds are never failed, whatever the policy)
 * @param holders   the holders involved, by name
 * @param message   the same text a {@link DeadlockException} carries, or the suspicion's description
 * @param kind      what was seen: a certain deadlock, or one of the two suspicions about raw permits
 */
public record DeadlockReport(String primitive, DeadlockPolicy policy, List<String> holders, String message,
                             Kind kind) {

    /**
     * A deadlock report ({@link Kind#DEADLOCK}).
     *
     * @param primitive the primitive where it was detected
     * @param policy    the policy in force
     * @param holders   the holders involved, by name
     * @param message   the text a {@link DeadlockException} carries
     */
    public DeadlockReport(String primitive, DeadlockPolicy policy, List<String> holders, String message) {
        this(primitive, policy, holders, message, Kind.DEADLOCK);
    }

    /** What a report is about. */
    public enum Kind {
        /** A certain deadlock (nested starvation or a lock cycle); {@code DETECT} fails its waiters. */
        DEADLOCK,
        /**
         * A suspicion, never failed: a {@link Lock} taken with a raw {@code acquire()} is still held after the task
         * or library scope that acquired it ended (another task may still release it, as asyncio allows).
         */
        ABANDONED_LOCK,
        /**
         * A raw {@link Permit} became unreachable while held: nobody can call its {@code release()} any more. Seen
         * for a sample of acquires only ({@link Diagnostics#sampleLeaks}); never failed.
         */
        LEAKED_PERMIT
    }
}
