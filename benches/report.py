#!/usr/bin/env python3
"""Generates ../BENCHMARKS.md and benchmarks.svg from one run's results:
target/criterion/**/new/{benchmark,estimates}.json (criterion medians),
target/allocs.tsv (src/bin/allocs.rs), target/icount.tsv (callgrind.sh),
target/machine.txt (run.sh), and the hand-written analysis in NOTES.md.
Usage (from benches/): python3 report.py"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "target")
ROOT = os.path.dirname(HERE)

# Workloads in report order: (criterion group, title, element name, kind)
GROUPS = [
    ("decode_ovs_flow_dump_100", "Decode an OVS flow-dump datagram (100 flows)", "flow", "decode"),
    ("decode_nlctrl_getfamily_dump", "Decode the host's nlctrl GETFAMILY dump (recorded)", "family", "decode"),
    ("decode_rtnl_link_dump", "Decode an rtnetlink link dump (recorded, bridge + veths)", "link", "decode"),
    ("encode_ovs_flow_put_100", "Encode 100 OVS flow puts into a reused buffer", "flow", "encode"),
    ("transport_getfamily_10000", "10,000 CTRL_CMD_GETFAMILY transactions (live kernel)", "txn", "transport"),
    ("routes_install_100000", "Install 100,000 IPv4 routes in a fresh netns", "route", "routes"),
    ("routes_dump_100000", "Dump 100,000 IPv4 routes", "route", "routes"),
]
C_PEERS = {"libmnl"}
NON_RUST = {"libmnl", "C (inline walk)", "ip -batch", "ip route show"}


def load_criterion():
    res = {}
    base = os.path.join(TARGET, "criterion")
    for dirpath, _dirs, files in os.walk(base):
        if os.path.basename(dirpath) != "new" or "estimates.json" not in files:
            continue
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            b = json.load(f)
        with open(os.path.join(dirpath, "estimates.json")) as f:
            e = json.load(f)
        group, peer = b["group_id"], b["function_id"]
        tp = b.get("throughput") or {}
        elems = tp.get("Elements") if isinstance(tp, dict) else None
        med = e["median"]
        res.setdefault(group, {})[peer] = {
            "median_ns": med["point_estimate"],
            "lo_ns": med["confidence_interval"]["lower_bound"],
            "hi_ns": med["confidence_interval"]["upper_bound"],
            "elements": elems,
        }
    return res


def load_tsv(name, ncols):
    out = {}
    path = os.path.join(TARGET, name)
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= ncols:
                out[(parts[0], parts[1])] = parts[2:]
    return out


def fmt_time(ns):
    if ns >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def fmt_num(x):
    x = float(x)
    if x == int(x):
        return f"{int(x):,}"
    return f"{x:,.1f}"


def nlwire_ref(rows, group):
    """The nlwire row a workload's ratios are taken against."""
    if "nlwire" in rows:
        return "nlwire"
    mine = sorted(p for p in rows if p.startswith("nlwire"))
    for p in mine:
        if "multiple" in p:
            return p
    return mine[0] if mine else None


