package io.github.reactorasyncio.cli;

import io.github.reactorasyncio.http.Fetcher;
import io.github.reactorasyncio.http.FetchSummary;
import io.github.reactorasyncio.http.FetchResult;
import io.github.reactorasyncio.http.FetchOptions;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.netty.http.HttpResources;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code fetch} command: fetches URLs with a bounded number in flight and prints what happened. With no URL
 * it is the seeds' headline program — 1000 fetches, at most 10 in flight — against an embedded
 * {@link DemoServer}, so it runs on a machine without internet: {@code mvn -q compile exec:java}.
 *
 * <p>Streams: URLs are read as turns free up and each result is counted and dropped, so memory does not grow with
 * the number of URLs. Output: progress on stderr (redrawn on a terminal, a line a second otherwise, none with
 * {@code --quiet}); on stdout, and nothing else there, a summary, one JSON object with {@code --json}, or with
 * {@code --jsonl} one JSON line per result as it completes and a summary line. Exit codes: 0 every URL answered (any status), 1
 * some got no answer, 2 bad usage (one line on stderr). See docs/fetch.md.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true, version = "fetch (reactor-asyncio) 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Fetches URLs with at most --concurrency requests in flight and prints a summary: statuses, errors by "
                    + "kind, the most requests ever in flight, throughput and latency percentiles.",
            "With no URL (and no --urls-file) it starts an embedded demo server on 127.0.0.1 and fetches --count "
                    + "URLs from it: the asyncio seed program (1000 fetches, at most 10 in flight)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every URL was answered (any HTTP status, 4xx and 5xx included)",
            "1:some URLs got no answer (unknown host, refused, timeout, ...)",
            "2:bad usage"})
public final class FetchCommand implements Callable<Integer> {

    static final int ALL_ANSWERED = 0;
    static final int SOME_FAILED = 1;
    static final int USAGE = 2;
    /** Failures the text summary lists (the first by input position). */
    private static final int FAILURES_LISTED = 10;
    /** Failures the --json report lists: bounded, so the report's size does not grow with the batch. */
    static final int JSON_FAILURES_LISTED = 100;

    private enum Format { TEXT, JSON, JSONL }

