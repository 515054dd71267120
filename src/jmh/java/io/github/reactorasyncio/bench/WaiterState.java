package io.github.reactorasyncio.bench;

import java.lang.reflect.Field;

import sun.misc.Unsafe;

/**
 * The floor of {@link CancellationCpuTime}: the CAS on a queued waiter's state word that every cancel must make, made
 * with the same instruction on the real waiter, through {@code sun.misc.Unsafe} because the field is the library's
 * own (benchmark code only).
 */
final class WaiterState {

    private static final int QUEUED = 1;
    private static final Unsafe UNSAFE;
    private static final long STATE;

    static {
        try {
            Field theUnsafe = Unsafe.class.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            UNSAFE = (Unsafe) theUnsafe.get(null);
            STATE = UNSAFE.objectFieldOffset(
                    Class.forName("io.github.reactorasyncio.sync.Waiter").getDeclaredField("state"));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private WaiterState() {
    }

    /** CAS the waiter's state from QUEUED to QUEUED: the write a withdrawal makes, without withdrawing. */
    static boolean casQueuedToQueued(Object waiter) {
        return UNSAFE.compareAndSwapInt(waiter, STATE, QUEUED, QUEUED);
    }
}
