package io.github.reactorasyncio.sync;

import java.util.IdentityHashMap;
import java.util.Map;

import reactor.util.context.ContextView;

/**
 * How one deadlock message names who takes part: by {@link Semaphore#HOLDER_KEY} when the Context carries one,
 * otherwise {@code anonymous#1}, {@code anonymous#2}, … in the order the message first mentions them. A number
 * stands for one participant (one scope holding a permit, one raw hold's owner, one queued acquire), so two unnamed
 * holders are never collapsed into one name; numbers are per message, so a test can assert the text. Built and
 * used on the drain owner's thread only.
 */
final class Participants {

    private final Map<Object, String> numbers = new IdentityHashMap<>();

    /** The name of {@code who}, whose Context is {@code context}: its holder name, or its number in this message. */
    String name(Object who, ContextView context) {
        Object named = context.getOrDefault(Semaphore.HOLDER_KEY, null);
        if (named != null) {
            return named.toString();
        }
        return number(who);
    }

    /** {@code who}'s number in this message, given on first mention. */
    String number(Object who) {
        return numbers.computeIfAbsent(who, k -> "anonymous#" + (numbers.size() + 1));
    }

    /** A holding scope: named by the Context of its subscriber (an ended scope's subscriber has an empty one). */
    String of(PermitScope<?> scope) {
        return name(scope, scope.actual.currentContext());
    }

    /** A queued acquire: named by the Context of the subscriber that waits. */
    String of(Waiter waiter) {
        return name(waiter, waiter.subscriberContext());
    }
}
