package io.github.reactorasyncio.task;

import java.util.Objects;

/**
 * How a piece of work ended: with a value ({@link Success}) or with an error ({@link Failure}).
 *
 * <p>A cancelled {@link Task} ends with a {@link Failure} whose error is a
 * {@link java.util.concurrent.CancellationException}, just as asyncio puts a {@code CancelledError} into the list
 * returned by {@code gather(..., return_exceptions=True)}.
 *
 * <p>Corresponds to an element of the list returned by {@code asyncio.gather(*aws, return_exceptions=True)}.
 *
 * @param <T> the value type
 */
public sealed interface Outcome<T> permits Outcome.Success, Outcome.Failure {

    /**
     * The work produced {@code value}.
     *
     * @param value the value, or {@code null} when the work completed empty (a {@code Mono<Void>}), as asyncio's
     *              {@code None}
     * @param <T>   the value type
     */
    record Success<T>(T value) implements Outcome<T> {
    }

    /**
     * The work failed with {@code error} (a {@link java.util.concurrent.CancellationException} if it was cancelled).
     *
     * @param error the error, never {@code null}
     * @param <T>   the value type of the work that failed
     */
    record Failure<T>(Throwable error) implements Outcome<T> {
        /**
         * Checks that there is an error.
         *
         * @param error the error; not null
         * @throws NullPointerException "error" if {@code error} is null
         */
        public Failure {
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * The outcome of work that produced {@code value}.
     *
     * @param <T>   the value type
     * @param value the value; may be {@code null} (the work completed empty)
     * @return a {@link Success} holding {@code value}
     */
    static <T> Outcome<T> success(T value) {
        return new Success<>(value);
    }

    /**
     * The outcome of work that failed with {@code error}.
     *
     * @param <T>   the value type of the work that failed
     * @param error the error; not null
     * @return a {@link Failure} holding {@code error}
     * @throws NullPointerException "error" if {@code error} is null
     */
    static <T> Outcome<T> failure(Throwable error) {
        return new Failure<>(error);
    }

    /** @return true for a {@link Success} */
    default boolean isSuccess() {
        return this instanceof Success;
    }
}
