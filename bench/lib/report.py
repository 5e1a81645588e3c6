"""bench/run's results page: the service beside the limit for every workload, the ratios, the verdicts, the errors.

results[key] holds one run per app ({"service": {...}, "limit": {...}}); results[key + "_paced"] the same two at
one offered rate ("offered_rps"). Each run has rps, p50/p95/p99_ms, app_ and postgres_cpu_us_per_request.
"""
import json

# Issue 21's targets: the service's saturation throughput as a share of the limit's, and each paced p99 within
# P99_FACTOR x the limit's at the same offered rate.
THROUGHPUT_TARGETS = {"P1": 0.8, "P2_case": 0.85, "P2_history": 0.8, "P4": 0.85}
P99_FACTOR = 2.0
# SPEC 7's absolute targets, kept as context beside the machine they were measured on.
ABSOLUTE_P99_MS = {"P1": 25, "P2_case": 5, "P2_history": 15, "P4": 10}

WORKLOADS = {
    "P1": "submit update events over HTTP",
    "P2_case": "read one case",
    "P2_history": "read a 100-event history",
    "P4": "adoption list, one court and status, page of 50",
    "P3": "P1 on the grown store",
}


def failed(run):
    return bool(run.get("non_2xx") or run.get("socket_errors"))


def describe_errors(run):
    """One line: how many requests failed, what they were, the first answers (status and body start), the diagnosis."""
    if not failed(run):
        return "no request completed"
    parts = [f"{run['non_2xx']} non-2xx and {run['socket_errors']} socket errors in {run['requests']} requests of {run.get('request', '?')}"]
    parts += [f"answer {f['status']}: {' '.join(f['body'].split())[:200]}" for f in run.get("failures", [])]
    if run.get("diagnosis"):
        parts.append(run["diagnosis"])
    return "; ".join(parts)


def runs(results):
    """Every measured run as (name, run): top-level ones (the baselines) and each app's in a pair."""
    for key, value in results.items():
        if isinstance(value, dict) and "requests" in value:
            yield key, value
        elif isinstance(value, dict):
            for app, run in value.items():
                if isinstance(run, dict) and "requests" in run:
                    yield f"{key} ({app})", run


def broken_runs(results):
    return ((name, run) for name, run in runs(results) if not run["requests"] or failed(run))


def load_average():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def ratio(a, b):
    return round(a / b, 2) if b else None


def kept_up(run, offered):
    return run["rps"] >= 0.95 * offered


# Paced connections pause between requests, so both apps achieve somewhat less than the rate offered; the service
# is compared with the limit at the same offered rate only when it answered about as many requests as the limit.
def kept_up_with(service, limit):
    return service["rps"] >= 0.95 * limit["rps"]


def verdicts(r):
    """Each target: (met, what was measured). Missing workloads are left out."""
    v = {}
    for key, target in THROUGHPUT_TARGETS.items():
        if key in r:
            x = ratio(r[key]["service"]["rps"], r[key]["limit"]["rps"])
            capped = " (the limit's run was capped: its figure is a lower bound)" if r[key]["limit"].get("capped") else ""
            v[f"{key} throughput"] = (x is not None and x >= target and not failed(r[key]["service"]), f"{x or 0:.2f} × the limit{capped} (target ≥ {target} ×)")
        paced = r.get(key + "_paced")
        if paced:
            s, lim = paced["service"], paced["limit"]
            x = ratio(s["p99_ms"], lim["p99_ms"])
            ok = x is not None and x <= P99_FACTOR and kept_up_with(s, lim) and not failed(s)
            v[f"{key} paced p99"] = (ok, f"{s['p99_ms']:.1f} ms = {x or 0:.2f} × the limit's {lim['p99_ms']:.1f} ms at {paced['offered_rps']:.0f}/s offered"
                                     + ("" if kept_up_with(s, lim) else f", but the service answered only {s['rps']:.0f}/s to the limit's {lim['rps']:.0f}/s")
                                     + f" (target ≤ {P99_FACTOR:g} ×)")
    return v


def absolute_verdicts(r):
    """SPEC 7's absolute targets (context since the ratios replaced them)."""
    v = {}
    if "P1" in r and r.get("baseline", {}).get("tps"):
        x = ratio(r["P1"]["service"]["rps"], r["baseline"]["tps"])
        v["P1 throughput vs pgbench baseline"] = (x >= 0.6, f"{x:.2f} × the baseline's {r['baseline']['tps']:.0f}/s (target ≥ 0.6 ×)")
    for key, limit_ms in ABSOLUTE_P99_MS.items():
        paced = r.get(key + "_paced")
        if paced:
            s = paced["service"]
            # As before the limit: P1 must also have kept up with the rate its throughput target asks for.
            ok = s["p99_ms"] <= limit_ms and (key != "P1" or kept_up(s, paced["offered_rps"]))
            v[f"{key} paced p99 (absolute)"] = (ok, f"{s['p99_ms']:.1f} ms at {s['rps']:.0f}/s of {paced['offered_rps']:.0f}/s offered (target ≤ {limit_ms} ms)")
    if "P3" in r and "P1" in r:
        x = ratio(r["P3"]["service"]["rps"], r["P1"]["service"]["rps"])
        v["P3 throughput vs P1"] = (x is not None and x >= 0.8, f"{x or 0:.2f} × P1 (target within 20%)")
    if "P6" in r:
        v["P6 peak RSS"] = (r["P6"]["peak_rss_mb"] <= 300, f"{r['P6']['peak_rss_mb']} MB during P1 (target ≤ 300 MB)")
    return v


