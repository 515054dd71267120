#!/usr/bin/env bash
# Fan-out macro-benchmark (issues 6, 16): this project's fetcher vs bare Reactor Netty flatMap(K) vs the JVM peers
# (the JDK's java.net.http.HttpClient, Apache HttpClient 5 async, OkHttp 5, Vert.x 5 WebClient; K in flight each) vs
# the seed's Python program (asyncio.Semaphore + aiohttp), against a local nginx on 127.0.0.1, plus wrk as the
# machine's ceiling and the cold one-shot `fetch` command. Loopback only; bounded (every client run has a timeout);
# stops nginx on exit. Every client runs in its own process; Vert.x on its own class path (src/bench/fanout/vertx/).
#
#   bash src/bench/fanout/run.sh            # from the repository root; needs root for apt-get if tools are missing
#
# Reduced passes (environment): FANOUT_SCENARIOS="instant-20k-k100 delay50ms-10k-k1000" runs only those;
# FANOUT_CLIENTS="fetcher bare" only those clients, in that order ("fetcher-lean", the fetcher with bare's feature
# set, is not in the default list); a Reactor Netty client with a suffix runs on one transport: fetcher@nio,
# bare@epoll, fetcher@io_uring (without a suffix: epoll, as the fetch command, NIO where it cannot load);
# FANOUT_EXTRAS=0 skips wrk and the cold runs;
# FANOUT_BEFORE_CLASSES=dir adds client "fetcher-before": the same driver with an older build's target/classes
# first on the class path, so a change is measured side by side with its base in one run.
#
# Output: target/fanout/results.md (table with ratios) and target/fanout/results.jsonl (raw, one line per run).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$(pwd)
OUT=$ROOT/target/fanout
PORT=${FANOUT_PORT:-18080}
# Passes per client process: the JVM clients need about ten passes of 10-20k requests before C2 has settled (the
# fifth pass still ran at twice the steady CPU per request at K=1000). Each row is the median pass, by req/s, of
# the last MEASURED passes, with their range. The latency-bound seed scenario (1k x 50 ms) runs 6 passes (5 measured).
PASSES=${FANOUT_PASSES:-15}
MEASURED=${FANOUT_MEASURED:-5}
RUN_TIMEOUT=${FANOUT_TIMEOUT:-300}  # seconds per client run
PY=/usr/bin/python3                 # Debian's interpreter: the one python3-aiohttp installs into
mkdir -p "$OUT"
: > "$OUT/results.jsonl"

need=()
for pkg in nginx-light libnginx-mod-http-echo wrk python3-aiohttp; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

WORK=$(mktemp -d /tmp/fanout-nginx.XXXXXX)
cat > "$WORK/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$PORT;
    location = /instant { default_type text/plain; return 200 "ok\n"; }
    location = /delay   { default_type text/plain; echo_sleep 0.05; echo "ok"; }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK"
