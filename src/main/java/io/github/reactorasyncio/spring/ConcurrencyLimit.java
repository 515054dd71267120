package io.github.reactorasyncio.spring;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.github.reactorasyncio.sync.Semaphore;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A named concurrency limit: at most {@code maxConcurrent} pieces of work run at once (a {@link Semaphore}), at
 * most {@code maxQueue} more wait for their turn, each for at most {@code maxWait}. Shared by the inbound
 * {@link ConcurrencyLimitWebFilter} and the outbound {@link ConcurrencyLimitExchangeFilter}; contains nothing
 * Spring-specific.
 *
 * <p><b>Admission.</b> {@link #run(Mono)} first takes an admission slot: at most {@code maxConcurrent + maxQueue}
 * runs are admitted (running or waiting) at once, counted exactly with one CAS loop, so the queue bound holds
 * under any concurrency. A run that finds no slot fails at once with
 * {@link ConcurrencyLimitExceededException.Reason#QUEUE_FULL}, without queueing. An admitted run waits for a permit
 * in the semaphore's strict FIFO order; if none is granted within {@code maxWait} it fails with
 * {@link ConcurrencyLimitExceededException.Reason#TIMED_OUT} and its work is never subscribed. The slot is given
 * back when the run terminates or is cancelled, just after its permit (so for an instant after a permit is
 * released, a newcomer may still find the queue full).
 *
 * <p><b>Cancellation.</b> Cancelling a waiting run withdraws it from the queue; cancelling a running one cancels
 * the work and releases the permit at once ({@link Semaphore#withPermit(Mono, Duration)}). Never blocks a thread.
 *
 * <p><b>Counters.</b> {@link #rejected()}, {@link #timedOut()} and {@link #completed()} count since creation; wait
 * listeners ({@link #onPermitGranted(Consumer)}) hear how long each granted run waited. The gauges (available,
 * in use, waiting) are the semaphore's {@link Semaphore#statistics()}.
 */
public final class ConcurrencyLimit {

    private final String name;
    private final int maxConcurrent;
    private final int maxQueue;
    private final Duration maxWait;
    private final Semaphore semaphore;

    /** Runs admitted and not yet terminated. Invariant: {@code 0 <= admitted <= maxConcurrent + maxQueue}. */
    private final AtomicInteger admitted = new AtomicInteger();

    private final LongAdder rejected = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final List<Consumer<Duration>> waitListeners = new CopyOnWriteArrayList<>();

    private ConcurrencyLimit(String name, int maxConcurrent, int maxQueue, Duration maxWait) {
        this.name = Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(maxWait, "maxWait must not be null");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent of limit '" + name + "' must be >= 1, was "
                    + maxConcurrent);
        }
        if (maxQueue < 0) {
            throw new IllegalArgumentException("maxQueue of limit '" + name + "' must be >= 0, was " + maxQueue);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait of limit '" + name + "' must not be negative, was "
                    + maxWait);
        }
        this.maxConcurrent = maxConcurrent;
        this.maxQueue = maxQueue;
        this.maxWait = maxWait;
        this.semaphore = Semaphore.create(name, maxConcurrent);
    }

    /**
     * A new limit with its own {@link Semaphore} of {@code maxConcurrent} permits, named {@code name}.
     *
     * @param name          names the limit in messages, metrics ({@code name} tag) and its semaphore
     * @param maxConcurrent runs at once, at least 1
     * @param maxQueue      runs that may wait beyond those, at least 0 (0: reject whenever all permits are held)
     * @param maxWait       how long one run may wait for a permit, not negative
     * @return a new limit with nothing admitted and every counter at zero
     * @throws IllegalArgumentException naming the limit and the value, if a bound is out of range
     * @throws NullPointerException     naming the argument, if {@code name} or {@code maxWait} is null
     */
    public static ConcurrencyLimit of(String name, int maxConcurrent, int maxQueue, Duration maxWait) {
        return new ConcurrencyLimit(name, maxConcurrent, maxQueue, maxWait);
    }

    /**
     * Runs {@code work} under this limit (see the class comment for admission, waiting and cancellation). Errors
     * of {@code work} pass through unchanged; the limit's own refusals are {@link ConcurrencyLimitExceededException}s.
     * Each subscription is admitted on its own.
     *
     * @param <T>  the type of the work's value
     * @param work the work to run once admitted and granted a permit; not null
     * @return a Mono that mirrors {@code work}, or fails with a {@link ConcurrencyLimitExceededException}
     *     ({@code QUEUE_FULL} at once, {@code TIMED_OUT} after {@code maxWait}) without subscribing it
     * @throws NullPointerException if {@code work} is null
     */
    public <T> Mono<T> run(Mono<T> work) {
        Objects.requireNonNull(work, "work must not be null");
        return Mono.defer(() -> {
            if (!admit()) {
                rejected.increment();
                return Mono.error(new ConcurrencyLimitExceededException(this,
                        ConcurrencyLimitExceededException.Reason.QUEUE_FULL, null));
            }
            long arrivedAt = now();
            Run run = new Run();
            return semaphore.withPermit(Mono.defer(() -> {
                        run.granted = true;
                        Duration waited = Duration.ofNanos(Math.max(0, now() - arrivedAt));
                        waitListeners.forEach(listener -> listener.accept(waited));
                        return work.doOnTerminate(completed::increment);
                    }), maxWait)
                    .onErrorMap(TimeoutException.class, e -> {
                        if (run.granted) {
                            return e;   // the work's own timeout, not ours
                        }
                        timedOut.increment();
                        return new ConcurrencyLimitExceededException(this,
                                ConcurrencyLimitExceededException.Reason.TIMED_OUT, e);
                    })
                    .doFinally(signal -> admitted.decrementAndGet());
        });
    }

    /** Per-subscription state of one {@link #run}. */
    private static final class Run {
        /** Written before the work is subscribed; read by the error mapper, after a signal from that chain. */
        volatile boolean granted;
    }

    private boolean admit() {
        int bound = maxConcurrent + maxQueue;
        for (;;) {
            int current = admitted.get();
            if (current >= bound) {
                return false;
            }
            if (admitted.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private static long now() {
        return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
    }

    /**
     * Registers {@code listener} to hear, for each run granted a permit from now on, how long it waited
     * (zero when a permit was free). It is called on the granting thread, before the work is subscribed, and
     * must be quick and must not throw.
     *
     * @param listener called with each granted run's wait; not null
     * @throws NullPointerException if {@code listener} is null
     */
    public void onPermitGranted(Consumer<Duration> listener) {
        waitListeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    /** {@return the limit's name, as given to {@link #of}} */
    public String name() {
        return name;
    }

    /** {@return how many runs may hold a permit at once, at least 1} */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** {@return how many more runs may wait for a permit, at least 0} */
    public int maxQueue() {
        return maxQueue;
    }

    /** {@return how long one run may wait for a permit, not negative} */
    public Duration maxWait() {
        return maxWait;
    }

    /** @return the semaphore enforcing the limit; its statistics are this limit's gauges */
    public Semaphore semaphore() {
        return semaphore;
    }

    /** @return runs refused at once because {@code maxConcurrent + maxQueue} were already admitted */
    public long rejected() {
        return rejected.sum();
    }

    /** @return runs that waited {@code maxWait} without getting a permit */
    public long timedOut() {
        return timedOut.sum();
    }

    /** @return runs whose work ran and then completed or failed (cancelled work is not counted) */
    public long completed() {
        return completed.sum();
    }

    /** @return runs admitted right now, running or waiting */
    public int admitted() {
        return admitted.get();
    }

    /** @return e.g. {@code ConcurrencyLimit[name=api, maxConcurrent=10, maxQueue=50, maxWait=PT1S, admitted=12]} */
    @Override
    public String toString() {
        return "ConcurrencyLimit[name=" + name + ", maxConcurrent=" + maxConcurrent + ", maxQueue=" + maxQueue
                + ", maxWait=" + maxWait + ", admitted=" + admitted.get() + "]";
    }
}
