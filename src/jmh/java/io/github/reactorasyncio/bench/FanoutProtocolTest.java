package io.github.reactorasyncio.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The peers' limit of k in flight ({@link FanoutProtocol#limited}), which the benchmark's fairness rests on. */
class FanoutProtocolTest {

    @Test
    @Timeout(30)
    void keepsExactlyKCallsOutstandingUntilTheLastAndCountsOnly200s() throws Exception {
        int k = 3;
        int count = 20;
        LinkedBlockingQueue<CompletableFuture<Integer>> outstanding = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<long[]> result = CompletableFuture.supplyAsync(() -> FanoutProtocol.limited(
                Collections.nCopies(count, "u"), k, url -> {
                    calls.incrementAndGet();
                    CompletableFuture<Integer> call = new CompletableFuture<>();
                    outstanding.add(call);
                    return call;
                }));

        for (int answered = 0; answered < count; answered++) {
            int expected = Math.min(k, count - answered);
            while (outstanding.size() < expected) {
                Thread.onSpinWait();
            }
            assertThat(calls.get() - answered).as("calls outstanding").isEqualTo(expected);
            CompletableFuture<Integer> oldest = outstanding.poll(1, TimeUnit.SECONDS);
            if (answered == 5) {
                oldest.completeExceptionally(new IOException("reset"));
            }
            else {
                oldest.complete(answered % 4 == 0 ? 500 : 200);
            }
        }

        assertThat(result.get(10, TimeUnit.SECONDS)).hasSize(count - 5 - 1).doesNotContain(-1L);
        assertThat(calls).hasValue(count);
    }

    @Test
    @Timeout(30)
    void callsThatCompleteAtOnceDoNotRecurse() {
        int count = 200_000;
        AtomicInteger calls = new AtomicInteger();

        long[] latencies = FanoutProtocol.limited(Collections.nCopies(count, "u"), 100, url -> {
            CompletionStage<Integer> call = calls.getAndIncrement() % 2 == 0 ? CompletableFuture.completedFuture(200)
                    : CompletableFuture.failedFuture(new IOException("refused"));
            return call;
        });

        assertThat(latencies).hasSize(count / 2);
        assertThat(calls).hasValue(count);
    }

    @Test
    void aClientThatThrowsCountsAsAFailedCall() {
        long[] latencies = FanoutProtocol.limited(List.of("good", "bad", "good"), 2, url -> {
            if (url.equals("bad")) {
                throw new IllegalArgumentException(url);
            }
            return CompletableFuture.completedFuture(200);
        });

        assertThat(latencies).hasSize(2);
    }
}
