#!/usr/bin/env bash
# Cold start of the fetch command (issue 16, item 4): the launcher target/fetch (mvn package writes it, and the
# class-data archive target/fetch.jsa beside it), run from JVM start to exit, variants interleaved round by round so
# that a change in the machine's load hits every variant alike.
#
#   bash src/bench/coldstart/run.sh [ROUNDS]        # from the repository root, after mvn package; default 5 rounds
#
# Each variant is LABEL|FETCH_JAVA_OPTS|archive (on: the launcher's own archive; off: none)|fetch arguments.
# COLD_VARIANTS="label|opts|on|args;..." replaces the list. Default: the seed scenario (no argument: 1000 URLs from
# the embedded demo server, 50 ms ± 20 ms, at most 10 in flight, ideal 5.0 s) with the JVM flags of the old launcher
# (no archive, C1 and C2) and of the new one, and the fixed cost of one request (--count 1).
# Output: one JSON line per run in target/coldstart/runs.jsonl (wall and CPU seconds, peak RSS, the fetch's own
# elapsed seconds from its --json summary, the load average at the start), and the medians per variant on stderr.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROUNDS=${1:-5}
OUT=target/coldstart
mkdir -p "$OUT"
: > "$OUT/runs.jsonl"
[ -x target/fetch ] || { echo "run mvn package first (no target/fetch)" >&2; exit 1; }
OLD="-XX:+UseSerialGC -Xmx256m"
NEW="-XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1"
VARIANTS=${COLD_VARIANTS:-"old|$OLD|off|;new|$NEW|on|;old-archive|$OLD|on|;new-no-archive|$NEW|off|;old-1req|$OLD|off|--count 1;new-1req|$NEW|on|--count 1"}
IFS=';' read -r -a variants <<< "$VARIANTS"
for round in $(seq "$ROUNDS"); do
  for v in "${variants[@]}"; do
    IFS='|' read -r label opts archive args <<< "$v"
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [ "$archive" = on ]; then archive_path=$(pwd)/target/fetch.jsa; else archive_path=""; fi
    # shellcheck disable=SC2086
    FETCH_JAVA_OPTS="$opts" FETCH_CDS_ARCHIVE="$archive_path" /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.txt" \
        target/fetch -q --json $args > "$OUT/out.json" 2> "$OUT/err.txt" || true
    # The last line: time prefixes "Command exited with non-zero status N" when the command exits non-zero.
    read -r wall user sys rss < <(tail -1 "$OUT/time.txt")
    python3 - "$label" "$round" "$wall" "$user" "$sys" "$rss" "$load" "$OUT/out.json" >> "$OUT/runs.jsonl" <<'PY'
import json, sys
label, rnd, wall, user, sys_s, rss, load, out = sys.argv[1:]
try:
    summary = json.load(open(out))
    elapsed = summary["elapsedMillis"] / 1000
    ok = summary.get("ok")
except Exception:
    elapsed, ok = None, None
print(json.dumps({"variant": label, "round": int(rnd), "wall_s": float(wall), "cpu_s": float(user) + float(sys_s),
                  "peak_rss_mb": int(rss) / 1024, "fetch_elapsed_s": elapsed, "ok": ok, "load1": float(load)}))
PY
    echo "round $round $label: $(tail -1 "$OUT/runs.jsonl")" >&2
  done
done
python3 - "$OUT/runs.jsonl" >&2 <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| variant | runs | wall s (median; range) | CPU s (median; range) | fetch's own elapsed s | peak RSS MB | load avg |")
print("|---|---:|---:|---:|---:|---:|---:|")
for v in dict.fromkeys(r["variant"] for r in rows):
    rs = [r for r in rows if r["variant"] == v]
    w = [r["wall_s"] for r in rs]; c = [r["cpu_s"] for r in rs]
    e = [r["fetch_elapsed_s"] for r in rs if r["fetch_elapsed_s"] is not None]
    print(f"| {v} | {len(rs)} | {statistics.median(w):.2f} ({min(w):.2f}–{max(w):.2f}) | "
          f"{statistics.median(c):.2f} ({min(c):.2f}–{max(c):.2f}) | "
          f"{statistics.median(e):.2f} | {statistics.median(r['peak_rss_mb'] for r in rs):.0f} | "
          f"{min(r['load1'] for r in rs):.1f}–{max(r['load1'] for r in rs):.1f} |" if e else f"| {v} | {len(rs)} | | | | | |")
PY
