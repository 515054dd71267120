package io.github.reactorasyncio.http;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;
import java.util.stream.Stream;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * {@code flatMap(mapper, concurrency, 1)} for a mapper that returns a {@link Mono}, with constant work per inner:
 * the fetcher's merge of one exchange per URL.
 *
 * <p>Why not {@code flatMap}: Reactor's {@code FlatMapMain.drainLoop} visits every inner in its array on each
 * inner's completion, to find the finished ones, so a completion costs O(concurrency): 10,000 completions at
 * {@code concurrency} 1000 are 10^7 visits. In JFR on the instant endpoint at concurrency 100 that loop alone was
 * 5–6 % of the fetcher's and of bare Reactor Netty's CPU samples (docs/performance.md). Here an inner that ends
 * hands over only itself: its value to a queue (or straight downstream), its slot back to the source.
 *
 * <p>Contract, the same as {@code flatMap(mapper, concurrency, 1)} with Mono inners (tested side by side in
 * {@code MonoMergeTest}):
 * <ul>
 *   <li>Demand: {@code concurrency} from the source at subscription, then one more each time an inner has ended
 *       (completed, and its value, if any, delivered downstream): never more than {@code concurrency} inners
 *       subscribed and not ended. The next source element is asked for after the ended inner's value has been
 *       delivered, from within its completion, as {@code flatMap} does.</li>
 *   <li>Order: values in the order inners produce them; a value waits in a queue while downstream has no demand.</li>
 *   <li>Errors: the first error (source, mapper, inner) cancels the source and every live inner, discards the
 *       queued values and reaches downstream; errors that arrive together are combined
 *       ({@link Exceptions#multiple}), later ones go to {@link Operators#onErrorDropped}.</li>
 *   <li>Completion: once the source has completed and every inner has ended and been delivered.</li>
 *   <li>Cancel: cancels the source and every live inner, including one whose subscription races the cancel;
 *       queued values and a source element that arrives after it go to the discard hook.</li>
 * </ul>
 *
 * <p>Design: every signal that changes what downstream or the source must see goes through one serialized drain
 * loop ({@code wip}); an inner's value skips the queue when the loop is free, downstream has demand and nothing is
 * queued. Live inners are an intrusive doubly-linked list under the main subscriber's monitor (two uncontended
 * monitor entries per inner), kept only so that a cancel or an error can reach them.
 *
 * <pre>
 * inner:  subscribed ──value──▶ has value ──delivered──┐
 *             │                     │                  ├──▶ ended: unlinked, source asked for one more
 *             └──complete (empty)───┴──complete────────┘      (both "delivered" and "complete" are needed)
 * </pre>
 */
final class MonoMerge<T, R> extends Flux<R> implements Scannable {

    private final Publisher<? extends T> source;
    private final Function<? super T, ? extends Mono<? extends R>> mapper;
    private final int concurrency;

    private MonoMerge(Publisher<? extends T> source, Function<? super T, ? extends Mono<? extends R>> mapper,
            int concurrency) {
        this.source = source;
        this.mapper = mapper;
        this.concurrency = concurrency;
    }

    static <T, R> Flux<R> of(Publisher<? extends T> source, Function<? super T, ? extends Mono<? extends R>> mapper,
            int concurrency) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(mapper, "mapper");
        if (concurrency <= 0) {
            throw new IllegalArgumentException("concurrency must be positive, was " + concurrency);
        }
        return onAssembly(new MonoMerge<>(source, mapper, concurrency));
    }

    @Override
    public void subscribe(CoreSubscriber<? super R> actual) {
        source.subscribe(new MergeMain<>(actual, mapper, concurrency));
    }

    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            return source;
        }
        if (key == Attr.PREFETCH) {
            return concurrency;
        }
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.SYNC;
        }
        return null;
    }

    static final class MergeMain<T, R> implements CoreSubscriber<T>, Subscription, Scannable {
        private final CoreSubscriber<? super R> actual;
        private final Function<? super T, ? extends Mono<? extends R>> mapper;
        private final int concurrency;
        // Inners whose value waits for demand, in the order the values came; offered by any inner's thread,
        // polled only inside the drain loop.
        private final Queue<MergeInner<R>> ready = Queues.<MergeInner<R>>unboundedMultiproducer().get();

        private Subscription upstream;
        // Set once, by the source's onComplete or onError (or a mapper failure), before the drain that reads it.
        private volatile boolean sourceDone;
        // Set once, by downstream's cancel; the drain loop then only discards.
        private volatile boolean cancelled;
        // Only the drain loop reads and writes it: true once downstream has had its terminal signal.
        private boolean terminated;

        private volatile Throwable error;
        private static final AtomicReferenceFieldUpdater<MergeMain, Throwable> ERROR =
                AtomicReferenceFieldUpdater.newUpdater(MergeMain.class, Throwable.class, "error");
        // Invariant: what downstream asked for and has not been given yet (Long.MAX_VALUE: unbounded).
        private volatile long requested;
        private static final AtomicLongFieldUpdater<MergeMain> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(MergeMain.class, "requested");
        // The drain loop's missed-signal counter: non-zero while one thread runs the loop.
        private volatile int wip;
        private static final AtomicIntegerFieldUpdater<MergeMain> WIP =
                AtomicIntegerFieldUpdater.newUpdater(MergeMain.class, "wip");
        // Invariant: inners subscribed (or about to be) that have not ended; 0..concurrency.
        private volatile int live;
        private static final AtomicIntegerFieldUpdater<MergeMain> LIVE =
                AtomicIntegerFieldUpdater.newUpdater(MergeMain.class, "live");
        // Inners ended since the drain loop last asked the source for more: what it asks for next.
        private volatile int ended;
        private static final AtomicIntegerFieldUpdater<MergeMain> ENDED =
                AtomicIntegerFieldUpdater.newUpdater(MergeMain.class, "ended");

        // Guarded by this: the live inners, linked for cancel and error only.
        private MergeInner<R> head;
        // Guarded by this: true once a cancel or an error has taken every live inner; an inner that tries to link
        // itself after that is refused (and its element discarded).
        private boolean unlinkedAll;

        MergeMain(CoreSubscriber<? super R> actual, Function<? super T, ? extends Mono<? extends R>> mapper,
                int concurrency) {
            this.actual = actual;
            this.mapper = mapper;
            this.concurrency = concurrency;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
                s.request(concurrency);
            }
        }

        @Override
        public void onNext(T element) {
            if (sourceDone) {
                Operators.onNextDropped(element, currentContext());
                return;
            }
            Mono<? extends R> mono;
            try {
                mono = Objects.requireNonNull(mapper.apply(element), "The mapper returned a null Mono");
            } catch (Throwable t) {
                Exceptions.throwIfJvmFatal(t);
                onError(Operators.onOperatorError(upstream, t, element, currentContext()));
                return;
            }
            MergeInner<R> inner = new MergeInner<>(this);
            LIVE.incrementAndGet(this);
            if (!link(inner)) {
                LIVE.decrementAndGet(this);
                Operators.onDiscard(element, currentContext());
                return;
            }
            mono.subscribe(inner);
        }

        @Override
        public void onError(Throwable t) {
            if (sourceDone) {
                Operators.onErrorDropped(t, currentContext());
                return;
            }
            if (!Exceptions.addThrowable(ERROR, this, t)) {
                Operators.onErrorDropped(t, currentContext());
            }
            sourceDone = true;
            drain();
        }

        @Override
        public void onComplete() {
            if (sourceDone) {
                return;
            }
            sourceDone = true;
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                drain();
            }
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            upstream.cancel();
            cancelInners();
            if (WIP.getAndIncrement(this) == 0) {
                discardReady();
            }
        }

        // --- inner signals ---

        void innerValue(MergeInner<R> inner, R value) {
            if (cancelled || error != null) {
                // Too late for downstream, and the drain loop may already have discarded the queue for good.
                Operators.onDiscard(value, currentContext());
                return;
            }
            if (wip == 0 && WIP.compareAndSet(this, 0, 1)) {
                long r = requested;
                if (r != 0L && ready.isEmpty() && !cancelled && error == null) {
                    actual.onNext(value);
                    if (r != Long.MAX_VALUE) {
                        REQUESTED.decrementAndGet(this);
                    }
                    inner.delivered();
                }
                else {
                    inner.value = value;
                    ready.offer(inner);
                }
                int missed = WIP.decrementAndGet(this);
                if (missed != 0) {
                    drainLoop(missed);
                }
            }
            else {
                inner.value = value;
                ready.offer(inner);
                drain();
            }
        }

        void innerError(Throwable t) {
            if (Exceptions.addThrowable(ERROR, this, t)) {
                drain();
            }
            else {
                Operators.onErrorDropped(t, currentContext());
            }
        }

        /** The inner has completed and its value, if any, has reached downstream: its slot goes back. */
        void innerEnded(MergeInner<R> inner) {
            unlink(inner);
            LIVE.decrementAndGet(this);
            ENDED.incrementAndGet(this);
            drain();
        }

        // --- the drain loop ---

        private void drain() {
            if (WIP.getAndIncrement(this) == 0) {
                drainLoop(1);
            }
        }

        private void drainLoop(int missed) {
            for (;;) {
                if (cancelled) {
                    discardReady();
                    return;
                }
                if (terminated) {
                    return;
                }
                if (error != null) {
                    fail();
                    return;
                }
                long r = requested;
                long emitted = 0L;
                while (emitted != r) {
                    MergeInner<R> inner = ready.poll();
                    if (inner == null) {
                        break;
                    }
                    R value = inner.value;
                    inner.value = null;
                    actual.onNext(value);
                    emitted++;
                    inner.delivered();
                    if (cancelled) {
                        discardReady();
                        return;
                    }
                    if (error != null) {
                        fail();
                        return;
                    }
                }
                if (emitted != 0L && r != Long.MAX_VALUE) {
                    REQUESTED.addAndGet(this, -emitted);
                }
                int more = ended;
                if (more != 0) {
                    ENDED.addAndGet(this, -more);
                    if (!sourceDone) {
                        upstream.request(more);
                    }
                }
                if (sourceDone && live == 0 && ready.isEmpty() && error == null) {
                    terminated = true;
                    actual.onComplete();
                    return;
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void fail() {
            terminated = true;
            Throwable e = Exceptions.terminate(ERROR, this);
            upstream.cancel();
            cancelInners();
            discardReady();
            actual.onError(e);
        }

        private void discardReady() {
            Context context = currentContext();
            MergeInner<R> inner;
            while ((inner = ready.poll()) != null) {
                R value = inner.value;
                inner.value = null;
                Operators.onDiscard(value, context);
            }
        }

        // --- the live inners ---

        private synchronized boolean link(MergeInner<R> inner) {
            if (unlinkedAll || cancelled) {
                return false;
            }
            inner.next = head;
            if (head != null) {
                head.prev = inner;
            }
            head = inner;
            return true;
        }

        private synchronized void unlink(MergeInner<R> inner) {
            if (unlinkedAll) {
                return;
            }
            MergeInner<R> prev = inner.prev;
            MergeInner<R> next = inner.next;
            if (prev != null) {
                prev.next = next;
            }
            else if (head == inner) {
                head = next;
            }
            if (next != null) {
                next.prev = prev;
            }
            inner.prev = null;
            inner.next = null;
        }

        /** Cancels every live inner; an inner linking itself after this is refused (see {@link #link}). */
        private void cancelInners() {
            MergeInner<R> all;
            synchronized (this) {
                if (unlinkedAll) {
                    return;
                }
                unlinkedAll = true;
                all = head;
                head = null;
            }
            for (MergeInner<R> inner = all; inner != null; ) {
                MergeInner<R> next = inner.next;
                inner.cancel();
                inner = next;
            }
        }

        @Override
        public synchronized Stream<? extends Scannable> inners() {
            Stream.Builder<MergeInner<R>> inners = Stream.builder();
            for (MergeInner<R> inner = head; inner != null; inner = inner.next) {
                inners.add(inner);
            }
            return inners.build();
        }

        @Override
        public Object scanUnsafe(Attr key) {
            if (key == Attr.PARENT) {
                return upstream;
            }
            if (key == Attr.ACTUAL) {
                return actual;
            }
            if (key == Attr.PREFETCH) {
                return concurrency;
            }
            if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
                return requested;
            }
            if (key == Attr.BUFFERED) {
                return ready.size();
            }
            if (key == Attr.CANCELLED) {
                return cancelled;
            }
            if (key == Attr.TERMINATED) {
                return sourceDone && live == 0;
            }
            if (key == Attr.ERROR) {
                return error;
            }
            if (key == Attr.RUN_STYLE) {
                return Attr.RunStyle.SYNC;
            }
            return null;
        }
    }

    static final class MergeInner<R> implements CoreSubscriber<R>, Scannable {
        private static final int HAS_DELIVERED = 1;
        private static final int HAS_COMPLETED = 2;

        private final MergeMain<?, R> parent;
        // Written before the inner is offered to the ready queue, read after it is polled (the queue orders them).
        R value;
        // Guarded by the parent's monitor.
        MergeInner<R> prev;
        MergeInner<R> next;

        private volatile Subscription upstream;
        private static final AtomicReferenceFieldUpdater<MergeInner, Subscription> UPSTREAM =
                AtomicReferenceFieldUpdater.newUpdater(MergeInner.class, Subscription.class, "upstream");
        // HAS_DELIVERED | HAS_COMPLETED once both happened; whichever sets the second ends the inner.
        private volatile int state;
        private static final AtomicIntegerFieldUpdater<MergeInner> STATE =
                AtomicIntegerFieldUpdater.newUpdater(MergeInner.class, "state");
        // The source's signals are serialized: plain. True after onNext, onError or onComplete.
        private boolean valued;
        private boolean done;

        MergeInner(MergeMain<?, R> parent) {
            this.parent = parent;
        }

        @Override
        public Context currentContext() {
            return parent.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.setOnce(UPSTREAM, this, s)) {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(R value) {
            if (done || valued) {
                Operators.onNextDropped(value, currentContext());
                return;
            }
            valued = true;
            parent.innerValue(this, value);
        }

        @Override
        public void onError(Throwable t) {
            if (done) {
                Operators.onErrorDropped(t, currentContext());
                return;
            }
            done = true;
            parent.innerError(t);
        }

        @Override
        public void onComplete() {
            if (done) {
                return;
            }
            done = true;
            mark(valued ? HAS_COMPLETED : HAS_COMPLETED | HAS_DELIVERED);
        }

        void delivered() {
            mark(HAS_DELIVERED);
        }

        private void mark(int bits) {
            int before = STATE.getAndAdd(this, bits);
            if ((before | bits) == (HAS_DELIVERED | HAS_COMPLETED)) {
                parent.innerEnded(this);
            }
        }

        void cancel() {
            Operators.terminate(UPSTREAM, this);
        }

        @Override
        public Object scanUnsafe(Attr key) {
            if (key == Attr.PARENT) {
                return upstream;
            }
            if (key == Attr.ACTUAL) {
                return parent;
            }
            if (key == Attr.TERMINATED) {
                return done;
            }
            if (key == Attr.CANCELLED) {
                return upstream == Operators.cancelledSubscription();
            }
            if (key == Attr.BUFFERED) {
                return value != null ? 1 : 0;
            }
            if (key == Attr.RUN_STYLE) {
                return Attr.RunStyle.SYNC;
            }
            return null;
        }
    }
}
