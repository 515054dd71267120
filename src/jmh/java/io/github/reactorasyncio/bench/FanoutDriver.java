package io.github.reactorasyncio.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.reactorasyncio.bench.FanoutProtocol.Pass;
import io.github.reactorasyncio.http.FetchOptions;
import io.github.reactorasyncio.http.FetchResult;
import io.github.reactorasyncio.http.Fetcher;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.util.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The JVM clients of {@code src/bench/fanout/run.sh} that run on this project's class path: each fetches one URL
 * {@code count} times with at most {@code k} in flight, {@code passes} times in one JVM, speaking
 * {@link FanoutProtocol} (one JSON line per pass).
 * <ul>
 *   <li>{@code fetcher}: this project's {@link Fetcher} ({@code fetchAll}, limit k), default options;</li>
 *   <li>{@code fetcher-lean}: the same with bare's feature set: no gzip negotiation, no redirects, no separate
 *       response-silence timer; it keeps the whole-exchange timeout, which bare does without;</li>
 *   <li>{@code bare}: plain Reactor Netty, {@code flatMap(get, k)} over an {@link HttpClient} whose pool has k
 *       connections (the least a user must configure for k in flight: the default pool has 16);</li>
 *   <li>{@code jdk}: the JDK's {@link java.net.http.HttpClient}, {@code sendAsync} (the client has no pool-size
 *       setting and keeps connections alive by default), HTTP/1.1 pinned so that no h2c upgrade is offered on each
 *       new connection;</li>
 *   <li>{@code hc5}: Apache HttpClient 5's async client ({@code execute(SimpleHttpRequest, FutureCallback)}) on a
 *       {@code PoolingAsyncClientConnectionManager} with k connections in total and per route (defaults 25 and 5),
 *       its default I/O reactor (one thread per core), keep-alive by default;</li>
 *   <li>{@code okhttp}: OkHttp 5's {@code Call.enqueue} with a {@code Dispatcher} allowing k requests in total and
 *       per host (defaults 64 and 5) and a {@code ConnectionPool} keeping k idle connections (default 5).</li>
 * </ul>
 * The peers (jdk, hc5, okhttp, and vertx in {@code src/bench/fanout/vertx/}) keep k in flight with
 * {@link FanoutProtocol#limited}, fetcher and bare with Reactor's {@code flatMap}. None logs per request: no logger
 * of Reactor Netty or HttpClient 5 is at DEBUG on this class path.
 *
 * <p>usage: {@code FanoutDriver fetcher|fetcher-lean|bare|jdk|hc5|okhttp URL COUNT K PASSES}
 */
public final class FanoutDriver {

    private FanoutDriver() {
    }

    public static void main(String[] args) {
        FanoutProtocol.main(args, FanoutDriver::pass);
    }

    /** The client named by {@code mode}, fetching {@code urls} with at most {@code k} in flight. */
    static Pass pass(String mode, int k, List<String> urls) {
        return switch (mode) {
            case "fetcher" -> fetcher(k, urls, false);
            case "fetcher-lean" -> fetcher(k, urls, true);
            case "bare" -> bare(k, urls);
            case "jdk" -> jdk(k, urls);
            case "hc5" -> hc5(k, urls);
            case "okhttp" -> okhttp(k, urls);
            default -> throw new IllegalArgumentException(
                    "mode: fetcher, fetcher-lean, bare, jdk, hc5 or okhttp, was " + mode);
        };
    }

    private static Pass fetcher(int k, List<String> urls, boolean lean) {
        FetchOptions.Builder options = FetchOptions.builder().name("bench").concurrency(k)
                .timeout(Duration.ofSeconds(30));
        if (lean) {
            options.compress(false).maxRedirects(0).responseTimeout(Duration.ofSeconds(30));
        }
        Fetcher fetcher = Fetcher.create(options.build());
        return () -> fetcher.fetchAll(urls)
                .filter(r -> r.status() == 200)
                .map(FetchResult::latency)
                .map(Duration::toNanos)
                .collectList()
                .map(FanoutDriver::toArray)
                .block();
    }

    private static Pass bare(int k, List<String> urls) {
        ConnectionProvider pool = ConnectionProvider.builder("bare").maxConnections(k).pendingAcquireMaxCount(-1)
                .build();
        HttpClient client = HttpClient.create(pool);
        return () -> Flux.fromIterable(urls)
                .flatMap(url -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    return client.get().uri(url)
                            .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                                    .map(text -> response.status().code()))
                            .filter(status -> status == 200)
                            .map(status -> System.nanoTime() - start);
                }), k)
                .collectList()
                .map(FanoutDriver::toArray)
                .block();
    }

    private static Pass jdk(int k, List<String> urls) {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        return () -> FanoutProtocol.limited(urls, k, url -> client.sendAsync(
                        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(HttpResponse::statusCode));
    }

    private static Pass hc5(int k, List<String> urls) {
        CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(k).setMaxConnPerRoute(k).build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(30)).build())
                .build();
        client.start();
        return () -> FanoutProtocol.limited(urls, k, url -> {
            CompletableFuture<Integer> status = new CompletableFuture<>();
            client.execute(SimpleRequestBuilder.get(url).build(), new FutureCallback<SimpleHttpResponse>() {
                @Override
                public void completed(SimpleHttpResponse response) {
                    status.complete(response.getCode());
                }

                @Override
                public void failed(Exception e) {
                    status.completeExceptionally(e);
                }

                @Override
                public void cancelled() {
                    status.cancel(false);
                }
            });
            return status;
        });
    }

    private static Pass okhttp(int k, List<String> urls) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(k);
        dispatcher.setMaxRequestsPerHost(k);
        OkHttpClient client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(k, 5, TimeUnit.MINUTES))
                .callTimeout(Duration.ofSeconds(30))
                .build();
        return () -> FanoutProtocol.limited(urls, k, url -> {
            CompletableFuture<Integer> status = new CompletableFuture<>();
            client.newCall(new Request.Builder().url(url).build()).enqueue(new Callback() {
                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        response.body().string();
                        status.complete(response.code());
                    }
                    catch (IOException e) {
                        status.completeExceptionally(e);
                    }
                }

                @Override
                public void onFailure(Call call, IOException e) {
                    status.completeExceptionally(e);
                }
            });
            return status;
        });
    }

    private static long[] toArray(List<Long> values) {
        long[] array = new long[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
