package io.github.reactorasyncio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.reactorasyncio.http.FetchOptions;
import io.github.reactorasyncio.http.Fetcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The fetch command's transport (issue 16): epoll from the optional native library this build ships for Linux
 * x86-64, NIO where no native library loads, and {@code --verbose} says which. Runs on Linux x86-64, as this build's
 * machine and CI do.
 */
class TransportTest {

    @Test
    @Timeout(30)
    void theFetchersConnectionsRunOnEpollAndVerboseSaysSo() {
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.get("/", (request, response) -> response.sendString(Mono.just("ok"))))
                .bindNow();
        try (Fetcher fetcher = Fetcher.create(FetchOptions.builder().concurrency(2).build())) {
            List<String> threads = fetcher.fetchAll(Collections.nCopies(4, "http://127.0.0.1:" + server.port() + "/"))
                    .map(result -> Thread.currentThread().getName())
                    .collectList().block();

            assertThat(Transport.describe()).isEqualTo("epoll (EpollSocketChannel)");
            assertThat(threads).hasSize(4).allMatch(name -> name.startsWith("reactor-http-epoll-"), "an epoll loop");
        }
        finally {
            server.disposeNow();
        }

        StringWriter err = new StringWriter();
        int code = FetchCommand.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
                new ByteArrayInputStream(new byte[0]), "--verbose", "-q", "--count", "3", "--demo-latency", "0ms",
                "--demo-jitter", "0ms");
        assertThat(code).isZero();
        assertThat(err.toString()).startsWith("fetch: transport epoll (EpollSocketChannel)\n");
    }

    @Test
    @Timeout(60)
    void withoutANativeLibraryTheCommandFallsBackToNio() throws Exception {
        // io.netty.transport.noNative makes Epoll report unavailable, as when their library cannot load.
        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.transport.noNative=true", "-cp", System.getProperty("java.class.path"),
                FetchCommand.class.getName(), "--verbose", "-q", "--count", "3", "--demo-latency", "0ms",
                "--demo-jitter", "0ms")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(java.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(java.waitFor(50, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).as(err).isZero();
        assertThat(err).startsWith("fetch: transport nio (NioSocketChannel)\n");
    }
}
