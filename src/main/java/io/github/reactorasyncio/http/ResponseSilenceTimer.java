package io.github.reactorasyncio.http;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.ReadTimeoutException;

/**
 * The response timeout of one HTTP/1.1 connection, installed once when the connection is made: Reactor Netty's
 * {@code responseTimeout} adds a {@code ReadTimeoutHandler} to the pipeline after every request, subscribes to the
 * request's termination and removes it again, ~10 % of the fetcher's cost on an instant endpoint.
 *
 * <p>Same semantics as Reactor Netty's: the silence is measured from the moment the request has been sent
 * ({@link #armed()}) and restarts with every read, until the response is complete ({@link #disarmed()}); after
 * {@code timeoutNanos} of silence the connection fails with {@link ReadTimeoutException} (classified as
 * {@link FetchErrorKind#RESPONSE_TIMEOUT}) and is closed. It sits before the HTTP codec, as Reactor Netty's
 * handler does, so any bytes count as a sign of life.
 *
 * <p>Concurrency: every method runs on the connection's event loop (Reactor Netty reports the request and response
 * states there, and the check is scheduled there), so the fields are plain. At most one check is scheduled at a
 * time; it reschedules itself for the remaining time instead of being cancelled and rescheduled per request.
 */
final class ResponseSilenceTimer extends ChannelInboundHandlerAdapter {

    static final String NAME = "reactor-asyncio.responseTimeout";

    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    // Invariant: true from "request sent" to "response complete" of the connection's current exchange.
    private boolean armed;
    // Invariant: nanoTime of the later of "request sent" and the last read while armed.
    private long lastActivity;
    // Invariant: true while a check is scheduled on the event loop; at most one is.
    private boolean checkScheduled;

    ResponseSilenceTimer(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The request has been sent: silence counts from now. */
    void armed() {
        armed = true;
        lastActivity = System.nanoTime();
        if (!checkScheduled) {
            schedule(timeoutNanos);
        }
    }

    /** The response is complete (or the exchange is over): silence no longer matters. */
    void disarmed() {
        armed = false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (armed) {
            lastActivity = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    private void schedule(long delayNanos) {
        checkScheduled = true;
        ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
        checkScheduled = false;
        if (!armed || !ctx.channel().isOpen()) {
            return;
        }
        long remaining = timeoutNanos - (System.nanoTime() - lastActivity);
        if (remaining > 0) {
            schedule(remaining);
            return;
        }
        armed = false;
        ctx.fireExceptionCaught(ReadTimeoutException.INSTANCE);
        ctx.close();
    }
}
