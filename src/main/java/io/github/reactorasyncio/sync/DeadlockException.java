package io.github.reactorasyncio.sync;

/**
 * Signalled to a waiter under {@link DeadlockPolicy#DETECT} when waiting could never end: its message names the
 * primitive, who holds it and who waits for it.
 */
public final class DeadlockException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    DeadlockException(String message) {
        super(message);
    }
}
