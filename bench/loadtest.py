"""The load test: many simulated users against gunicorn on 127.0.0.1, for a bounded time.

A mix of practitioners (of the largest, a 25%, a 9% and the smallest agency), managers and API
clients requests the measured pages (bench.pages) at a fixed arrival rate (open loop: a slow
answer does not slow the arrivals, as with real users), then a closed-loop run finds the most
requests per second the box serves. Each request's time is from its scheduled start, so
queueing inside gunicorn counts. Sessions and tokens are made the way the app makes them
(Django's session store, ``api_token_create``); no page is skipped or stubbed.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Visitor:
    label: str  # e.g. "practitioner, 25%"
    headers: dict[str, str]
    cookies: dict[str, str]
    paths: list[tuple[str, str]]  # (page name, path)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def visitors(*, agencies: list[tuple[str, int]]) -> list[Visitor]:
    """One practitioner (browser pages) and one API client per agency size, and a manager of
    the largest agency (browser pages), each with the measured pages' paths."""
    from django.conf import settings

    from bench.pages import page_specs
    from bench.run import bench_actor, bench_manager, clients_for, visible_case_ids

    found: list[Visitor] = []
    for label, number in agencies:
        actors = [("practitioner", bench_actor(number))]
        manager = bench_manager(number) if label == "largest" else None
        if manager is not None:
            actors.append(("manager", manager))
        for kind, actor in actors:
            browser, api = clients_for(actor)
            specs = page_specs(actor=actor, case_ids=visible_case_ids(actor, count=20))
            pages = [(s.name, s.url(k)) for s in specs if not s.api for k in range(20)]
            found.append(Visitor(f"{kind}, {label}", {},
                                 {settings.SESSION_COOKIE_NAME:
                                  browser.cookies[settings.SESSION_COOKIE_NAME].value}, pages))
            if kind == "practitioner":
                api_pages = [(s.name, s.url(k)) for s in specs if s.api for k in range(5)]
                found.append(Visitor(f"API client, {label}",
                                     {"Authorization": api.defaults["HTTP_AUTHORIZATION"]},
                                     {}, api_pages))
    return found


class Server:
    """gunicorn serving the bench database, as ``make run`` serves the product."""

    def __init__(self, *, workers: int) -> None:
        self.port = _free_port()
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "gunicorn", "config.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--log-level", "warning"], cwd=ROOT, env=env)
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(self.url("/healthz"), timeout=2)
                return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _summarise(samples: dict[str, list[float]], errors: dict[str, int], seconds: float) -> dict:
    pages = {}
    for name, times in sorted(samples.items()):
        pages[name] = {"requests": len(times), "errors": errors.get(name, 0),
                       "p50_ms": _percentile(times, 0.50) * 1000,
                       "p95_ms": _percentile(times, 0.95) * 1000,
                       "p99_ms": _percentile(times, 0.99) * 1000}
    done = sum(len(t) for t in samples.values())
    return {"seconds": seconds, "requests": done, "errors": sum(errors.values()),
            "throughput_rps": done / seconds if seconds else 0.0, "pages": pages}


def _one(session, server: Server, visitor: Visitor, rng: random.Random):
    name, path = rng.choice(visitor.paths)
    response = session.get(server.url(path), headers=visitor.headers, cookies=visitor.cookies,
                           allow_redirects=False, timeout=30)
    return name, response.status_code == 200


def open_loop(*, server: Server, crowd: list[Visitor], rate: float, seconds: float,
              threads: int = 32) -> dict:
    """Requests arrive at ``rate`` per second, each from a visitor chosen at random."""
    import requests

    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    local = threading.local()
    rng = random.Random(17)  # noqa: S311 - a reproducible traffic mix, not security
    plan = [(i / rate, rng.choice(crowd), random.Random(i)) for i in range(int(rate * seconds))]  # noqa: S311
    start = time.monotonic()

    def fire(at: float, visitor: Visitor, pick: random.Random) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        scheduled = start + at
        time.sleep(max(0.0, scheduled - time.monotonic()))
        name, ok = _one(local.session, server, visitor, pick)
        elapsed = time.monotonic() - scheduled
        with lock:
            samples[name].append(elapsed)
            if not ok:
                errors[name] += 1

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for at, visitor, pick in plan:
            pool.submit(fire, at, visitor, pick)
    return {"rate": rate, **_summarise(samples, errors, time.monotonic() - start)}


def closed_loop(*, server: Server, crowd: list[Visitor], clients: int, seconds: float) -> dict:
    """``clients`` users each sending their next request as soon as the last one answers:
    the most the box serves."""
    import requests

    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(number: int) -> None:
        session, rng = requests.Session(), random.Random(number)  # noqa: S311
        while time.monotonic() < stop:
            visitor = rng.choice(crowd)
            began = time.monotonic()
            name, ok = _one(session, server, visitor, rng)
            with lock:
                samples[name].append(time.monotonic() - began)
                if not ok:
                    errors[name] += 1

    start = time.monotonic()
    workers = [threading.Thread(target=user, args=(n,)) for n in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"clients": clients, **_summarise(samples, errors, time.monotonic() - start)}


def run_load(*, agencies: list[tuple[str, int]], rate: float, seconds: float,
             clients: int, workers: int, log=print) -> dict:
    crowd = visitors(agencies=agencies)
    log(f"\nLoad test: {len(crowd)} visitors, gunicorn with {workers} workers on 127.0.0.1")
    with Server(workers=workers) as server:
        closed_loop(server=server, crowd=crowd, clients=2, seconds=5)  # warm the workers
        steady = open_loop(server=server, crowd=crowd, rate=rate, seconds=seconds)
        peak = closed_loop(server=server, crowd=crowd, clients=clients, seconds=seconds)
    for title, result in ((f"open loop at {rate:g} requests/s", steady),
                          (f"closed loop, {clients} clients", peak)):
        log(f"  {title}: {result['requests']} requests, {result['errors']} errors, "
            f"{result['throughput_rps']:.1f}/s")
        for name, page in result["pages"].items():
            log(f"    {name:<28} n={page['requests']:<5} p50 {page['p50_ms']:7.1f}  "
                f"p95 {page['p95_ms']:7.1f}  p99 {page['p99_ms']:7.1f} ms")
    return {"open_loop": steady, "closed_loop": peak}
