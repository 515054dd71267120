package io.github.reactorasyncio.cli;

import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

/**
 * Which Netty transport the fetcher's connections use, as Reactor Netty decides it for every {@code HttpClient}
 * without loop resources of its own (the fetcher's): io_uring if its native library loads, else epoll, else kqueue,
 * else NIO; NIO alone with {@code -Dreactor.netty.native=false}. The {@code fetch} command ships the Linux x86-64
 * epoll library (an optional dependency of this artifact); anywhere it cannot load it runs on NIO.
 */
final class Transport {

    private Transport() {
    }

    /** For example {@code "epoll (EpollSocketChannel)"} or {@code "nio (NioSocketChannel)"}. */
    static String describe() {
        LoopResources loops = HttpResources.get();
        Class<? extends Channel> channel = loops.onChannelClass(SocketChannel.class,
                loops.onClient(LoopResources.DEFAULT_NATIVE));
        String name = channel.getName();
        String transport = name.contains(".uring.") ? "io_uring" : name.contains(".epoll.") ? "epoll"
                : name.contains(".kqueue.") ? "kqueue" : "nio";
        return transport + " (" + channel.getSimpleName() + ")";
    }
}
