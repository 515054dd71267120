package io.github.reactorasyncio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Renders the charts of docs/performance.md from JMH CSV results ({@code -rf csv}) and the fan-out run's
 * {@code results.jsonl}.
 *
 * <p>usage: {@code PerformanceCharts OUT_DIR FANOUT_JSONL|- JMH_CSV...}
 */
public final class PerformanceCharts {

    private PerformanceCharts() {
    }

    /** One CSV row: benchmark (Class.method), params in column order, score. */
    record Row(String benchmark, Map<String, String> params, double score, double error) {
        String method() {
            return benchmark.substring(benchmark.lastIndexOf('.') + 1);
        }

        String clazz() {
            String b = benchmark.substring(0, benchmark.lastIndexOf('.'));
            return b.substring(b.lastIndexOf('.') + 1);
        }
    }

    static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = split(lines.get(0));
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = split(line);
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 7; i < header.size(); i++) {
                params.put(header.get(i).replace("Param: ", ""), cells.get(i));
            }
            rows.add(new Row(cells.get(0), params, Double.parseDouble(cells.get(4)),
                    cells.get(5).isEmpty() || cells.get(5).equals("NaN") ? 0 : Double.parseDouble(cells.get(5))));
        }
        return rows;
    }

    private static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|([^,]+)|(?<=,)(?=,|$)").matcher(line);
        while (m.find()) {
            cells.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : "");
        }
        return cells;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        List<Row> rows = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            rows.addAll(read(Path.of(args[i])));
        }
        if (!rows.isEmpty()) {
            fastPath(rows, out);
            contention(rows, out);
            cancellation(rows, out);
        }
        if (!args[1].equals("-")) {
            fanout(Path.of(args[1]), out);
        }
    }

    private static CategoryChart bars(String title, String yTitle) {
        return bars(title, yTitle, 900, 450);
    }

    private static CategoryChart bars(String title, String yTitle, int width, int height) {
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title).yAxisTitle(yTitle)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#,##0");
        chart.getStyler().setXAxisLabelRotation(0);
        return chart;
    }

    private static void fastPath(List<Row> rows, Path out) throws IOException {
        List<String> names = new ArrayList<>();
        List<Double> time = new ArrayList<>();
        List<Double> bytes = new ArrayList<>();
        for (String method : List.of("bare", "jdkSemaphore", "withPermit", "resilience4jBulkhead", "reactorPool")) {
            for (Row r : rows) {
                if (r.benchmark().endsWith("FastPathBenchmark." + method)) {
                    names.add(method);
                    time.add(r.score());
                }
                if (r.benchmark().endsWith("FastPathBenchmark." + method + ":gc.alloc.rate.norm")) {
                    bytes.add(r.score());
                }
            }
        }
        if (names.isEmpty()) {
            return;
        }
        CategoryChart chart = bars("#1 Uncontended fast path (one thread)", "ns/op and B/op");
        chart.addSeries("ns/op", names, time);
        chart.addSeries("B/op", names, bytes);
        BitmapEncoder.saveBitmap(chart, out.resolve("perf-fastpath").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void contention(List<Row> rows, Path out) throws IOException {
        Map<String, Double> baseline = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.benchmark().endsWith("ContentionBenchmark.flatMapBaseline")) {
                baseline.put(cell(r.params().get("permits"), r.params().get("subscribers"), r.params().get("threads")),
                        r.score());
            }
        }
        if (baseline.isEmpty()) {
            return;
        }
        CategoryChart chart = bars("#2 Contention grid: ns per item / flatMap(f, permits) of the same cell (1.0 = baseline)",
                "ratio to flatMap baseline (log)", 1500, 550); // wide enough for five series' legend in one row
        // Bars start at 0, which a logarithmic axis cannot show: markers per cell instead.
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setDecimalPattern("0.0#");
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setLabelsVisible(false);
        List<String> cells = new ArrayList<>(baseline.keySet());
        series(chart, rows, cells, baseline, "ContentionBenchmark.withPermit", "withPermit", true);
        series(chart, rows, cells, baseline, "ContentionBenchmark.reactorPool",
                "reactor-pool of placeholders (reactor-core#2678)", true);
        series(chart, rows, cells, baseline, "ContentionBenchmark.flatMapUnlimitedControl",
                "flatMap(f, subscribers), no limiter (control)", true);
        series(chart, rows, cells, baseline, "BlockingPeersBenchmark.resilience4jBulkhead",
                "Resilience4j bulkhead (blocking wait, boundedElastic)", false);
        series(chart, rows, cells, baseline, "BlockingPeersBenchmark.jdkFairSemaphore",
                "fair JDK Semaphore (a platform thread per subscriber)", false);
        BitmapEncoder.saveBitmap(chart, out.resolve("perf-contention").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void series(CategoryChart chart, List<Row> rows, List<String> cells, Map<String, Double> baseline,
                               String benchmark, String name, boolean hasThreads) {
        List<Double> ratios = new ArrayList<>();
        for (String cell : cells) {
            double value = Double.NaN;
            for (Row r : rows) {
                if (r.benchmark().endsWith(benchmark)) {
                    String threads = hasThreads ? r.params().get("threads") : cell.substring(cell.lastIndexOf('t') + 1);
                    if (cell(r.params().get("permits"), r.params().get("subscribers"), threads).equals(cell)) {
                        value = r.score() / baseline.get(cell);
                    }
                }
            }
            ratios.add(value);
        }
        if (ratios.stream().anyMatch(v -> !v.isNaN())) {
            chart.addSeries(name, cells, ratios);
        }
    }

    private static String cell(String permits, String subscribers, String threads) {
        return "P" + permits + " N" + subscribers + " t" + threads;
    }

    private static void cancellation(List<Row> rows, Path out) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(450)
                .title("#5 Cancellation storm: ns per cancel vs queued waiters").xAxisTitle("queued waiters (log)")
                .yAxisTitle("ns per cancel").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        for (String method : List.of("cancel", "touchBaseline")) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (Row r : rows) {
                if (r.benchmark().endsWith("CancellationStormBenchmark." + method)) {
                    x.add(Double.parseDouble(r.params().get("queued")));
                    y.add(r.score());
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(method.equals("cancel") ? "cancel a random waiter"
                        : "only read a random waiter's header (cache-miss floor)", x, y);
            }
        }
        if (!chart.getSeriesMap().isEmpty()) {
            BitmapEncoder.saveBitmap(chart, out.resolve("perf-cancellation").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static void fanout(Path jsonl, Path out) throws IOException {
        Pattern field = Pattern.compile("\"(client|scenario|rps)\": (\"[^\"]*\"|[\\d.]+)");
        Map<String, Map<String, Double>> byClient = new LinkedHashMap<>();
        List<String> scenarios = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            Map<String, String> f = new LinkedHashMap<>();
            Matcher m = field.matcher(line);
            while (m.find()) {
                f.put(m.group(1), m.group(2).replace("\"", ""));
            }
            if (!f.containsKey("rps")) {
                continue;
            }
            if (!scenarios.contains(f.get("scenario"))) {
                scenarios.add(f.get("scenario"));
            }
            byClient.computeIfAbsent(f.get("client"), c -> new LinkedHashMap<>())
                    .put(f.get("scenario"), Double.parseDouble(f.get("rps")));
        }
        CategoryChart chart = bars("Fan-out against local nginx: req/s, median of the last passes (wrk: the ceiling)",
                "requests/s", 1100, 500);
        // Below the plot: inside it, the legend hid the first scenario's bars once eight clients ran.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        for (var e : byClient.entrySet()) {
            List<Double> values = new ArrayList<>();
            for (String s : scenarios) {
                values.add(e.getValue().getOrDefault(s, 0.0));
            }
            chart.addSeries(e.getKey(), scenarios, values);
        }
        BitmapEncoder.saveBitmap(chart, out.resolve("perf-fanout").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