    private Format format;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "URL", arity = "0..*", description = "URLs to fetch (http or https).")
    List<String> urls = new ArrayList<>();

    @Option(names = "--urls-file", paramLabel = "FILE",
            description = "Also read URLs from FILE, one per line ('-' reads stdin; blank lines and # comments "
                    + "are skipped).")
    String urlsFile;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "10",
            description = "At most N requests in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Fetch the whole list N times (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Longest one attempt may take, connect to last byte (default: ${DEFAULT-VALUE}). "
                    + "Durations: 500ms, 10s, 2m, or ISO-8601 (PT10S).")
    Duration timeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class, description = "TCP connect timeout (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "0",
            description = "Retry transient failures and 5xx/429 answers up to N times, with exponential backoff "
                    + "and jitter, honouring Retry-After; idempotent methods only (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--max-redirects", paramLabel = "N", defaultValue = "5",
            description = "Follow up to N redirects; 0 reports 3xx as they are (default: ${DEFAULT-VALUE}).")
    int maxRedirects;

    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "4MiB", converter = SizeConverter.class,
            description = "Largest body read; a longer one is an error and its connection is aborted "
                    + "(default: ${DEFAULT-VALUE}; sizes: 1000, 64KiB, 4MiB).")
    long maxBody;

    @Option(names = {"-X", "--method"}, paramLabel = "METHOD", defaultValue = "GET",
            description = "Request method (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--ordered", description = "Report results in input order (default: completion order).")
    boolean ordered;

    @Option(names = "--http2", description = "Offer HTTP/2 (ALPN on https, h2c upgrade on http).")
    boolean http2;

    @Option(names = "--json", description = "Print one JSON report on stdout instead of the text summary (its "
            + "failure list holds the first " + JSON_FAILURES_LISTED + " by input position).")
    boolean json;

    @Option(names = "--jsonl", description = "JSON Lines on stdout: one object per result as it completes, then "
            + "one summary object.")
    boolean jsonl;

    @Option(names = {"-q", "--quiet"}, description = "No progress and no banner on stderr; only the summary.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Also say on stderr which network transport runs.")
    boolean verbose;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1000",
            description = "Demo run only: how many URLs to fetch from the demo server (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--demo-latency", paramLabel = "DURATION", defaultValue = "50ms",
            converter = DurationConverter.class,
            description = "Demo run only: the server's mean latency (default: ${DEFAULT-VALUE}).")
    Duration demoLatency;

    @Option(names = "--demo-jitter", paramLabel = "DURATION", defaultValue = "20ms",
            converter = DurationConverter.class,
            description = "Demo run only: latency spread, +/- (default: ${DEFAULT-VALUE}).")
    Duration demoJitter;

    @Option(names = "--demo-error-rate", paramLabel = "P", defaultValue = "0",
            description = "Demo run only: probability of a 503 per request (default: ${DEFAULT-VALUE}).")
    double demoErrorRate;

    private final InputStream stdin;

    private FetchCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    /**
     * Runs the command on the process's standard streams and exits the JVM with its exit code (0 every URL
     * answered, 1 some got no answer, 2 bad usage).
     *
     * @param args the command line, as {@code fetch --help} describes it; none runs the demo
     */
    public static void main(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        // First, before Reactor or Netty create a logger: their messages go to stderr, few and one line each.
        Diagnostics diagnostics = Diagnostics.install(err);
        int code = run(new PrintWriter(System.out, true, StandardCharsets.UTF_8), err, System.in, args);
        diagnostics.flush();
        stopEventLoops();
        // Explicit exit: the exit code must reach the shell (also under `mvn exec:java`, which runs in Maven's
        // JVM), and nothing left running may delay it.
        System.exit(code);
    }

    /**
     * Stops Reactor Netty's shared event loops (the fetcher's and the demo server's), without a quiet period, and
     * waits (at most a second) until they have. Why: System.exit waits up to 300 ms for every thread that is in
     * native code, and an idle event loop is, blocked in epoll_wait; measured, those 300 ms were all of the time
     * from the summary to the process's end (docs/performance.md, "Cold start", session 8). The loops are the
     * process's, not the command's, so only {@link #main} stops them, never {@link #run} (which tests call).
     */
    private static void stopEventLoops() {
        try {
            HttpResources.disposeLoopsAndConnectionsLater(Duration.ZERO, Duration.ofSeconds(1))
                    .block(Duration.ofSeconds(1));
        }
        catch (RuntimeException notStoppedInTime) {
            // Exit anyway: the JVM's own wait is bounded too.
        }
    }

    /** Runs the command with the given streams and returns its exit code (never calls System.exit). */
    static int run(PrintWriter out, PrintWriter err, InputStream stdin, String... args) {
        CommandLine cli = new CommandLine(new FetchCommand(stdin));
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, ignored) -> {
            ex.getCommandLine().getErr().println("fetch: " + ex.getMessage() + " (see fetch --help)");
            ex.getCommandLine().getErr().flush();
            return USAGE;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        validate();
        boolean demo = urls.isEmpty() && urlsFile == null;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (verbose) {
            err.println("fetch: transport " + Transport.describe());
        }
        FetchOptions options = FetchOptions.builder()
                .concurrency(concurrency)
                .ordered(ordered)
                .method(method)
                .timeout(timeout)
                .connectTimeout(connectTimeout)
                .retries(retries)
                .maxRedirects(maxRedirects)
                .maxBodyBytes(maxBody)
                .http2(http2)
                .h2c(http2)
                .build();
        DemoServer server = demo ? DemoServer.builder().latency(demoLatency).jitter(demoJitter)
                .errorRate(demoErrorRate).start() : null;
        try (Fetcher fetcher = Fetcher.create(options)) {
            Flux<String> targets = demo ? Flux.range(0, count).map(server::itemUrl) : readTargets();
            // The number of URLs, for the progress line: known without reading them, except from stdin; a file is
            // read through once here (one line at a time), which also reports an unreadable one before any fetch.
            long total = demo ? count : urlsFile == null ? urls.size()
                    : urlsFile.equals("-") ? -1 : targets.count().block();
            total = total < 0 ? -1 : total * repeat;
            if (!quiet) {
                err.println(demo
                        ? String.format(Locale.ROOT, "fetch: %d URLs from the embedded demo server %s (latency %s "
                                + "± %s%s), at most %d in flight", total, server.baseUrl(), human(demoLatency),
                                human(demoJitter), demoErrorRate > 0 ? ", error rate " + demoErrorRate : "",
                                concurrency)
                        : total < 0 ? String.format(Locale.ROOT, "fetch: URLs from stdin, at most %d in flight",
                                concurrency)
                        : String.format(Locale.ROOT, "fetch: %d URLs, at most %d in flight", total, concurrency));
                err.flush();
            }
            FetchSummary.Builder tally = FetchSummary.builder();
            Failures failures = new Failures(format == Format.JSON ? JSON_FAILURES_LISTED : FAILURES_LISTED);
            // Jackson's first mapper loads ~0.25 s of classes before the first request (cold seed scenario, no
            // class-data archive): built only for the JSON formats, and for JSON only once the fetch is over.
            ObjectMapper streaming = format == Format.JSONL ? JsonMapper.builder().build() : null;
            long start = System.nanoTime();
            try (Progress progress = progress(total, err, fetcher)) {
                fetcher.fetchAll(targets.repeat(repeat - 1L))
                        .doOnNext(r -> {
                            tally.add(r);
                            failures.add(r);
                            progress.step(r);
                            if (format == Format.JSONL) {
                                out.println(streaming.writeValueAsString(resultJson(streaming, r)));
                                out.flush();
                            }
                        })
                        .blockLast();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            FetchSummary summary = tally.build(concurrency, fetcher.statistics().maxInFlight(), elapsed);
            DemoServerStatistics serverStats = demo ? server.statistics() : null;
            ObjectMapper mapper = format == Format.JSON ? JsonMapper.builder().build() : streaming;
            switch (format) {
                case TEXT -> printText(out, summary, failures, serverStats);
                case JSON -> {
                    ObjectNode report = summaryJson(mapper.createObjectNode(), summary, serverStats);
                    ArrayNode listed = report.putArray("failures");
                    failures.lowestIndexes().forEach(r -> listed.add(resultJson(mapper, r)));
                    report.put("failuresNotListed", summary.failed() - failures.size());
                    out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report));
                }
                case JSONL -> out.println(mapper.writeValueAsString(
                        summaryJson(mapper.createObjectNode().put("type", "summary"), summary, serverStats)));
            }
            out.flush();
            return summary.failed() == 0 ? ALL_ANSWERED : SOME_FAILED;
        }
        finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private void validate() {
        atLeast(concurrency, 1, "--concurrency");
        atLeast(repeat, 1, "--repeat");
        atLeast(retries, 0, "--retries");
        atLeast(maxRedirects, 0, "--max-redirects");
        atLeast(count, 1, "--count");
        if (!(demoErrorRate >= 0 && demoErrorRate <= 1)) {
            throw usage("--demo-error-rate must be between 0 and 1 (was " + demoErrorRate + ")");
        }
        if (!method.matches("[A-Za-z]+")) {
            throw usage("--method must be an HTTP method name (was '" + method + "')");
        }
        boolean demoOption = spec.commandLine().getParseResult().matchedOptions().stream()
                .anyMatch(o -> o.longestName().equals("--count") || o.longestName().startsWith("--demo-"));
        if (demoOption && (!urls.isEmpty() || urlsFile != null)) {
            throw usage("--count and --demo-* apply only to the demo run (no URL given)");
        }
        if (json && jsonl) {
            throw usage("--json and --jsonl are two forms of the same output: choose one");
        }
        format = json ? Format.JSON : jsonl ? Format.JSONL : Format.TEXT;
    }

    private void atLeast(int value, int min, String option) {
        if (value < min) {
            throw usage(option + " must be at least " + min + " (was " + value + ")");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * The URL arguments, then the lines of --urls-file, read as the fetch asks for them. Stdin cannot be read
     * twice, so with --repeat its URLs are kept for the repetitions (the one case where the list is in memory).
     */
    private Flux<String> readTargets() {
        Flux<String> arguments = Flux.fromIterable(urls);
        if (urlsFile == null) {
            return arguments;
        }
        boolean fromStdin = urlsFile.equals("-");
        Flux<String> lines = UrlFile.urls(() -> fromStdin ? stdin : Files.newInputStream(Path.of(urlsFile)))
                .onErrorMap(e -> usage("cannot read --urls-file " + urlsFile + ": " + (e instanceof UrlFile.Unreadable
                        ? e.getMessage()
                        : e.getClass().getSimpleName() + (e.getMessage() != null ? " " + e.getMessage() : ""))));
        return arguments.concatWith(fromStdin && repeat > 1 ? lines.cache() : lines)
                .switchIfEmpty(Flux.error(() -> usage("no URL in --urls-file " + urlsFile)));
    }

    private Progress progress(long total, PrintWriter err, Fetcher fetcher) {
        if (quiet) {
            return Progress.none();
        }
        // System.console() is null unless stdin and stdout are terminals: close enough to "a human is watching".
        boolean terminal = System.console() != null;
        return Progress.live(total, err, () -> fetcher.statistics().inFlight(),
                Duration.ofMillis(terminal ? 200 : 1000), terminal, System::nanoTime);
    }

    private static void printText(PrintWriter out, FetchSummary s, Failures failures, DemoServerStatistics server) {
        out.printf(Locale.ROOT, "requests       %d%n", s.requests());
        out.printf(Locale.ROOT, "answered       %d (2xx: %d)%n", s.answered(), s.ok());
        out.printf(Locale.ROOT, "statuses       %s%n", s.statuses().isEmpty() ? "none" : s.statuses().entrySet()
                .stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ")));
        out.printf(Locale.ROOT, "errors         %s%n", s.errors().isEmpty() ? "none" : s.errors().entrySet()
                .stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ")));
        out.printf(Locale.ROOT, "max in flight  %d (limit %d%s)%n", s.maxInFlight(), s.limit(),
                server == null ? "" : "; the demo server saw at most " + server.maxInFlight());
        out.printf(Locale.ROOT, "elapsed        %.3f s%n", s.elapsed().toNanos() / 1e9);
        out.printf(Locale.ROOT, "requests/s     %.1f%n", s.requestsPerSecond());
        if (s.answered() == 0) {
            out.println("latency        n/a (no answers)");
        }
        else {
            out.printf(Locale.ROOT, "latency        p50 %s, p90 %s, p99 %s%n", millis(s.latencyP50()),
                    millis(s.latencyP90()), millis(s.latencyP99()));
        }
        List<FetchResult> listed = failures.lowestIndexes();
        if (!listed.isEmpty()) {
            out.println("failures:");
            listed.forEach(r -> out.printf(Locale.ROOT, "  #%d %s  %s: %s%n", r.index(), r.url(), r.errorKind(),
                    r.errorMessage()));
            if (s.failed() > listed.size()) {
                out.printf(Locale.ROOT, "  ... and %d more (--jsonl lists all)%n", s.failed() - listed.size());
            }
        }
    }

    /** The whole-run figures, shared by --json's report and --jsonl's last line. */
    private static ObjectNode summaryJson(ObjectNode root, FetchSummary s, DemoServerStatistics server) {
        root.put("requests", s.requests());
        root.put("answered", s.answered());
        root.put("ok", s.ok());
        root.put("failed", s.failed());
        ObjectNode statuses = root.putObject("statuses");
        s.statuses().forEach((status, n) -> statuses.put(Integer.toString(status), n));
        ObjectNode errors = root.putObject("errors");
        s.errors().forEach((kind, n) -> errors.put(kind.name(), n));
        root.put("limit", s.limit());
        root.put("maxInFlight", s.maxInFlight());
        root.put("elapsedMillis", s.elapsed().toMillis());
        root.put("requestsPerSecond", Math.round(s.requestsPerSecond() * 10) / 10.0);
        root.put("bytes", s.bytes());
        ObjectNode latency = root.putObject("latencyMillis");
        latency.put("p50", ms(s.latencyP50()));
        latency.put("p90", ms(s.latencyP90()));
        latency.put("p99", ms(s.latencyP99()));
        if (server != null) {
            ObjectNode demo = root.putObject("demoServer");
            demo.put("requests", server.requests());
            demo.put("maxInFlight", server.maxInFlight());
            demo.put("injectedErrors", server.injectedErrors());
        }
        return root;
    }

    /**
     * One result: {@code index, url, status, bytes} or {@code index, url, errorKind, errorMessage}, then
     * {@code latencyMillis, attempts}; a --jsonl line (with {@code "type": "result"}) or a --json failure.
     */
    private static ObjectNode resultJson(ObjectMapper mapper, FetchResult r) {
        ObjectNode node = mapper.createObjectNode().put("type", "result").put("index", r.index()).put("url", r.url());
        if (r.answered()) {
            node.put("status", r.status()).put("bytes", r.bytes());
        }
        else {
            node.put("errorKind", r.errorKind().name()).put("errorMessage", r.errorMessage());
        }
        return node.put("latencyMillis", ms(r.latency())).put("attempts", r.attempts());
    }

    private static double ms(Duration d) {
        return Math.round(d.toNanos() / 1e5) / 10.0;
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }

    private static String human(Duration d) {
        return d.toMillis() + " ms";
    }

    /** 500ms, 10s, 1.5s, 2m, 1h, or ISO-8601 (PT10S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            Matcher m = SHORT.matcher(value.strip().toLowerCase(Locale.ROOT));
            Duration d = null;
            if (m.matches()) {
                double n = Double.parseDouble(m.group(1));
                long unitNanos = switch (m.group(2)) {
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                };
                d = Duration.ofNanos((long) (n * unitNanos));
            }
            else {
                try {
                    d = Duration.parse(value.strip());
                }
                catch (RuntimeException notIso) {
                    // reported below
                }
            }
            if (d == null || d.isNegative()) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (use e.g. 500ms, 10s, 2m)");
            }
            return d;
        }
    }

    /** 1000, 64KiB, 4MiB, 1GiB (also k/m/g and KB/MB/GB, all binary). */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");
        private static final Map<Character, Long> UNITS = Map.of('b', 1L, 'k', 1L << 10, 'm', 1L << 20, 'g', 1L << 30);

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a size (use e.g. 1000, 64KiB, 4MiB)");
            }
            long unit = m.group(2) == null ? 1 : UNITS.get(m.group(2).charAt(0));
            return Long.parseLong(m.group(1)) * unit;
        }
    }
}
