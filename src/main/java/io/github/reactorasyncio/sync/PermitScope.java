package io.github.reactorasyncio.sync;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.reactivestreams.Subscription;
import reactor.core.CorePublisher;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One subscription to {@code withPermit(work)} / {@code withLock(work)}: the subscriber of {@code work} while
 * holding the permit, and the Mono that {@code withPermit(Mono)} returns.
 *
 * <p><b>Allocation.</b> The uncontended path allocates this object alone. {@code withPermit(Mono)} returns it
 * unclaimed; its first subscription on the assembling thread claims it with plain stores (a CAS would be a full
 * fence on every call), and any other subscription, like every one of {@code withPermit(Flux)}, runs in a fresh
 * scope. Only some holds need the queue node ({@link QueueNode}, when the permit is not free at once) and the
 * {@link HoldRecord} (nested descendants, diagnostics, the work's Context). An ended scope forgets its subscriber,
 * so a {@code withPermit} Mono kept for re-subscription keeps only its work and its primitive reachable.
 *
 * <p><b>Cancellation.</b> Downstream cancel while queued withdraws the node; after the grant it cancels
 * {@code work} and then releases the permit, once work's {@code cancel()} has returned (a callback of work already
 * running on another thread is not waited for: Reactive Streams cancel never does; docs/semantics.md). If the
 * cancel arrives before {@code work} has handed us its subscription, the release is left to whoever sees the
 * cancel next: {@link #granted()} if work is not subscribed yet (it never will be), else {@link #onSubscribe}, which
 * cancels the subscription it is handed first. Exactly one thread releases, and only once the cancel has reached
 * work: the work never starts without the permit, and the next holder never starts before that cancel has been
 * delivered (a callback of work already running elsewhere is the exception above). Nested scopes keep
 * that promise for every enclosing permit: a descendant scope announces itself to its ancestors while it
 * subscribes its work, and a cancelled ancestor whose cancel raced such a grant on another thread leaves its
 * permit to that descendant, which gives it back once its work's subscription is in place (and cancelled).
 *
 * <p><b>Release exactly once.</b> Every path that gives the permit back goes through a CAS out of
 * {@code GRANTED} (or {@code LENT}, see {@link Condition}), so complete, error and cancel racing each other release
 * once. The permit is released before the terminal signal is forwarded (for a Mono, before its value), so a
 * downstream that reacts by acquiring again can have it, and downstream work never runs under the permit.
 *
 * <p><b>Maximum wait.</b> A timer started when the scope queues withdraws it and fails downstream; the withdraw CAS
 * decides between grant and timeout, so exactly one happens, and a timed-out scope never subscribes {@code work}.
 *
 * <p><b>Fast path.</b> When a permit is free at subscription, the scope takes it before anyone else has seen the
 * scope, so nothing can race the grant: {@code work} is subscribed first and downstream receives its
 * {@code onSubscribe} from inside work's (as a plain operator does), after which every request goes straight to
 * work's subscription. That leaves three atomic operations per uncontended call: take, end the hold, give back.
 * A scope that may queue must be cancellable while it waits, so it hands downstream its node first, which buffers
 * demand until work's subscription arrives.
 */
final class PermitScope<T> extends Mono<T> implements CoreSubscriber<T>, Subscription, Scannable {

    /** A {@code withPermit(Mono)} not subscribed to yet: a subscription on its assembling thread claims it. */
    private static final int UNCLAIMED = 0;
    /** Claimed by a subscription that holds no permit yet (taking one, or queued through {@link #node}). */
    private static final int WAITING = 1;
    /** Holds one permit of its own. */
    static final int GRANTED = 2;
    /** The permit was returned; terminal. */
    private static final int RELEASED = 3;
    /** A Condition await released the lock on this scope's behalf and has not re-acquired it yet. */
    static final int LENT = 4;
    /** REENTRANT: an ancestor holds a permit of this queue; the work runs under it and nothing is released. */
    private static final int BORROWED = 5;

    /** Granted before downstream had this scope: its {@code onSubscribe} is owed (see {@link #flags}). */
    private static final byte DOWNSTREAM_OWED = 1;
    /** A Mono's value released the hold; the onComplete that follows forwards without releasing. */
    private static final byte RELEASED_BY_VALUE = 2;

    @SuppressWarnings("rawtypes")
    static final AtomicIntegerFieldUpdater<PermitScope> STATE =
            AtomicIntegerFieldUpdater.newUpdater(PermitScope.class, "state");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<PermitScope, Subscription> UPSTREAM =
            AtomicReferenceFieldUpdater.newUpdater(PermitScope.class, Subscription.class, "upstream");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<PermitScope, CoreSubscriber> ACTUAL =
            AtomicReferenceFieldUpdater.newUpdater(PermitScope.class, CoreSubscriber.class, "actual");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<PermitScope, HoldRecord> RECORD =
            AtomicReferenceFieldUpdater.newUpdater(PermitScope.class, HoldRecord.class, "record");

    // Every field is paid for by every uncontended call: eight references, the state and the flags fill 56 bytes.

    /**
     * Subscribed through {@link CorePublisher#subscribe(CoreSubscriber)}, as Reactor's own operators subscribe their
     * sources: the last-subscriber hooks of {@code Publisher.subscribe} are for the end of a chain, not its middle.
     */
    private final CorePublisher<? extends T> work;
    final Plan plan;
    /** UNCLAIMED → WAITING → GRANTED | BORROWED → RELEASED, with GRANTED ⇄ LENT; a fresh scope starts WAITING. */
    volatile int state;
    /**
     * {@link #DOWNSTREAM_OWED}, {@link #RELEASED_BY_VALUE}: written and read only by the thread that subscribes the
     * scope or delivers work's signals, which the Reactive Streams rules serialize.
     */
    private byte flags;
    /**
     * Downstream; set at a fast-path grant before anyone else can see the scope, or taken over from the
     * {@link #node} at a grant after waiting, and replaced by {@link LateSubscriber#INSTANCE} once the subscription
     * has ended (a late signal goes to Reactor's dropped hooks). Null while waiting. Volatile: the thread that ends
     * the subscription by a cancel is not the one that delivers work's signals; written with ordered stores.
     */
    volatile CoreSubscriber<? super T> actual;
    /**
     * The thread that assembled this {@code withPermit} Mono, the only thread that may claim it; null for a fresh
     * scope and once claimed (a Mono kept for re-subscription does not keep its assembling thread reachable).
     */
    private Thread assembler;
    /** The innermost enclosing scope when this one was subscribed, or null; written before anyone can see the scope. */
    private PermitScope<?> parent;
    /** null until work subscribes us; Operators.cancelledSubscription() once cancelled. */
    volatile Subscription upstream;
    /** Created when the permit was not free at subscription, downstream's subscription from then on; else null. */
    private volatile QueueNode<T> node;
    /** Created by the first thread that needs one (see {@link HoldRecord}); never replaced. */
    private volatile HoldRecord record;

    // Each factory calls onAssembly itself, as Reactor's own do: Hooks.onOperatorDebug() names the calling frame.
    /** A {@code withPermit(Mono)}: unclaimed until its first subscription. */
    static <T> Mono<T> withPermit(Mono<? extends T> work, Plan plan) {
        return onAssembly(unclaimed(work, plan));
    }

    /** A {@code withLock(Mono)}: unclaimed until its first subscription. */
    static <T> Mono<T> withLock(Mono<? extends T> work, Plan plan) {
        return onAssembly(unclaimed(work, plan));
    }

    private static <T> PermitScope<T> unclaimed(Mono<? extends T> work, Plan plan) {
        // fromDirect: what Reactor's operators do with a source, e.g. to restore ThreadLocals around a Mono that
        // is not Reactor's own when automatic context propagation is on; otherwise it is work itself.
        PermitScope<T> unclaimed = new PermitScope<T>(Mono.fromDirect(Names.requireNonNull(work, "work")), plan);
        unclaimed.assembler = Thread.currentThread();
        return unclaimed;
    }

    /** Runs one subscription of a {@code withPermit(Flux)} / {@code withLock(Flux)} in a fresh scope. */
    static <T> void subscribeInFreshScope(CoreSubscriber<? super T> actual, Flux<? extends T> work, Plan plan) {
        new PermitScope<T>(work, plan).claimed().start(actual);
    }

    private PermitScope(CorePublisher<? extends T> work, Plan plan) {
        this.work = work;
        this.plan = plan;
    }

    /** This scope, marked as claimed without an atomic operation: no other thread claims it (see {@link #subscribe}). */
    private PermitScope<T> claimed() {
        assembler = null;
        STATE.lazySet(this, WAITING);
        return this;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        // Only the assembling thread claims, so it needs no atomic operation; re-entry sees WAITING.
        PermitScope<T> scope = assembler == Thread.currentThread() && state == UNCLAIMED
                ? claimed() : new PermitScope<T>(work, plan).claimed();
        scope.start(actual);
    }

    PermitQueue queue() {
        return plan.queue;
    }

    /** Takes the permit or queues for it. */
    private void start(CoreSubscriber<? super T> actual) {
        this.parent = Ownership.enclosingScope(actual.currentContext());
        PermitQueue queue = plan.queue;
        if (queue.policy != DeadlockPolicy.REENTRANT && queue.tryAcquire()) {
            // Nobody else has seen this scope yet: no cancel, grant or timeout can race, an ordered store is enough.
            ACTUAL.lazySet(this, actual);
            STATE.lazySet(this, GRANTED);
            flags = DOWNSTREAM_OWED;
            granted();
            return;
        }
        QueueNode<T> waiting = new QueueNode<>(this, actual);
        node = waiting;
        actual.onSubscribe(waiting);
        if (queue.policy == DeadlockPolicy.REENTRANT && ancestorHoldsThisQueue()) {
            if (waiting.grantWithoutQueueing()) {
                grantedAfterWaiting(waiting.handOverSubscriber(), BORROWED);
            }
            return;
        }
        waiting.acquireFrom(queue, plan.maxWait);
    }

    private boolean ancestorHoldsThisQueue() {
        for (PermitScope<?> a = parentScope(); a != null; a = a.parentScope()) {
            if (a.plan.queue == plan.queue && (a.state == GRANTED || a.state == BORROWED)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost withPermit/withLock scope this one runs inside, if any. */
    PermitScope<?> parentScope() {
        return parent;
    }

    String holderName() {
        return Ownership.holderName(actual.currentContext());
    }

    /** {@link QueueNode#granted()}: the scope now holds a permit of its own. */
    void grantedAfterWaiting(CoreSubscriber<? super T> subscriber) {
        grantedAfterWaiting(subscriber, GRANTED);
    }

    /** The node was settled as granted: the scope holds ({@code GRANTED}) or borrows, and takes over downstream. */
    private void grantedAfterWaiting(CoreSubscriber<? super T> subscriber, int holding) {
        ACTUAL.lazySet(this, subscriber);
        // Ordered store: whoever must see it (a descendant, a canceller that found work's subscription) learns of
        // this scope through a later release on this thread.
        STATE.lazySet(this, holding);
        granted();
    }

    private void granted() {
        if (state == GRANTED) {
            becomeHolder();
        }
        PermitScope<?> enclosing = parentScope();
        boolean subscribed = enclosing == null ? subscribeWork() : subscribeWorkAnnouncedTo(enclosing);
        if (!subscribed) {
            // Cancelled before work was subscribed: work will never hand us a subscription, so nobody else releases.
            cancelledBeforeWorkSubscribed();
        }
    }

    /**
     * Subscribes {@code work} unless this scope was cancelled first; an error thrown by subscribing goes downstream.
     *
     * @return false if the cancel came first and work was not subscribed
     */
    private boolean subscribeWork() {
        if (upstream != null) {
            return false;
        }
        try {
            work.subscribe(this);
        } catch (Throwable t) {
            Exceptions.throwIfJvmFatal(t);
            if ((flags & DOWNSTREAM_OWED) != 0) {
                flags &= ~DOWNSTREAM_OWED;
                actual.onSubscribe(Operators.emptySubscription());
            }
            onError(Operators.onOperatorError(t, currentContext()));
        }
        return true;
    }

    /** The cancel found no subscription of work to cancel: the permit goes back from here, once work cannot run. */
    private void cancelledBeforeWorkSubscribed() {
        endHoldOnCancel();
        // The canceller may have forgotten the subscriber before grantedAfterWaiting set it; forget it again.
        forgetSubscriber();
    }

    /**
     * {@link #subscribeWork()} with every ancestor told (see {@link HoldRecord#descendants}). The cancel check
     * inside it comes after the announcement: an ancestor's cancel reaches this scope before that ancestor looks for
     * subscribing descendants, so either we see the cancel and never subscribe, or the ancestor sees us and leaves
     * its permit to us.
     */
    private boolean subscribeWorkAnnouncedTo(PermitScope<?> enclosing) {
        for (PermitScope<?> a = enclosing; a != null; a = a.parentScope()) {
            HoldRecord.DESCENDANTS.incrementAndGet(a.record());
        }
        try {
            return subscribeWork();
        } finally {
            for (PermitScope<?> a = enclosing; a != null; a = a.parentScope()) {
                a.descendantSubscribed();
            }
        }
    }

    /** The record of this hold, created on first use; several threads may ask at once, one record wins. */
    HoldRecord record() {
        HoldRecord r = record;
        if (r == null) {
            r = new HoldRecord();
            if (!RECORD.compareAndSet(this, null, r)) {
                r = record;
            }
        }
        return r;
    }

    /** The record if something created it, else null: nothing was ever nested in or recorded about this hold. */
    HoldRecord recordIfAny() {
        return record;
    }

    @Override
    public Context currentContext() {
        HoldRecord r = record();
        Context c = r.context;
        if (c == null) {
            // Under every policy, OFF too: the nested-cancel guarantee (subscribeWorkAnnouncedTo) needs the parent link.
            c = Ownership.enter(actual.currentContext(), this);
            Object key = plan.source.scopeKey();
            if (key != null) {
                c = c.put(key, this);
            }
            r.context = c;
        }
        return c;
    }

    @Override
    public void onSubscribe(Subscription s) {
        if ((flags & DOWNSTREAM_OWED) != 0) {
            // Fast path: downstream has not seen us, so it has neither requested nor cancelled yet.
            flags &= ~DOWNSTREAM_OWED;
            UPSTREAM.lazySet(this, s);
            actual.onSubscribe(this);
            return;
        }
        if (UPSTREAM.compareAndSet(this, null, s)) {
            long r = QueueNode.REQUESTED.getAndSet(node, 0L);
            if (r != 0L) {
                s.request(r);
            }
            return;
        }
        s.cancel();
        if (upstream == Operators.cancelledSubscription()) {
            // The cancel came while work was being subscribed and found nothing to cancel: it is cancelled now.
            cancelledBeforeWorkSubscribed();
        } else {
            Operators.reportSubscriptionSet();
        }
    }

    @Override
    public void onNext(T t) {
        if (plan.releaseOnValue && releaseHold()) {
            flags |= RELEASED_BY_VALUE;
            PermitOwner.scopeCompleted(this, t);
        }
        actual.onNext(t);
    }

    @Override
    public void onError(Throwable t) {
        if (releaseHold()) {
            PermitOwner.scopeFailed(this, t);
            actual.onError(t);
        } else {
            Operators.onErrorDropped(t, currentContext());
        }
        forgetSubscriber();
    }

    @Override
    public void onComplete() {
        if ((flags & RELEASED_BY_VALUE) != 0) {
            actual.onComplete();
        } else if (releaseHold()) {
            PermitOwner.scopeCompleted(this, null);
            actual.onComplete();
        }
        forgetSubscriber();
    }

    /**
     * Downstream holds this scope as its subscription only on the fast path, where work's subscription arrived
     * first; a scope that waited gave downstream its {@link QueueNode}, which forwards here once granted.
     */
    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            upstream.request(n);
        }
    }

    /** Cancels work and ends the hold; see {@link #request} for who calls it. */
    @Override
    public void cancel() {
        Subscription s = UPSTREAM.getAndSet(this, Operators.cancelledSubscription());
        if (s == Operators.cancelledSubscription()) {
            return;
        }
        if (s != null) {
            // Only this thread releases now, and only after s.cancel() has returned: a release by the granting
            // thread meanwhile let the next holder in before the cancel had reached work (a soak found it, a few
            // times per 10^6 operations).
            s.cancel();
            endHoldOnCancel();
            PermitOwner.scopeCancelled(this);
        }
        // s == null: work has not handed us its subscription yet. Whoever sees this cancel next releases: granted()
        // if work was not subscribed yet, else onSubscribe, after cancelling the subscription it was handed.
        forgetSubscriber();
    }

    /** The subscription is over: downstream, and with it the caller's objects, need not stay reachable from here. */
    private void forgetSubscriber() {
        ACTUAL.lazySet(this, LateSubscriber.INSTANCE);
    }

    /** Gives the permit back unless that already happened; true if this call ended the hold (its signal to send). */
    private boolean releaseHold() {
        return endHold(false);
    }

    /**
     * As {@link #releaseHold()}, for a cancelled scope: its work has been cancelled, but a descendant scope whose
     * grant raced the cancel on another thread may still be subscribing its work, and the permit stays taken
     * until it is done (see {@link HoldRecord#descendants}).
     */
    private void endHoldOnCancel() {
        endHold(true);
    }

    private boolean endHold(boolean cancelled) {
        for (;;) {
            int s = state;
            if (s == GRANTED) {
                if (STATE.compareAndSet(this, GRANTED, RELEASED)) {
                    leaveHold();
                    if (cancelled) {
                        givePermitBackOnceNoDescendantSubscribes();
                    } else {
                        givePermitBack();
                    }
                    return true;
                }
            } else if (s == LENT) {
                if (STATE.compareAndSet(this, LENT, RELEASED)) {
                    withdrawReclaim();
                    return true;
                }
            } else if (s == BORROWED) {
                if (STATE.compareAndSet(this, BORROWED, RELEASED)) {
                    return true;
                }
            } else {
                return false;
            }
        }
    }

    /** The scope ended while lent: a pending re-acquire for it is withdrawn (or, if already granted, gives back). */
    private void withdrawReclaim() {
        HoldRecord r = record;
        Reclaim pending = r == null ? null : r.reclaim;
        if (pending != null && pending.withdraw(plan.queue, false)) {
            pending.settled(false);
        }
    }

    /**
     * Gives the permit back now, or, while a descendant scope is inside {@code work.subscribe}, leaves that to the
     * last such descendant ({@link #descendantSubscribed()}). No record means no descendant has announced itself:
     * one that does so from now on finds its own cancel first (see {@link #subscribeWorkAnnouncedTo}).
     */
    private void givePermitBackOnceNoDescendantSubscribes() {
        HoldRecord r = record;
        if (r == null) {
            givePermitBack();
            return;
        }
        for (;;) {
            int d = r.descendants;
            if ((d & HoldRecord.SUBSCRIBING_MASK) == 0) {
                if (HoldRecord.DESCENDANTS.compareAndSet(r, d, HoldRecord.PERMIT_GIVEN_BACK)) {
                    givePermitBack();
                    return;
                }
            } else if (HoldRecord.DESCENDANTS.compareAndSet(r, d, d | HoldRecord.PERMIT_OWED)) {
                return;
            }
        }
    }

    /** A descendant announced in {@link #granted()} has returned from subscribing its work. */
    private void descendantSubscribed() {
        HoldRecord r = record;
        for (;;) {
            int d = r.descendants;
            if (d - 1 == HoldRecord.PERMIT_OWED) {
                if (HoldRecord.DESCENDANTS.compareAndSet(r, d, HoldRecord.PERMIT_GIVEN_BACK)) {
                    givePermitBack();
                    return;
                }
            } else if (HoldRecord.DESCENDANTS.compareAndSet(r, d, d - 1)) {
                return;
            }
        }
    }

    private void givePermitBack() {
        try {
            plan.queue.releaseOrThrow();
        } catch (IllegalStateException misuse) {
            // Someone released a permit they did not own while we held ours; say so, keep our signal.
            Operators.onErrorDropped(misuse, currentContext());
        }
    }

    /**
     * Before the permit goes back: forget ownership, and tell the drain loop if descendants may be counting on us.
     * Order matters against the drain's {@code countBlockingAncestors}: we ended the hold (our CAS), then read the
     * record and its count; the drain creates the record and counts, then reads our state. One of us sees the other.
     */
    private void leaveHold() {
        HoldRecord r = stopBeingHolder();
        if (r != null && r.queuedDescendants > 0) {
            plan.queue.holderEnded(this);
        }
    }

    /** This scope now holds its own permit: the Lock's owner, and a tracked hold while holder tracking is on. */
    void becomeHolder() {
        PermitQueue queue = plan.queue;
        if (queue.tracksOwner()) {
            queue.owner = this;
        }
        if (Diagnostics.tracksHolders()) {
            record().trackedHold = queue.track(holderName(), false);
        }
    }

    /**
     * Undoes {@link #becomeHolder()} before the permit goes back (for good, or lent to a Condition).
     *
     * @return the record, read after the caller's state CAS (see {@link #leaveHold()}), or null if there is none
     */
    private HoldRecord stopBeingHolder() {
        PermitQueue queue = plan.queue;
        if (queue.owner == this) {
            queue.owner = null;
        }
        HoldRecord r = record;
        if (r != null) {
            queue.untrack(r.trackedHold);
            r.trackedHold = null;
        }
        return r;
    }

    /**
     * For {@link Condition#await()}: releases the lock while this scope stays open. Ends the hold as the end of a
     * hold does (ownership, tracking, the deadlock accounting's blocked holders), so nothing counts a lent scope as
     * holding.
     *
     * @return {@code false} if this scope does not hold the lock now
     */
    boolean lend() {
        if (STATE.compareAndSet(this, GRANTED, LENT)) {
            leaveHold();
            plan.queue.release();
            return true;
        }
        return false;
    }

    /** A Condition await lent this scope's lock and the scope has not got it back yet. */
    boolean lent() {
        return state == LENT;
    }

    /** Whether this scope or its node still references downstream (for tests: it must not once the hold ended). */
    boolean referencesSubscriber() {
        CoreSubscriber<?> subscriber = actual;
        QueueNode<T> waiting = node;
        return subscriber != null && subscriber != LateSubscriber.INSTANCE
                || waiting != null && waiting.actual != null;
    }

    /** Holds a permit of its own right now (not lent to a Condition, not borrowed from an ancestor). */
    boolean holds() {
        return state == GRANTED;
    }

    /**
     * One object is both the Mono and its subscription's operator, so the attributes describe the subscription
     * when there is one: {@code PARENT} is work's subscription once work has subscribed us (before: work itself),
     * {@code ACTUAL} downstream while the hold is open. {@code stepName()} is {@link #toString()}.
     */
    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            Subscription s = upstream;
            return s != null ? s : work;
        }
        if (key == Attr.ACTUAL) {
            CoreSubscriber<? super T> subscriber = actual;
            return subscriber == LateSubscriber.INSTANCE ? null : subscriber;
        }
        if (key == Attr.CANCELLED) {
            return upstream == Operators.cancelledSubscription();
        }
        if (key == Attr.TERMINATED) {
            return state == RELEASED;
        }
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.SYNC;
        }
        return null;
    }

    @Override
    public String stepName() {
        return toString();
    }

    private static final String[] STATE_NAMES = {"unclaimed", "waiting", "holding", "released", "lent", "borrowed"};

    /** {@code withPermit(Semaphore 'fetch')[holding]}: the primitive, and where this hold (or the Mono's first) is. */
    @Override
    public String toString() {
        return plan.operatorName() + "[" + STATE_NAMES[state] + "]";
    }

}
