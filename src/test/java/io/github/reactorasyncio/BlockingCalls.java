package io.github.reactorasyncio;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingMethod;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Our BlockHound integration (registered in {@code META-INF/services}, picked up when the
 * {@code blockhound-junit-platform} listener installs BlockHound before the first test): every blocking call on a
 * non-blocking thread still fails with {@link BlockingOperationError}, as by default, and is also counted here, so
 * a test whose flows swallow errors (a soak that counts them, a fire-and-forget subscribe) can still assert that
 * nothing blocked. Non-blocking threads are Reactor's {@code parallel} and {@code single} workers (Reactor's own
 * integration) and Netty's event loops (Netty's).
 */
public final class BlockingCalls implements BlockHoundIntegration {

    private static final LongAdder COUNT = new LongAdder();
    private static final List<String> SAMPLES = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    @Override
    public void applyTo(BlockHound.Builder builder) {
        installed = true;
        // Jackson builds a deserializer once per type under a ReentrantLock, on whichever thread first decodes that
        // type (a Netty event loop in the WebFlux tests): a one-time, uncontended wait outside this library, the
        // kind of false positive BlockHound's own docs tell users to allow. Serializers take no lock.
        builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                "_createAndCacheValueDeserializer");
        // Netty 4.2's adaptive allocator takes a short internal lock when it grows or frees a magazine, on the event
        // loop by design; Netty's own BlockHound integration does not list it yet (FetcherLimitTest caught it).
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup",
                "tryExpandMagazines");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.blockingMethodCallback(method -> {
            record(method);
            throw new BlockingOperationError(method);
        });
    }

    private static void record(BlockingMethod method) {
        COUNT.increment();
        if (SAMPLES.size() < 10) {
            SAMPLES.add(method + " on " + Thread.currentThread().getName());
        }
    }

    /** Whether BlockHound was installed with this integration in this JVM. */
    public static boolean installed() {
        return installed;
    }

    /** Blocking calls detected on non-blocking threads since the JVM started. */
    public static long count() {
        return COUNT.sum();
    }

    /** Up to ten of them, each with its thread. */
    public static List<String> samples() {
        return List.copyOf(SAMPLES);
    }
}
