package io.github.reactorasyncio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The progress line: done, failed, in flight, rate; an ETA in the bulk and the truth in the tail. */
class ProgressTest {

    private static String render(long done, long failed, int inFlight, long total, double seconds, double idle,
                                 boolean bar) {
        return Progress.render(new Progress.Snapshot(done, failed, inFlight, total,
                Duration.ofMillis((long) (seconds * 1000)), Duration.ofMillis((long) (idle * 1000))), bar);
    }

    @Test
    void inTheBulkTheEtaIsWhatIsLeftOverTheRate() {
        assertThat(render(500, 3, 10, 1000, 5, 0, false))
                .isEqualTo("500/1000 (50%), 3 failed, 10 in flight, 100.0/s, ETA 0:00:05");
        assertThat(render(1000, 0, 10, 1_000_000, 1, 0, false))
                .isEqualTo("1000/1000000 (0%), 0 failed, 10 in flight, 1000.0/s, ETA 0:16:39");
    }

    /** 95 % done, the last URLs all in flight, one of them slow: no "ETA 0:00:00", but what is known. */
    @Test
    void inTheTailItSaysWhatItWaitsFor() {
        assertThat(render(950, 0, 50, 1000, 9.5, 0.05, false))
                .isEqualTo("950/1000 (95%), 0 failed, 50 in flight, 100.0/s, waiting for the last 50 (no result "
                        + "for 0.1 s)");
        assertThat(render(999, 2, 1, 1000, 16, 6.04, false))
                .isEqualTo("999/1000 (99%), 2 failed, 1 in flight, 62.4/s, waiting for the last 1 (no result for "
                        + "6.0 s)");
    }

    @Test
    void withoutATotalThereIsNoPercentageNorEta() {
        assertThat(render(544, 1, 10, -1, 2, 0, true)).isEqualTo("544 done, 1 failed, 10 in flight, 272.0/s");
    }

    @Test
    void nothingDoneYetHasNoEta() {
        assertThat(render(0, 0, 10, 1000, 0, 0, false)).isEqualTo("0/1000 (0%), 0 failed, 10 in flight, 0.0/s");
    }

    @Test
    void onATerminalABarLeadsTheLine() {
        assertThat(render(500, 0, 10, 1000, 5, 0, true))
                .isEqualTo("[===============>              ] 500/1000 (50%), 0 failed, 10 in flight, 100.0/s, "
                        + "ETA 0:00:05");
        assertThat(render(1000, 0, 0, 1000, 10, 0, true))
                .startsWith("[==============================] 1000/1000 (100%)");
    }
}
