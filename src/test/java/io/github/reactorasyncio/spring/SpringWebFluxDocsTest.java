package io.github.reactorasyncio.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * docs/spring-webflux.md as a user follows it: every {@code properties} block of the page, read out of the
 * markdown, is pasted into the {@code application.properties} of a real Spring Boot WebFlux app (Boot's own
 * properties loader reads it), which must start and do what the page says; the validation message the page quotes
 * is the one start-up prints.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringWebFluxDocsTest {

    private static final Path PAGE = Path.of("docs/spring-webflux.md");

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    private static List<String> propertiesBlocks() throws IOException {
        Matcher blocks = Pattern.compile("```properties\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(PAGE));
        List<String> found = new ArrayList<>();
        while (blocks.find()) {
            found.add(blocks.group(1));
        }
        return found;
    }

    private static ConfigurableApplicationContext start(Path dir, String applicationProperties) throws IOException {
        Path file = Files.writeString(dir.resolve("application.properties"), applicationProperties);
        return new SpringApplicationBuilder(App.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .run("--spring.config.location=file:" + file);
    }

    @Test
    void everyPropertiesBlockStartsTheAppAsWritten(@TempDir Path dir) throws IOException {
        List<String> blocks = propertiesBlocks();
        assertThat(blocks).as("the page's properties blocks").hasSizeGreaterThanOrEqualTo(2);
        for (String block : blocks) {
            try (ConfigurableApplicationContext app = start(dir, block)) {
                assertThat(app.isActive()).as(block).isTrue();
            }
        }
    }

    @Test
    void theTwoPropertiesLimitBothDirectionsAndTheMetricsCanBeRead(@TempDir Path dir) throws IOException {
        try (ConfigurableApplicationContext app = start(dir, String.join("\n", propertiesBlocks()))) {
            ReactorAsyncioProperties properties = app.getBean(ReactorAsyncioProperties.class);
            assertThat(properties.getInbound().getMaxConcurrent()).isEqualTo(10);
            assertThat(properties.getOutbound().getMaxConcurrent()).isEqualTo(4);
            assertThat(app.getBean(ConcurrencyLimitRegistry.class).find("inbound").orElseThrow().maxConcurrent())
                    .isEqualTo(10);
            int port = ((ReactiveWebServerApplicationContext) app).getWebServer().getPort();
            String meter = WebClient.create("http://127.0.0.1:" + port).get()
                    .uri("/actuator/metrics/reactor.asyncio.permits.available?tag=name:inbound")
                    .retrieve().bodyToMono(String.class).block();
            // 9, not 10: the metrics request is itself an inbound request holding one of the 10 permits.
            assertThat(meter).contains("\"name\":\"reactor.asyncio.permits.available\"").contains("\"value\":9.0");
        }
    }

    /** The page quotes, between "e.g. for `inbound.max-concurrent=-1`:" and the next sentence, what is printed. */
    @Test
    void theQuotedValidationMessageIsWhatStartUpPrints(@TempDir Path dir, CapturedOutput output) throws IOException {
        assertThatThrownBy(() -> start(dir, "reactor.asyncio.inbound.max-concurrent=-1\n").close());
        Matcher quoted = Pattern.compile("for `inbound.max-concurrent=-1`:\\s*\n?```\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(PAGE));
        assertThat(quoted.find()).as("the page quotes the message in a block").isTrue();
        for (String line : quoted.group(1).strip().split("\n")) {
            assertThat(output.getOut() + output.getErr()).contains(line.strip());
        }
    }
}