stop_nginx() { [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; sleep 0.2; rm -rf "$WORK"; }
trap stop_nginx EXIT
BASE=http://127.0.0.1:$PORT
for _ in $(seq 50); do curl -sf "$BASE/instant" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$BASE/delay" >/dev/null

mvn -q test-compile
mvn -q dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test >/dev/null
CP=$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$OUT/cp.txt")
# Both JVM clients (and the cold runs) get the same flags. Parallel GC: on 2 cores G1's concurrent work and barriers
# cost both JVM clients 10-25 % more CPU per request (docs/performance.md, "The collector");
# FANOUT_JAVA_OPTS="-Xmx1g" measures with the JVM's default (G1).
JAVA_OPTS=${FANOUT_JAVA_OPTS:-"-Xmx1g -XX:+UseParallelGC"}

# The hypervisor's steal counter (/proc/stat, ticks of all CPUs): time this VM's CPUs were wanted but ran someone
# else. Every client row carries the share of the machine's CPU time stolen during its run (steal_pct): in
# session 10 and 11, runs with 10-45 % steal ran at a third to a half of their idle speed, so a row with more than
# a few percent is not a measurement.
steal_ticks() { awk '/^cpu /{print $9}' /proc/stat; }
CLK_TCK=$(getconf CLK_TCK)
NCPU=$(nproc)

# run NAME SCENARIO -- command...: /usr/bin/time -v around the client; its JSON lines tagged and kept.
run() {
  local client=$1 scenario=$2; shift 3
  local log=$OUT/$scenario-$client
  local steal0 start steal_pct
  steal0=$(steal_ticks); start=$(date +%s.%N)
  if ! timeout "$RUN_TIMEOUT" /usr/bin/time -v -o "$log.time" "$@" > "$log.out" 2> "$log.err"; then
    echo "FAILED: $client $scenario (see $log.err)" >&2
    return 0
  fi
  steal_pct=$("$PY" -c "import time; print(round(100 * ($(steal_ticks) - $steal0) / ($CLK_TCK * $NCPU * (time.time() - $start)), 1))")
  local rss cpu_user cpu_sys
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$log.time")
  cpu_user=$(awk -F: '/User time/ {gsub(/ /,"",$2); print $2}' "$log.time")
  cpu_sys=$(awk -F: '/System time/ {gsub(/ /,"",$2); print $2}' "$log.time")
  grep '^{' "$log.out" | tail -n "$MEASURED" | "$PY" -c "
import json,sys
passes=sorted((json.loads(l) for l in sys.stdin if l.strip()), key=lambda p: p['rps'])
r=dict(passes[len(passes)//2]); r.update(client='$client', scenario='$scenario', peak_rss_mb=$rss/1024,
  process_cpu_s=$cpu_user+$cpu_sys, measured_passes=len(passes), rps_min=passes[0]['rps'],
  rps_max=passes[-1]['rps'], steal_pct=$steal_pct); r['pass']='measured'; print(json.dumps(r))" >> "$OUT/results.jsonl"
  echo "$client $scenario: $(tail -1 "$OUT/results.jsonl")" >&2
}

SCENARIOS=${FANOUT_SCENARIOS:-"instant-20k-k100 delay50ms-1k-k10 delay50ms-10k-k1000"}
CLIENTS=${FANOUT_CLIENTS:-"fetcher bare jdk hc5 okhttp vertx python"}
wanted() { [[ " $1 " == *" $2 "* ]]; }
# fetcher-before runs first unless the list places it (to alternate the order between runs).
if [ -n "${FANOUT_BEFORE_CLASSES:-}" ] && ! wanted "$CLIENTS" fetcher-before; then CLIENTS="fetcher-before $CLIENTS"; fi

# Vert.x 5.0.7 brings its own Netty (4.2.9): its class path is its pom's, plus the shared protocol, compiled here.
if wanted "$CLIENTS" vertx; then
  mvn -q -f "$ROOT/src/bench/fanout/vertx/pom.xml" dependency:build-classpath -Dmdep.outputFile="$OUT/vertx-cp.txt" >/dev/null
  mkdir -p "$OUT/vertx-classes"
  javac -d "$OUT/vertx-classes" -cp "$(cat "$OUT/vertx-cp.txt")" \
      "$ROOT/src/jmh/java/io/github/reactorasyncio/bench/FanoutProtocol.java" "$ROOT/src/bench/fanout/vertx/VertxFanout.java"
  VERTX_CP=$OUT/vertx-classes:$(cat "$OUT/vertx-cp.txt")
fi

# transport_args TRANSPORT: JVM flags and class path for a Reactor Netty client pinned to one transport. The project
# ships epoll (what the fetch command runs on); io_uring, which Reactor Netty prefers when it loads, is added here
# only, from the same Netty version; noNative makes every native library fail to load, hence NIO.
NETTY_VERSION=$(tr ':' '\n' <<< "$CP" | sed -n 's|.*/netty-transport-classes-epoll-\(.*\)\.jar$|\1|p')
transport_args() {
  case $1 in
    ""|epoll) echo "-cp $CP" ;;
    nio) echo "-Dio.netty.transport.noNative=true -cp $CP" ;;
    io_uring)
      if [ ! -d "$OUT/io_uring" ]; then
        for a in netty-transport-classes-io_uring:$NETTY_VERSION netty-transport-native-io_uring:$NETTY_VERSION:jar:linux-x86_64; do
          mvn -q dependency:copy -Dartifact="io.netty:$a" -DoutputDirectory="$OUT/io_uring" >/dev/null
        done
      fi
      echo "-cp $(ls "$OUT"/io_uring/*.jar | paste -sd:):$(tr ':' '\n' <<< "$CP" | grep -v -- '-epoll-' | paste -sd:)" ;;
    *) echo "unknown transport $1" >&2; return 1 ;;
  esac
}

scenario() {
  local name=$1 path=$2 count=$3 k=$4 PASSES=${5:-$PASSES}
  wanted "$SCENARIOS" "$name" || return 0
  local client mode transport
  for client in $CLIENTS; do
    mode=${client%@*}
    transport=""
    [[ $client == *@* ]] && transport=${client#*@}
    case $mode in
      python) run python "$name" -- "$PY" "$ROOT/src/bench/fanout/seed_fetch.py" "$BASE$path" "$count" "$k" "$PASSES" ;;
      vertx) run vertx "$name" -- java $JAVA_OPTS -cp "$VERTX_CP" io.github.reactorasyncio.bench.VertxFanout vertx \
          "$BASE$path" "$count" "$k" "$PASSES" ;;
      fetcher-before) run fetcher-before "$name" -- java $JAVA_OPTS -cp "$FANOUT_BEFORE_CLASSES:$CP" \
          io.github.reactorasyncio.bench.FanoutDriver fetcher "$BASE$path" "$count" "$k" "$PASSES" ;;
      *) run "$client" "$name" -- java $JAVA_OPTS $(transport_args "$transport") \
          io.github.reactorasyncio.bench.FanoutDriver "$mode" "$BASE$path" "$count" "$k" "$PASSES" ;;
    esac
  done
}

