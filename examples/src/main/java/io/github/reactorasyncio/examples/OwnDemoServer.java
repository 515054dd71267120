package io.github.reactorasyncio.examples;

import java.util.function.Function;
import java.util.function.Supplier;

import io.github.reactorasyncio.cli.DemoServer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a piece of the HTTP examples against a {@link DemoServer} of its own, so the server's statistics (the most
 * requests it saw in flight) describe that piece alone. Starting a server binds a port and closing it waits for the
 * unbind, both blocking, so both happen on {@code Schedulers.boundedElastic()}, never on an event loop; the server
 * is closed exactly once on complete, error or cancel.
 */
final class OwnDemoServer {

    private OwnDemoServer() {
    }

    /**
     * @param servers starts a server, e.g. {@code DemoServer::start} or a test's low-latency builder
     * @param work    what to do with it; the server is closed when it terminates or is cancelled
     */
    static <T> Mono<T> using(Supplier<DemoServer> servers, Function<DemoServer, Mono<T>> work) {
        return Mono.usingWhen(
                Mono.fromSupplier(servers).subscribeOn(Schedulers.boundedElastic()),
                work,
                server -> Mono.fromRunnable(server::close).subscribeOn(Schedulers.boundedElastic()));
    }
}