def chart(crit, inter, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "nlwire"  # the same results give the same file

    groups = [g for g in GROUPS if g[0] in crit]
    fig, axes = plt.subplots(len(groups), 1, figsize=(9, 1.1 + 0.42 * sum(len(crit[g[0]]) for g in groups)),
                             gridspec_kw={"height_ratios": [len(crit[g[0]]) for g in groups]})
    if len(groups) == 1:
        axes = [axes]
    for ax, (gid, title, elem, _kind) in zip(axes, groups):
        rows = {p: dict(r, median_ns=inter.get((gid, p), r["median_ns"])) for p, r in crit[gid].items()}
        ref = nlwire_ref(rows, gid)
        base = rows[ref]["median_ns"] if ref else None
        items = sorted(rows.items(), key=lambda kv: kv[1]["median_ns"])
        names = [k for k, _ in items]
        vals = [v["median_ns"] / base for _, v in items]
        colors = ["#1f6feb" if n.startswith("nlwire") else ("#8b949e" if n in NON_RUST else "#d29922") for n in names]
        ax.barh(range(len(names)), vals, color=colors)
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels(names, fontsize=8)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.axvline(1.0, color="#1f6feb", linewidth=0.8, linestyle="--")
        for i, (v, (_, r)) in enumerate(zip(vals, items)):
            per = r["median_ns"] / (r["elements"] or 1)
            ax.text(v, i, f"  {v:.2f}x  ({fmt_time(r['median_ns'])}, {fmt_time(per)}/{elem})", va="center", fontsize=7)
        ax.set_title(title, fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=7)
        ax.set_xlim(min(vals) * 0.7, max(vals) * 12)
    from matplotlib.patches import Patch

    axes[0].legend(handles=[Patch(color="#1f6feb", label="nlwire"), Patch(color="#d29922", label="Rust peers"),
                            Patch(color="#8b949e", label="C / iproute2")],
                   loc="lower right", fontsize=7, frameon=False)
    axes[-1].set_xlabel("time relative to nlwire (interleaved medians where measured, else criterion; log scale; "
                        "lower is faster; dashed line = nlwire)", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None} if path.endswith(".svg") else None)


