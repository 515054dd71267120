package io.github.reactorasyncio.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    void successMayHoldNullLikeAsyncioNone() {
        Outcome<String> none = Outcome.success(null);
        assertThat(none.isSuccess()).isTrue();
        assertThat(none).isEqualTo(new Outcome.Success<String>(null));
    }

    @Test
    void failureRequiresAnError() {
        assertThat(Outcome.failure(new RuntimeException()).isSuccess()).isFalse();
        assertThatThrownBy(() -> Outcome.failure(null)).isInstanceOf(NullPointerException.class).hasMessage("error");
    }
}
