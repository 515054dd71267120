package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.github.reactorasyncio.BlockingCalls;
import io.github.reactorasyncio.task.Queue;
import org.reactivestreams.Subscription;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The seeded randomized soak of issue 12: a mix of every permit operation ({@code withPermit} Mono/Flux, with and
 * without a maximum wait, raw {@code acquire}/{@code acquire(maxWait)}/{@code tryAcquire}, raw {@code release}),
 * {@link BoundedSemaphore}, {@link Lock}, {@link Condition} await/awaitUntil/signal, nested semaphores, a semaphore
 * around a lock, and a {@link Queue} (also under a permit), started on {@code parallel}, {@code boundedElastic}
 * and {@code single}, about 30 % of them cancelled ({@code timeout()}, {@code dispose()} from another scheduler,
 * a {@code Mono.firstWithSignal} sibling, {@code take(0)}). See {@link SoakTest} for the properties and the
 * invariants, docs/semantics.md ("Soak") for the figures.
 *
 * <p>The seed fixes every choice the soak makes (operation, cancel shape, delays, schedulers, failures), drawn
 * before anything runs; thread interleavings are not reproducible, so a replay repeats the same operations and
 * usually, not always, the same failure.
 */
final class Soak {

    /** The operations; {@code -Dsoak.exclude=A,B} takes some out, {@code -Dsoak.only=A,B} keeps only those. */
    enum Op {
        WITH_PERMIT_MONO, WITH_PERMIT_FLUX, WITH_PERMIT_MAX_WAIT, ACQUIRE, ACQUIRE_MAX_WAIT, TRY_ACQUIRE,
        RAW_RELEASE, BOUNDED_WITH_PERMIT, BOUNDED_RAW_RELEASE, LOCK_WITH_LOCK, LOCK_ACQUIRE,
        CONDITION_AWAIT, CONDITION_AWAIT_MAX_WAIT, CONDITION_AWAIT_UNTIL, CONDITION_AWAIT_SIBLING_CANCELLED,
        CONDITION_SIGNAL, NESTED_SEMAPHORES, SEMAPHORE_AROUND_LOCK, QUEUE_PUT, QUEUE_GET, QUEUE_UNDER_PERMIT
    }

    /** How an operation is cancelled ({@code NONE} for the ~70 % that run to their end). */
    enum Cancel { NONE, TIMEOUT, DISPOSE, FIRST_SIBLING, TAKE_ZERO }

