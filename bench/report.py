"""Render `make bench` JSON as Markdown tables:

    python -m bench.report bench-results.json            # one run
    python -m bench.report before.json after.json        # two runs side by side
"""

from __future__ import annotations

import json
import sys


def markdown(results: dict) -> str:
    lines = [
        f"Scale {results['scale']}; rows: "
        + ", ".join(f"{name} {count:,}" for name, count in results.get("rows", {}).items()),
        "",
        "| page | agency | n | median ms | p95 ms | queries | SQL bound p95 ms | x SQL "
        "| guardian p95 ms | x guardian |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results["pages"]:
        server, bound, guardian = row["server"], row["sql_bound"], row.get("guardian")
        lines.append(
            f"| {row['page']} | {row['agency']} | {server['n']} | {server['median_ms']:.1f} "
            f"| {server['p95_ms']:.1f} | {','.join(map(str, server['queries']))} "
            f"| {bound['p95_ms']:.2f} | {row['ratio_to_sql']:.1f} "
            + (f"| {guardian['p95_ms']:.1f} | {row['ratio_to_guardian']:.2f} |" if guardian
               else "| | |"))
    lines += ["", "| sweep | seconds | result |", "|---|---|---|"]
    for name, value in results.get("sweeps", {}).items():
        if isinstance(value, dict):
            lines.append(f"| {name} | {value['seconds']:.3f} | {value['result']} |")
        else:
            lines.append(f"| {name} | | {value} |")
    delivery = results.get("delivery")
    if delivery:
        lines += ["", f"Delivery: {delivery['delivered']} of {delivery['notifications']} "
                      f"notifications in {delivery['seconds']:.1f} s = "
                      f"{delivery['per_second']:.0f} per second with one worker, "
                      f"through SMTP on 127.0.0.1 ({delivery.get('emails', 0)} emails over "
                      f"{delivery.get('smtp_connections', 0)} connections)."]
    return "\n".join(lines)


def comparison(before: dict, after: dict) -> str:
    """Per page: median and p95 before and after, and the ratios to the bare SQL bound and to
    guardian's stock query measured in the same run; then the sweeps and delivery."""
    lines = [
        "| page | agency | p95 ms before | p95 ms after | median ms before | median ms after "
        "| queries before / after | x SQL before / after | x guardian before / after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    earlier = {(row["page"], row["agency"]): row for row in before["pages"]}
    for row in after["pages"]:
        old = earlier.get((row["page"], row["agency"]))
        if old is None:
            continue
        guardian = (f"{old['ratio_to_guardian']:.2f} / {row['ratio_to_guardian']:.2f}"
                    if row.get("guardian") and old.get("guardian") else "")
        lines.append(
            f"| {row['page']} | {row['agency']} | {old['server']['p95_ms']:.1f} "
            f"| {row['server']['p95_ms']:.1f} | {old['server']['median_ms']:.1f} "
            f"| {row['server']['median_ms']:.1f} "
            f"| {','.join(map(str, old['server']['queries']))} / "
            f"{','.join(map(str, row['server']['queries']))} "
            f"| {old['ratio_to_sql']:.1f} / {row['ratio_to_sql']:.1f} | {guardian} |")
    lines += ["", "| sweep | seconds before | seconds after | result after |", "|---|---|---|---|"]
    for name, value in after.get("sweeps", {}).items():
        old = before.get("sweeps", {}).get(name)
        if isinstance(value, dict):
            lines.append(f"| {name} | {old['seconds']:.3f} | {value['seconds']:.3f} "
                         f"| {value['result']} |" if isinstance(old, dict) else
                         f"| {name} | | {value['seconds']:.3f} | {value['result']} |")
        else:
            lines.append(f"| {name} | {old if old is not None else ''} | {value} | |")
    if before.get("delivery") and after.get("delivery"):
        lines += ["", f"Delivery with one worker: {before['delivery']['per_second']:.0f} per "
                      f"second before, {after['delivery']['per_second']:.0f} after."]
    return "\n".join(lines)


if __name__ == "__main__":
    files = sys.argv[1:] or ["bench-results.json"]
    runs = []
    for name in files:
        with open(name) as handle:
            runs.append(json.load(handle))
    print(comparison(*runs) if len(runs) == 2 else markdown(runs[0]))
