"""bench/run's results page: the service beside the limit for every workload, the ratios, the verdicts, the errors.

results[key] holds one run per app ({"service": {...}, "limit": {...}}); results[key + "_paced"] the same two at
one offered rate ("offered_rps"). Each run has rps, p50/p95/p99_ms, app_ and postgres_cpu_us_per_request.
"""
import json

import chart

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

# P5 (issue 21, point 5): background work against its limit, from bench/publishing and bench/indexing, each measuring
# the runtime's worker and the bare client of the same sink in one run: (workload, service, limit, unit).
P5_WORKLOADS = {
    "P5_publishing": ("publish outbox messages to the AMQP broker", "the runtime's outbox publisher", "a bare AMQPNetLite sender", "messages"),
    "P5_indexing": ("index queued cases into the fake Elasticsearch", "the runtime's indexer", "a bare indexer: read, build, `_bulk`, no queue", "documents"),
}
P5_TARGET = 0.8


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


def warmup_lines(r):
    """What each app's warm-up took before its measured runs (bench/run's Bench.warm_up)."""
    runs = r.get("warmup", [])
    if not runs:
        return []
    def one(w):
        costs = " → ".join(str(c) for c in w["app_cpu_us_per_request"])
        return f"{w['workload']} {w['app']} {w['seconds']} s ({costs} µs{'' if w['steady'] else ', not steady'})"
    return ["Before its measured runs each app had warm-up runs until its CPU per request was steady (two in a row within "
            "10%, its code tiered up) or `--warmup-max` seconds had gone; their app CPU µs per request: " + "; ".join(map(one, runs)) + ".", ""]


def load_average():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def ratio(a, b):
    return round(a / b, 2) if b else None


# A paced run is open-loop (bench/wrk/common.lua): both apps are offered the same rate whatever their latency, so an
# app that achieves clearly less than offered (below KEPT_UP of it) could not keep up: it was saturated, its p99 is
# queueing behind wrk's connections, and the p99 target is not met, whatever the ratio.
KEPT_UP = 0.95


def kept_up(run, offered):
    return run["rps"] >= KEPT_UP * offered


def lag(run):
    """How late, at the 99th percentile, the run's requests were sent against their timetable (not in the latency)."""
    return f" (lag p99 {run['lag_p99_ms']} ms)" if run.get("lag_p99_ms") else ""


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
            s, lim, offered = paced["service"], paced["limit"], paced["offered_rps"]
            x = ratio(s["p99_ms"], lim["p99_ms"])
            if not kept_up(s, offered):
                v[f"{key} paced p99"] = (False, f"saturated: the service achieved {s['rps']:.0f}/s of {offered:.0f}/s offered (below {KEPT_UP:.0%}; "
                                         f"the limit {lim['rps']:.0f}/s), so its p99 of {s['p99_ms']:.1f} ms is queueing and is not compared (target ≤ {P99_FACTOR:g} × the limit's p99)")
                continue
            ok = x is not None and x <= P99_FACTOR and not failed(s)
            v[f"{key} paced p99"] = (ok, f"{s['p99_ms']:.1f} ms = {x or 0:.2f} × the limit's {lim['p99_ms']:.1f} ms at {offered:.0f}/s offered"
                                     + ("" if kept_up(lim, offered) else f" (the limit achieved only {lim['rps']:.0f}/s: it was saturated, its p99 is queueing)")
                                     + f" (target ≤ {P99_FACTOR:g} ×)")
    for key, (_, _, _, unit) in P5_WORKLOADS.items():
        p5 = r.get(key)
        if p5 and "service" in p5:
            x = ratio(p5["service"]["rate"], p5["limit"]["rate"])
            v[f"{key} throughput"] = (x is not None and x >= P5_TARGET and not p5.get("errors"),
                                     f"{x or 0:.2f} × the limit: {p5['service']['rate']:,.0f} against {p5['limit']['rate']:,.0f} {unit}/s (target ≥ {P5_TARGET} ×)")
            prebuilt = p5.get("prebuilt_limit")
            if prebuilt:
                # Issue 21 worded indexing's limit as the fake's own ingest rate from a bare _bulk client; that client posts
                # bodies built before its clock starts, so it is judged too, apart, rather than dropped.
                y = ratio(p5["service"]["rate"], prebuilt["rate"])
                v[f"{key} throughput against pre-built bodies"] = (
                    y is not None and y >= P5_TARGET and not p5.get("errors"),
                    f"{y or 0:.2f} × a bare `_bulk` client posting pre-built bodies (the issue's first wording of this limit; "
                    f"no reading or building): {p5['service']['rate']:,.0f} against {prebuilt['rate']:,.0f} {unit}/s (target ≥ {P5_TARGET} ×)")
    return v


