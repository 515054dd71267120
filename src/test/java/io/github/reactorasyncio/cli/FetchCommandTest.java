package io.github.reactorasyncio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The CLI: usage errors as one line with exit 2, the summary and JSON shapes, exit codes 0 and 1, the demo. */
class FetchCommandTest {

    static DemoServer server;

    @BeforeAll
    static void start() {
        server = DemoServer.builder().latency(Duration.ofMillis(1)).jitter(Duration.ZERO).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        return runWithStdin("", args);
    }

    static Run runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int code = FetchCommand.run(new PrintWriter(out), new PrintWriter(err), in, args);
        return new Run(code, out.toString(), err.toString());
    }

    static void assertUsageError(Run run, String line) {
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).containsExactly(line);
    }

    @Test
    void usageErrorsAreOneLineAndExit2() {
        assertUsageError(run("--bogus"), "fetch: Unknown option: '--bogus' (see fetch --help)");
        assertUsageError(run("--concurrency", "0"), "fetch: --concurrency must be at least 1 (was 0) (see fetch --help)");
        assertUsageError(run("--concurrency", "ten"),
                "fetch: Invalid value for option '--concurrency': 'ten' is not an int (see fetch --help)");
        assertUsageError(run("--timeout", "soon"), "fetch: Invalid value for option '--timeout': 'soon' is not a "
                + "duration (use e.g. 500ms, 10s, 2m) (see fetch --help)");
        assertUsageError(run("--max-body", "lots"), "fetch: Invalid value for option '--max-body': 'lots' is not a "
                + "size (use e.g. 1000, 64KiB, 4MiB) (see fetch --help)");
        assertUsageError(run("--count", "5", "http://127.0.0.1/"),
                "fetch: --count and --demo-* apply only to the demo run (no URL given) (see fetch --help)");
        assertUsageError(run("--urls-file", "/nonexistent/urls.txt"),
                "fetch: cannot read --urls-file /nonexistent/urls.txt: NoSuchFileException /nonexistent/urls.txt "
                        + "(see fetch --help)");
        assertUsageError(run("--demo-error-rate", "2"),
                "fetch: --demo-error-rate must be between 0 and 1 (was 2.0) (see fetch --help)");
    }

    @Test
    void helpListsOptionsAndExitCodes() {
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--concurrency=N", "--urls-file=FILE", "--json", "Exit codes:",
                "2   bad usage");
    }

    @Test
    void demoRunFetchesFromTheEmbeddedServerWithinTheLimit() {
        Run run = run("--count", "60", "--demo-latency", "2ms", "--demo-jitter", "1ms", "--concurrency", "10");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("requests       60", "answered       60 (2xx: 60)", "statuses       200: 60",
                "errors         none", "requests/s", "latency        p50 ");
        assertThat(run.out()).containsPattern("max in flight  ([1-9]|10) \\(limit 10; the demo server saw at most "
                + "([1-9]|10)\\)");
        assertThat(run.err()).startsWith("fetch: 60 URLs from the embedded demo server http://127.0.0.1:")
                .contains("fetch: 60/60 (100%), 0 failed, 0 in flight");
    }

    @Test
    void jsonReportShape() {
        Run run = run("--count", "30", "--demo-latency", "1ms", "--demo-jitter", "0ms", "-c", "5", "--json", "-q");
        assertThat(run.code()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode json = JsonMapper.builder().build().readTree(run.out());
        assertThat(json.get("requests").asLong()).isEqualTo(30);
        assertThat(json.get("answered").asLong()).isEqualTo(30);
        assertThat(json.get("ok").asLong()).isEqualTo(30);
        assertThat(json.get("failed").asLong()).isZero();
        assertThat(json.get("statuses").get("200").asLong()).isEqualTo(30);
        assertThat(json.get("errors").size()).isZero();
        assertThat(json.get("limit").asInt()).isEqualTo(5);
        assertThat(json.get("maxInFlight").asInt()).isBetween(1, 5);
        assertThat(json.get("demoServer").get("maxInFlight").asInt()).isBetween(1, 5);
        assertThat(json.get("demoServer").get("requests").asLong()).isEqualTo(30);
        assertThat(json.get("latencyMillis").propertyNames()).containsExactly("p50", "p90", "p99");
        assertThat(json.get("elapsedMillis").isNumber()).isTrue();
        assertThat(json.get("requestsPerSecond").isNumber()).isTrue();
        assertThat(json.get("failures").isArray()).isTrue();
        assertThat(json.get("failures").size()).isZero();
    }

    @Test
    void someFailedExits1AndListsThem() {
        Run run = run("--json", "-q", server.url("/item/1"), "http://nonexistent.invalid/", "ftp://x/",
                server.url("/status/404"));
        assertThat(run.code()).isEqualTo(1);
        JsonNode json = JsonMapper.builder().build().readTree(run.out());
        assertThat(json.get("requests").asLong()).isEqualTo(4);
        assertThat(json.get("answered").asLong()).isEqualTo(2);
        assertThat(json.get("statuses").get("404").asLong()).isEqualTo(1);
        assertThat(json.get("errors").get("UNKNOWN_HOST").asLong()).isEqualTo(1);
        assertThat(json.get("errors").get("UNSUPPORTED_SCHEME").asLong()).isEqualTo(1);
        List<String> failedUrls = new ArrayList<>();
        json.get("failures").forEach(f -> failedUrls.add(f.get("index").asInt() + " " + f.get("url").asString()
                + " " + f.get("errorKind").asString()));
        assertThat(failedUrls).containsExactlyInAnyOrder("1 http://nonexistent.invalid/ UNKNOWN_HOST",
                "2 ftp://x/ UNSUPPORTED_SCHEME");
    }

    @Test
    void textSummaryListsFailures() {
        Run run = run("-q", "http://nonexistent.invalid/", server.url("/item/1"));
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("errors         UNKNOWN_HOST: 1", "failures:",
                "  #0 http://nonexistent.invalid/  UNKNOWN_HOST: unknown host nonexistent.invalid");
    }

    @Test
    void errorStatusesStillExit0AndUrlsComeFromStdinWithRepeat() {
        String list = "# a comment\n" + server.url("/status/404") + "\n\n" + server.url("/status/503") + "\n";
        Run run = runWithStdin(list, "--urls-file", "-", "--repeat", "3", "-q");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("requests       6", "statuses       404: 3, 503: 3");
    }

    @Test
    void urlsFileIsRead(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("urls.txt"), server.url("/item/1") + "\n" + server.url("/item/2"));
        Run run = run("--urls-file", file.toString(), "-q", server.url("/item/3"));
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("requests       3");
    }

    @Test
    void jsonLinesGiveOneObjectPerResultThenTheSummary() {
        Run run = run("--jsonl", "-q", server.url("/item/1"), "http://nonexistent.invalid/", server.url("/status/404"));
        assertThat(run.code()).isEqualTo(1);
        List<JsonNode> lines = run.out().lines().map(JsonMapper.builder().build()::readTree).toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 3)).allSatisfy(l -> assertThat(l.get("type").asString()).isEqualTo("result"));
        assertThat(lines.subList(0, 3).stream().map(l -> l.get("index").asInt() + " " + (l.has("status")
                ? l.get("status").asInt() : l.get("errorKind").asString()))).containsExactlyInAnyOrder("0 200",
                "1 UNKNOWN_HOST", "2 404");
        JsonNode summary = lines.get(3);
        assertThat(summary.get("type").asString()).isEqualTo("summary");
        assertThat(summary.get("requests").asLong()).isEqualTo(3);
        assertThat(summary.get("errors").get("UNKNOWN_HOST").asLong()).isEqualTo(1);
        assertThat(summary.has("failures")).isFalse();
        assertUsageError(run("--json", "--jsonl"),
                "fetch: --json and --jsonl are two forms of the same output: choose one (see fetch --help)");
    }

    /** --json lists the first failures by input position, a bounded number, and counts the others. */
    @Test
    void theJsonFailureListIsCapped() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        int count = FetchCommand.JSON_FAILURES_LISTED + 30;
        Run run = runWithStdin("http://127.0.0.1:" + port + "/\n", "--json", "-q", "--urls-file", "-", "--repeat",
                Integer.toString(count), "-c", "20");
        assertThat(run.code()).isEqualTo(1);
        JsonNode json = JsonMapper.builder().build().readTree(run.out());
        assertThat(json.get("failed").asLong()).isEqualTo(count);
        assertThat(json.get("failures").size()).isEqualTo(FetchCommand.JSON_FAILURES_LISTED);
        assertThat(json.get("failuresNotListed").asLong()).isEqualTo(30);
        List<Integer> indexes = new ArrayList<>();
        json.get("failures").forEach(f -> indexes.add(f.get("index").asInt()));
        assertThat(indexes).isEqualTo(IntStream.range(0, FetchCommand.JSON_FAILURES_LISTED).boxed().toList());
    }

    @Test
    void aByteOrderMarkStartingTheUrlFileIsNotPartOfTheFirstUrl(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("urls.txt"), "\uFEFF" + server.url("/item/1") + "\n");
        Run run = run("--urls-file", file.toString(), "-q");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("answered       1 (2xx: 1)");
    }

    @Test
    void aBinaryUrlFileIsCalledWhatItIs(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("urls.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        assertUsageError(run("--urls-file", file.toString()), "fetch: cannot read --urls-file " + file
                + ": line 1 is not UTF-8 text: is this a binary file? (want one URL per line, UTF-8) (see fetch --help)");
    }

    /**
     * stdout carries results alone. The JVM runs with the test class path, where Logback would print Reactor
     * Netty's per-request warnings on stdout: against a server that does not speak HTTP and a closed port, every
     * line of --jsonl still parses, and so does --json as a whole.
     */
    @Test
    void stdoutIsOnlyResultsAgainstHostileServers() throws IOException, InterruptedException {
        try (NotHttpServer hostile = new NotHttpServer()) {
            int closedPort;
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = closed.getLocalPort();
            }
            String[] urls = {"http://127.0.0.1:" + hostile.port() + "/", "http://127.0.0.1:" + closedPort + "/",
                    server.url("/item/1")};
            List<String> args = new ArrayList<>(List.of("--repeat", "10", "--timeout", "2s"));
            args.addAll(List.of(urls));

            Main jsonl = runMainCapturing(concat(args, "--jsonl"));
            assertThat(jsonl.code()).isEqualTo(1);
            List<JsonNode> lines = jsonl.out().lines().map(JsonMapper.builder().build()::readTree).toList();
            assertThat(lines).hasSize(31);
            assertThat(lines.get(30).get("type").asString()).isEqualTo("summary");
            assertThat(lines.get(30).get("requests").asLong()).isEqualTo(30);

            Main json = runMainCapturing(concat(args, "--json"));
            assertThat(JsonMapper.builder().build().readTree(json.out()).get("requests").asLong()).isEqualTo(30);
        }
    }

    /** jq, the tool a JSON Lines user pipes into, reads the output. CI installs jq (.ci/run): there it must run. */
    @Test
    void jsonLinesPipeIntoJq() throws IOException, InterruptedException {
        boolean haveJq = new ProcessBuilder("sh", "-c", "command -v jq").start().waitFor() == 0;
        assumeTrue(haveJq || "true".equals(System.getenv("CI")), "jq is not installed (and this is not CI)");
        assertThat(haveJq).as("jq is installed (.ci/run installs it)").isTrue();
        Path output = Files.createTempFile("fetch", ".jsonl");
        List<String> args = new ArrayList<>(List.of("--jsonl", "-q", "--count", "25", "--demo-latency", "1ms"));
        Main fetch = runMainCapturing(args);
        Files.writeString(output, fetch.out());
        Process jq = new ProcessBuilder("jq", "-e", "-s",
                "(map(select(.type == \"result\" and .status == 200)) | length) == 25 and last.type == \"summary\" "
                        + "and last.ok == 25").redirectInput(output.toFile()).redirectErrorStream(true).start();
        String verdict = new String(jq.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(jq.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(verdict).isEqualTo("true");
        assertThat(jq.exitValue()).isZero();
        Files.delete(output);
    }

    private static List<String> concat(List<String> args, String more) {
        List<String> all = new ArrayList<>(args);
        all.add(0, more);
        all.add(0, "-q");
        return all;
    }

    record Main(int code, String out) {
    }

    /** main in its own JVM on the test class path; stdout captured alone (stderr discarded). */
    static Main runMainCapturing(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FetchCommand.class.getName()));
        command.addAll(args);
        Path out = Files.createTempFile("fetch-stdout", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the JVM exits on its own").isTrue();
        String stdout = Files.readString(out);
        Files.delete(out);
        return new Main(process.exitValue(), stdout);
    }

    /** Accepts connections and answers each request with bytes that are not HTTP, then closes. */
    static final class NotHttpServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread acceptor = new Thread(this::serve, "not-http");

        NotHttpServer() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    client.getInputStream().read(new byte[4096]);
                    client.getOutputStream().write("\0\1 not http\n\n".repeat(20).getBytes(StandardCharsets.ISO_8859_1));
                }
                catch (IOException closedOrReset) {
                    // the next accept tells which
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The real entry point in its own JVM: the exit code reaches the process and the JVM does not linger. */
    @Test
    void mainExitsPromptlyWithTheExitCode() throws IOException, InterruptedException {
        assertThat(runMain("--count", "20", "--demo-latency", "1ms", "-q")).isZero();
        assertThat(runMain("-q", "http://nonexistent.invalid/")).isEqualTo(1);
        assertThat(runMain("--concurrency", "-1")).isEqualTo(2);
    }

    /**
     * The text report needs no JSON mapper: building Jackson's first one took ~0.25 s before the first request of the
     * cold seed scenario, for every format. It is built for the JSON formats only.
     */
    @Test
    void theTextReportLoadsNoJsonLibraryAndTheJsonOneDoes(@TempDir Path dir) throws IOException, InterruptedException {
        Path text = dir.resolve("text-classes.log");
        Path json = dir.resolve("json-classes.log");
        assertThat(runMain(List.of("-Xlog:class+load=info:file=" + text), "--count", "5", "--demo-latency", "1ms",
                "-q")).isZero();
        assertThat(runMain(List.of("-Xlog:class+load=info:file=" + json), "--count", "5", "--demo-latency", "1ms",
                "-q", "--json")).isZero();
        // The verifier loads the few Jackson types FetchCommand's methods name (ObjectMapper, ObjectNode, ...);
        // building a mapper loads its builder and hundreds of serializer classes (466 Jackson classes before).
        assertThat(Files.readString(text)).contains("io.github.reactorasyncio.cli.FetchCommand")
                .doesNotContain("tools.jackson.databind.json.JsonMapper$Builder")
                .doesNotContain("tools.jackson.databind.ser.");
        assertThat(Files.readString(json)).contains("tools.jackson.databind.json.JsonMapper$Builder")
                .contains("tools.jackson.databind.ser.");
    }

    static int runMain(String... args) throws IOException, InterruptedException {
        return runMain(List.of(), args);
    }

    static int runMain(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FetchCommand.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "fetch-main-test.log")).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the JVM exits on its own").isTrue();
        return process.exitValue();
    }
}
