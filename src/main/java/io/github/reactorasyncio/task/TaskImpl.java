package io.github.reactorasyncio.task;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.github.reactorasyncio.sync.CancellationJoin;
import io.github.reactorasyncio.sync.PermitOwner;
import io.github.reactorasyncio.sync.Semaphore;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The one {@link Task} implementation: a subscriber to the work that records the first terminal signal.
 *
 * <p>Concurrency: the work's signals and {@link #cancel()} may race from any threads; the {@link #outcome} CAS
 * decides which one wins, and only the winner touches {@link #joined}, so the sink is emitted into exactly once.
 *
 * <p>Cancellation: {@code cancel()} cancels the upstream subscription, even if it arrives before
 * {@code onSubscribe} (the subscription is then cancelled on arrival). Subscribers of {@link #join()} come and go
 * without affecting the work: {@code Sinks.One} simply forgets a cancelled subscriber.
 */
final class TaskImpl<T> implements Task<T>, CoreSubscriber<T> {

    /** asyncio numbers tasks process-wide: Task-1, Task-2, ... */
    private static final AtomicLong TASK_COUNTER = new AtomicLong();

    private final Mono<? extends T> work;

    private volatile String name;

    /**
     * The Context the work sees: its creator's (as an asyncio task copies the creator's contextvars) with this task's
     * name as the permit holder, so primitives can tell which task holds or waits for what. Rebuilt by setName.
     */
    private final ContextView inherited;
    private volatile Context context;
    /** Counts what a cancel of this task leaves behind (a Condition await's re-acquire) until it has finished. */
    private final CancellationJoin join;
    /** Told how this task ended, so a Lock its work took with a raw acquire and still holds is reported. */
    private final PermitOwner permits;

    /** Set once, from null, by the first of: onNext, onComplete, onError, cancel(). Non-null iff the task is done. */
    private final AtomicReference<Outcome<T>> outcome = new AtomicReference<>();

    /** The work's subscription; {@link Operators#cancelledSubscription()} once cancel() won. */
    private final AtomicReference<Subscription> upstream = new AtomicReference<>();

    /** Replays the outcome to join() subscribers; emitted into exactly once, by the winner of the outcome CAS. */
    private final Sinks.One<T> joined = Sinks.unsafe().one();

    private TaskImpl(Mono<? extends T> work, String name, ContextView inherited) {
        this.work = work;
        this.name = name;
        this.inherited = inherited;
        this.join = CancellationJoin.open(inherited);
        this.permits = PermitOwner.open(inherited);
        this.context = taskContext(name);
    }

    private Context taskContext(String taskName) {
        return permits.attach(join.attach(Context.of(inherited).put(Semaphore.HOLDER_KEY, taskName)));
    }

    /**
     * Completes once what this task's cancel left behind has finished: every Condition await cancelled inside it
     * holds its lock again or its scope has ended. At once for a task that was not cancelled mid-await.
     */
    Mono<Void> cleanupSettled() {
        return join.settled();
    }

    /** Creates the task and subscribes to the work on the calling thread. */
    static <T> TaskImpl<T> start(Mono<? extends T> work, String name) {
        return start(work, name, Context.empty());
    }

    /** As {@link #start(Mono, String)}, the work seeing {@code inherited} (its creator's Context). */
    static <T> TaskImpl<T> start(Mono<? extends T> work, String name, ContextView inherited) {
        TaskImpl<T> task = create(work, name, inherited);
        task.start();
        return task;
    }

    /** Creates a task that has not subscribed yet: for owners that must register it before its work can signal. */
    static <T> TaskImpl<T> create(Mono<? extends T> work, String name, ContextView inherited) {
        Objects.requireNonNull(work, "work");
        return new TaskImpl<>(work, name == null ? nextName() : name, inherited);
    }

    static String nextName() {
        return "Task-" + TASK_COUNTER.incrementAndGet();
    }

    void start() {
        work.subscribe(this);
    }

    /**
     * Runs {@code callback} once the task is done (immediately, on this thread, if it already is).
     *
     * @return a handle that forgets the callback if disposed before the task is done
     */
    Disposable whenDone(Runnable callback) {
        return joined.asMono().then().subscribe(null, error -> callback.run(), callback);
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (upstream.compareAndSet(null, s)) {
            s.request(Long.MAX_VALUE);
        } else {
            // cancel() won before the work subscribed us (or the work subscribed twice, which Operators reports).
            s.cancel();
            if (upstream.get() != Operators.cancelledSubscription()) {
                Operators.reportSubscriptionSet();
            }
        }
    }

    @Override
    public void onNext(T value) {
        // A Mono signals at most one value; it is the outcome, onComplete that follows changes nothing.
        finish(Outcome.success(value));
    }

    @Override
    public void onError(Throwable error) {
        if (!finish(Outcome.failure(error))) {
            // The task was cancelled (or the source broke the Mono contract): nobody can retrieve this error.
            Operators.onErrorDropped(error, currentContext());
        }
    }

    @Override
    public void onComplete() {
        finish(Outcome.success(null));
    }

    @Override
    public Context currentContext() {
        return context;
    }

    private boolean finish(Outcome<T> result) {
        if (!outcome.compareAndSet(null, result)) {
            return false;
        }
        // Before the outcome is visible to joiners: whoever reacts to this end finds the report already made.
        if (result instanceof Outcome.Success<T> success) {
            permits.completed(success.value());
        } else {
            permits.failed(((Outcome.Failure<T>) result).error());
        }
        if (result instanceof Outcome.Success<T> success) {
            if (success.value() == null) {
                joined.tryEmitEmpty();
            } else {
                joined.tryEmitValue(success.value());
            }
        } else {
            joined.tryEmitError(((Outcome.Failure<T>) result).error());
        }
        return true;
    }

    @Override
    public boolean cancel() {
        TaskCancelledException cancellation = new TaskCancelledException(name);
        if (!outcome.compareAndSet(null, Outcome.failure(cancellation))) {
            return false;
        }
        Subscription s = upstream.getAndSet(Operators.cancelledSubscription());
        if (s != null) {
            s.cancel();
        }
        permits.cancelled();
        joined.tryEmitError(cancellation);
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.context = taskContext(name);
    }

    @Override
    public boolean isDone() {
        return outcome.get() != null;
    }

    @Override
    public boolean isCancelled() {
        return outcome.get() instanceof Outcome.Failure<T> failure && failure.error() instanceof TaskCancelledException;
    }

    @Override
    public T result() {
        Outcome<T> done = doneOutcome();
        if (done instanceof Outcome.Success<T> success) {
            return success.value();
        }
        Throwable error = ((Outcome.Failure<T>) done).error();
        if (error instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (error instanceof Error fatal) {
            throw fatal;
        }
        throw new CompletionException(error);
    }

    @Override
    public Throwable exception() {
        Outcome<T> done = doneOutcome();
        if (done instanceof Outcome.Failure<T> failure) {
            if (failure.error() instanceof TaskCancelledException cancelled) {
                throw cancelled;
            }
            return failure.error();
        }
        return null;
    }

    private Outcome<T> doneOutcome() {
        Outcome<T> done = outcome.get();
        if (done == null) {
            throw new IllegalStateException("Task '" + name + "' is not done yet");
        }
        return done;
    }

    @Override
    public Optional<Outcome<T>> outcome() {
        return Optional.ofNullable(outcome.get());
    }

    @Override
    public Mono<T> join() {
        return joined.asMono();
    }

    @Override
    public String toString() {
        Outcome<T> done = outcome.get();
        String state;
        if (done == null) {
            state = "pending";
        } else if (done instanceof Outcome.Success<T> success) {
            state = "finished, result=" + success.value();
        } else if (isCancelled()) {
            state = "cancelled";
        } else {
            state = "finished, exception=" + ((Outcome.Failure<T>) done).error();
        }
        return "Task[name=" + name + ", " + state + "]";
    }

    /** The error a cancelled task ends with; its own type so that a work failing with a CancellationException is
     * not mistaken for a cancelled task. */
    static final class TaskCancelledException extends CancellationException {
        private static final long serialVersionUID = 1L;

        TaskCancelledException(String taskName) {
            super("Task '" + taskName + "' was cancelled");
        }
    }
}
