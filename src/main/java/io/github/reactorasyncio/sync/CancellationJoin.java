package io.github.reactorasyncio.sync;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Where a canceller that belongs to the library waits for the cleanup the holds it cancelled still owe, as
 * asyncio's {@code wait_for} waits for its cancelled inner to finish.
 *
 * <p>The one cleanup a hold owes after its cancel returns is a {@link Condition#await()}'s re-acquire: the await
 * lent its lock away, and its {@code withLock} scope must own the lock again before the code after the await may
 * run. A Reactor operator that cancels ({@code timeout()}, {@code firstWithSignal}, {@code dispose()}) subscribes
 * what follows as soon as its {@code cancel()} returns, so that code can run while another party holds the lock.
 * The library's own cancellers ({@code Asyncio.waitFor}, gather, task groups) open a join in the Context of the
 * work they may cancel, and signal only after {@link #settled()}: every await cancelled under the join has then
 * got its lock back, or its scope has ended.
 *
 * <p>Joins nest: one opened inside another's Context counts each cleanup in both, so an outer canceller waits for
 * what an inner one waits for. Every other cancellation path (a {@code withPermit} or {@code withLock} hold,
 * {@code acquire}) finishes inside {@code cancel()} and owes nothing here.
 */
public final class CancellationJoin {

    private static final Object KEY = new Object() {
        @Override
        public String toString() {
            return "reactor-asyncio cancellation join";
        }
    };

    /** The join this one was opened inside, or null. */
    private final CancellationJoin outer;
    private static final AtomicIntegerFieldUpdater<CancellationJoin> PENDING =
            AtomicIntegerFieldUpdater.newUpdater(CancellationJoin.class, "pending");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<CancellationJoin, Queue> WHEN_SETTLED =
            AtomicReferenceFieldUpdater.newUpdater(CancellationJoin.class, Queue.class, "whenSettled");

    /** Cleanups begun and not finished yet. Invariant: never negative. */
    private volatile int pending;
    /**
     * Subscribers of {@link #settled()} waiting for {@link #pending} to reach zero; created by the first of them.
     * Every task opens a join and most are never waited on, so a join costs one small object until then.
     */
    private volatile Queue<Runnable> whenSettled;

    private CancellationJoin(CancellationJoin outer) {
        this.outer = outer;
    }

    /**
     * A new join for work about to be subscribed with {@code context}, nested in the join that context already
     * carries, if any.
     *
     * @param context the Context of the canceller's own subscriber
     * @return a join to {@link #attach} to the work's Context
     */
    public static CancellationJoin open(ContextView context) {
        return new CancellationJoin(in(context));
    }

    /** The join this one was opened inside (the enclosing task's), or null. */
    CancellationJoin outer() {
        return outer;
    }

    /** The innermost join in {@code context}, or null. */
    static CancellationJoin in(ContextView context) {
        Object join = context.getOrDefault(KEY, null);
        return join instanceof CancellationJoin j ? j : null;
    }

    /**
     * {@code context} with this join as the innermost one: for {@code work.contextWrite(join::attach)}.
     *
     * @param context the Context the work would otherwise see
     * @return that Context plus this join
     */
    public Context attach(Context context) {
        return context.put(KEY, this);
    }

    /**
     * A Mono that completes once no cleanup begun under this join is pending: at once if none is, otherwise when the
     * last one finishes. Subscribe it after cancelling the work; a cleanup that begins later is not waited for.
     *
     * @return a Mono that never fails and completes on the thread that finished the last cleanup (or at once)
     */
    public Mono<Void> settled() {
        return new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Void> actual) {
                AtomicBoolean done = new AtomicBoolean();
                Runnable complete = () -> {
                    if (done.compareAndSet(false, true)) {
                        actual.onComplete();
                    }
                };
                Queue<Runnable> waiting = whenSettled();
                actual.onSubscribe(new Subscription() {
                    @Override
                    public void request(long n) {
                        // completion needs no demand
                    }

                    @Override
                    public void cancel() {
                        done.set(true);
                        waiting.remove(complete);
                    }
                });
                waiting.offer(complete);
                // Re-checked after publishing: a cleanup that finished meanwhile may have drained before our offer.
                if (pending == 0) {
                    drain();
                }
            }
        };
    }

    /** A cancelled hold starts a cleanup under this join (and every join it is nested in). */
    void begin() {
        for (CancellationJoin j = this; j != null; j = j.outer) {
            PENDING.incrementAndGet(j);
        }
    }

    /** The cleanup {@link #begin()} announced has finished: the await holds its lock again, or its scope ended. */
    void end() {
        for (CancellationJoin j = this; j != null; j = j.outer) {
            if (PENDING.decrementAndGet(j) == 0) {
                j.drain();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Queue<Runnable> whenSettled() {
        Queue<Runnable> q = whenSettled;
        if (q == null) {
            WHEN_SETTLED.compareAndSet(this, null, new ConcurrentLinkedQueue<Runnable>());
            q = whenSettled;
        }
        return q;
    }

    private void drain() {
        Queue<Runnable> waiting = whenSettled;
        Runnable r;
        while (waiting != null && pending == 0 && (r = waiting.poll()) != null) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return "CancellationJoin[pending=" + pending + (outer == null ? "" : ", nested") + "]";
    }
}
