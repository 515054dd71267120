package io.github.reactorasyncio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class DedicatedRaceTest {

    /**
     * Each racer waits until the other one has started: only possible if they run on two threads at once. With
     * every boundedElastic worker busy (where RaceTestUtils would queue both racers on one worker), it still holds.
     */
    @Test
    void everyRacerRunsOnAThreadOfItsOwnAtTheSameTimeEvenWhenTheSchedulersAreBusy() throws Exception {
        Scheduler busy = Schedulers.newBoundedElastic(1, 100, "busy");
        CountDownLatch release = new CountDownLatch(1);
        try {
            busy.schedule(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int round = 0; round < 200; round++) {
                AtomicBoolean aStarted = new AtomicBoolean();
                AtomicBoolean bStarted = new AtomicBoolean();
                Set<Thread> threads = ConcurrentHashMap.newKeySet();
                DedicatedRace.race(() -> {
                    threads.add(Thread.currentThread());
                    aStarted.set(true);
                    spinUntil(bStarted);
                }, () -> {
                    threads.add(Thread.currentThread());
                    bStarted.set(true);
                    spinUntil(aStarted);
                });
                assertThat(threads).hasSize(2);
                assertThat(threads).allSatisfy(t -> assertThat(t.getName()).startsWith("dedicated-racer-"));
            }
        } finally {
            release.countDown();
            busy.dispose();
        }
    }

    @Test
    void theFirstFailureIsRethrownAndTheOthersAreSuppressed() {
        assertThatThrownBy(() -> DedicatedRace.race(() -> {
            throw new IllegalStateException("a");
        }, () -> {
        }, () -> {
            throw new IllegalArgumentException("c");
        })).isInstanceOf(IllegalStateException.class).hasMessage("a")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    }

    private static void spinUntil(AtomicBoolean flag) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!flag.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the other racer never started");
            }
            Thread.onSpinWait();
        }
    }
}
