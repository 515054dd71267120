package io.github.reactorasyncio.bench;

import io.github.reactorasyncio.cli.DemoServer;
import java.time.Duration;

/**
 * The demo server on its own, for benchmarks that fetch from a URL file (src/bench/memory/run.sh): no latency,
 * prints its base URL on stdout, serves until killed.
 */
public final class DemoServerMain {

    private DemoServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        DemoServer server = DemoServer.builder().latency(Duration.ZERO).jitter(Duration.ZERO).start();
        System.out.println(server.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
