package io.github.reactorasyncio.sync;

/** asyncio.Semaphore: a release beyond the initial count grows the capacity. */
final class DefaultSemaphore extends SemaphoreSupport {

    DefaultSemaphore(String name, int permits, DeadlockPolicy policy) {
        super(name, permits, PermitQueue.Overflow.GROW, "Semaphore", policy);
    }
}
