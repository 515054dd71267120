package io.github.reactorasyncio.sync;

import java.util.Collection;
import java.util.List;

import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Who holds what, through the Reactor Context: every {@code withPermit}/{@code withLock} scope, whatever its
 * primitive's policy, puts itself under {@link #KEY} in the Context of the work it runs, so an acquire nested anywhere
 * inside that work can walk up to its ancestors (for the nested-cancel guarantee under every policy, and for the
 * deadlock accounting of the policies that detect).
 */
final class Ownership {

    /** The Context key of the innermost enclosing scope. */
    static final Object KEY = new Object() {
        @Override
        public String toString() {
            return "reactor-asyncio.scope";
        }
    };

    private Ownership() {
    }

    static PermitScope<?> enclosingScope(ContextView context) {
        Object scope = context.getOrDefault(KEY, null);
        return scope instanceof PermitScope<?> s ? s : null;
    }

    static Context enter(Context context, PermitScope<?> scope) {
        return context.put(KEY, scope);
    }

    static String holderName(ContextView context) {
        return context.getOrDefault(Semaphore.HOLDER_KEY, "anonymous");
    }

    /** Whether {@code scope} is {@code from} or one of its ancestors. */
    static boolean isAncestorOrSelf(PermitScope<?> scope, PermitScope<?> from) {
        for (PermitScope<?> s = from; s != null; s = s.parentScope()) {
            if (s == scope) {
                return true;
            }
        }
        return false;
    }

    /** {@code [Task-1, Task-2]}, or {@code [Task-1 … Task-10]} when there are more than four. */
    static String list(Collection<String> names) {
        List<String> all = List.copyOf(names);
        if (all.size() <= 4) {
            return all.toString();
        }
        return "[" + all.get(0) + " … " + all.get(all.size() - 1) + "]";
    }
}
