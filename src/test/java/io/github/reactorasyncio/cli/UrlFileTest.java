package io.github.reactorasyncio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** A URL file: read lazily, BOM dropped, comments and blanks skipped, binary content named as such. */
class UrlFileTest {

    private static InputStream bytes(byte[] content) {
        return new ByteArrayInputStream(content);
    }

    private static InputStream text(String content) {
        return bytes(content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aByteOrderMarkIsDroppedAndCommentsAndBlanksSkipped() {
        assertThat(UrlFile.urls(() -> text("\uFEFFhttp://a/\n\n  # comment\n  http://b/  \r\nhttp://c/"))
                .collectList().block())
                .containsExactly("http://a/", "http://b/", "http://c/");
    }

    @Test
    void bytesThatAreNotUtf8AreCalledABinaryFile() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d};
        assertThatThrownBy(() -> UrlFile.urls(() -> bytes(png)).blockLast())
                .isInstanceOf(UrlFile.Unreadable.class)
                .hasMessage("line 1 is not UTF-8 text: is this a binary file? (want one URL per line, UTF-8)");
    }

    @Test
    void aNulByteIsABinaryFileEvenWhenValidUtf8() {
        assertThatThrownBy(() -> UrlFile.urls(() -> text("http://a/\nab\0cd\n")).blockLast())
                .isInstanceOf(UrlFile.Unreadable.class)
                .hasMessage("line 2 contains a NUL byte: this is a binary file, not a list of URLs (one per line, "
                        + "UTF-8)");
    }

    /** An endless file: taking three URLs reads a buffer's worth of it, not the whole (which would never end). */
    @Test
    void linesAreReadAsTheyAreAskedFor() {
        AtomicLong read = new AtomicLong();
        byte[] line = "http://x/\n".getBytes(StandardCharsets.UTF_8);
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return line[(int) (read.getAndIncrement() % line.length)];
            }
        };
        assertThat(UrlFile.urls(() -> endless).take(3).collectList().block()).hasSize(3);
        assertThat(read.get()).isLessThan(64 * 1024);
    }
}
