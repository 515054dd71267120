package io.github.reactorasyncio.task;

import reactor.core.publisher.Mono;

/**
 * A FIFO queue for handing items between producers and consumers without blocking a thread: {@link #put} waits
 * while the queue is full, {@link #get} waits while it is empty.
 *
 * <p><b>Fairness.</b> Waiting producers are admitted, and waiting consumers served, strictly in the order their
 * {@code put}/{@code get} subscriptions requested. An item never overtakes an item put before it.
 *
 * <p><b>Cancellation.</b> A {@code get} cancelled before an item was handed to it removes nothing from the queue;
 * a {@code put} cancelled before its item was accepted adds nothing. The hand-off and the cancel are decided
 * atomically under the queue's monitor, so an item is either still in the queue or has been passed to
 * {@code onNext} of exactly one {@code get} subscriber &mdash; never swallowed and never duplicated. (If that
 * subscriber cancelled concurrently with the hand-off, Reactive Streams lets the {@code onNext} still arrive; a
 * subscriber that drops such a late signal, like {@code Mono.subscribe(Consumer)}, drops the item with it.)
 *
 * <p><b>Unfinished tasks.</b> Every accepted item counts as an unfinished task until a consumer calls
 * {@link #taskDone()}; {@link #join()} completes when the count is zero.
 *
 * <p><b>Happens-before.</b> Actions of a producer before its {@code put} is accepted happen-before the
 * {@code onNext} of the {@code get} that receives the item.
 *
 * <p>Corresponds to {@code asyncio.Queue}.
 *
 * @param <T> the item type; null items are rejected
 */
public sealed interface Queue<T> permits QueueImpl {

    /**
     * A queue holding at most {@code maxSize} items. Corresponds to {@code asyncio.Queue(maxsize)}.
     *
     * @param <T>     the item type
     * @param maxSize how many items the queue holds before {@code put} waits, {@code > 0}
     * @return a new, empty queue
     * @throws IllegalArgumentException "maxSize must be positive, was N" (asyncio's maxsize &lt;= 0 means
     *                                  unbounded; use {@link #unbounded()} for that)
     */
    static <T> Queue<T> bounded(int maxSize) {
        if (maxSize <= 0) {
            throw new IllegalArgumentException("maxSize must be positive, was " + maxSize);
        }
        return new QueueImpl<>(maxSize);
    }

    /**
     * A queue without a size limit: {@code put} never waits. Corresponds to {@code asyncio.Queue()}.
     *
     * @param <T> the item type
     * @return a new, empty queue whose {@link #maxSize()} is {@link Integer#MAX_VALUE}
     */
    static <T> Queue<T> unbounded() {
        return new QueueImpl<>(Integer.MAX_VALUE);
    }

    /**
     * Adds {@code item}, waiting for room. Nothing happens until subscription (each subscription puts once).
     * Corresponds to {@code await queue.put(item)}.
     * <ul>
     *   <li>room available (or a consumer waiting): the item is accepted and the Mono completes;</li>
     *   <li>queue full: the subscription waits, in FIFO order with other producers, then as above;</li>
     *   <li>caller cancels while waiting: the item is not added;</li>
     *   <li>never errors.</li>
     * </ul>
     *
     * @param item the item to add; not null
     * @return a Mono that completes empty once the item has been accepted
     * @throws NullPointerException "item" if {@code item} is null (at call time)
     */
    Mono<Void> put(T item);

    /**
     * Removes and emits the oldest item, waiting for one. Each subscription gets one item.
     * Corresponds to {@code await queue.get()}.
     * <ul>
     *   <li>an item available: it is emitted, then completion;</li>
     *   <li>queue empty: the subscription waits, in FIFO order with other consumers;</li>
     *   <li>caller cancels while waiting: no item is taken (see the class comment for the concurrent case);</li>
     *   <li>never errors.</li>
     * </ul>
     *
     * @return a Mono that emits the oldest item once there is one for this subscription
     */
    Mono<T> get();

    /**
     * Adds {@code item} if there is room now. Corresponds to {@code queue.put_nowait(item)} (which raises
     * {@code QueueFull} where this returns false).
     *
     * @param item the item to add; not null
     * @return true if the item was accepted, false if the queue is full
     * @throws NullPointerException "item" if {@code item} is null
     */
    boolean offer(T item);

    /**
     * Removes the oldest item if there is one. Corresponds to {@code queue.get_nowait()} (which raises
     * {@code QueueEmpty} where this returns null).
     *
     * @return the item, or null if the queue is empty
     */
    T poll();

    /**
     * Marks one previously taken item as processed. Corresponds to {@code queue.task_done()}.
     *
     * @throws IllegalStateException "taskDone() called more times than items were put (unfinished tasks: 0)"
     */
    void taskDone();

    /**
     * Completes when every item ever accepted has been marked with {@link #taskDone()} (immediately if none is
     * unfinished). Cancelling it only stops waiting. Never errors. Corresponds to {@code await queue.join()}.
     *
     * @return a Mono that completes empty once the count of unfinished tasks is zero
     */
    Mono<Void> join();

    /** @return the number of items in the queue now. Corresponds to {@code qsize()}. */
    int size();

    /** @return the bound, {@link Integer#MAX_VALUE} for an unbounded queue. Corresponds to {@code maxsize}. */
    int maxSize();

    /** @return true if there are no items now. Corresponds to {@code empty()}. */
    boolean isEmpty();

    /** @return true if {@code put} would wait now. Corresponds to {@code full()}. */
    boolean isFull();

    /** @return a consistent snapshot of the queue's counters */
    Statistics statistics();

    /**
     * A consistent snapshot of a queue.
     *
     * @param size            items in the queue
     * @param maxSize         the bound ({@link Integer#MAX_VALUE} if unbounded)
     * @param waitingPutters  put subscriptions waiting for room
     * @param waitingGetters  get subscriptions waiting for an item
     * @param unfinishedTasks accepted items not yet marked with taskDone()
     * @param totalPut        items ever accepted
     * @param totalGot        items ever handed to a consumer
     */
    record Statistics(int size, int maxSize, int waitingPutters, int waitingGetters, long unfinishedTasks,
                      long totalPut, long totalGot) {
    }
}
