package io.github.reactorasyncio.spring.metrics;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.github.reactorasyncio.spring.ConcurrencyLimit;
import io.github.reactorasyncio.spring.ConcurrencyLimitRegistry;
import io.github.reactorasyncio.sync.Diagnostics;
import io.github.reactorasyncio.sync.Lock;
import io.github.reactorasyncio.sync.Semaphore;
import io.github.reactorasyncio.sync.SemaphoreStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import reactor.core.Disposable;

/**
 * Micrometer meters for every {@link ConcurrencyLimit} of a {@link ConcurrencyLimitRegistry} (including limits
 * registered after binding, e.g. per-host ones), and for any plain {@link Semaphore} or {@link Lock}
 * ({@link #bind}), tagged {@code name=<limit, semaphore or lock name>}:
 * <ul>
 *   <li>{@value #AVAILABLE}, {@value #IN_USE}, {@value #WAITING}: gauges read from
 *       {@link Semaphore#statistics()} at each scrape;</li>
 *   <li>{@value #TIMEOUTS}, {@value #CANCELLED}: function counters from the same statistics (waits that gave up,
 *       waits withdrawn by cancellation, e.g. a client disconnecting while queued);</li>
 *   <li>for limits only: {@value #WAIT} (timer: how long each granted run waited for its permit),
 *       {@value #REJECTED} (refused at once, queue full) and {@value #COMPLETED} (ran and completed or
 *       failed).</li>
 * </ul>
 * and, once bound, {@value #DEADLOCKS}: a counter of the deadlocks {@link Diagnostics} reports, tagged
 * {@code primitive} (e.g. {@code Lock 'accounts'}) and {@code policy}. {@link #close()} stops counting them.
 * Gauges and function counters hold the semaphore/limit weakly, as Micrometer's do.
 */
public final class ConcurrencyLimitMetrics implements MeterBinder, AutoCloseable {

    /** Gauge: permits that can be had right now. */
    public static final String AVAILABLE = "reactor.asyncio.permits.available";
    /** Gauge: permits held. */
    public static final String IN_USE = "reactor.asyncio.permits.in.use";
    /** Gauge: acquires queued for a permit. */
    public static final String WAITING = "reactor.asyncio.permits.waiting";
    /** Function counter: acquires that gave up after their maximum wait. */
    public static final String TIMEOUTS = "reactor.asyncio.permits.timeouts";
    /** Function counter: queued acquires withdrawn by cancellation. */
    public static final String CANCELLED = "reactor.asyncio.permits.cancelled";
    /** Timer, limits only: how long each granted run waited for its permit. */
    public static final String WAIT = "reactor.asyncio.limit.wait";
    /** Function counter, limits only: runs refused at once because the queue was full. */
    public static final String REJECTED = "reactor.asyncio.limit.rejected";
    /** Function counter, limits only: runs that got a permit and completed or failed. */
    public static final String COMPLETED = "reactor.asyncio.limit.completed";
    /** Counter: deadlocks {@link Diagnostics} reported, tagged {@code primitive} and {@code policy}. */
    public static final String DEADLOCKS = "reactor.asyncio.deadlocks";

    private final ConcurrencyLimitRegistry limits;
    /** One deadlock listener per registry bound to; disposed by {@link #close()}. */
    private final List<Disposable> deadlockListeners = new CopyOnWriteArrayList<>();

    /**
     * A binder for the limits of {@code limits}; nothing is registered until {@link #bindTo(MeterRegistry)}.
     *
     * @param limits the registry whose limits, present and future, get meters; not null
     * @throws NullPointerException if {@code limits} is null
     */
    public ConcurrencyLimitMetrics(ConcurrencyLimitRegistry limits) {
        this.limits = Objects.requireNonNull(limits, "limits must not be null");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        limits.forEachLimit(limit -> bind(limit, registry));
        deadlockListeners.add(Diagnostics.addDeadlockListener(report -> Counter.builder(DEADLOCKS)
                .tag("primitive", report.primitive())
                .tag("policy", report.policy().name())
                .description("Deadlocks detected by reactor-asyncio's diagnostics")
                .register(registry)
                .increment()));
    }

    /** Stops counting deadlocks; the meters already registered stay. */
    @Override
    public void close() {
        deadlockListeners.forEach(Disposable::dispose);
        deadlockListeners.clear();
    }

    /**
     * Registers the gauges and counters of {@code limit} and starts timing its waits.
     *
     * @param limit    the limit to measure, tagged with its name; not null
     * @param registry where the meters are registered; not null
     */
    public static void bind(ConcurrencyLimit limit, MeterRegistry registry) {
        bind(limit.semaphore(), registry);
        Tags tags = Tags.of("name", limit.name());
        Timer wait = Timer.builder(WAIT).tags(tags).description("Time a granted run waited for its permit")
                .register(registry);
        limit.onPermitGranted(wait::record);
        FunctionCounter.builder(REJECTED, limit, ConcurrencyLimit::rejected).tags(tags)
                .description("Runs refused at once because the queue was full").register(registry);
        FunctionCounter.builder(COMPLETED, limit, ConcurrencyLimit::completed).tags(tags)
                .description("Runs that got a permit and completed or failed").register(registry);
    }

    /**
     * Registers the gauges and counters of a plain {@code semaphore}, tagged with its name.
     *
     * @param semaphore the semaphore to measure, held weakly; not null
     * @param registry  where the meters are registered; not null
     */
    public static void bind(Semaphore semaphore, MeterRegistry registry) {
        bindStatistics(semaphore.name(), semaphore, Semaphore::statistics, registry);
    }

    /**
     * Registers the gauges and counters of {@code lock} (one permit), tagged with its name.
     *
     * @param lock     the lock to measure, held weakly; not null
     * @param registry where the meters are registered; not null
     */
    public static void bind(Lock lock, MeterRegistry registry) {
        bindStatistics(lock.name(), lock, Lock::statistics, registry);
    }

    private static <P> void bindStatistics(String name, P primitive,
                                           Function<P, SemaphoreStatistics> statistics,
                                           MeterRegistry registry) {
        Tags tags = Tags.of("name", name);
        Gauge.builder(AVAILABLE, primitive, p -> statistics.apply(p).available()).tags(tags)
                .description("Permits that can be had right now").register(registry);
        Gauge.builder(IN_USE, primitive, p -> statistics.apply(p).inUse()).tags(tags)
                .description("Permits held").register(registry);
        Gauge.builder(WAITING, primitive, p -> statistics.apply(p).waiting()).tags(tags)
                .description("Acquires queued for a permit").register(registry);
        FunctionCounter.builder(TIMEOUTS, primitive, p -> statistics.apply(p).timedOut()).tags(tags)
                .description("Acquires that gave up after their maximum wait").register(registry);
        FunctionCounter.builder(CANCELLED, primitive, p -> statistics.apply(p).cancelled()).tags(tags)
                .description("Queued acquires withdrawn by cancellation").register(registry);
    }
}
