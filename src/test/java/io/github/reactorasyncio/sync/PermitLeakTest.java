package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, item 1, the net under the abandoned-lock report: a raw Permit garbage-collected while held is reported
 * (LEAKED_PERMIT) with the place acquire() was called, for the sampled acquires. Each negative case runs beside a
 * positive control collected in the same GC, so "no report" means the net looked and found nothing.
 */
@Timeout(60)
class PermitLeakTest {

    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private final String prefix = "leak" + UNIQUE.incrementAndGet() + "-";
    @RegisterExtension
    final DeadlockReports all = new DeadlockReports();

    @BeforeEach
    void sampleEveryAcquire() {
        Diagnostics.sampleLeaks(1);
    }

    @AfterEach
    void restore() {
        Diagnostics.sampleLeaks(128);
    }

    private List<DeadlockReport> leaks(String name) {
        return all.stream().filter(r -> r.kind() == DeadlockReport.Kind.LEAKED_PERMIT)
                .filter(r -> r.primitive().endsWith("'" + prefix + name + "'")).toList();
    }

    /** Acquires and drops the permit, in a frame of its own so that nothing here keeps it reachable. */
    private static void acquireAndDrop(Semaphore sem) {
        sem.acquire().block(Duration.ofSeconds(1));
    }

    private static void acquireAndDrop(Lock lock) {
        lock.acquire().block(Duration.ofSeconds(1));
    }

    /** Collects until {@code control} has been reported (the Cleaner runs on its own thread after the GC). */
    private void collectUntilReported(String control) throws InterruptedException {
        for (int i = 0; i < 200 && leaks(control).isEmpty(); i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(leaks(control)).as("the control leak was found").hasSize(1);
        // One more round: a report about the other permits would have been made by now if there were one.
        System.gc();
        Thread.sleep(100);
    }

    @Test
    void aDroppedPermitIsReportedWithWhereAcquireWasCalled() throws InterruptedException {
        Lock lock = Lock.create(prefix + "db");
        acquireAndDrop(lock);
        collectUntilReported("db");
        assertThat(leaks("db")).singleElement().satisfies(r -> {
            assertThat(r.policy()).isEqualTo(DeadlockPolicy.REPORT);
            assertThat(r.holders()).containsExactly("anonymous");
            assertThat(r.message()).startsWith("A Permit of Lock '" + prefix + "db' acquired by 'anonymous' was "
                    + "garbage-collected without release(): that permit is lost (1 of 1 in use). Release every Permit "
                    + "(doFinally), or use withLock. acquire() was called at:\n\tat "
                    + PermitLeakTest.class.getName() + ".acquireAndDrop(PermitLeakTest.java:");
        });
        assertThat(lock.locked()).as("the report changes nothing").isTrue();
    }

    @Test
    void aReleasedPermitAnOffPrimitiveAndAnOwnerlessReleaseAreNotReported() throws InterruptedException {
        Semaphore control = Semaphore.create(prefix + "control", 3);
        Semaphore released = Semaphore.create(prefix + "released", 3);
        Semaphore off = Semaphore.create(prefix + "off", 3, DeadlockPolicy.OFF);
        Semaphore signal = Semaphore.create(prefix + "signal", 0);
        Lock ownerless = Lock.create(prefix + "ownerless");

        acquireAndDrop(control);
        released.acquire().block(Duration.ofSeconds(1)).release();
        released.tryAcquire().orElseThrow().release();
        acquireAndDrop(off);
        // A semaphore used as a signal, asyncio style: the permit object is dropped, release() names no permit.
        signal.release();
        acquireAndDrop(signal);
        acquireAndDrop(ownerless);
        ownerless.release();

        collectUntilReported("control");
        assertThat(leaks("released")).isEmpty();
        assertThat(leaks("off")).isEmpty();
        assertThat(leaks("signal")).isEmpty();
        assertThat(leaks("ownerless")).isEmpty();
    }

    @Test
    void samplingZeroTurnsTheNetOff() throws InterruptedException {
        Semaphore control = Semaphore.create(prefix + "on", 1);
        Diagnostics.sampleLeaks(0);
        assertThat(Diagnostics.leakSamplingInterval()).isZero();
        Semaphore unsampled = Semaphore.create(prefix + "unsampled", 1);
        acquireAndDrop(unsampled);
        unsampled.tryAcquire().ifPresent(p -> { });
        Diagnostics.sampleLeaks(1);
        acquireAndDrop(control);
        collectUntilReported("on");
        assertThat(leaks("unsampled")).isEmpty();
    }

    @Test
    void oneInNSamplesAboutOneInN() {
        Diagnostics.sampleLeaks(128);
        Semaphore sem = Semaphore.create(prefix + "sampled", 1);
        int sampled = 0;
        for (int i = 0; i < 128_000; i++) {
            if (LeakNet.sample(sem instanceof PermitSource s ? s.queue : null) != null) {
                sampled++;
            }
        }
        // Binomial(128000, 1/128): mean 1000, standard deviation 31.5; 6 sigma either way.
        assertThat(sampled).isBetween(810, 1190);
        assertThatThrownBy(() -> Diagnostics.sampleLeaks(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("oneIn must be >= 0, was -1");
    }
}
