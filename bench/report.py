"""Render a `make bench` JSON file as Markdown tables: python -m bench.report bench-results.json"""

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
                      f"{delivery['per_second']:.0f} per second with one worker."]
    return "\n".join(lines)


if __name__ == "__main__":
    with open(sys.argv[1] if len(sys.argv) > 1 else "bench-results.json") as handle:
        print(markdown(json.load(handle)))