def main():
    crit = load_criterion()
    allocs = load_tsv("allocs.tsv", 4)
    icount = load_tsv("icount.tsv", 3)
    icount_nolto = load_tsv("icount-nolto.tsv", 3)
    inter = {k: float(v[0]) for k, v in load_tsv("interleaved.tsv", 5).items()}
    machine = ""
    mpath = os.path.join(TARGET, "machine.txt")
    if os.path.exists(mpath):
        machine = open(mpath).read().strip()
    notes = ""
    npath = os.path.join(HERE, "NOTES.md")
    if os.path.exists(npath):
        notes = open(npath).read().strip()

    out = []
    w = out.append
    w("# Benchmarks: nlwire side by side with neli, rust-netlink, netlink-bindings and C libmnl")
    w("")
    w("_Generated by `benches/report.py` from one run of `benches/run.sh`; do not edit by hand "
      "(the analysis comes from `benches/NOTES.md`)._")
    w("")
    w("![median time per workload relative to nlwire](benches/benchmarks.svg)")
    w("")
    w("## Machine")
    w("")
    w("```")
    w(machine or "(target/machine.txt missing: run benches/run.sh)")
    w("```")
    w("")
    w("## Results")
    w("")
    w("**interleaved** = median over rounds in which every peer of the workload runs once, in rotating order "
      "(`src/bin/interleave.rs`): on this shared machine the load drifts over minutes, and criterion measures one "
      "peer after another, so its medians for two peers can come from different loads; the interleaved figures do "
      "not have that bias and the ratios and verdicts use them where they exist. "
      "**criterion** = median of criterion's samples (95% confidence interval in brackets). "
      "**ratio** = peer / nlwire (above 1: nlwire is faster). "
      "Allocations are counted per operation after one warm-up operation (`src/bin/allocs.rs`); "
      "instructions per operation come from callgrind (`callgrind.sh`).")
    w("")
    for gid, title, elem, _kind in GROUPS:
        rows = crit.get(gid)
        if not rows:
            continue
        ref = nlwire_ref(rows, gid)
        base = rows[ref]["median_ns"] if ref else None
        w(f"### {title}")
        w("")
        ib = inter.get((gid, ref)) if ref else None
        w(f"| peer | interleaved / op | per {elem} | ratio | criterion / op | allocs / op | bytes allocated / op | instructions / op | instructions / op, no LTO |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        def key(kv):
            return inter.get((gid, kv[0]), kv[1]["median_ns"])
        for peer, r in sorted(rows.items(), key=key):
            t = inter.get((gid, peer))
            if t is not None and ib:
                per = t / (r["elements"] or 1)
                ratio = f"{t / ib:.2f}x"
                tcol = fmt_time(t)
            else:
                per = r["median_ns"] / (r["elements"] or 1)
                ratio = f"{r['median_ns'] / base:.2f}x" if base else "-"
                tcol = "-"
            a = allocs.get((gid, peer))
            ic = icount.get((gid, peer))
            icn = icount_nolto.get((gid, peer))
            w(f"| {'**' + peer + '**' if peer.startswith('nlwire') else peer} | {tcol} | {fmt_time(per)} | {ratio} | "
              f"{fmt_time(r['median_ns'])} [{fmt_time(r['lo_ns'])}, {fmt_time(r['hi_ns'])}] | "
              f"{fmt_num(a[0]) if a else '-'} | {fmt_num(a[1]) if a else '-'} | {fmt_num(ic[0]) if ic else '-'} | "
              f"{fmt_num(icn[0]) if icn else '-'} |")
        w("")

    # Targets.
    w("## Targets")
    w("")
    w("| target | measured | verdict |")
    w("|---|---|---|")

    def verdict(ok):
        return "met" if ok else "**missed**"

    def tm(gid, peer):
        if (gid, peer) in inter:
            return inter[(gid, peer)]
        return crit[gid][peer]["median_ns"]

    for gid, title, _elem, kind in GROUPS:
        rows = crit.get(gid)
        mine = {p: tm(gid, p) for p in (rows or {}) if p.startswith("nlwire")}
        if not mine or kind not in ("decode", "encode"):
            continue
        best, nl = min(mine.items(), key=lambda kv: kv[1])
        label = best
        rust = {p: tm(gid, p) for p in rows if not p.startswith("nlwire") and p not in NON_RUST}
        if kind in ("decode", "encode") and rust:
            fp, ft = min(rust.items(), key=lambda kv: kv[1])
            need = 3.0 if kind == "decode" else 2.0
            w(f"| {gid}: ≥ {need:g}x faster than the fastest Rust peer | {fp} / {label} = {ft / nl:.2f}x | {verdict(ft / nl >= need)} |")
            if kind == "decode" and "libmnl" in rows:
                r = nl / tm(gid, "libmnl")
                w(f"| {gid}: within 1.5x of libmnl | {label} / libmnl = {r:.2f} | {verdict(r <= 1.5)} |")
            if "C (inline walk)" in rows:
                r = nl / tm(gid, "C (inline walk)")
                w(f"| {gid}: (for reference, not a target) vs hand-rolled C walk | {label} / C = {r:.2f} | - |")
            a = allocs.get((gid, best))
            if a:
                w(f"| {gid}: 0 allocations{' after warm-up' if kind == 'encode' else ''} | {fmt_num(a[0])} | {verdict(float(a[0]) == 0)} |")
    t = crit.get("transport_getfamily_10000", {})
    batched = [p for p in t if p.startswith("nlwire") and "multiple" in p]
    if batched and "neli sequential" in t:
        g = "transport_getfamily_10000"
        r = tm(g, "neli sequential") / tm(g, batched[0])
        w(f"| batched transactions ≥ 5x the sequential rate of neli | {r:.1f}x | {verdict(r >= 5)} |")
    for gid, ref in (("routes_install_100000", "ip -batch"), ("routes_dump_100000", "ip route show")):
        rows = crit.get(gid, {})
        nlp = [p for p in rows if p.startswith("nlwire")]
        if nlp and ref in rows:
            r = rows[ref]["median_ns"] / rows[nlp[0]]["median_ns"]
            w(f"| {gid}: at least as fast as `{ref}` | {ref} / nlwire = {r:.2f}x | {verdict(r >= 1.0)} |")
    w("")
    if notes:
        w(notes)
        w("")
    with open(os.path.join(ROOT, "BENCHMARKS.md"), "w") as f:
        f.write("\n".join(out))
    chart(crit, inter, os.path.join(HERE, "benchmarks.svg"))
    chart(crit, inter, os.path.join(TARGET, "benchmarks.png"))
    print("wrote BENCHMARKS.md and benches/benchmarks.svg", file=sys.stderr)


if __name__ == "__main__":
    main()