def p5_errors(r):
    """(name, what failed) for each P5 stage that reported errors (a message lost, doubled or changed; a queue not drained)."""
    return [(key, "; ".join(r[key]["errors"])) for key in P5_WORKLOADS if r.get(key, {}).get("errors")]


def p5_section(r, ratios):
    """P5's table: the runtime's worker beside the bare client of the same sink, both measured in this run."""
    keys = [k for k in P5_WORKLOADS if "service" in r.get(k, {})]
    if not keys:
        return []
    lines = ["", "## P5: background work against its limit", "",
             "Measured in this run by `bench/publishing` and `bench/indexing` (each after a warm-up, on their own throwaway PostgreSQL",
             "cluster with fsync off, a private RabbitMQ with its AMQP 1.0 plugin, the in-process fake Elasticsearch). The limit sends",
             "the same messages / documents to the same sink, with the runtime's batches and concurrency, and no queue work (the",
             "indexing limit reads the same case rows and builds the same documents, see bench/README.md).",
             "Every message and document each delivered is checked afterwards. CPU is µs per message or document of the bench process",
             "(the fake Elasticsearch included) + PostgreSQL's.", "",
             "| id | workload | size | service | limit | service ÷ limit | CPU µs/item service | CPU µs/item limit | target | verdict |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for key in keys:
        p5, (workload, service, limit, unit) = r[key], P5_WORKLOADS[key]
        s, lim = p5["service"], p5["limit"]
        item = "message" if "cpu_us_per_message" in s else "document"
        p5_cpu = lambda run: f"{run.get(f'cpu_us_per_{item}', '?')} + {run.get(f'postgres_cpu_us_per_{item}', '?')}"
        size = f"{p5.get('messages', p5.get('cases', 0)):,} {'messages' if 'messages' in p5 else 'cases'}, batch {p5['batch_size']}"
        ok = ratios.get(f"{key} throughput")
        lines.append(f"| P5 | {workload} ({service} / {limit}) | {size} | {s['rate']:,.0f} {unit}/s | {lim['rate']:,.0f} {unit}/s | "
                     f"{ratio(s['rate'], lim['rate']) or 0:.2f} × | {p5_cpu(s)} | {p5_cpu(lim)} | ≥ {P5_TARGET} × | {verdict(ok[0]) if ok else ''} |")
    loads = [f"{key.split('_')[1]} {r[key]['machine'].get('load_average', '?')}" for key in keys]
    return lines + ["", f"Load average at the end of each P5 stage: {', '.join(loads)}."]


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


def cpu_total(run):
    return run.get("app_cpu_us_per_request", 0) + run.get("postgres_cpu_us_per_request", 0)


def growth_verdicts(g):
    """Issue 21's goals for growth: submit, read and list flat in store size (the larger within 20% of the smaller),
    history linear in its length (the service's CPU per event at the longest within 20% of at 100 events)."""
    v = {}
    for label, stages, key in (("submit", g["cases"], "P1"), ("one-case read", g["cases"], "P2_case"), ("list", g["lists"], None)):
        sizes = list(stages)
        if len(sizes) >= 2:
            small, large = (stages[n][key]["service"] if key else stages[n]["service"] for n in (sizes[0], sizes[-1]))
            x = ratio(large["rps"], small["rps"])
            v[f"{label} flat in store size"] = (x is not None and x >= 0.8, f"{x or 0:.2f} × from {int(sizes[0]):,} to {int(sizes[-1]):,} (target ≥ 0.8 ×)")
    lengths = list(g["history"])
    if "100" in g["history"] and len(lengths) >= 2:
        per_event = lambda n: cpu_total(g["history"][n]["service"]) / int(n)
        x = ratio(per_event(lengths[-1]), per_event("100"))
        v["history linear in its length"] = (x is not None and x <= 1.2, f"CPU per event at {lengths[-1]} events {x or 0:.2f} × at 100 (target ≤ 1.2 ×)")
    return v


def growth_section(r):
    g = r["growth"]
    lines = ["## How cost grows", "", f"Stored cases hold {g['events_per_case']} events each. Each stage's store is counted before and after it "
             "(P1's fresh cases add to it). Saturation throughput; CPU µs per request (app + PostgreSQL).", "",
             "| workload | store | service | limit | service ÷ limit | CPU service | CPU limit |", "|---|---|---|---|---|---|---|"]
    for size, stage in g["cases"].items():
        store = f"{stage['store_before']['cases']:,} cases / {stage['store_before']['events']:,} events"
        for key in ("P1", "P2_case"):
            s, lim = stage[key]["service"], stage[key]["limit"]
            lines.append(f"| {WORKLOADS[key]} | {store} | {rate(s)} | {rate(lim)} | {ratio(s['rps'], lim['rps']) or 0:.2f} × | {cpu(s)} | {cpu(lim)} |")
    for length, pair in g["history"].items():
        s, lim = pair["service"], pair["limit"]
        lines.append(f"| history of {int(length):,} events | – | {rate(s)} | {rate(lim)} | {ratio(s['rps'], lim['rps']) or 0:.2f} × | {cpu(s)} | {cpu(lim)} |")
    for size, pair in g["lists"].items():
        s, lim = pair["service"], pair["limit"]
        lines.append(f"| {WORKLOADS['P4']} | {int(size):,} adoption cases | {rate(s)} | {rate(lim)} | {ratio(s['rps'], lim['rps']) or 0:.2f} × | {cpu(s)} | {cpu(lim)} |")
    verdicts_ = growth_verdicts(g)
    r["growth_verdicts"] = {k: ok for k, (ok, _) in verdicts_.items()}
    return lines + ["", *[f"- {k}: {what}: **{verdict(ok)}**" for k, (ok, what) in verdicts_.items()], ""]


def pair_values(pair):
    return {app: pair[app]["rps"] for app in ("service", "limit")}


def growth_chart(r):
    g = r["growth"]
    cases = lambda key: [(f"{int(n):,} cases", pair_values(stage[key])) for n, stage in g["cases"].items()]
    panels = [{"title": "submit (P1)", "unit": "requests/s at saturation", "groups": cases("P1")},
              {"title": "read one case (P2)", "unit": "requests/s at saturation", "groups": cases("P2_case")},
              {"title": "adoption list (P4)", "unit": "requests/s at saturation", "groups": [(f"{int(n):,} cases", pair_values(p)) for n, p in g["lists"].items()]},
              {"title": "history: CPU per event", "unit": "µs per event (app + PostgreSQL)",
               "groups": [(f"{int(n):,} events", {app: cpu_total(p[app]) / int(n) for app in ("service", "limit")}) for n, p in g["history"].items()]}]
    return chart.svg(f"How cost grows ({r['date']})", panels)


def standard_chart(r, keys):
    panels = []
    for key in keys:
        target = THROUGHPUT_TARGETS.get(key)
        panel = {"title": f"{key}: {WORKLOADS[key]}", "unit": "requests/s at saturation", "groups": [("saturation", pair_values(r[key]))]}
        if target:
            panel["line"] = (target * r[key]["limit"]["rps"], f"{target} × limit")
        panels.append(panel)
        paced = r.get(key + "_paced")
        if paced:
            panels.append({"title": f"{key} paced at {paced['offered_rps']:.0f}/s", "unit": "p99 ms", "line": (P99_FACTOR * paced["limit"]["p99_ms"], f"{P99_FACTOR:g} × limit"),
                           "groups": [("p99", {app: paced[app]["p99_ms"] for app in ("service", "limit")})]})
    for key, (_, _, _, unit) in P5_WORKLOADS.items():
        p5 = r.get(key)
        if p5 and "service" in p5:
            panels.append({"title": f"P5: {key.split('_')[1]}", "unit": f"{unit}/s", "line": (P5_TARGET * p5["limit"]["rate"], f"{P5_TARGET} × limit"),
                           "groups": [("drain", {app: p5[app]["rate"] for app in ("service", "limit")})]})
    return chart.svg(f"Service and limit ({r['date']})", panels)


def busy_warning(r):
    """How much of the machine other work took during the runs (bench/run's other_cpu_share), and a warning when it
    was more than a little: other work skews every figure, CPU per request and the ratios included."""
    shares = [(run["other_cpu_share"], name) for name, run in runs(r) if "other_cpu_share" in run]
    if not shares:
        return []
    share, name = max(shares)
    steal = dict(runs(r))[name].get("steal_share")
    of_it = f"; the hypervisor's steal {steal:.0%} of the CPU" if steal else ""
    line = f"Other work on the machine took at most {share:.0%} of its CPU during a run ({name}{of_it})."
    if share <= 0.1:
        return [line, ""]
    return [f"**The machine was busy.** {line} Other work skews these figures, CPU per request and the ratios",
            "included: measure on an idle machine before judging a target.", ""]


def pairs_sections(r, keys, ratios):
    """The saturation and the paced tables: one row per workload with both apps."""
    lines = ["## Throughput at saturation", "",
             "| id | workload | service | limit | service ÷ limit | CPU µs/request service (app + PostgreSQL) | CPU µs/request limit | target | verdict |",
             "|---|---|---|---|---|---|---|---|---|"]
    for key in keys:
        s, lim = r[key]["service"], r[key]["limit"]
        target = THROUGHPUT_TARGETS.get(key)
        ok = ratios.get(f"{key} throughput")
        lines.append(f"| {key.split('_')[0]} | {WORKLOADS[key]} | {rate(s)} | {rate(lim)} | "
                     f"{ratio(s['rps'], lim['rps']) or 0:.2f} × | {cpu(s)} | {cpu(lim)} | {f'≥ {target} ×' if target else ''} | {verdict(ok[0]) if ok else ''} |")
    lines += ["", "## Latency at a paced load (both apps offered the same rate)", "",
              "A closed loop's latency at saturation is queueing (connections ÷ throughput), so latency is judged here, on an",
              "open loop: the same connections send on a Poisson timetable of a fixed rate (P1 at 0.6 × the pgbench baseline's",
              "throughput, the others at half the service's saturation throughput), each request at its scheduled time whatever",
              "the app's latency, so both apps are offered the same rate. A request whose time has passed before a connection is",
              "free is sent at once; latency is timed from the actual send, so that schedule lag is not in it (the achieved",
              f"column gives the lag's p99 when there was any). An app achieving less than {KEPT_UP:.0%} of the offered rate was saturated:",
              "its p99 is queueing, and the target is then not met without comparing p99s.", "",
              "| id | workload | offered | service achieved | service p50 / p99 | limit achieved | limit p50 / p99 | p99 ÷ limit | CPU µs/request service | CPU µs/request limit | target | verdict |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key in keys:
        paced = r.get(key + "_paced")
        if not paced:
            continue
        s, lim = paced["service"], paced["limit"]
        ok = ratios[f"{key} paced p99"]
        lines.append(f"| {key.split('_')[0]} | {WORKLOADS[key]}, paced | {paced['offered_rps']:.0f}/s | "
                     f"{rate(s)}{lag(s)} | {s['p50_ms']:.1f} / {s['p99_ms']:.1f} ms | {rate(lim)}{lag(lim)} | {lim['p50_ms']:.1f} / {lim['p99_ms']:.1f} ms | "
                     f"{ratio(s['p99_ms'], lim['p99_ms']) or 0:.2f} × | {cpu(s)} | {cpu(lim)} | ≤ {P99_FACTOR:g} × | "
                     f"{verdict(ok[0])}{'' if kept_up(s, paced['offered_rps']) else ', saturated'} |")
    return lines


def write(r, quick, out):
    out.mkdir(parents=True, exist_ok=True)
    name = f"{r['date'][:10]}-{r['name']}"
    if not quick and (out / f"{name}.md").exists():
        # A second run on the same day keeps the first's page: this one is named by its start time too (HHMM).
        name = f"{name}-{r['date'][11:15]}"
    ratios, absolute = verdicts(r), absolute_verdicts(r)
    r["verdicts"] = {k: ok for k, (ok, _) in ratios.items()}
    r["absolute_verdicts"] = {k: ok for k, (ok, _) in absolute.items()}
    m = r["machine"]
    keys = [k for k in WORKLOADS if k in r]
    lines = [f"# Benchmarks {r['date']} ({'smoke: checks the harness, not the targets' if quick else 'full'})", "",
             f"Machine: {m['cpus']} cores, {m['cpu_model']}, {m['memory']}; {m['postgres']}; .NET {m['dotnet']}; "
             f"load average before the run {m['load_before']}, after {load_average()}.",
             f"Data: {r['cases']:,} cases, {r['adoption_cases']:,} adoption cases; runs of {r['duration_s']} s with {r['clients']} connections; "
             f"cluster settings {r['cluster_settings']}.", "",
             *busy_warning(r), *warmup_lines(r),
             "Every workload runs against the service and against **the limit** (`bench/limit`: a bare ASP.NET Core + Npgsql",
             "app doing the same SQL on the same data, no authentication, validation or case view), one after the other, with",
             "the same `wrk` scripts. CPU is µs per request of the app and of PostgreSQL (postmaster and backends).", ""]
    if keys:
        lines += pairs_sections(r, keys, ratios)
    lines += p5_section(r, ratios)
    if "baseline" in r:
        b, bp = r["baseline"], r.get("baseline_paced")
        lines += ["", "## SPEC 7's absolute targets and the pgbench baseline (context)", "",
                  f"pgbench with `bench/sql/baseline.sql` (fixed SQL of SPEC 7): {b['tps']:.0f}/s at saturation (p99 {b['p99_ms']:.1f} ms, "
                  f"PostgreSQL {b.get('postgres_cpu_us_per_request', '?')} µs/transaction)"
                  + (f"; {bp['tps']:.0f}/s paced at the P1 rate (p99 {bp['p99_ms']:.1f} ms, schedule lag included)." if bp else ".")]
    if absolute:
        lines += ["", "| target | measured | verdict |", "|---|---|---|", *[f"| {k} | {what} | {verdict(ok)} |" for k, (ok, what) in absolute.items()]]
    if ratios:
        lines += ["", "## Verdicts against the limit", "", *[f"- {k}: {what}: **{verdict(ok)}**" for k, (ok, what) in ratios.items()], ""]
    if "growth" in r:
        lines += ["", *growth_section(r)]
    drawing = growth_chart(r) if "growth" in r else standard_chart(r, keys) if keys or any(k in r for k in P5_WORKLOADS) else None
    if drawing:
        (out / f"{name}.svg").write_text(drawing)
        lines += [f"![chart]({name}.svg)", ""]
    if quick:
        lines += ["A smoke run's figures (seconds-long runs on a small data set, usually on a busy machine) say nothing about the",
                  "targets; its verdicts are printed and never fail it.", ""]
    notes = [f"- {n}: {run['note']}" for n, run in runs(r) if run.get("note")]
    if notes:
        lines += ["## Notes", "", *notes, ""]
    broken = [(n, describe_errors(run)) for n, run in broken_runs(r)] + p5_errors(r)
    if broken:
        lines += ["## Runs with errors", "", *[f"- {n}: {what}" for n, what in broken], ""]
    (out / f"{name}.json").write_text(json.dumps(r, indent=2) + "\n")
    (out / f"{name}.md").write_text("\n".join(lines))
    print("\n".join(lines))
