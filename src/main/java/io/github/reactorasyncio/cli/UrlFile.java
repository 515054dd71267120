package io.github.reactorasyncio.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import reactor.core.publisher.Flux;

/**
 * The URLs of a {@code --urls-file}, read lazily: one line per request of the subscriber, so a file of ten million
 * URLs is never in memory, only the few lines the fetch has asked for. One URL per line, UTF-8; surrounding
 * blanks, blank lines and {@code #} comments are skipped; a UTF-8 byte order mark at the start is dropped.
 *
 * <p>A file that is not text fails the Flux with an {@link Unreadable} saying so in words, naming the line: bytes
 * that are not UTF-8, or a NUL character (valid UTF-8, but no text file has one).
 */
final class UrlFile {

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private UrlFile() {
    }

    /** Why the file cannot be read; the message is meant for the user ("--urls-file F: ..." is prefixed). */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * The URLs of the stream {@code open} returns, opened on subscription and closed on completion, error or
     * cancel. Subscribing again opens it again.
     */
    static Flux<String> urls(Callable<InputStream> open) {
        return Flux.using(() -> new Lines(open.call()), lines -> Flux.<String>generate(sink -> {
            String url = lines.nextUrl();
            if (url == null) {
                sink.complete();
            }
            else {
                sink.next(url);
            }
        }), Lines::close);
    }

    private static final class Lines implements AutoCloseable {
        private final BufferedReader reader;
        private long number;

        Lines(InputStream in) {
            // REPORT, not the JDK default REPLACE of InputStreamReader: a binary file must fail, not turn into URLs.
            this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)));
        }

        String nextUrl() {
            while (true) {
                String line = readLine();
                if (line == null) {
                    return null;
                }
                if (number == 1 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
                    line = line.substring(1);
                }
                if (line.indexOf('\0') >= 0) {
                    throw new Unreadable("line " + number + " contains a NUL byte: this is a binary file, not a "
                            + "list of URLs (one per line, UTF-8)", null);
                }
                String url = line.strip();
                if (!url.isEmpty() && !url.startsWith("#")) {
                    return url;
                }
            }
        }

        private String readLine() {
            try {
                String line = reader.readLine();
                if (line != null) {
                    number++;
                }
                return line;
            }
            catch (CharacterCodingException e) {
                throw new Unreadable("line " + (number + 1) + " is not UTF-8 text: is this a binary file? (want "
                        + "one URL per line, UTF-8)", e);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                reader.close();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