scenario instant-20k-k100 /instant 20000 100
scenario delay50ms-1k-k10 /delay 1000 10 "${FANOUT_SEED_PASSES:-6}"
scenario delay50ms-10k-k1000 /delay 10000 1000

if [ "${FANOUT_EXTRAS:-1}" = 0 ]; then
  "$PY" "$ROOT/src/bench/fanout/report.py" "$OUT/results.jsonl" > "$OUT/results.md"
  cat "$OUT/results.md"
  exit 0
fi

# The ceilings: wrk with the same connection count as K, 10 s, on the instant endpoint and on the 50 ms one.
# On /delay with 1000 connections wrk's rate bounds what any client can do on this machine: 10,000 requests need
# at least 10000/rate seconds, reported as "seconds" (derived) beside the ideal 0.5 s.
ceiling() {
  local scenario=$1 connections=$2 path=$3 count=$4
  wrk -t2 -c"$connections" -d10s --latency "$BASE$path" > "$OUT/wrk-$scenario.out" 2>&1 || true
  "$PY" - "$OUT/wrk-$scenario.out" "$scenario" "$count" >> "$OUT/results.jsonl" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
def ms(v, unit): return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", text); p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
row = {"client": "wrk", "scenario": sys.argv[2], "rps": rps, "p50_ms": ms(*p50.groups()),
       "p99_ms": ms(*p99.groups()), "pass": "measured"}
if sys.argv[3] != "0":
    row["seconds"] = int(sys.argv[3]) / rps
print(json.dumps(row))
PY
}
ceiling instant-20k-k100 100 /instant 0
ceiling delay50ms-10k-k1000 1000 /delay 10000

# Cold one-shot `fetch` command (JVM start-up and warm-up included), the seed scenario and the instant one;
# then the same with an application class-data-sharing archive (JDK 17: -XX:ArchiveClassesAtExit).
for i in $(seq 1000); do echo "$BASE/delay"; done > "$OUT/urls-delay-1k.txt"
for i in $(seq 20000); do echo "$BASE/instant"; done > "$OUT/urls-instant-20k.txt"
cold() {
  local label=$1 file=$2 k=$3; shift 3
  local log=$OUT/cold-$label
  local start end
  start=$(date +%s.%N)
  timeout "$RUN_TIMEOUT" /usr/bin/time -v -o "$log.time" java $JAVA_OPTS "$@" -cp "$CP" \
      io.github.reactorasyncio.cli.FetchCommand -q -c "$k" --urls-file "$file" > "$log.out" 2> "$log.err" || true
  end=$(date +%s.%N)
  "$PY" - "$log.time" "$label" "$start" "$end" >> "$OUT/results.jsonl" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
g = lambda k: float(re.search(k + r":\s*([\d.]+)", t).group(1))
print(json.dumps({"client": "fetch-cold", "scenario": sys.argv[2], "seconds": float(sys.argv[4]) - float(sys.argv[3]),
                  "peak_rss_mb": g("Maximum resident set size \\(kbytes\\)") / 1024,
                  "process_cpu_s": g("User time \\(seconds\\)") + g("System time \\(seconds\\)")}))
PY
  echo "cold $label: $(tail -1 "$OUT/results.jsonl")" >&2
}
cold delay50ms-1k-k10 "$OUT/urls-delay-1k.txt" 10
cold instant-20k-k100 "$OUT/urls-instant-20k.txt" 100
java $JAVA_OPTS -XX:ArchiveClassesAtExit="$OUT/fetch.jsa" -cp "$CP" io.github.reactorasyncio.cli.FetchCommand \
    -q -c 10 --urls-file "$OUT/urls-delay-1k.txt" > /dev/null 2>&1 || true
cold delay50ms-1k-k10-appcds "$OUT/urls-delay-1k.txt" 10 -XX:SharedArchiveFile="$OUT/fetch.jsa"
cold instant-20k-k100-appcds "$OUT/urls-instant-20k.txt" 100 -XX:SharedArchiveFile="$OUT/fetch.jsa"
cold delay50ms-1k-k10-appcds-tiered1 "$OUT/urls-delay-1k.txt" 10 -XX:SharedArchiveFile="$OUT/fetch.jsa" -XX:TieredStopAtLevel=1

"$PY" "$ROOT/src/bench/fanout/report.py" "$OUT/results.jsonl" > "$OUT/results.md"
cat "$OUT/results.md"
