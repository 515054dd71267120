package io.github.reactorasyncio.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Something with a lifetime that may take a {@link Lock} through a raw {@link Lock#acquire()} and end without
 * releasing it: a task, or (inside this package) a {@code withPermit}/{@code withLock} scope. A raw acquire
 * delivered inside an owner's Context registers the permit with the innermost owner; when that owner ends while
 * the permit still holds its lock, the hold is reported as abandoned (docs/deadlocks.md, "A lock kept after its
 * holder ended"): logged at WARN and delivered to {@link Diagnostics#addDeadlockListener listeners}, never failed.
 *
 * <p>This is how package {@code task} tells this package that a task ended, without this package knowing tasks:
 * a task opens an owner with its creator's Context, {@link #attach attaches} it to the Context its work sees, and
 * calls exactly one of {@link #completed}, {@link #failed} and {@link #cancelled} when it ends.
 *
 * <p>Cost: one small object per owner; a raw Lock acquire inside it adds one monitor-guarded list append, and the
 * end of an owner that never took a raw Lock permit reads one volatile field.
 */
public final class PermitOwner {

    private static final Object KEY = new Object() {
        @Override
        public String toString() {
            return "reactor-asyncio.permit-owner";
        }
    };

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<PermitOwner, String> ENDED =
            AtomicReferenceFieldUpdater.newUpdater(PermitOwner.class, String.class, "ended");

    /**
     * For a task: the library scope its creator ran inside (null if none), which tells whether a scope found in a
     * raw acquire's Context encloses the task (then the task is the innermost owner) or runs inside it. For a
     * scope owner: the scope itself.
     */
    final PermitScope<?> enclosing;
    /**
     * Non-null for a scope's owner: how messages name it, e.g. {@code the withLock(Lock 'outer') scope of 'main'},
     * taken while the scope runs (once it ended, its subscriber and with it the holder's name are forgotten).
     */
    private final String scopeLabel;
    /** Raw Lock permits registered here and perhaps still held; guarded by {@code this}. Null until the first. */
    private volatile List<DefaultPermit> held;
    /** How the owner ended ("failed with …", "completed", "was cancelled"); null while it runs. Set once. */
    private volatile String ended;
    /** The value the owner completed with: a permit handed out as the value was not abandoned. */
    private volatile Object value;

    private PermitOwner(PermitScope<?> enclosing, String scopeLabel) {
        this.enclosing = enclosing;
        this.scopeLabel = scopeLabel;
    }

    /**
     * An owner for a task about to start with its creator's Context.
     *
     * @param creatorContext the Context of the code that creates the task (empty when created from plain code)
     * @return a new owner, to {@link #attach} to the Context the task's work sees
     */
    public static PermitOwner open(ContextView creatorContext) {
        return new PermitOwner(Ownership.enclosingScope(creatorContext), null);
    }

    /** The owner of raw holds taken inside {@code scope}'s work. */
    static PermitOwner ofScope(PermitScope<?> scope) {
        return new PermitOwner(scope, "the " + scope.plan.operatorName() + " scope of '" + scope.holderName() + "'");
    }

    /**
     * {@code context} with this owner as the innermost one: raw acquires subscribed with it register here.
     *
     * @param context the Context the owner's work would otherwise see
     * @return that Context plus this owner
     */
    public Context attach(Context context) {
        return context.put(KEY, this);
    }

    /**
     * The owner completed. A raw Lock permit it still holds is reported, unless it is {@code result} itself (a
     * permit handed on as the owner's value).
     *
     * @param result the owner's value, or null
     */
    public void completed(Object result) {
        if (ended == null) {
            this.value = result;
        }
        end("completed");
    }

    /**
     * The owner failed; a raw Lock permit it still holds is reported with the error's type and message.
     *
     * @param error the owner's error; not null
     */
    public void failed(Throwable error) {
        end("failed with " + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : ": " + error.getMessage()));
    }

    /** The owner was cancelled; a raw Lock permit it still holds is reported. */
    public void cancelled() {
        end("was cancelled");
    }

    /**
     * The innermost owner of a raw acquire subscribed with {@code context}: the task or the library scope, whichever
     * runs inside the other; null when there is neither.
     */
    static PermitOwner innermost(ContextView context) {
        Object o = context.getOrDefault(KEY, null);
        PermitOwner task = o instanceof PermitOwner t ? t : null;
        PermitScope<?> scope = Ownership.enclosingScope(context);
        if (task != null && (scope == null || task.enclosing == scope)) {
            return task;
        }
        return scope == null ? null : rawHoldOwner(scope);
    }

    /**
     * The owner of raw Lock holds taken inside a scope's work, kept in its {@link HoldRecord} and created by the first
     * such hold; the scope tells it how it ended ({@link #scopeCompleted}, {@link #scopeFailed},
     * {@link #scopeCancelled}), each one volatile read when no raw hold was ever taken inside.
     */
    private static PermitOwner rawHoldOwner(PermitScope<?> scope) {
        HoldRecord record = scope.record();
        PermitOwner o = record.rawOwner;
        if (o == null) {
            synchronized (record) {
                o = record.rawOwner;
                if (o == null) {
                    o = ofScope(scope);
                    record.rawOwner = o;
                }
            }
        }
        return o;
    }

    static void scopeCompleted(PermitScope<?> scope, Object value) {
        PermitOwner o = ofScopeIfAny(scope);
        if (o != null) {
            o.completed(value);
        }
    }

    static void scopeFailed(PermitScope<?> scope, Throwable error) {
        PermitOwner o = ofScopeIfAny(scope);
        if (o != null) {
            o.failed(error);
        }
    }

    static void scopeCancelled(PermitScope<?> scope) {
        PermitOwner o = ofScopeIfAny(scope);
        if (o != null) {
            o.cancelled();
        }
    }

    private static PermitOwner ofScopeIfAny(PermitScope<?> scope) {
        HoldRecord r = scope.recordIfAny();
        return r == null ? null : r.rawOwner;
    }

    /** A raw Lock permit was delivered inside this owner (any thread). */
    void add(DefaultPermit permit) {
        synchronized (this) {
            List<DefaultPermit> list = held;
            if (list == null) {
                list = new ArrayList<>(2);
            } else {
                // Pruned here rather than at each release: a long-lived owner that acquires and releases in a loop
                // keeps only the permits it still holds.
                list.removeIf(p -> !p.holdsItsLock());
            }
            list.add(permit);
            held = list;
        }
        // The owner may have ended meanwhile (it published ended, then read held; we published held, then read
        // ended): one of us sees the other, and the permit's own flag keeps it from being reported twice.
        String how = ended;
        if (how != null) {
            reportIfAbandoned(permit, how);
        }
    }

    private void end(String how) {
        if (!ENDED.compareAndSet(this, null, how)) {
            return;
        }
        if (held == null) {
            return;
        }
        List<DefaultPermit> still;
        synchronized (this) {
            still = List.copyOf(held);
            // An ended owner may stay reachable (a withPermit Mono kept for re-subscription keeps its scope): it
            // must not keep the permits, which the leak net could then never find unreachable.
            held = null;
        }
        for (DefaultPermit p : still) {
            reportIfAbandoned(p, how);
        }
    }

    private void reportIfAbandoned(DefaultPermit permit, String how) {
        if (permit == value || !permit.holdsItsLock()) {
            return;
        }
        AbandonedLocks.abandoned(permit, describe(permit), how);
    }

    /** {@code 'task'}, or {@code the withLock(Lock 'outer') scope of 'main'}. */
    private String describe(DefaultPermit permit) {
        return scopeLabel == null ? "'" + permit.holder() + "'" : scopeLabel;
    }

    @Override
    public String toString() {
        String how = ended;
        return "PermitOwner[" + (scopeLabel == null ? "task" : scopeLabel) + (how == null ? ", running" : ", " + how)
                + "]";
    }
}
