"""Attributes a FanoutDriver JFR recording's CPU samples and allocation to causes (issue 16, item 3).

usage: python3 jfr_attribution.py [--layers] [--top NAME] RECORDING.jfr DRIVER_OUTPUT.jsonl LAST_PASSES

--layers attributes to software layers instead (Netty's transport, codec and buffers, Reactor Netty's pool and
HTTP client, Reactor's operators, Vert.x, HttpClient 5, ...), the same way, to compare clients built on the same
Netty: any client that speaks FanoutProtocol (FanoutDriver, VertxFanout) can be recorded.

--top NAME also lists, for the samples of the cause (or layer) whose name starts with NAME, the commonest pairs of
leaf frame and nearest library frame: what inside a row costs (a JDK leaf shows the library call that led there).

Record with FANOUT_JAVA_OPTS="... -XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,
filename=REC.jfr": the profile's default period gives ~200 samples in 20 passes, 1 ms about ten times as many.

Only the samples of the last LAST_PASSES passes count (steady state; their duration is summed from the driver's
JSON lines and taken back from the recording's last sample). A sample goes to the cause of the frame nearest its
leaf that is not the JDK's (java/, jdk/, sun/: the JDK does the work of whoever called it), or of a JDK frame on
the way there that a pattern names (URI parsing, Duration, the scheduler's queue). Only that one frame decides:
the whole request is subscribed and completed from within flatMap's, the limit's and the operators' frames, so
looking deeper would charge them for everything below. A frame no pattern matches is "Reactor Netty / Netty, the
rest" (the two clients' common work: codec, pool, channel, flatMap itself). Per-request figures: the passes' process CPU (the driver's cpu_s)
over their requests, split by sample share; allocation: the sampled weights of jdk.ObjectAllocationSample (an
estimate of every byte allocated) over the same requests. Prints a Markdown table.
"""
import json
import subprocess
import sys
from datetime import datetime, timedelta

# (cause, substrings of "package/Class.method"); the first cause matched from the leaf wins, so the specific
# ones (the limit, timers, gzip) come before the general ones (the fetcher's own code).
CAUSES = [
    ("JFR itself", ["jdk/jfr/"]),
    ("the limit (Semaphore.withPermit)", ["io/github/reactorasyncio/sync/"]),
    ("timers (exchange timeout, silence timer, scheduler)", ["publisher/MonoTimeout", "publisher/FluxTimeout", "publisher/MonoDelay", "OnErrorReturn",
        "ScheduledThreadPoolExecutor", "DelayedWorkQueue", "ResponseSilenceTimer", "scheduler/", "SchedulerTask"]),
    ("gzip negotiation (Accept-Encoding, decompressor)", ["HttpContentDecompressor", "HttpContentDecoder",
        "compress", "Compress"]),
    ("redirect predicate and redirect bookkeeping", ["followRedirect", "redirect", "Redirect"]),
    ("URL parsing (URI, validate, Reactor Netty's endpoint)", ["java/net/URI", "Fetcher.validate",
        "UriEndpoint", "java/util/regex/"]),
    ("connection guard", ["ConnectionGuard"]),
    ("result objects and bookkeeping (FetchResult, Duration, Request, counters)", ["FetchResult",
        "java/time/Duration", "Fetcher$Request", "FetchFailure", "RetryPolicy"]),
    ("the HTTP/1.1 transport (Http1Transport: pool, exchange, Mono.create)", ["Http1Transport", "publisher/MonoCreate"]),
    ("the operators the fetcher adds (defer, doOnCancel, onErrorResume, map)", ["ReactorNettyFetcher", "DefaultFetcher",
        "publisher/FluxPeek", "publisher/MonoPeek", "OnErrorResume"]),
    ("the benchmark driver (its map, filter, collectList)", ["FanoutDriver", "FluxFilter", "MonoCollectList"]),
    ("GC", ["gc/", "GC"]),
]
OTHER = "Reactor Netty / Netty, the rest"

# (layer, package prefixes of the frame nearest the leaf that is not the JDK's); first match wins.
LAYERS = [
    ("JFR itself", ["jdk/jfr/"]),
    ("the benchmark driver (FanoutProtocol, FanoutDriver, VertxFanout)", ["io/github/reactorasyncio/bench/"]),
    ("this project's fetcher and limit", ["io/github/reactorasyncio/"]),
    ("Reactor Netty: connection pool (reactor-pool, PooledConnectionProvider)", ["reactor/pool/",
        "reactor/netty/resources/"]),
    ("Reactor Netty: HTTP client (connect, operations, headers)", ["reactor/netty/http/"]),
    ("Reactor Netty: channel operations, ByteBufFlux, the rest", ["reactor/netty/"]),
    ("Reactor Core operators (flatMap, Mono chains, schedulers)", ["reactor/core/", "reactor/util/"]),
    ("Vert.x (HTTP client, pool, futures, context)", ["io/vertx/"]),
    # HttpClient 5's parts by the same jobs as Netty's and Reactor Netty's rows: its I/O reactor (transport, event
    # loop), its HTTP/1.1 codec and messages, its connection pool, and the client above them (exec chain, futures).
    ("HttpCore 5: I/O reactor (transport, event loop)", ["org/apache/hc/core5/reactor/"]),
    ("HttpCore 5: HTTP codec, messages, buffers", ["org/apache/hc/core5/http/impl/", "org/apache/hc/core5/http/message/",
        "org/apache/hc/core5/http/nio/", "org/apache/hc/core5/util/"]),
    ("HttpCore 5: connection pool", ["org/apache/hc/core5/pool/"]),
    ("HttpClient 5: client (exec chain, routes, futures) and the rest", ["org/apache/hc/"]),
    ("Netty: HTTP codec", ["io/netty/handler/codec/"]),
    ("Netty: buffers, allocator, recycler", ["io/netty/buffer/", "io/netty/util/Recycler",
        "io/netty/util/internal/"]),
    ("Netty: channel, pipeline, event loop, transport", ["io/netty/channel/", "io/netty/util/concurrent/",
        "io/netty/util/"]),
    ("Netty: the rest", ["io/netty/"]),
]
JDK_ONLY = "the JDK alone (no library frame on the stack)"


