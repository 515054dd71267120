package io.github.reactorasyncio.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;

import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import reactor.util.Loggers;

/**
 * Where the HTTP stack's own logging goes when the {@code fetch} command runs: stderr, never stdout, one line per
 * message without stack traces, and only the first {@link #SHOWN}; the rest are counted by logger and summarized
 * in one line at the end. Reactor Netty can log a warning per failed request, and an SLF4J binding on the class
 * path (Maven's own under {@code mvn exec:java}, Logback in a test JVM) would print them, with stack traces and
 * escape codes, on stdout, where they corrupt the JSON report.
 */
final class Diagnostics extends Handler {

    /** Log messages printed before the rest are only counted. */
    static final int SHOWN = 5;

    private final PrintWriter err;
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final Map<String, Long> notShown = new TreeMap<>();
    private long published;

    Diagnostics(PrintWriter err) {
        this.err = err;
        setLevel(Level.WARNING);
    }

    /**
     * Sends Reactor's and Netty's loggers to java.util.logging (whatever SLF4J binding is on the class path) and
     * makes this the only handler of its root logger. Call before anything logs: a logger created earlier keeps
     * its binding.
     */
    static Diagnostics install(PrintWriter err) {
        Loggers.useJdkLoggers();
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Diagnostics diagnostics = new Diagnostics(err);
        root.addHandler(diagnostics);
        return diagnostics;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        if (published++ < SHOWN) {
            Throwable thrown = record.getThrown();
            String line = "fetch: " + record.getLevel() + " from " + record.getLoggerName() + ": "
                    + formatter.formatMessage(record)
                    + (thrown == null ? "" : " (" + thrown.getClass().getName()
                            + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage()) + ")");
            err.println(line.replaceAll("\\s*[\\r\\n]+\\s*", " "));
            err.flush();
        }
        else {
            notShown.merge(String.valueOf(record.getLoggerName()), 1L, Long::sum);
        }
    }

    /** The summary of what was not shown: nothing if every message was. */
    @Override
    public synchronized void flush() {
        if (!notShown.isEmpty()) {
            long total = notShown.values().stream().mapToLong(Long::longValue).sum();
            err.println("fetch: " + total + " more log messages not shown (" + notShown.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ")) + ")");
            err.flush();
            notShown.clear();
        }
    }

    @Override
    public void close() {
        flush();
    }
}
