package io.github.reactorasyncio.sync;

/** asyncio.BoundedSemaphore: a release beyond the initial count is refused with IllegalStateException. */
final class DefaultBoundedSemaphore extends SemaphoreSupport implements BoundedSemaphore {

    DefaultBoundedSemaphore(String name, int permits, DeadlockPolicy policy) {
        super(name, permits, PermitQueue.Overflow.REFUSE, "BoundedSemaphore", policy);
    }
}
