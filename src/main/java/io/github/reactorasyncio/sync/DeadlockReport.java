package io.github.reactorasyncio.sync;

import java.util.List;

/**
 * One detected deadlock, as delivered to {@link Diagnostics#addDeadlockListener listeners}.
 *
 * @param primitive the primitive where it was detected, e.g. {@code Semaphore 'fetch'}
 * @param policy    the policy in force ({@link DeadlockPolicy#DETECT} failed the waiters named in the message)
 * @param holders   the holders involved, by name
 * @param message   the same text a {@link DeadlockException} carries
 */
public record DeadlockReport(String primitive, DeadlockPolicy policy, List<String> holders, String message) {
}
