/**
 * Running work side by side and coordinating how it ends: asyncio's tasks, gather, wait, wait_for, shield,
 * as_completed, TaskGroup, Queue and to_thread, as Reactor operators.
 *
 * <h2>How the types relate</h2>
 * <ul>
 *   <li>{@link io.github.reactorasyncio.task.Asyncio} is the entry point: static operators, each documented with
 *       its termination cases and the asyncio function it corresponds to.</li>
 *   <li>{@link io.github.reactorasyncio.task.Task} is a running piece of work with a cached
 *       {@link io.github.reactorasyncio.task.Outcome}. {@code Asyncio.createTask} makes one; {@code gather},
 *       {@code shield} and {@code taskGroup} make them internally; {@code wait} and {@code waitFor(Task, ..)}
 *       consume them. A task is cancelled only by {@code Task.cancel()} (or by the operator that created it):
 *       {@code Task.join()} subscribers come and go without affecting it.</li>
 *   <li>{@link io.github.reactorasyncio.task.Outcome} is a value or an error; {@code gatherSettled} returns a list
 *       of them.</li>
 *   <li>{@link io.github.reactorasyncio.task.ReturnWhen} tells {@code wait} when to return its
 *       {@link io.github.reactorasyncio.task.WaitResult} (done and pending tasks).</li>
 *   <li>{@link io.github.reactorasyncio.task.TaskGroup} is the handle a {@code taskGroup} body spawns children
 *       with; the group owns them (structured concurrency).</li>
 *   <li>{@link io.github.reactorasyncio.task.Queue} hands items from producers to consumers, typically tasks
 *       spawned into a group.</li>
 * </ul>
 *
 * <h2>Choosing an operator</h2>
 * Need every result and stop at the first failure: {@code gatherStructured} (or {@code taskGroup} when the set of
 * work grows while running). asyncio-exact behaviour where survivors keep running: {@code gather}. Every outcome:
 * {@code gatherSettled}. React to the first to finish without cancelling the rest: {@code wait}. Results in
 * completion order: {@code asCompleted}. A deadline: {@code waitFor}; a deadline that must not kill the work:
 * {@code waitFor(shield(work), t)}.
 *
 * <p>Every operator is cold except {@code createTask}; timers run on {@code Schedulers.parallel()} resolved at
 * subscription, so tests drive them with {@code StepVerifier.withVirtualTime}. None of them blocks a thread.
 */
package io.github.reactorasyncio.task;
