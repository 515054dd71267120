package io.github.reactorasyncio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reactorasyncio.http.FetchErrorKind;
import io.github.reactorasyncio.http.FetchResult;
import java.time.Duration;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/** The failure list keeps the lowest input indexes, at most its capacity, whatever the completion order. */
class FailuresTest {

    private static FetchResult failure(long index) {
        return new FetchResult(index, "u" + index, 0, 0, Duration.ZERO, 1, FetchErrorKind.TIMEOUT, "slow");
    }

    @Test
    void keepsTheLowestIndexesUpToItsCapacity() {
        Failures failures = new Failures(3);
        LongStream.of(9, 4, 7, 1, 8, 2, 6).mapToObj(FailuresTest::failure).forEach(failures::add);
        failures.add(new FetchResult(0, "ok", 200, 1, Duration.ZERO, 1, null, null));
        assertThat(failures.size()).isEqualTo(3);
        assertThat(failures.lowestIndexes()).extracting(FetchResult::index).containsExactly(1L, 2L, 4L);
    }

    @Test
    void capacityZeroKeepsNothing() {
        Failures failures = new Failures(0);
        failures.add(failure(1));
        assertThat(failures.lowestIndexes()).isEmpty();
    }
}
