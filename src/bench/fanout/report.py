"""Turns run.sh's results.jsonl into a Markdown table with ratios against the same run's baselines."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
by = {(r["client"], r["scenario"]): r for r in rows}
ideal = {"delay50ms-1k-k10": 5.0, "delay50ms-10k-k1000": 0.5}

print("| scenario | client | req/s (median pass; range of the measured passes) | seconds | p50 ms | p99 ms | CPU s (pass) | CPU s (process) | peak RSS MB "
      "| CPU stolen % | fetcher vs it | vs bare Reactor Netty | vs Python seed | vs ideal time |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    if r["client"] in ("fetch-cold",):
        continue
    s = r["scenario"]
    # A client pinned to a transport (bare@epoll) is compared with the fetcher and bare on the same transport.
    transport = r["client"][r["client"].index("@"):] if "@" in r["client"] else ""
    bare = by.get(("bare" + transport, s))
    fetcher = by.get(("fetcher" + transport, s))
    py = by.get(("python", s))
    f = lambda v, p=1: "" if v is None else f"{v:.{p}f}"
    vs_bare = f(r["rps"] / bare["rps"], 2) + "×" if bare and bare is not r else ""
    vs_fetcher = f(fetcher["rps"] / r["rps"], 2) + "×" if fetcher and fetcher is not r else ""
    vs_py = f(r["rps"] / py["rps"], 2) + "×" if py and r["client"] != "python" else ""
    vs_ideal = f(r["seconds"] / ideal[s], 2) + "×" if s in ideal and "seconds" in r else ""
    spread = ""
    if "rps_min" in r:
        spread = (f" ({r['rps_min'] / 1000:.1f}–{r['rps_max'] / 1000:.1f}k)" if r["rps_max"] >= 1000
                  else f" ({r['rps_min']:.0f}–{r['rps_max']:.0f})")
    print(f"| {s} | {r['client']} | {f(r['rps'], 0)}{spread} | {f(r.get('seconds'), 3)} | {f(r.get('p50_ms'), 2)} "
          f"| {f(r.get('p99_ms'), 2)} | {f(r.get('cpu_s'), 2)} | {f(r.get('process_cpu_s'), 2)} "
          f"| {f(r.get('peak_rss_mb'), 0)} | {f(r.get('steal_pct'), 1)} | {vs_fetcher} | {vs_bare} | {vs_py} | {vs_ideal} |")
print()
print("Cold one-shot `fetch` command (JVM start to exit):")
print()
print("| run | wall s | CPU s | peak RSS MB |")
print("|---|---:|---:|---:|")
for r in rows:
    if r["client"] == "fetch-cold":
        print(f"| {r['scenario']} | {r['seconds']:.2f} | {r['process_cpu_s']:.2f} | {r['peak_rss_mb']:.0f} |")