    record Config(long seed, int ops, int concurrency, int cancelPercent, Set<Op> mix, Set<Op> neverCancelled,
                  DeadlockPolicy policy, DeadlockPolicy conditionPolicy, boolean strictCallbacks,
                  boolean tolerateEmptySubscriberLogs, int limitSlack, Duration maxDuration) {

        static Config fromSystemProperties(int defaultOps) {
            long seed = Long.getLong("soak.seed", new SplittableRandom().nextLong());
            int ops = Integer.getInteger("soak.ops", defaultOps);
            Set<Op> mix = EnumSet.allOf(Op.class);
            String only = System.getProperty("soak.only", "").trim();
            if (!only.isEmpty()) {
                mix = ops(only);
            }
            mix.removeAll(ops(System.getProperty("soak.exclude", KNOWN_DEFECT_EXCLUSIONS)));
            Set<Op> neverCancelled = ops(System.getProperty("soak.neverCancelled", KNOWN_DEFECT_NEVER_CANCELLED));
            return new Config(seed, ops, Integer.getInteger("soak.concurrency", 64),
                    Integer.getInteger("soak.cancelPercent", 35), mix, neverCancelled,
                    DeadlockPolicy.valueOf(System.getProperty("soak.policy", "DETECT")),
                    DeadlockPolicy.valueOf(System.getProperty("soak.conditionPolicy", KNOWN_DEFECT_CONDITION_POLICY)),
                    Boolean.parseBoolean(System.getProperty("soak.strictCallbacks", KNOWN_DEFECT_STRICT_CALLBACKS)),
                    Boolean.parseBoolean(System.getProperty("soak.tolerateEmptySubscriberLogs",
                            KNOWN_DEFECT_TOLERATE_EMPTY_SUBSCRIBER_LOGS)),
                    Integer.getInteger("soak.limitSlack", LIMIT_SLACK),
                    Duration.ofSeconds(Long.getLong("soak.maxSeconds", Math.max(120, ops / 2_000))));
        }

        private static Set<Op> ops(String list) {
            Set<Op> ops = EnumSet.noneOf(Op.class);
            for (String name : list.split(",")) {
                if (!name.isBlank()) {
                    ops.add(Op.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                }
            }
            return ops;
        }

        /** The system properties that reproduce this configuration. */
        String properties() {
            Set<Op> excluded = EnumSet.complementOf(EnumSet.copyOf(mix.isEmpty() ? EnumSet.allOf(Op.class) : mix));
            return "-Dsoak.seed=" + seed + " -Dsoak.ops=" + ops + " -Dsoak.concurrency=" + concurrency
                    + " -Dsoak.cancelPercent=" + cancelPercent + " -Dsoak.exclude=" + join(excluded)
                    + " -Dsoak.neverCancelled=" + join(neverCancelled) + " -Dsoak.policy=" + policy
                    + " -Dsoak.conditionPolicy=" + conditionPolicy + " -Dsoak.strictCallbacks=" + strictCallbacks
                    + " -Dsoak.tolerateEmptySubscriberLogs=" + tolerateEmptySubscriberLogs
                    + " -Dsoak.limitSlack=" + limitSlack;
        }

        String replay() {
            return "mvn -q test -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false " + properties();
        }

        private static String join(Set<Op> ops) {
            return ops.stream().map(Enum::name).collect(Collectors.joining(","));
        }
    }

    // The defaults of the short soak in `mvn verify` (docs/semantics.md, "Soak", says why each one is there). Every
    // operation is in the mix and every one may be cancelled; what semantics.md documents as unguaranteed is run and
    // counted apart, not checked: code after an await that Reactor's firstWithSignal cancelled (no design can hold
    // the lock there), and a condition section or signal() still running when its own operation's cancel released
    // the lock (a cancel does not wait for a callback already running; the signal() then refuses loudly). Until
    // session 10 both were kept out of the mix instead. The condition's lock is under DETECT and Reactor's
    // emptySubscriber ERROR is not tolerated: both defects are fixed (seeds 10 and 14 failed with 35 and 8 false
    // DeadlockExceptions before). No slack: the few holds per 10^6 operations that once overlapped by one (seeds 4,
    // 23, 24, 25, 89) were a release by the granting thread while the cancel was still on its way to the work,
    // fixed in session 10.
    static final String KNOWN_DEFECT_EXCLUSIONS = "";
    static final String KNOWN_DEFECT_NEVER_CANCELLED = "";
    static final String KNOWN_DEFECT_CONDITION_POLICY = "DETECT";
    // Callbacks running at one instant are not what semantics.md guarantees (a cancel does not wait for them).
    static final String KNOWN_DEFECT_STRICT_CALLBACKS = "false";
    static final String KNOWN_DEFECT_TOLERATE_EMPTY_SUBSCRIBER_LOGS = "false";
    static final int LIMIT_SLACK = 0;
    static final String EMPTY_SUBSCRIBER_LOG = "Unexpected call to Operators.emptySubscriber()";

    /** Every random choice of one operation, drawn from the seed before it runs. */
    record Plan(long id, Op op, Cancel cancel, long cancelNanos, int startOn, int shape, long workNanos,
                int spins, boolean fails, long maxWaitNanos, int fluxLength, int signalCount, boolean flag) {

        @Override
        public String toString() {
            return "#" + id + " " + op + " cancel=" + cancel + "(" + cancelNanos + "ns) start=" + startOn
                    + " shape=" + shape + " work=" + workNanos + "ns fails=" + fails + " maxWait=" + maxWaitNanos
                    + "ns";
        }
    }

    /**
     * With {@code -Dsoak.trace=true}: every operation's events (outside its primitive's scope: subscribe, value,
     * error, cancel; inside its work: enter, leave and why), stamped with one global sequence and the thread, kept
     * for the last {@value #TRACE_KEPT} finished operations and for every operation taking part in a limit
     * violation, whose traces the failure prints. Off by default: recording slows every operation, and so shifts
     * the interleavings it is meant to observe.
     */
    static final class Trace {
        static final int TRACE_KEPT = 20_000;
        static final boolean ON = Boolean.getBoolean("soak.trace");
        private final AtomicLong sequence = new AtomicLong();
        private final Map<Long, java.util.Queue<String>> events = new ConcurrentHashMap<>();
        private final java.util.Queue<Long> finished = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final AtomicInteger finishedCount = new AtomicInteger();
        private final Set<Long> kept = ConcurrentHashMap.newKeySet();

        void add(long id, String event) {
            events.computeIfAbsent(id, k -> new java.util.concurrent.ConcurrentLinkedQueue<>())
                    .add(sequence.incrementAndGet() + " " + event + " @" + Thread.currentThread().getName());
        }

        /** Keeps the traces of operation {@code id} beyond the last {@value #TRACE_KEPT}. */
        void keep(long id) {
            kept.add(id);
        }

        void finished(long id) {
            finished.add(id);
            if (finishedCount.incrementAndGet() > TRACE_KEPT) {
                Long old = finished.poll();
                if (old != null && !kept.contains(old)) {
                    events.remove(old);
                }
            }
        }

        String keptTraces() {
            StringBuilder out = new StringBuilder();
            kept.stream().sorted().forEach(id -> {
                out.append("\n  trace #").append(id).append(':');
                events.getOrDefault(id, new java.util.concurrent.ConcurrentLinkedQueue<>())
                        .forEach(e -> out.append("\n    ").append(e));
            });
            return out.toString();
        }
    }

    static final Trace TRACE = new Trace();

    /** {@code action}, which also traces {@code event} for operation {@code p} when tracing is on. */
    private static Runnable traced(Plan p, String event, Runnable action) {
        return Trace.ON ? () -> {
            TRACE.add(p.id(), event);
            action.run();
        } : action;
    }

    /** A failure of the work itself, the ~10 % the soak injects; anything else is unexpected. */
    static final class SoakFailure extends RuntimeException {
        SoakFailure() {
            super("soak: the work failed", null, false, false);
        }
    }

    /**
     * Concurrency counted inside the work, for one primitive. {@code held}: from the work's subscription to its
     * terminal signal or to the cancel reaching it (the window semantics.md guarantees never exceeds the
     * permits). {@code running}: inside one callback of the work (a step that spins); a callback still running on
     * another thread when the cancel arrives counts until it returns.
     */
    static final class Gauge {
        final String name;
        final int capacity;
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxHeld = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final LongAdder heldOver = new LongAdder();
        final LongAdder runningOver = new LongAdder();
        final LongAdder entered = new LongAdder();
        volatile long blackhole;
        /** The primitive's own view at a violation: did it hand out more permits, or did a hold outlive its permit? */
        volatile java.util.function.Supplier<Object> primitive = () -> "";
        /** Holders (by operation id) whose cancel has started: not counted against the capacity at a violation. */
        volatile java.util.function.LongPredicate cancelling = id -> false;
        /** Counts above the capacity only because of holders {@link #cancelling} lets outlive their hold. */
        final LongAdder overByCancelledHolders = new LongAdder();
        /** Cancelling holders that already explained a count above the capacity at an enter. */
        private final Set<Long> explained = ConcurrentHashMap.newKeySet();
        /**
         * Cancelling holders that left a count above the capacity without having explained it at an enter: they
         * left between that enter's count and its sample of the holders, so the enter counted a violation that
         * one of these explains.
         */
        final LongAdder explainedByLeavers = new LongAdder();

        /** Counts above the capacity that no cancelling holder explains. */
        long violations() {
            return Math.max(0, heldOver.sum() - explainedByLeavers.sum());
        }

        Gauge(String name, int capacity) {
            this.name = name;
            this.capacity = capacity;
        }

        /** One counted hold: how a violation names it, and its operation's id. */
        record Holder(String what, long id) {
            @Override
            public String toString() {
                return what;
            }
        }

        final Map<Object, Holder> holders = new ConcurrentHashMap<>();
        final List<String> overlaps = new CopyOnWriteArrayList<>();

        /** Enters for {@code key}: {@code what} of the operation {@code p}; on a violation the holders are sampled. */
        void enter(Object key, String what, Plan p) {
            entered.increment();
            long id = p.id();
            holders.put(key, new Holder(what + p, id));
            int now = held.incrementAndGet();
            if (Trace.ON) {
                TRACE.add(id, "GAUGE IN: " + name + " held now " + now);
            }
            if (now > capacity && explainedByCancellingHolders(now)) {
                return;
            }
            maxHeld.accumulateAndGet(now, Math::max);
            if (now > capacity) {
                heldOver.increment();
                if (overlaps.size() < 3) {
                    String overlap = what + p + " entered beside " + holders.values() + " while " + primitive.get();
                    overlaps.add(overlap);
                    if (Trace.ON) {
                        TRACE.keep(id);
                        holders.values().forEach(holder -> TRACE.keep(holder.id()));
                    }
                }
            }
        }

        /** Whether the holders {@link #cancelling} lets outlive their hold account for a count of {@code now}. */
        private boolean explainedByCancellingHolders(int now) {
            List<Long> outliving = holders.values().stream().map(Holder::id).filter(cancelling::test).toList();
            if (outliving.isEmpty() || now - outliving.size() > capacity) {
                return false;
            }
            explained.addAll(outliving);
            overByCancelledHolders.increment();
            return true;
        }

        void leave(Object key) {
            int now = held.decrementAndGet();
            Holder holder = holders.remove(key);
            if (Trace.ON) {
                TRACE.add(holder.id(), "GAUGE OUT: " + name + " held now " + now);
                if (now >= capacity) {
                    // It left a count above the capacity, possibly before the sample of the holders above saw it.
                    TRACE.keep(holder.id());
                }
            }
            if (cancelling.test(holder.id()) && !explained.remove(holder.id()) && now >= capacity) {
                explainedByLeavers.increment();
                overByCancelledHolders.increment();
            }
        }

        void step(int spins) {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            if (now > capacity) {
                runningOver.increment();
            }
            // Busy work, not Thread.onSpinWait(): BlockHound counts that as blocking on parallel/single.
            long x = now;
            for (int i = 0; i < spins; i++) {
                x = x * 6364136223846793005L + i;
            }
            blackhole = x;
            running.decrementAndGet();
        }

        /** A section run synchronously under the primitive for operation {@code p}: enter, one step, leave. */
        void section(Plan p) {
            Object key = new Object();
            enter(key, "section ", p);
            step(p.spins());
            leave(key);
        }

        @Override
        public String toString() {
            return name + " held<=" + maxHeld + "/" + capacity + " running<=" + maxRunning + "/" + capacity;
        }
    }

    /** Counts ERROR (and WARN) log events of every logger while the soak runs. */
    static final class LogCounter extends AppenderBase<ILoggingEvent> {
        final Map<String, LongAdder> errorsByLogger = new ConcurrentHashMap<>();
        final LongAdder warnings = new LongAdder();
        final LongAdder emptySubscriber = new LongAdder();
        final List<String> samples = new CopyOnWriteArrayList<>();
        final boolean tolerateEmptySubscriber;

        LogCounter(boolean tolerateEmptySubscriber) {
            this.tolerateEmptySubscriber = tolerateEmptySubscriber;
        }

        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR) && tolerateEmptySubscriber
                    && String.valueOf(event.getFormattedMessage()).startsWith(EMPTY_SUBSCRIBER_LOG)) {
                emptySubscriber.increment();
            } else if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                errorsByLogger.computeIfAbsent(event.getLoggerName(), k -> new LongAdder()).increment();
                if (samples.size() < 5) {
                    samples.add(event.getLoggerName() + ": " + event.getFormattedMessage()
                            + (event.getThrowableProxy() == null ? "" : " (" + event.getThrowableProxy().getClassName()
                            + ": " + event.getThrowableProxy().getMessage() + ")"));
                }
            } else if (event.getLevel() == Level.WARN) {
                warnings.increment();
            }
        }

        long errors() {
            return errorsByLogger.values().stream().mapToLong(LongAdder::sum).sum();
        }
    }

    private static final Scheduler[] SCHEDULERS = {
            Schedulers.parallel(), Schedulers.boundedElastic(), Schedulers.single()};

    private final Config config;

    // The primitives of one soak.
    private final Semaphore sem;
    private final BoundedSemaphore bounded;
    private final Lock lock;
    private final Condition condition;
    private final Semaphore outer;
    private final Semaphore inner;
    private final Queue<Long> queue = Queue.bounded(8);
    private final Gauge semGauge;
    private final Gauge boundedGauge;
    private final Gauge lockGauge;
    private final Gauge conditionGauge;
    private final Gauge outerGauge;
    private final Gauge innerGauge;
    private final int[] conditionState = {0};

    // Outcomes.
    private final Map<Op, LongAdder> started = new EnumMap<>(Op.class);
    private final Map<Cancel, LongAdder> cancelShapes = new EnumMap<>(Cancel.class);
    private final LongAdder finished = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder workFailures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder cancelledByOperator = new LongAdder();
    private final LongAdder deadlockExceptions = new LongAdder();
    private final LongAdder deadlockReports = new LongAdder();
    private final LongAdder unexpectedErrors = new LongAdder();
    private final LongAdder lockNotHeldInSection = new LongAdder();
    /**
     * The condition operations whose cancel has started (marked before the cancel travels in, so before it can
     * release the lock): their sections may outlive the lock, which semantics.md documents, so the condition's
     * gauge and the section check leave them out, and count them apart.
     */
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    private final LongAdder sectionsOutlivingTheirOwnCancel = new LongAdder();
    private final LongAdder refusedAfterTheirOwnCancel = new LongAdder();
    private final LongAdder afterASiblingCancelledAwait = new LongAdder();
    private final LongAdder droppedWorkErrors = new LongAdder();
    private final LongAdder droppedOtherErrors = new LongAdder();
    private final LongAdder droppedNext = new LongAdder();
    private final LongAdder droppedPermits = new LongAdder();
    private final List<String> samples = new CopyOnWriteArrayList<>();
    private final Map<Long, Plan> inFlight = new ConcurrentHashMap<>();

    // The queue's books: every id is put by one operation at most.
    private final Set<Long> putsAttempted = ConcurrentHashMap.newKeySet();
    private final Set<Long> putsCompleted = ConcurrentHashMap.newKeySet();
    private final Set<Long> received = ConcurrentHashMap.newKeySet();
    private final LongAdder receivedTwice = new LongAdder();
    private final AtomicLong pumpIds = new AtomicLong(-1);

    Soak(Config config) {
        this.config = config;
        sem = Semaphore.create("soak-sem", 4, config.policy());
        bounded = BoundedSemaphore.create("soak-bounded", 3, config.policy());
        lock = Lock.create("soak-lock", config.policy());
        condition = Condition.create(Lock.create("soak-condition-lock", config.conditionPolicy()));
        outer = Semaphore.create("soak-outer", 3, config.policy());
        inner = Semaphore.create("soak-inner", 2, config.policy());
        semGauge = new Gauge("sem", 4);
        boundedGauge = new Gauge("bounded", 3);
        lockGauge = new Gauge("lock", 1);
        conditionGauge = new Gauge("condition-lock", 1);
        outerGauge = new Gauge("outer", 3);
        innerGauge = new Gauge("inner", 2);
        semGauge.primitive = sem::statistics;
        boundedGauge.primitive = bounded::statistics;
        lockGauge.primitive = lock::statistics;
        conditionGauge.primitive = condition.lock()::statistics;
        conditionGauge.cancelling = cancelled::contains;
        outerGauge.primitive = outer::statistics;
        innerGauge.primitive = inner::statistics;
        for (Op op : Op.values()) {
            started.put(op, new LongAdder());
        }
        for (Cancel cancel : Cancel.values()) {
            cancelShapes.put(cancel, new LongAdder());
        }
    }

    /** The outcome: the violated invariants (empty when the soak passed) and the summary line. */
    record Result(List<String> violations, String summary) {
    }

    Result run() {
        if (config.mix().isEmpty()) {
            throw new IllegalArgumentException("soak: no operation left in the mix");
        }
        Op[] mix = config.mix().toArray(Op[]::new);
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogCounter logs = new LogCounter(config.tolerateEmptySubscriberLogs());
        logs.setContext(logging);
        logs.start();
        Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        Hooks.onErrorDropped(e -> {
            if (e instanceof SoakFailure || e instanceof TimeoutException) {
                droppedWorkErrors.increment();
            } else {
                droppedOtherErrors.increment();
                sample("dropped error: " + e);
            }
        });
        Hooks.onNextDropped(v -> {
            droppedNext.increment();
            if (v instanceof Permit permit) {
                droppedPermits.increment();
                permit.release();
            }
        });
        Disposable reports = Diagnostics.addDeadlockListener(report -> {
            deadlockReports.increment();
            sample("deadlock report: " + report.message());
        });
        long blockingBefore = BlockingCalls.count();
        Disposable pump = Flux.interval(Duration.ofMillis(1), Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(tick -> pump(), 1)
                .subscribe();
        long start = System.nanoTime();
        List<String> violations = new ArrayList<>();
        try {
            SplittableRandom random = new SplittableRandom(config.seed());
            try {
                Flux.range(0, config.ops())
                        .map(i -> plan(i, mix, random.split()))
                        .flatMap(this::run, config.concurrency())
                        .blockLast(config.maxDuration());
            } catch (IllegalStateException timedOut) {
                violations.add("the operations did not all finish within " + config.maxDuration() + " ("
                        + inFlight.size() + " in flight, e.g. " + inFlight.values().stream().limit(5).toList()
                        + "): stranded waiters; " + primitives());
            }
            // Let the last doFinally callbacks land, then stop the pump and let its own operations end.
            awaitQuiet(() -> finished.sum() == config.ops() && inFlight.isEmpty(), Duration.ofSeconds(10));
            pump.dispose();
            awaitQuiet(this::primitivesIdle, Duration.ofSeconds(10));
            drainQueue();
        } finally {
            pump.dispose();
            reports.dispose();
            Hooks.resetOnErrorDropped();
            Hooks.resetOnNextDropped();
            root.detachAppender(logs);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        check(violations, logs, BlockingCalls.count() - blockingBefore);
        long cancels = cancelShapes.entrySet().stream().filter(e -> e.getKey() != Cancel.NONE)
                .mapToLong(e -> e.getValue().sum()).sum();
        String summary = String.format(Locale.ROOT,
                "SOAK seed=%d ops=%d in %d ms (%.0f ops/s): %d completed, %d work failures, %d timeouts "
                        + "(maxWait), %d cancels planned (%.1f %% of those started: %s), %d ended by a cancel; "
                        + "inside the work: %s; condition, documented: %d sections outlived their own cancel and "
                        + "%d signal()/await() were refused after it, %d counts over the lock's 1 only by them, %d awaits lost to their sibling; "
                        + "deadlock reports=%d exceptions=%d; ERROR logs=%d %s (+%d tolerated '"
                        + EMPTY_SUBSCRIBER_LOG + "'), WARN logs=%d; "
                        + "onErrorDropped: %d late work errors, %d other; onNextDropped=%d (permits %d); "
                        + "blocking calls=%d; queue: %d put, %d received; mix excluded=%s, never cancelled=%s, "
                        + "condition lock %s, strict callbacks %s, limit slack %d",
                config.seed(), config.ops(), millis, config.ops() * 1000.0 / Math.max(1, millis), completed.sum(),
                workFailures.sum(), timeouts.sum(), cancels, cancels * 100.0 / Math.max(1, finished.sum()), cancelShapes,
                cancelledByOperator.sum(), List.of(semGauge, boundedGauge, lockGauge, conditionGauge, outerGauge,
                        innerGauge), sectionsOutlivingTheirOwnCancel.sum(), refusedAfterTheirOwnCancel.sum(),
                conditionGauge.overByCancelledHolders.sum(), afterASiblingCancelledAwait.sum(), deadlockReports.sum(), deadlockExceptions.sum(), logs.errors(),
                logs.errorsByLogger, logs.emptySubscriber.sum(), logs.warnings.sum(), droppedWorkErrors.sum(), droppedOtherErrors.sum(),
                droppedNext.sum(), droppedPermits.sum(), BlockingCalls.count() - blockingBefore,
                putsCompleted.size(), received.size(), EnumSet.complementOf(EnumSet.copyOf(config.mix())),
                config.neverCancelled(), config.conditionPolicy(), config.strictCallbacks(), config.limitSlack());
        if (!logs.samples.isEmpty()) {
            violations.add("ERROR logs, e.g. " + logs.samples);
        }
        if (!violations.isEmpty() && !samples.isEmpty()) {
            violations.add("samples: " + samples);
        }
        return new Result(violations, summary);
    }

    // ------------------------------------------------------------------------------------------ planning

    private Plan plan(long id, Op[] mix, SplittableRandom r) {
        Op op = mix[r.nextInt(mix.length)];
        Cancel cancel = Cancel.NONE;
        if (!config.neverCancelled().contains(op) && r.nextInt(100) < config.cancelPercent()) {
            cancel = Cancel.values()[1 + r.nextInt(Cancel.values().length - 1)];
        }
        return new Plan(id, op, cancel, r.nextLong(200_000), r.nextInt(SCHEDULERS.length), r.nextInt(3),
                r.nextLong(50_000), r.nextInt(200), r.nextInt(100) < 10, 1 + r.nextLong(300_000),
                1 + r.nextInt(4), 1 + r.nextInt(3), r.nextBoolean());
    }

    private Mono<Object> run(Plan plan) {
        started.get(plan.op()).increment();
        cancelShapes.get(plan.cancel()).increment();
        Mono<Object> untraced = operation(plan).doOnSuccess(v -> completed.increment());
        Mono<Object> observed = !Trace.ON ? untraced : untraced
                .doOnSubscribe(s -> TRACE.add(plan.id(), "subscribed " + plan))
                .doOnNext(v -> TRACE.add(plan.id(), "value out of the primitive"))
                .doOnError(e -> TRACE.add(plan.id(), "error out of the primitive: " + e))
                .doOnCancel(() -> TRACE.add(plan.id(), "cancel into the primitive"))
                .doFinally(signal -> TRACE.finished(plan.id()));
        // Outermost, so the mark is set before the cancel travels in (and before it can release the lock).
        Mono<Object> op = plan.op().name().startsWith("CONDITION_")
                ? observed.doOnCancel(() -> cancelled.add(plan.id())) : observed;
        Mono<Object> cancellable = switch (plan.cancel()) {
            case NONE -> op;
            case TIMEOUT -> op.timeout(Duration.ofNanos(plan.cancelNanos()), Mono.fromRunnable(
                    traced(plan, "timeout's fallback (the cancel has returned)", cancelledByOperator::increment)),
                    Schedulers.parallel());
            case DISPOSE -> Mono.create(sink -> {
                Disposable subscription = op.subscribe(sink::success, sink::error, sink::success);
                Disposable timer = SCHEDULERS[(plan.startOn() + 1) % SCHEDULERS.length].schedule(() -> {
                    cancelledByOperator.increment();
                    traced(plan, "dispose", subscription::dispose).run();
                    sink.success();
                }, plan.cancelNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                sink.onDispose(() -> {
                    timer.dispose();
                    subscription.dispose();
                });
            });
            case FIRST_SIBLING -> Mono.firstWithSignal(op, Mono.delay(Duration.ofNanos(plan.cancelNanos()),
                    SCHEDULERS[(plan.startOn() + 1) % SCHEDULERS.length]).map(tick -> {
                        cancelledByOperator.increment();
                        return (Object) "sibling";
                    }));
            case TAKE_ZERO -> Flux.from(op).take(0).doOnComplete(cancelledByOperator::increment).then(Mono.empty());
        };
        return cancellable
                .subscribeOn(SCHEDULERS[plan.startOn()])
                .onErrorResume(this::classify)
                .doOnSubscribe(s -> inFlight.put(plan.id(), plan))
                .doFinally(signal -> {
                    inFlight.remove(plan.id());
                    finished.increment();
                })
                .then(Mono.empty());
    }

    private Mono<Object> classify(Throwable error) {
        if (error instanceof SoakFailure) {
            workFailures.increment();
        } else if (error instanceof DeadlockException) {
            deadlockExceptions.increment();
            sample("DeadlockException: " + error.getMessage());
        } else if (error instanceof TimeoutException) {
            timeouts.increment();
        } else {
            unexpectedErrors.increment();
            sample("unexpected error: " + error);
        }
        return Mono.empty();
    }

    private void sample(String text) {
        if (samples.size() < 10) {
            samples.add(text);
        }
    }

    // ------------------------------------------------------------------------------------------ operations

    @SuppressWarnings("unchecked")
    private Mono<Object> operation(Plan p) {
        return (Mono<Object>) (Mono<?>) switch (p.op()) {
            case WITH_PERMIT_MONO -> sem.withPermit(work(semGauge, p));
            case WITH_PERMIT_FLUX -> sem.withPermit(fluxWork(semGauge, p)).then(Mono.just(1));
            case WITH_PERMIT_MAX_WAIT -> sem.withPermit(work(semGauge, p), Duration.ofNanos(p.maxWaitNanos()));
            case ACQUIRE -> raw(sem.acquire(), semGauge, p);
            case ACQUIRE_MAX_WAIT -> raw(sem.acquire(Duration.ofNanos(p.maxWaitNanos())), semGauge, p);
            case TRY_ACQUIRE -> Mono.fromRunnable(() -> sem.tryAcquire().ifPresent(permit -> {
                semGauge.section(p);
                permit.release();
            }));
            case RAW_RELEASE -> Mono.fromRunnable(() -> sem.tryAcquire().ifPresent(permit -> {
                semGauge.section(p);
                sem.release(); // the raw form returns the permit; the Permit object is never released
            }));
            case BOUNDED_WITH_PERMIT -> bounded.withPermit(work(boundedGauge, p));
            case BOUNDED_RAW_RELEASE -> Mono.fromRunnable(() -> bounded.tryAcquire().ifPresent(permit -> {
                boundedGauge.section(p);
                bounded.release();
            }));
            case LOCK_WITH_LOCK -> lock.withLock(work(lockGauge, p));
            case LOCK_ACQUIRE -> raw(lock.acquire(), lockGauge, p);
            case CONDITION_AWAIT -> condition.withLock(conditionSection(p)
                    .then(awaitUnlessRefusedAfterItsOwnCancel(p, condition.await()))
                    .then(conditionSection(p)));
            case CONDITION_AWAIT_MAX_WAIT -> condition.withLock(conditionSection(p)
                    .then(awaitUnlessRefusedAfterItsOwnCancel(p, condition.await(Duration.ofNanos(p.maxWaitNanos()))))
                    .then(conditionSection(p)));
            case CONDITION_AWAIT_UNTIL -> condition.withLock(condition.awaitUntil(() -> {
                conditionSectionNow(p);
                return conditionState[0] % 2 == 0 ? Boolean.TRUE : null;
            }).then(conditionSection(p)));
            case CONDITION_AWAIT_SIBLING_CANCELLED -> condition.withLock(conditionSection(p)
                    .then(Mono.firstWithSignal(awaitUnlessRefusedAfterItsOwnCancel(p, condition.await()).thenReturn(true),
                            Mono.delay(Duration.ofNanos(p.cancelNanos()), Schedulers.parallel()).thenReturn(false)))
                    // A signalled await holds the lock again; after one its sibling cancelled, the code runs
                    // without it (semantics.md: no design can hold it there), so nothing is checked there.
                    .flatMap(awaitWon -> awaitWon ? conditionSection(p)
                            : Mono.fromRunnable(afterASiblingCancelledAwait::increment)));
            case CONDITION_SIGNAL -> condition.withLock(Mono.fromRunnable(() -> {
                conditionSectionNow(p);
                conditionState[0]++;
                try {
                    if (p.flag()) {
                        condition.signal(p.signalCount());
                    } else {
                        condition.signalAll();
                    }
                } catch (IllegalStateException refused) {
                    // The loud refusal of a signal whose own cancel has released the lock under it (a cancel does
                    // not wait for a section already running): documented; anything else is a defect.
                    if (!cancelled.contains(p.id())) {
                        throw refused;
                    }
                    refusedAfterTheirOwnCancel.increment();
                }
            }));
            case NESTED_SEMAPHORES -> outer.withPermit(Mono.defer(() -> {
                Object key = new Object();
                outerGauge.enter(key, "scope ", p);
                Runnable leave = once(() -> outerGauge.leave(key));
                return inner.withPermit(work(innerGauge, p)).doOnTerminate(traced(p, "scope's work terminated", leave))
                        .doOnCancel(traced(p, "cancel reached the scope's work", leave));
            }));
            case SEMAPHORE_AROUND_LOCK -> sem.withPermit(Mono.defer(() -> {
                Object key = new Object();
                semGauge.enter(key, "scope ", p);
                Runnable leave = once(() -> semGauge.leave(key));
                return lock.withLock(work(lockGauge, p)).doOnTerminate(traced(p, "scope's work terminated", leave))
                        .doOnCancel(traced(p, "cancel reached the scope's work", leave));
            }));
            case QUEUE_PUT -> put(p.id());
            case QUEUE_GET -> get();
            case QUEUE_UNDER_PERMIT -> sem.withPermit(Mono.defer(() -> {
                Object key = new Object();
                semGauge.enter(key, "scope ", p);
                Runnable leave = once(() -> semGauge.leave(key));
                return (p.flag() ? put(p.id()) : get()).doOnTerminate(traced(p, "scope's work terminated", leave))
                        .doOnCancel(traced(p, "cancel reached the scope's work", leave));
            }));
        };
    }

    /** The work run under a permit: counted from its subscription until it ends or is cancelled. */
    private Mono<Object> work(Gauge gauge, Plan p) {
        return Mono.defer(() -> {
            Object key = new Object();
            gauge.enter(key, "", p);
            Runnable leave = once(() -> gauge.leave(key));
            Mono<Object> body = switch (p.shape()) {
                case 0 -> Mono.fromCallable(() -> {
                    gauge.step(p.spins());
                    return 1;
                });
                case 1 -> Mono.delay(Duration.ofNanos(p.workNanos()), Schedulers.parallel()).map(tick -> {
                    gauge.step(p.spins());
                    return 1;
                });
                default -> Mono.just(1).publishOn(SCHEDULERS[(p.startOn() + 2) % SCHEDULERS.length]).map(v -> {
                    gauge.step(p.spins());
                    return v;
                });
            };
            if (p.fails()) {
                body = body.then(Mono.error(new SoakFailure()));
            }
            return body.doOnTerminate(traced(p, "work terminated", leave))
                    .doOnCancel(traced(p, "cancel reached the work", leave));
        });
    }

    private Flux<Object> fluxWork(Gauge gauge, Plan p) {
        return Flux.defer(() -> {
            Object key = new Object();
            gauge.enter(key, "", p);
            Runnable leave = once(() -> gauge.leave(key));
            Flux<Object> body = Flux.range(0, p.fluxLength())
                    .delayElements(Duration.ofNanos(p.workNanos() / 4 + 1), Schedulers.parallel())
                    .map(i -> {
                        gauge.step(p.spins());
                        return (Object) i;
                    });
            if (p.fails()) {
                body = body.concatWith(Mono.error(new SoakFailure()));
            }
            return body.doOnTerminate(traced(p, "flux work terminated", leave))
                    .doOnCancel(traced(p, "cancel reached the flux work", leave));
        });
    }

    /**
     * A raw acquire: the permit is released exactly once by whoever ends the hold, also when it is delivered after
     * the cancel (which {@code subscribe(consumer)} would drop, as semantics.md warns).
     */
    private Mono<Object> raw(Mono<Permit> acquire, Gauge gauge, Plan p) {
        return Mono.create(sink -> {
            // 0 waiting, 1 holding, 2 done
            AtomicInteger state = new AtomicInteger();
            AtomicBoolean released = new AtomicBoolean();
            BaseSubscriber<Permit> waiter = new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(Subscription subscription) {
                    subscription.request(1);
                }

                @Override
                protected void hookOnNext(Permit permit) {
                    if (!state.compareAndSet(0, 1)) {
                        permit.release();
                        return;
                    }
                    Object key = new Object();
                    gauge.enter(key, "raw ", p);
                    // Whoever claims the end (the work's callback or the cancel) leaves and releases, once, and
                    // the callback steps only after claiming, so the step never outlives the hold.
                    Runnable end = () -> {
                        gauge.leave(key);
                        permit.release();
                        state.set(2);
                    };
                    Disposable work = Mono.delay(Duration.ofNanos(p.workNanos()), Schedulers.parallel())
                            .subscribe(tick -> {
                                if (!released.compareAndSet(false, true)) {
                                    return;
                                }
                                gauge.step(p.spins());
                                end.run();
                                if (p.fails()) {
                                    sink.error(new SoakFailure());
                                } else {
                                    sink.success(1);
                                }
                            });
                    sink.onDispose(() -> {
                        if (released.compareAndSet(false, true)) {
                            work.dispose();
                            end.run();
                        }
                    });
                }

                @Override
                protected void hookOnError(Throwable error) {
                    if (state.compareAndSet(0, 2)) {
                        sink.error(error);
                    }
                }
            };
            sink.onCancel(() -> {
                if (state.compareAndSet(0, 2)) {
                    waiter.dispose();
                }
            });
            acquire.subscribe(waiter);
        });
    }

    /**
     * {@code await}, unless its own operation's cancel released the lock while the section before it ran and the
     * await was subscribed all the same: it then refuses loudly ("… which this subscriber does not hold"), which
     * semantics.md documents, and the refusal is counted apart. The same refusal for an operation not cancelled
     * fails the soak.
     */
    private Mono<Void> awaitUnlessRefusedAfterItsOwnCancel(Plan p, Mono<Void> await) {
        return await.onErrorResume(IllegalStateException.class, refused -> {
            if (!cancelled.contains(p.id())) {
                return Mono.error(refused);
            }
            refusedAfterTheirOwnCancel.increment();
            return Mono.empty();
        });
    }

    private Mono<Void> conditionSection(Plan p) {
        return Mono.fromRunnable(() -> conditionSectionNow(p));
    }

    /**
     * A section that must run under the condition's lock: checked by the gauge and by {@code locked()}, unless its
     * own operation has been cancelled (the cancel releases the lock without waiting for a section already
     * running, the documented limit; the gauge does not count such a section either, see {@link #cancelled}).
     */
    private void conditionSectionNow(Plan p) {
        if (!condition.lock().locked()) {
            if (cancelled.contains(p.id())) {
                sectionsOutlivingTheirOwnCancel.increment();
            } else {
                lockNotHeldInSection.increment();
            }
        }
        conditionGauge.section(p);
    }

    private Mono<Object> put(long id) {
        putsAttempted.add(id);
        return queue.put(id).doOnSuccess(v -> putsCompleted.add(id)).then(Mono.just(1));
    }

    private Mono<Object> get() {
        return queue.get().doOnNext(this::receive).map(v -> (Object) v);
    }

    private void receive(long id) {
        if (!received.add(id)) {
            receivedTwice.increment();
        }
        queue.taskDone();
    }

    /** Keeps everyone moving: a signal now and then, and the queue neither full with putters nor empty with getters. */
    private Mono<Void> pump() {
        Queue.Statistics stats = queue.statistics();
        if (stats.waitingPutters() > 0) {
            Long id = queue.poll();
            if (id != null) {
                receive(id);
            }
        }
        if (stats.waitingGetters() > 0) {
            long id = pumpIds.getAndDecrement();
            putsAttempted.add(id);
            if (queue.offer(id)) {
                putsCompleted.add(id);
            }
        }
        return condition.withLock(Mono.fromRunnable(() -> {
            conditionState[0]++;
            condition.signalAll();
        })).onErrorResume(this::classify).then();
    }

    private void drainQueue() {
        for (Long id = queue.poll(); id != null; id = queue.poll()) {
            receive(id);
        }
    }

    /**
     * Runs {@code action} once; a second caller returns only after the first caller's run has finished. Why: the
     * work's terminal signal and a cancel reach it on two threads. With a bare flag, the cancel found the leave
     * claimed by the terminal callback, returned, and the scope gave its permit back while that callback had not
     * counted the work out yet: the next holder then saw one work too many (a {@code Semaphore(3)} "held by 4"
     * while the semaphore itself had 3 in use), an artefact of the gauge, not of the engine.
     */
    private static Runnable once(Runnable action) {
        boolean[] done = {false};
        return () -> {
            synchronized (done) {
                if (!done[0]) {
                    done[0] = true;
                    action.run();
                }
            }
        };
    }

    // ------------------------------------------------------------------------------------------ checking

    private boolean primitivesIdle() {
        return sem.availablePermits() == 4 && sem.waiting() == 0 && bounded.availablePermits() == 3
                && bounded.waiting() == 0 && !lock.locked() && !condition.lock().locked()
                && condition.waiting() == 0 && outer.availablePermits() == 3 && inner.availablePermits() == 2;
    }

    private String primitives() {
        return List.of(sem, bounded, lock, condition.lock(), outer, inner) + " " + condition + " " + queue;
    }

    private static void awaitQuiet(java.util.function.BooleanSupplier done, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void check(List<String> violations, LogCounter logs, long blocking) {
        for (Gauge gauge : List.of(semGauge, boundedGauge, lockGauge, conditionGauge, outerGauge, innerGauge)) {
            if (gauge.violations() > 0
                    && (config.limitSlack() == 0 || gauge.maxHeld.get() > gauge.capacity + config.limitSlack())) {
                violations.add(gauge.name + ": work held by more than " + gauge.capacity + " at once ("
                        + gauge.violations() + " times, at most " + gauge.maxHeld + "), e.g. " + gauge.overlaps
                        + (Trace.ON ? TRACE.keptTraces() : " (replay with -Dsoak.trace=true for each one's events)"));
            }
            if (config.strictCallbacks() && gauge.runningOver.sum() > 0) {
                violations.add(gauge.name + ": callbacks of more than " + gauge.capacity + " works running at once ("
                        + gauge.runningOver.sum() + " times, at most " + gauge.maxRunning + ")");
            }
            if (gauge.held.get() != 0) {
                violations.add(gauge.name + ": " + gauge.held + " works never left (a hold that did not end)");
            }
        }
        if (lockNotHeldInSection.sum() > 0) {
            violations.add("condition: " + lockNotHeldInSection.sum() + " sections ran while the lock was free");
        }
        expect(violations, "every operation finished", config.ops(), finished.sum());
        expect(violations, "unexpected errors", 0, unexpectedErrors.sum());
        expect(violations, "false DeadlockExceptions", 0, deadlockExceptions.sum());
        expect(violations, "false deadlock reports", 0, deadlockReports.sum());
        expect(violations, "ERROR logs", 0, logs.errors());
        expect(violations, "errors dropped that are not the work's own", 0, droppedOtherErrors.sum());
        expect(violations, "permits dropped by onNextDropped", 0, droppedPermits.sum());
        expect(violations, "blocking calls on non-blocking threads " + BlockingCalls.samples(), 0, blocking);
        checkPermits(violations, "sem", sem.statistics(), 4);
        checkPermits(violations, "bounded", bounded.statistics(), 3);
        checkPermits(violations, "lock", lock.statistics(), 1);
        checkPermits(violations, "condition-lock", condition.lock().statistics(), 1);
        checkPermits(violations, "outer", outer.statistics(), 3);
        checkPermits(violations, "inner", inner.statistics(), 2);
        expect(violations, "condition waiters left (" + condition + ")", 0, condition.waiting());
        Queue.Statistics q = queue.statistics();
        expect(violations, "queue items left", 0, q.size());
        expect(violations, "queue putters left waiting", 0, q.waitingPutters());
        expect(violations, "queue getters left waiting", 0, q.waitingGetters());
        expect(violations, "queue unfinished tasks", 0, q.unfinishedTasks());
        expect(violations, "queue: items received twice", 0, receivedTwice.sum());
        expect(violations, "queue: accepted = received", q.totalPut(), received.size());
        if (!putsAttempted.containsAll(received)) {
            violations.add("queue: received items nobody put");
        }
        if (!received.containsAll(putsCompleted)) {
            Set<Long> lost = putsCompleted.stream().filter(id -> !received.contains(id)).limit(5)
                    .collect(Collectors.toSet());
            violations.add("queue: completed puts whose item was never received, e.g. " + lost);
        }
        Arrays.stream(Op.values()).filter(op -> config.mix().contains(op) && started.get(op).sum() == 0)
                .forEach(op -> violations.add("operation never exercised: " + op));
    }

    private static void checkPermits(List<String> violations, String name, SemaphoreStatistics stats, int capacity) {
        if (stats.capacity() != capacity || stats.available() != capacity || stats.inUse() != 0
                || stats.waiting() != 0) {
            violations.add(name + ": permits lost, leaked or grown, or waiters stranded: " + stats);
        }
    }

    private static void expect(List<String> violations, String what, long expected, long actual) {
        if (expected != actual) {
            violations.add(what + ": expected " + expected + ", was " + actual);
        }
    }
}
