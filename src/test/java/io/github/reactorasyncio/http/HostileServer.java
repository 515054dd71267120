package io.github.reactorasyncio.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTP/1.1 server that misbehaves on purpose, one path per misbehaviour, on plain sockets (a
 * well-behaved server cannot be talked into these). It numbers the connections it accepts and records every request
 * with the connection it came on, so a test can prove which requests shared a connection.
 *
 * <p>Besides the main port: {@link #closingUrl()} closes every connection right after accepting it,
 * {@link #selfSignedUrl()} speaks TLS with a freshly generated self-signed certificate (made with the JDK's
 * {@code keytool}), and {@link #stalledTlsUrl()} accepts and never says a word, so a TLS handshake stalls.
 */
final class HostileServer implements AutoCloseable {

    /**
     * One request as the server read it: which connection (numbered from 1 in accept order), its method and path,
     * and its head (request line and header lines, as sent).
     */
    record Request(int connection, String method, String path, String head) {
        /** The value of header {@code name} (case-insensitive), or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /** Paths whose response breaks HTTP/1.1 while leaving the connection open: a client must not reuse it. */
    static final Set<String> VIOLATIONS = Set.of("/bad-status", "/huge-header", "/long-body", "/bad-chunk");

    private static final byte[] OK = ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-server");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ServerSocket http;
    private final ServerSocket closing;
    private final ServerSocket silent;
    private final ServerSocket tls;

    HostileServer() throws Exception {
        this(null);
    }

    /** With the TLS port's certificate also written to {@code trustStore} (see {@link #selfSigned(Path)}). */
    HostileServer(Path trustStore) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        http = listen(new ServerSocket(0, 100, loopback), this::serve);
        closing = listen(new ServerSocket(0, 100, loopback), Socket::close);
        silent = listen(new ServerSocket(0, 100, loopback), s -> s.getInputStream().transferTo(OutputStream.nullOutputStream()));
        tls = listen(selfSigned(trustStore).getServerSocketFactory().createServerSocket(0, 100, loopback), this::serve);
    }

    String url(String path) {
        return "http://127.0.0.1:" + http.getLocalPort() + path;
    }

    String closingUrl() {
        return "http://127.0.0.1:" + closing.getLocalPort() + "/";
    }

    String selfSignedUrl() {
        return "https://127.0.0.1:" + tls.getLocalPort() + "/ok";
    }

    /** The TLS port's {@code path} at {@code host}: trusted at {@code localhost} by a client that trusts the store. */
    String tlsUrl(String host, String path) {
        return "https://" + host + ":" + tls.getLocalPort() + path;
    }

    String stalledTlsUrl() {
        return "https://127.0.0.1:" + silent.getLocalPort() + "/ok";
    }

    /** Every request read on the main port so far, in arrival order. */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    private interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private ServerSocket listen(ServerSocket server, Handler handler) {
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    open.add(socket);
                    threads.execute(() -> {
                        try (socket) {
                            handler.handle(socket);
                        }
                        catch (IOException | RuntimeException gone) {
                            // the client went away (reset, timeout, failed handshake): this connection is done
                        }
                        finally {
                            open.remove(socket);
                        }
                    });
                }
                catch (IOException closed) {
                    // the server socket was closed: stop accepting
                }
            }
        });
        return server;
    }

    /** Serves requests on one connection until a behaviour ends it or the client closes it. */
    private void serve(Socket socket) throws IOException {
        int connection = connections.incrementAndGet();
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        String head;
        while ((head = readRequest(in)) != null) {
            String[] requestLine = head.split("\r\n", 2)[0].split(" ");
            requests.add(new Request(connection, requestLine[0], requestLine[1], head));
            boolean open = requestLine[0].equals("HEAD")
                    ? writeHead(requestLine[1], out) : respond(requestLine[1], socket, out);
            if (!open) {
                return;
            }
            out.flush();
        }
    }

    /** A HEAD request: the head {@code /ok} would have, no body. */
    private static boolean writeHead(String path, OutputStream out) throws IOException {
        out.write(ascii(path.equals("/ok") ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
                : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
        return true;
    }

    /** Writes the response for {@code path}; false when the connection ends with it. */
    private boolean respond(String path, Socket socket, OutputStream out) throws IOException {
        switch (path) {
            case "/ok" -> out.write(OK);
            // Says close and leaves the connection open: only a client that honours Connection: close stops here.
            case "/close" -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"));
            case "/drop" -> {
                return false;
            }
            case "/stall-body" -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello"));
                out.flush();
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                return false;
            }
            case "/see-other" -> out.write(ascii("HTTP/1.1 303 See Other\r\nLocation: ok\r\nContent-Length: 4\r\n\r\n"
                    + "gone"));
            case "/elsewhere" -> out.write(ascii("HTTP/1.1 302 Found\r\nLocation: http://localhost:"
                    + http.getLocalPort() + "/ok\r\nContent-Length: 0\r\n\r\n"));
            case "/to-ftp" -> out.write(ascii("HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/file\r\n"
                    + "Content-Length: 0\r\n\r\n"));
            case "/reset" -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"));
                out.write(new byte[1000]);
                out.flush();
                socket.setSoLinger(true, 0);
                return false;
            }
            case "/silent" -> {
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                return false;
            }
            case "/drip" -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
                for (int i = 0; i < 100; i++) {
                    out.write('x');
                    out.flush();
                    sleep(1000);
                }
            }
            case "/bad-status" -> out.write(ascii("HTTP/1.1 TWO HUNDRED\r\nContent-Length: 2\r\n\r\nok"));
            case "/huge-header" -> out.write(ascii("HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(100 * 1024)
                    + "\r\nContent-Length: 2\r\n\r\nok"));
            case "/long-body" -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + "Z".repeat(100)));
            case "/late-extra" -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
                out.flush();
                sleep(500);
                out.write(ascii("Z".repeat(100)));
            }
            case "/short-body" -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello"));
                return false;
            }
            case "/bad-chunk" -> out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\nhello\r\n0\r\n\r\n"));
            case "/huge" -> {
                // 2 GiB in 64 KiB chunks from one buffer: nothing is allocated per chunk.
                out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                byte[] chunk = new byte[65536];
                byte[] head = ascii("10000\r\n");
                byte[] tail = ascii("\r\n");
                for (int i = 0; i < 32768; i++) {
                    out.write(head);
                    out.write(chunk);
                    out.write(tail);
                }
                out.write(ascii("0\r\n\r\n"));
            }
            case "/loop" -> out.write(ascii("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n"));
            case "/http10" -> {
                out.write(ascii("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\na body delimited by closing"));
                return false;
            }
            default -> out.write(ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
        }
        return true;
    }

    /** The request's head, request line and headers (there is never a body); null at end of stream. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4 && (b = in.read()) != -1) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        if (matched < 4) {
            return null;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /**
     * A server TLS context with a fresh self-signed certificate for {@code localhost} (DNS name only: a client that
     * checks host names must refuse it at 127.0.0.1), made with the JDK's {@code keytool}; if {@code trustStore} is
     * not null, the certificate is also written there as a PKCS12 trust store (password {@code changeit}).
     */
    static SSLContext selfSigned(Path trustStore) throws Exception {
        Path dir = Files.createTempDirectory("hostile-tls");
        Path store = dir.resolve("server.p12");
        char[] password = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-alias", "server", "-dname", "CN=localhost", "-ext", "san=dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed");
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        Files.delete(store);
        Files.delete(dir);
        if (trustStore != null) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, password);
            trusted.setCertificateEntry("server", keys.getCertificate("server"));
            try (OutputStream out = Files.newOutputStream(trustStore)) {
                trusted.store(out, password);
            }
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket s : List.of(http, closing, silent, tls)) {
            s.close();
        }
        open.forEach(HostileServer::closeQuietly);
        threads.shutdownNow();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        }
        catch (IOException ignored) {
            // closing anyway
        }
    }
}
