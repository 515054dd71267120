package io.github.reactorasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class RaceConditionCounterTest {

    @Test
    void withoutTheLockEveryIncrementButOneIsLostWithItNoneIs() {
        VirtualTimeScheduler loop = VirtualTimeScheduler.create();
        List<String> lines = new ArrayList<>();

        // Zero delays only: the whole story runs inside the subscription, no time needs to pass.
        StepVerifier.withVirtualTime(() -> RaceConditionCounter.run(lines::add, loop), () -> loop, Long.MAX_VALUE)
                .expectNext(new RaceConditionCounter.Result(1, RaceConditionCounter.COROUTINES))
                .verifyComplete();

        assertThat(lines).containsExactly("without a lock: 1", "with Lock.withLock: 10000");
        assertThat(loop.now(java.util.concurrent.TimeUnit.NANOSECONDS)).isZero();
    }

    @Test
    void theSameStoryOnARealSingleThreadedLoopAsInMain() {
        Scheduler loop = Schedulers.newSingle("event-loop");
        try {
            List<String> lines = new ArrayList<>();
            StepVerifier.create(RaceConditionCounter.run(line -> {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }, loop))
                    .expectNext(new RaceConditionCounter.Result(1, RaceConditionCounter.COROUTINES))
                    .verifyComplete();
        } finally {
            loop.dispose();
        }
    }
}
