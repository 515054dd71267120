package io.github.reactorasyncio.examples;

import java.util.Optional;
import java.util.function.Consumer;

import io.github.reactorasyncio.sync.BoundedSemaphore;
import io.github.reactorasyncio.sync.Permit;
import reactor.core.publisher.Mono;

/**
 * Acquire once, release twice: a {@link BoundedSemaphore} refuses the second release with an
 * {@link IllegalStateException} (asyncio raises {@code ValueError: BoundedSemaphore released too many times}) and
 * its state stays as it was.
 *
 * <p>Java twin of seed {@code 000_ec10745fc4071faf.txt}, section "BoundedSemaphore": {@code BoundedSemaphore(1)},
 * {@code await semaphore.acquire()}, {@code semaphore.release()} twice. The seed lets the error end the program;
 * here it is caught and its message printed. The raw {@link BoundedSemaphore#release()} is the seed's
 * {@code semaphore.release()}; the last lines show the Java way that cannot over-release: releasing the
 * {@link Permit} that {@code acquire()} handed out is idempotent, so a second {@link Permit#release()} is a
 * no-op that answers {@code false}.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexample=BoundedSemaphoreOverRelease}
 */
public final class BoundedSemaphoreOverRelease {

    /**
     * What the run observed.
     *
     * @param refusal             what the second raw release threw, or null if it was not refused
     * @param availableAtEnd      permits available at the end (1: neither over-release changed the bound)
     * @param firstPermitRelease  what the first {@link Permit#release()} answered (true)
     * @param secondPermitRelease what the second {@link Permit#release()} answered (false)
     */
    public record Result(IllegalStateException refusal, int availableAtEnd, boolean firstPermitRelease,
                         boolean secondPermitRelease) {
    }

    private BoundedSemaphoreOverRelease() {
    }

    public static void main(String[] args) {
        run(System.out::println).block();
    }

    /** The seed's {@code main()}, printing through {@code out}. No time passes. */
    public static Mono<Result> run(Consumer<String> out) {
        return Mono.defer(() -> {
            BoundedSemaphore semaphore = BoundedSemaphore.create("bounded", 1);
            return semaphore.acquire().map(ignored -> {
                out.accept("acquired:        " + semaphore);
                semaphore.release();
                out.accept("released once:   " + semaphore);
                out.accept("releasing again...");
                try {
                    semaphore.release();
                    out.accept("released twice:  " + semaphore + " (not refused!)");
                    return Optional.<IllegalStateException>empty();
                } catch (IllegalStateException refusal) {
                    out.accept("IllegalStateException: " + refusal.getMessage());
                    out.accept("state unchanged: " + semaphore);
                    return Optional.of(refusal);
                }
            }).flatMap(refusal -> semaphore.acquire().map(permit -> {
                boolean first = permit.release();
                boolean second = permit.release();
                out.accept("with a Permit in hand: first release() -> " + first + ", second release() -> " + second
                        + " (a no-op)");
                out.accept("                 " + semaphore);
                return new Result(refusal.orElse(null), semaphore.availablePermits(), first, second);
            }));
        });
    }
}
