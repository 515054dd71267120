package io.github.reactorasyncio.examples;

import static io.github.reactorasyncio.examples.SeedSemaphoreFetch.ACQUIRED;
import static io.github.reactorasyncio.examples.SeedSemaphoreFetch.FINISHED;
import static io.github.reactorasyncio.examples.SeedSemaphoreFetch.LIMIT;
import static io.github.reactorasyncio.examples.SeedSemaphoreFetch.WAITING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.github.reactorasyncio.cli.DemoServer;
import org.junit.jupiter.api.Test;

/**
 * Real sockets on loopback. The demo server answers after 200 ms ± 10 ms: the only timing the test relies on is
 * that starting ten tasks takes the main thread less than that, so the first answer comes after the tenth
 * "acquired" (as in the seed); no assertion reads a clock.
 */
class SeedSemaphoreFetchTest {

    private static final int TASKS = 100;

    @Test
    void hundredTasksAllAnsweredNeverMoreThanTenInFlightAndThePrintsTellIt() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());

        SeedSemaphoreFetch.Result result = SeedSemaphoreFetch.run(lines::add,
                        () -> DemoServer.builder().latency(Duration.ofMillis(200)).jitter(Duration.ofMillis(10))
                                .start(), TASKS)
                .block(Duration.ofSeconds(60));

        assertThat(result.statuses()).hasSize(TASKS).containsOnly(200);
        assertThat(result.answered()).isEqualTo(TASKS);
        // Ten were started before any answer could arrive; the server, an independent witness, saw no more.
        assertThat(result.maxInFlight()).isEqualTo(LIMIT);
        assertThat(result.serverMaxInFlight()).isBetween(1, LIMIT);
        assertThat(result.semaphore().available()).isEqualTo(LIMIT);
        assertThat(result.semaphore().waiting()).isZero();
        assertThat(result.semaphore().capacity()).isEqualTo(LIMIT);

        List<String> story = List.copyOf(lines);
        assertThat(story).hasSize(3 * TASKS + 1);
        assertThat(story.subList(0, 3 * TASKS)).containsOnly(WAITING, ACQUIRED, FINISHED);
        // As in seed 001's printed output: the first ten get straight in, the eleventh waits.
        List<String> expectedStart = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            expectedStart.add(WAITING);
            expectedStart.add(ACQUIRED);
        }
        expectedStart.add(WAITING);
        expectedStart.add(WAITING);
        assertThat(story.subList(0, 2 * LIMIT + 2)).isEqualTo(expectedStart);
        // At every point of the story: nobody acquires before waiting, nobody finishes before acquiring, and
        // never more than ten between "acquired" and "Finishing".
        int waiting = 0;
        int acquired = 0;
        int finished = 0;
        int mostBetween = 0;
        for (String line : story.subList(0, 3 * TASKS)) {
            switch (line) {
                case WAITING -> waiting++;
                case ACQUIRED -> acquired++;
                default -> finished++;
            }
            assertThat(acquired).isLessThanOrEqualTo(waiting);
            assertThat(finished).isLessThanOrEqualTo(acquired);
            mostBetween = Math.max(mostBetween, acquired - finished);
        }
        assertThat(mostBetween).isEqualTo(LIMIT);
        assertThat(List.of(waiting, acquired, finished)).containsOnly(TASKS);
        assertThat(story.get(3 * TASKS)).matches(
                "100/100 answered \\(status 200: 100\\), at most 10 in flight \\(server saw ([1-9]|10), limit 10\\), "
                        + "\\d+\\.\\d{3} s");
    }

    @Test
    void aCountBelowOneIsRefusedWithTheValue() {
        assertThatThrownBy(() -> SeedSemaphoreFetch.run(line -> { }, DemoServer::start, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("count must be at least 1 (was 0)");
    }
}
