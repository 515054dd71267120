package io.github.reactorasyncio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

/** The HTTP stack's log messages: one line each without stack traces, the first few, then one summary line. */
class DiagnosticsTest {

    private static LogRecord warning(String logger, String message, Throwable thrown) {
        LogRecord record = new LogRecord(Level.WARNING, message);
        record.setLoggerName(logger);
        record.setThrown(thrown);
        return record;
    }

    @Test
    void showsTheFirstFewOnOneLineEachThenCountsTheRest() {
        StringWriter err = new StringWriter();
        Diagnostics diagnostics = new Diagnostics(new PrintWriter(err));
        for (int i = 0; i < 12; i++) {
            diagnostics.publish(warning(i % 3 == 0 ? "reactor.netty.A" : "io.netty.B", "observed\nan error " + i,
                    new IOException("reset")));
        }
        diagnostics.publish(new LogRecord(Level.FINE, "debug is not shown nor counted"));
        diagnostics.flush();
        assertThat(err.toString().lines()).containsExactly(
                "fetch: WARNING from reactor.netty.A: observed an error 0 (java.io.IOException: reset)",
                "fetch: WARNING from io.netty.B: observed an error 1 (java.io.IOException: reset)",
                "fetch: WARNING from io.netty.B: observed an error 2 (java.io.IOException: reset)",
                "fetch: WARNING from reactor.netty.A: observed an error 3 (java.io.IOException: reset)",
                "fetch: WARNING from io.netty.B: observed an error 4 (java.io.IOException: reset)",
                "fetch: 7 more log messages not shown (io.netty.B: 5, reactor.netty.A: 2)");
    }

    @Test
    void nothingToSummarizeWhenEverythingWasShown() {
        StringWriter err = new StringWriter();
        Diagnostics diagnostics = new Diagnostics(new PrintWriter(err));
        diagnostics.publish(warning("x", "one", null));
        diagnostics.flush();
        assertThat(err.toString().lines()).containsExactly("fetch: WARNING from x: one");
    }
}
