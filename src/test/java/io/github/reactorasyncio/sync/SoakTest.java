package io.github.reactorasyncio.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof of issue 12: a seeded randomized soak ({@link Soak}) of every permit operation, BoundedSemaphore, Lock,
 * Condition, nested semaphores and Queue on parallel/boundedElastic/single with ~30 % cancels, checking
 * <ul>
 *   <li>the limit: work counted inside itself (from its subscription to its end or to the cancel reaching it)
 *       never above a primitive's permits, for a Lock never two; a Condition's sections (before and after each
 *       await) run only while the lock is held; with {@code soak.strictCallbacks} also no two callbacks of works
 *       over the permits running at the same instant;</li>
 *   <li>after quiescence: every permit back (available = capacity = its initial count, none in use), nobody
 *       waiting on any primitive, every operation's subscription ended, the queue's books balanced (each item
 *       received once, none invented, none of a completed put lost);</li>
 *   <li>0 false deadlock reports or {@code DeadlockException}s (every primitive under {@code DETECT}, shapes that
 *       never deadlock), 0 ERROR logs from any logger, 0 errors dropped other than the work's own late errors
 *       (counted separately), 0 permits dropped, 0 blocking calls on non-blocking threads (BlockHound).</li>
 * </ul>
 *
 * <p>Short form (in {@code mvn verify}): {@value #SHORT_OPS} operations. The 10^6 form: {@code mvn -Psoak test}.
 * Every failure prints the seed as a one-command replay. Properties: {@code soak.seed}, {@code soak.ops},
 * {@code soak.concurrency} (64 operations in flight), {@code soak.cancelPercent} (35 % of the operations, every kind may be cancelled), {@code soak.only} /
 * {@code soak.exclude} (operation names of {@link Soak.Op}), {@code soak.neverCancelled} (operations run without
 * cancels), {@code soak.policy} (DETECT), {@code soak.conditionPolicy}, {@code soak.strictCallbacks},
 * {@code soak.limitSlack}, {@code soak.trace} (print each violating hold's events), {@code soak.tolerateEmptySubscriberLogs}, {@code soak.maxSeconds}. The defaults of the policy, slack and tolerance (and of the exclusions) are the mix today's engine
 * passes: see {@link Soak#KNOWN_DEFECT_EXCLUSIONS} (empty since session 10) and docs/semantics.md ("Soak").
 */
@Timeout(7200) // the soak bounds its own run (soak.maxSeconds); this only lifts the suite's 120 s default
class SoakTest {

    static final int SHORT_OPS = 30_000;

    @Test
    void noPermitLostOrLeakedNoLimitExceededNoStrandedWaiterNoFalseDeadlockNoErrorLog() throws IOException {
        Soak.Config config = Soak.Config.fromSystemProperties(SHORT_OPS);
        Soak.Result result = new Soak(config).run();
        System.out.println(result.summary());
        Path out = Path.of("target", "soak-summary.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, result.summary() + System.lineSeparator() + (result.violations().isEmpty() ? "PASSED"
                : "FAILED " + result.violations()) + System.lineSeparator() + "replay: " + config.replay()
                + System.lineSeparator() + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(result.violations())
                .as("soak failed; replay with:%n  %s%n%s", config.replay(), result.summary())
                .isEmpty();
    }
}