def frames(event):
    trace = event["values"].get("stackTrace") or {"frames": []}
    for f in trace["frames"]:
        m = f["method"]
        yield m["type"]["name"] + "." + m["name"]


JDK = ("java/", "jdk/", "sun/")


def cause(event, table=CAUSES, other=OTHER, prefix=False, jdk_only=OTHER):
    for frame in frames(event):
        for name, patterns in table:
            if any(frame.startswith(p) if prefix else p in frame for p in patterns):
                return name
        if not frame.startswith(JDK):
            return other
    return jdk_only


def events(recording, kind):
    out = subprocess.run(["jfr", "print", "--json", "--events", kind, recording], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def when(event):
    return datetime.fromisoformat(event["values"]["startTime"].rstrip("Z")[:26])


def main():
    args = sys.argv[1:]
    layers = args[0] == "--layers"
    if layers:
        args = args[1:]
    top = None
    if args[0] == "--top":
        top, args = args[1], args[2:]
    recording, driver, last = args[0], args[1], int(args[2])
    table, other = (LAYERS, "unclassified library code") if layers else (CAUSES, OTHER)

    def by(event):
        return cause(event, table, other, prefix=layers, jdk_only=JDK_ONLY if layers else OTHER)
    passes = [json.loads(l) for l in open(driver) if l.startswith("{")][-last:]
    requests = sum(p["requests"] for p in passes)
    cpu = sum(p["cpu_s"] for p in passes)
    window = timedelta(seconds=sum(p["seconds"] for p in passes))
    cpu_events = events(recording, "jdk.ExecutionSample")
    alloc_events = events(recording, "jdk.ObjectAllocationSample")
    end = max(when(e) for e in cpu_events)
    cpu_events = [e for e in cpu_events if when(e) >= end - window]
    alloc_events = [e for e in alloc_events if when(e) >= end - window]
    samples, weight, chosen = {}, {}, []
    for e in cpu_events:
        name = by(e)
        samples[name] = samples.get(name, 0) + 1
        if top is not None and name.startswith(top):
            chosen.append(e)
    for e in alloc_events:
        name = by(e)
        weight[name] = weight.get(name, 0) + int(e["values"]["weight"])
    total_samples, total_weight = sum(samples.values()), sum(weight.values())
    us_per_sample = cpu / requests / total_samples * 1e6
    print(f"{requests} requests in the last {len(passes)} passes, {cpu:.2f} CPU s "
          f"({cpu / requests * 1e6:.1f} µs/request), {total_samples} CPU samples, "
          f"{total_weight / requests:.0f} B/request sampled")
    print()
    print(f"| {'layer' if layers else 'cause'} | CPU samples | µs CPU / request | B / request |")
    print("|---|---:|---:|---:|")
    for name in [c for c, _ in table] + [other] + ([JDK_ONLY] if layers else []):
        s, w = samples.get(name, 0), weight.get(name, 0)
        if s or w:
            print(f"| {name} | {s} | {s * us_per_sample:.1f} | {w / requests:.0f} |")
    if top is not None:
        print_top(top, chosen, us_per_sample)


def print_top(name, chosen, us_per_sample):
    """The commonest (leaf frame, nearest library frame) pairs among the samples of one row, at most 15."""
    pairs = {}
    for e in chosen:
        stack = list(frames(e))
        leaf = stack[0] if stack else "?"
        library = next((f for f in stack if not f.startswith(JDK)), "(JDK only)")
        key = (leaf.rsplit("/", 1)[-1], library.rsplit("/", 1)[-1])
        pairs[key] = pairs.get(key, 0) + 1
    print()
    print(f"Inside \"{name}\" ({len(chosen)} samples):")
    print()
    print("| leaf frame | nearest library frame | CPU samples | µs CPU / request |")
    print("|---|---|---:|---:|")
    for (leaf, library), n in sorted(pairs.items(), key=lambda kv: -kv[1])[:15]:
        print(f"| {leaf} | {library} | {n} | {n * us_per_sample:.2f} |")


if __name__ == "__main__":
    main()
