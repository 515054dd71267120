package io.github.reactorasyncio.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import io.github.reactorasyncio.sync.Semaphore;
import org.junit.jupiter.api.Test;

/** Defaults, derivation, and the exact message for each misuse. */
class FetchOptionsTest {

    @Test
    void defaults() {
        FetchOptions o = FetchOptions.defaults();
        assertThat(o.concurrency()).isEqualTo(10);
        assertThat(o.method()).isEqualTo("GET");
        assertThat(o.maxBodyBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(o.maxRedirects()).isEqualTo(5);
        assertThat(o.compress()).isTrue();
        assertThat(o.http2()).isFalse();
        assertThat(o.h2c()).isFalse();
        assertThat(o.retries()).isZero();
        assertThat(o.sharedLimit()).isNull();
        assertThat(o).hasToString("FetchOptions[fetch, concurrency 10, GET, connect PT5S, response PT10S, "
                + "timeout PT30S, redirects 5, maxBody 4194304, gzip, retries 0]");
    }

    @Test
    void toBuilderDerivesWithoutChangingTheOriginal() {
        Semaphore api = Semaphore.create("api", 3);
        FetchOptions base = FetchOptions.builder().concurrency(3).sharedLimit(api).build();
        FetchOptions derived = base.toBuilder().ordered(true).method("post").retries(2).build();
        assertThat(base.ordered()).isFalse();
        assertThat(derived.ordered()).isTrue();
        assertThat(derived.method()).isEqualTo("POST");
        assertThat(derived.sharedLimit()).isSameAs(api);
        assertThat(derived.toString()).contains("retries 2 (backoff PT0.1S..PT5S, jitter 0.5)", "shared limit api");
    }

    @Test
    void onlyIdempotentMethodsAreRetriedUnlessAsked() {
        assertThat(FetchOptions.builder().retries(1).build().mayRetry()).isTrue();
        assertThat(FetchOptions.builder().retries(1).method("PUT").build().mayRetry()).isTrue();
        assertThat(FetchOptions.builder().retries(1).method("POST").build().mayRetry()).isFalse();
        assertThat(FetchOptions.builder().retries(1).method("PATCH").retryNonIdempotent(true).build().mayRetry())
                .isTrue();
        assertThat(FetchOptions.builder().retries(0).build().mayRetry()).isFalse();
    }

    @Test
    void misuseMessagesNameTheArgumentAndValue() {
        FetchOptions.Builder b = FetchOptions.builder();
        assertThatThrownBy(() -> b.concurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concurrency must be at least 1 (was 0)");
        assertThatThrownBy(() -> b.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be positive (was PT0S)");
        assertThatThrownBy(() -> b.timeout(null)).isInstanceOf(NullPointerException.class).hasMessage("timeout");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(-1)))
                .hasMessage("connectTimeout must be positive (was PT-1S)");
        assertThatThrownBy(() -> b.maxRedirects(-1)).hasMessage("maxRedirects must not be negative (was -1)");
        assertThatThrownBy(() -> b.maxBodyBytes(-5)).hasMessage("maxBodyBytes must not be negative (was -5)");
        assertThatThrownBy(() -> b.retries(-1)).hasMessage("retries must not be negative (was -1)");
        assertThatThrownBy(() -> b.retryJitter(1.5)).hasMessage("retryJitter must be in [0, 1] (was 1.5)");
        assertThatThrownBy(() -> b.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("retry backoff max PT1S is below first PT2S");
        assertThatThrownBy(() -> b.method("GE T")).hasMessage("method must be an HTTP method token (was \"GE T\")");
        assertThatThrownBy(() -> b.method(null)).isInstanceOf(NullPointerException.class).hasMessage("method");
        assertThatThrownBy(() -> b.name(" ")).hasMessage("name must not be blank");
        assertThatThrownBy(() -> b.timerScheduler(null)).hasMessage("timerScheduler");
        assertThatThrownBy(() -> Fetcher.create(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("options");
    }

    @Test
    void fetcherArgumentsAreChecked() {
        try (Fetcher fetcher = Fetcher.create()) {
            assertThatThrownBy(() -> fetcher.fetch(null)).isInstanceOf(NullPointerException.class).hasMessage("url");
            assertThatThrownBy(() -> fetcher.fetchAll((Iterable<String>) null)).hasMessage("urls");
            assertThat(fetcher.toString()).startsWith("Fetcher[fetch, limit 10, in flight 0 (max 0), requests 0");
            assertThat(fetcher.isDisposed()).isFalse();
            fetcher.close();
            assertThat(fetcher.isDisposed()).isTrue();
            assertThat(fetcher.toString()).endsWith(", closed]");
        }
    }
}
