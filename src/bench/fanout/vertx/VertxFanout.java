package io.github.reactorasyncio.bench;

import java.util.List;

import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Client {@code vertx} of {@code src/bench/fanout/run.sh}: Vert.x 5's {@link WebClient} ({@code getAbs(url).send()},
 * body buffered), keep-alive (its default), a pool of k HTTP/1.1 connections (default 5) spread over one event
 * loop per core (default: only the caller's), no activity logging (its default), NIO (Vert.x's default
 * transport). K in flight and the passes are {@link FanoutProtocol}'s, shared with the other peers. Runs on the
 * class path of {@code pom.xml} beside it, never on the project's.
 *
 * <p>usage: {@code VertxFanout vertx URL COUNT K PASSES}
 */
public final class VertxFanout {

    private VertxFanout() {
    }

    public static void main(String[] args) {
        FanoutProtocol.main(args, VertxFanout::pass);
    }

    static FanoutProtocol.Pass pass(String mode, int k, List<String> urls) {
        if (!mode.equals("vertx")) {
            throw new IllegalArgumentException("mode: vertx, was " + mode);
        }
        Vertx vertx = Vertx.vertx();
        WebClient client = WebClient.create(vertx,
                new WebClientOptions().setKeepAlive(true).setConnectTimeout(30_000).setIdleTimeout(60),
                new PoolOptions().setHttp1MaxSize(k).setEventLoopSize(Runtime.getRuntime().availableProcessors()));
        return () -> FanoutProtocol.limited(urls, k, url -> client.getAbs(url).timeout(30_000).send()
                .map(HttpResponse::statusCode).toCompletionStage());
    }
}