def verdict(ok):
    return "met" if ok else "NOT met"


def cpu(run):
    return f"{run.get('app_cpu_us_per_request', '–')} + {run.get('postgres_cpu_us_per_request', '?')}"


def rate(run):
    return f"{run['rps']:.0f}/s" + (f" ({run['non_2xx']} non-2xx)" if run.get("non_2xx") else "") + (" capped" if run.get("capped") else "")


def write(r, quick, out):
    out.mkdir(parents=True, exist_ok=True)
    name = f"{r['date'][:10]}-{r['name']}"
    ratios, absolute = verdicts(r), absolute_verdicts(r)
    r["verdicts"] = {k: ok for k, (ok, _) in ratios.items()}
    r["absolute_verdicts"] = {k: ok for k, (ok, _) in absolute.items()}
    (out / f"{name}.json").write_text(json.dumps(r, indent=2) + "\n")
    m = r["machine"]
    keys = [k for k in WORKLOADS if k in r]
    lines = [f"# Benchmarks {r['date']} ({'smoke: checks the harness, not the targets' if quick else 'full'})", "",
             f"Machine: {m['cpus']} cores, {m['cpu_model']}, {m['memory']}; {m['postgres']}; .NET {m['dotnet']}; "
             f"load average before the run {m['load_before']}, after {load_average()}.",
             f"Data: {r['cases']:,} cases, {r['adoption_cases']:,} adoption cases; runs of {r['duration_s']} s with {r['clients']} connections; "
             f"cluster settings {r['cluster_settings']}.", "",
             "Every workload runs against the service and against **the limit** (`bench/limit`: a bare ASP.NET Core + Npgsql",
             "app doing the same SQL on the same data, no authentication, validation or case view), one after the other, with",
             "the same `wrk` scripts. CPU is µs per request of the app and of PostgreSQL (postmaster and backends).", "",
             "## Throughput at saturation", "",
             "| id | workload | service | limit | service ÷ limit | CPU µs/request service (app + PostgreSQL) | CPU µs/request limit | target | verdict |",
             "|---|---|---|---|---|---|---|---|---|"]
    for key in keys:
        s, lim = r[key]["service"], r[key]["limit"]
        target = THROUGHPUT_TARGETS.get(key)
        ok = ratios.get(f"{key} throughput")
        lines.append(f"| {key.split('_')[0]} | {WORKLOADS[key]} | {rate(s)} | {rate(lim)} | "
                     f"{ratio(s['rps'], lim['rps']) or 0:.2f} × | {cpu(s)} | {cpu(lim)} | {f'≥ {target} ×' if target else ''} | {verdict(ok[0]) if ok else ''} |")
    lines += ["", "## Latency at a paced load (both apps offered the same rate)", "",
              "A closed loop's latency at saturation is queueing (connections ÷ throughput), so latency is judged here: the same",
              "connections each pausing an exponential time so they offer a fixed rate (P1 at 0.6 × the pgbench baseline's",
              "throughput, the others at half the service's saturation throughput).", "",
              "| id | workload | offered | service achieved | service p50 / p99 | limit achieved | limit p50 / p99 | p99 ÷ limit | CPU µs/request service | CPU µs/request limit | target | verdict |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key in keys:
        paced = r.get(key + "_paced")
        if not paced:
            continue
        s, lim = paced["service"], paced["limit"]
        ok = ratios[f"{key} paced p99"]
        lines.append(f"| {key.split('_')[0]} | {WORKLOADS[key]}, paced | {paced['offered_rps']:.0f}/s | "
                     f"{rate(s)} | {s['p50_ms']:.1f} / {s['p99_ms']:.1f} ms | {rate(lim)} | {lim['p50_ms']:.1f} / {lim['p99_ms']:.1f} ms | "
                     f"{ratio(s['p99_ms'], lim['p99_ms']) or 0:.2f} × | {cpu(s)} | {cpu(lim)} | ≤ {P99_FACTOR:g} × | {verdict(ok[0])} |")
    if "baseline" in r:
        b, bp = r["baseline"], r.get("baseline_paced")
        lines += ["", "## SPEC 7's absolute targets and the pgbench baseline (context)", "",
                  f"pgbench with `bench/sql/baseline.sql` (fixed SQL of SPEC 7): {b['tps']:.0f}/s at saturation (p99 {b['p99_ms']:.1f} ms, "
                  f"PostgreSQL {b.get('postgres_cpu_us_per_request', '?')} µs/transaction)"
                  + (f"; {bp['tps']:.0f}/s paced at the P1 rate (p99 {bp['p99_ms']:.1f} ms, schedule lag included)." if bp else ".")]
    lines += ["", "| target | measured | verdict |", "|---|---|---|", *[f"| {k} | {what} | {verdict(ok)} |" for k, (ok, what) in absolute.items()]]
    lines += ["", "## Verdicts against the limit", "", *[f"- {k}: {what}: **{verdict(ok)}**" for k, (ok, what) in ratios.items()], ""]
    if quick:
        lines += ["A smoke run's figures (seconds-long runs on a small data set, usually on a busy machine) say nothing about the",
                  "targets; its verdicts are printed and never fail it.", ""]
    notes = [f"- {n}: {run['note']}" for n, run in runs(r) if run.get("note")]
    if notes:
        lines += ["## Notes", "", *notes, ""]
    broken = list(broken_runs(r))
    if broken:
        lines += ["## Runs with errors", "", *[f"- {n}: {describe_errors(run)}" for n, run in broken], ""]
    (out / f"{name}.md").write_text("\n".join(lines))
    print("\n".join(lines))
