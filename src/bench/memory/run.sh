#!/usr/bin/env bash
# Memory of the fetch command against the number of URLs (issue 15; results in docs/fetch.md, "Memory").
#
#   mvn -q package -DskipTests && src/bench/memory/run.sh [N ...]      (default N: 10000 100000 1000000)
#
# For each N, two runs of target/fetch with its default JVM options, -c 100, --jsonl to /dev/null:
#   demo  --count N against the embedded demo server (latency 0);
#   file  --urls-file of N URLs against a demo server in another JVM (latency 0).
# MODES="demo" (or "file") runs only one of them.
# Measured: peak RSS (VmRSS of /proc/PID/status, sampled every 0.2 s) and live heap (the heap after a full GC
# forced after 1 s and every 3 s with jcmd GC.run, read from -Xlog:gc, the largest of the run). One JSON line per run on stdout
# (with the summary's answered count: every URL must have been answered). Needs jq.
set -euo pipefail
cd "$(dirname "$0")/../../.."
[ -x target/fetch ] || { echo "run mvn package first (target/fetch)" >&2; exit 2; }
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
work=$(mktemp -d); trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

classpath=$(sed -n 's/.* -cp "\([^"]*\)".*/\1/p' target/fetch)
java -cp "target/test-classes:$classpath" io.github.reactorasyncio.bench.DemoServerMain > "$work/server" &
server=$!
until [ -s "$work/server" ]; do sleep 0.2; done
base=$(head -1 "$work/server")

measure() { # mode n args...
  local mode=$1 n=$2; shift 2
  local gclog="$work/gc-$mode-$n.log" start peak=0 rss tick=0
  start=$(date +%s.%N)
  JDK_JAVA_OPTIONS="-Xlog:gc:file=$gclog" target/fetch "$@" -c 100 -q --jsonl 2> "$work/err" | tail -1 > "$work/summary" &
  local job=$! pid
  sleep 0.5; pid=$(pgrep -n -f "cli.FetchCommand $*") # the JVM, not the pipeline's subshell
  while kill -0 $pid 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    tick=$((tick + 1))
    if [ $tick -eq 5 ] || [ $((tick % 15)) -eq 0 ]; then env -u JDK_JAVA_OPTIONS jcmd $pid GC.run > /dev/null 2>&1 || true; fi
    sleep 0.2
  done
  wait $job || true
  local elapsed live
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  live=$( (grep 'Pause Full' "$gclog" || true) | sed -n 's/.*->\([0-9]*\)M(.*/\1/p' | sort -n | tail -1)
  printf '{"mode":"%s","urls":%d,"answered":%s,"errors":%s,"peakRssMiB":%d,"liveHeapMiB":%s,"elapsedSeconds":%.1f,"javaOpts":"%s"}\n' \
    "$mode" "$n" "$(jq .answered "$work/summary")" "$(jq -c .errors "$work/summary")" $((peak / 1024)) "${live:-null}" "$elapsed" \
    "$(sed -n 's/.*FETCH_JAVA_OPTS-\([^}]*\)}.*/\1/p' target/fetch)"
}

for n in "${sizes[@]}"; do
  if [[ " ${MODES:-demo file} " == *" demo "* ]]; then
    measure demo "$n" --count "$n" --demo-latency 0ms --demo-jitter 0ms
  fi
  if [[ " ${MODES:-demo file} " == *" file "* ]]; then
    seq 0 $((n - 1)) | sed "s|^|$base/item/|" > "$work/urls.txt"
    measure file "$n" --urls-file "$work/urls.txt"
  fi
done
