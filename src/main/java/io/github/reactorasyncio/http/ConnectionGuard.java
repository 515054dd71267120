package io.github.reactorasyncio.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Keeps one HTTP/1.1 connection honest, installed once when it is made: a response that breaks HTTP/1.1 fails as
 * {@link FetchErrorKind#PROTOCOL_ERROR} and its connection is closed, so the pool never hands it to another
 * request. It sits right after the HTTP codec (decoded messages, outgoing requests); its {@link #bytes} half sits
 * before the codec (raw bytes).
 *
 * <ul>
 *   <li>A message the codec could not decode (invalid status line, header section over the limit, invalid chunk):
 *       the request fails, the connection is closed. On a connection that has completed a response before, a
 *       failure before the request's own response began is marked
 *       {@link FetchFailure#beforeResponseOnReusedConnection()}, for one retry on a fresh connection.</li>
 *   <li>Bytes beyond a response's end: the response's last part is held back until the end of the read, and the
 *       codec is then given an empty line, which it skips if it holds nothing, and otherwise completes what it
 *       holds into a message; any message before the next request means extra bytes, and the response fails.
 *       Bytes that arrive in a later read, while no request is out, close the connection.</li>
 * </ul>
 *
 * <p>Cost on a healthy response: a few field writes per message, and one 2-byte pooled buffer per response.
 * Every method runs on the connection's event loop, so the fields are plain.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    static final String NAME = "reactor-asyncio.connectionGuard";
    static final String BYTES_NAME = "reactor-asyncio.connectionGuard.bytes";

    /** The half before the codec: sees raw bytes. */
    final ChannelInboundHandlerAdapter bytes = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!awaiting && msg instanceof ByteBuf) {
                ReferenceCountUtil.release(msg);
                unsolicited(ctx);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (held != null && !extra) {
                ctx.fireChannelRead(ctx.alloc().buffer(2).writeByte('\r').writeByte('\n'));
            }
            ctx.fireChannelReadComplete();
        }
    };

    // Invariant: true from a request written to its response's end (or failure).
    private boolean awaiting;
    // Invariant: true once a response completed on this connection (a later request runs on a reused one).
    private boolean reused;
    // Invariant: true once the current request's response began (its status line was decoded).
    private boolean begun;
    // Invariant: true while the current response is a 1xx (its end is not the exchange's end).
    private boolean informational;
    // The end of the current response, held back until the read is over; null otherwise.
    private LastHttpContent held;
    // Invariant: true when something arrived after `held` in the same read.
    private boolean extra;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpRequest) {
            awaiting = true;
            begun = false;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!awaiting) {
            ReferenceCountUtil.release(msg);
            unsolicited(ctx);
            return;
        }
        DecoderResult result = msg instanceof HttpObject o ? o.decoderResult() : DecoderResult.SUCCESS;
        if (result.isFailure()) {
            ReferenceCountUtil.release(msg);
            awaiting = false;
            String message = "invalid HTTP response: " + abbreviate(String.valueOf(result.cause().getMessage()))
                    + "; connection closed";
            ctx.fireExceptionCaught(reused && !begun ? FetchFailure.onReusedConnection(message)
                    : new FetchFailure(FetchErrorKind.PROTOCOL_ERROR, message));
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse response) {
            begun = true;
            informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL
                    && response.status().code() != 101;
        }
        if (msg instanceof LastHttpContent last) {
            if (informational) {
                informational = false;
            }
            else {
                awaiting = false;
                reused = true;
                held = last;
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Bytes or a message while no request is out: extra bytes of the held response, or junk on an idle line. */
    private void unsolicited(ChannelHandlerContext ctx) {
        if (held != null) {
            extra = true;
        }
        else {
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        settle(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        settle(ctx);
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            ReferenceCountUtil.release(held);
            held = null;
        }
    }

    /** Hands the held end of a response on, or fails the response if bytes came after it. */
    private void settle(ChannelHandlerContext ctx) {
        LastHttpContent last = held;
        if (last == null) {
            return;
        }
        held = null;
        if (extra) {
            extra = false;
            last.release();
            ctx.fireExceptionCaught(new FetchFailure(FetchErrorKind.PROTOCOL_ERROR,
                    "the server sent bytes beyond the end of the response; connection closed"));
            ctx.close();
        }
        else {
            ctx.fireChannelRead(last);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }
}
