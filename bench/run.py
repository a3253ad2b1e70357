"""`make bench`: load the scale data set into its own database (once per scale), then measure
each page through Django's full request stack beside its bare-SQL lower bound and
django-guardian's stock ``get_objects_for_user``, the reminder sweeps, and notification
delivery through a real broker and one worker. Prints a table and writes JSON.

    .venv/bin/python -m bench.run [--scale 1.0] [--requests 200] [--reload] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from config.embedded import PrivateRedis

ROOT = Path(__file__).resolve().parent.parent


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000,
            "n": len(ordered)}


# --- the database ----------------------------------------------------------------------------

def ensure_loaded(scale: float, *, reload: bool, log=print) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.load import Sizes, load, load_actions_if_missing, refresh_summary, summary_missing

    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    if exists and not reload:
        marker = _marker()
        if marker and marker["scale"] == scale:
            log(f"Reusing {name}: loaded at scale {scale} on {marker['loaded_at']}")
            call_command("migrate", verbosity=0, interactive=False)  # e.g. a new index
            with transaction.atomic(), connection.cursor() as cursor:
                topped_up = load_actions_if_missing(cursor, Sizes(scale), log=log)
            if topped_up or summary_missing():  # a data set loaded before the summary existed
                refresh_summary(log=log)
            return marker
        log(f"{name} holds scale {marker['scale'] if marker else '?'}: rebuilding")
        reload = True
    if exists and reload:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    log(f"Created database {name}; migrating")
    call_command("migrate", verbosity=0, interactive=False)
    sizes = Sizes(scale)
    log(f"Loading scale {scale}: {sizes.cases:,} cases, {sizes.users:,} users")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        steps = load(cursor, sizes, log=log)
        cursor.execute("CREATE TABLE bench_marker (scale double precision, "
                       "loaded_at timestamptz, seconds double precision)")
    analyse_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    steps["vacuum analyze"] = time.perf_counter() - analyse_started
    steps["reports summary"] = refresh_summary(log=log)  # as beat does nightly
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_marker VALUES (%s, now(), %s)", [scale, seconds])
    log(f"Loaded in {seconds:.0f} s")
    return {**_marker(), "steps": steps}


def _marker() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_marker') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT scale, loaded_at, seconds FROM bench_marker LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    return {"scale": row[0], "loaded_at": row[1].isoformat(), "load_seconds": row[2]}


# --- who is measured -------------------------------------------------------------------------

def bench_actor(agency_number: int, *, nth: int = 0):
    from apps.agencies.actor import Actor
    from apps.agencies.models import Membership
    from bench.load import agency_uuid

    membership = (Membership.objects.active().select_related("user", "agency")
                  .filter(agency_id=agency_uuid(agency_number), role="practitioner")
                  .order_by("user_id")[nth])
    return Actor(user=membership.user, membership=membership)


def bench_manager(agency_number: int):
    """A manager of the agency: the caseload and report pages are theirs. The loader makes
    every twentieth user a manager, which leaves some small agencies without one: there the
    first member is made manager (in the bench's own database)."""
    from apps.agencies.actor import Actor
    from apps.agencies.models import Membership
    from bench.load import agency_uuid

    members = (Membership.objects.active().select_related("user", "agency")
               .filter(agency_id=agency_uuid(agency_number)).order_by("user_id"))
    membership = members.filter(role="manager").first()
    if membership is None:
        membership = members.first()
        if membership is None:
            return None
        Membership.objects.filter(pk=membership.pk).update(role="manager")
        membership.role = "manager"
    return Actor(user=membership.user, membership=membership)


def measure_reports(number: int, label: str, args) -> list[dict]:
    from bench.pages import report_specs

    manager = bench_manager(number)
    if manager is None:
        return []
    browser, api = clients_for(manager)
    rows = []
    for spec in report_specs(actor=manager):
        row = {"page": spec.name, "agency": label,
               "server": measure_page(api if spec.api else browser, spec, args.requests,
                                      args.budget),
               "sql_bound": measure_sql(spec.bound_sql, spec.bound_params, args.requests)}
        row["ratio_to_sql"] = row["server"]["p95_ms"] / max(row["sql_bound"]["p95_ms"], 1e-3)
        rows.append(row)
        _print_row(row)
    return rows


def measure_heavy(actor, number: int, args) -> list[dict]:
    from bench.heavy import heavy_specs

    outside_rotation = visible_case_ids(actor, count=60)[-1]  # not among the case page's 50
    rows = []
    for who, spec in heavy_specs(author=actor, backlog=bench_actor(number, nth=1),
                                 case_id=outside_rotation):
        browser, _api = clients_for(who)
        row = {"page": spec.name, "agency": "largest",
               "server": measure_page(browser, spec, args.requests, args.budget)}
        row["sql_bound"] = measure_sql(spec.bound_sql, spec.bound_params, args.requests)
        row["ratio_to_sql"] = row["server"]["p95_ms"] / max(row["sql_bound"]["p95_ms"], 1e-3)
        rows.append(row)
        _print_row(row)
    return rows


def visible_case_ids(actor, count: int = 50) -> list:
    """The cases whose pages are measured. Their grants are synced through the services' own
    rule (``case_permissions_sync``), so the measured case page has exactly the grants a real
    one would, whatever the bulk load gave."""
    from django.db import connection, transaction

    from apps.cases.models import Case
    from apps.cases.permissions import case_permissions_sync

    with connection.cursor() as cursor:
        cursor.execute("SELECT case_id FROM cases_involvement WHERE agency_id = %s "
                       "AND ended_at IS NULL ORDER BY case_id LIMIT %s",
                       [actor.agency_id, count])
        case_ids = [row[0] for row in cursor.fetchall()]
    with transaction.atomic():
        for case in Case.objects.filter(pk__in=case_ids):
            case_permissions_sync(case=case)
    return case_ids


def clients_for(actor):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.services import api_token_create
    from apps.agencies.middleware import SESSION_KEY

    browser = Client()
    browser.force_login(actor.user)
    # Two-factor on, as in production (bench.settings requires it): the user has a confirmed
    # TOTP device and the session is verified with it, as after entering a code.
    device, _ = TOTPDevice.objects.get_or_create(user=actor.user, name="Bench",
                                                 defaults={"confirmed": True})
    session = browser.session
    session[SESSION_KEY] = str(actor.membership.pk)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    _token, key = api_token_create(membership=actor.membership, name="Bench")
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    return browser, api


SECOND_PAGES = ("my work", "referral inbox", "API cases", "API referral inbox")


def second_pages(specs: list, *, browser, api) -> list:
    """The same lists one cursor page on: the next link of the first page, as a user follows
    it (the bound stays the first page's query)."""
    import dataclasses
    import html
    import re
    from urllib.parse import urlsplit

    found = []
    for spec in specs:
        if spec.name not in SECOND_PAGES:
            continue
        response = (api if spec.api else browser).get(spec.url(0))
        if spec.api:
            link = response.json().get("next")
        else:
            match = re.search(r'href="([^"]*cursor=[^"]*)" rel="next"', response.content.decode())
            link = html.unescape(match.group(1)) if match else None
        if not link:
            continue
        parts = urlsplit(link)  # "?cursor=…" on a page, an absolute URL from the API
        url = f"{parts.path or urlsplit(spec.url(0)).path}?{parts.query}"
        found.append(dataclasses.replace(spec, name=f"{spec.name}, page 2",
                                         url=lambda k, url=url: url))
    return found


# --- measurements ----------------------------------------------------------------------------

def measure_page(client, spec, requests: int, budget_s: float) -> dict:
    """``requests`` timed requests, or fewer (at least 10) when a page is so slow that they
    would take more than ``budget_s`` seconds; the result says how many were timed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = set()
    for k in range(4):  # warm up, and count the queries of the requests after the first
        with CaptureQueriesContext(connection) as queries:
            response = client.get(spec.url(k))
        if response.status_code != 200:
            raise RuntimeError(f"{spec.name}: {spec.url(k)} answered {response.status_code}")
        if k:
            counts.add(len(queries))
    samples = []
    deadline = time.perf_counter() + budget_s
    for k in range(requests):
        started = time.perf_counter()
        response = client.get(spec.url(k))
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (spec.name, response.status_code)
        if len(samples) >= 10 and time.perf_counter() > deadline:
            break
    return {**summary(samples), "queries": sorted(counts)}


def measure_sql(sql: str, params, repeats: int) -> dict:
    from django.db import connection

    samples = []
    with connection.cursor() as cursor:
        for k in range(repeats + 3):
            started = time.perf_counter()
            cursor.execute(sql, params(k))
            cursor.fetchall()
            if k >= 3:
                samples.append(time.perf_counter() - started)
    return summary(samples)


def measure_guardian(actor, repeats: int, budget_s: float = 20.0) -> dict:
    """django-guardian's stock answer to "which cases may this user see", first page."""
    from guardian.shortcuts import get_objects_for_user

    from apps.cases.models import Case

    samples = []
    deadline = time.perf_counter() + budget_s
    for _ in range(repeats):
        started = time.perf_counter()
        list(get_objects_for_user(actor.user, "cases.view_case", klass=Case)
             .select_related("subject", "lead_agency")
             .order_by("-last_activity_at", "-id")[:26])
        samples.append(time.perf_counter() - started)
        if time.perf_counter() > deadline and len(samples) >= 5:
            break
    return summary(samples)


def measure_sweeps() -> dict:
    """The reminder sweeps over the whole data set: the first run sends what fell due in the
    last minutes (reminders older than that are marked sent), the second finds nothing new."""
    from django.db import connection

    from apps.notifications.models import Notification
    from apps.notifications.services import outbox_sweep
    from apps.referrals.reminders import referral_reminders

    with connection.cursor() as cursor:
        for stage, column in (("reminder", "due_at"), ("escalation", "escalate_at")):
            cursor.execute(
                "INSERT INTO notifications_reminder (kind, target_id, stage, sent_at) "  # noqa: S608
                f"SELECT 'referral', id, %s, now() FROM referrals_referral "
                f"WHERE status = 'submitted' AND {column} <= now() - interval '5 minutes' "
                "ON CONFLICT DO NOTHING", [stage])
            cursor.execute(
                "DELETE FROM notifications_reminder WHERE kind = 'referral' AND stage = %s "  # noqa: S608
                f"AND target_id IN (SELECT id FROM referrals_referral "
                f"WHERE status = 'submitted' AND {column} > now() - interval '5 minutes')",
                [stage])
    sweeps: dict = {}
    sweeps_started = time.time()
    for label in ("referral reminders (due batch)", "referral reminders (nothing new)"):
        started = time.perf_counter()
        result = referral_reminders()
        sweeps[label] = {"seconds": time.perf_counter() - started, "result": result}
    sweeps["notifications written"] = Notification.objects.filter(
        kind__startswith="referral_", created_at__gte=_utc(sweeps_started)).count()
    if optional_tables_exist():
        sweeps.update(_action_sweep())
    try:
        from apps.consent.reminders import consent_reminders, dsa_sweep
    except ImportError:
        pass
    else:
        for label, sweep in (("consent reminders", consent_reminders), ("DSA sweep", dsa_sweep)):
            started = time.perf_counter()
            result = sweep()
            sweeps[label] = {"seconds": time.perf_counter() - started, "result": result}
    started = time.perf_counter()
    sweeps["outbox sweep"] = {"seconds": time.perf_counter() - started,
                              "result": outbox_sweep()}
    sweeps["outbox sweep"]["seconds"] = time.perf_counter() - started
    # Leave the data set as it was, for the next run.
    Notification.objects.filter(kind__startswith="referral_",
                                created_at__gte=_utc(sweeps_started)).delete()
    return sweeps


def optional_tables_exist() -> bool:
    from django.db import connection

    from bench.load import optional_tables

    with connection.cursor() as cursor:
        return optional_tables(cursor)["action_plans_action"]


def _action_sweep() -> dict:
    """Action reminders at the day's turn: every stage of earlier days is already in the ledger,
    today's batch is not (as on the first sweep after midnight)."""
    from django.db import connection

    from apps.action_plans.reminders import action_reminders
    from apps.notifications.models import Notification

    days = 3
    stages = (("before_due", f"due_date <= current_date + {days} - 1 AND due_date > current_date",
               f"due_date = current_date + {days}"),
              ("due", "due_date < current_date", "due_date = current_date"),
              ("overdue", "due_date < current_date - 1", "due_date = current_date - 1"))
    with connection.cursor() as cursor:
        for stage, earlier, today in stages:
            cursor.execute(
                "INSERT INTO notifications_reminder (kind, target_id, stage, sent_at) "  # noqa: S608
                f"SELECT 'action', id, %s, now() FROM action_plans_action "
                f"WHERE status = 'open' AND {earlier} ON CONFLICT DO NOTHING", [stage])
            cursor.execute(
                "DELETE FROM notifications_reminder WHERE kind = 'action' AND stage = %s "  # noqa: S608
                f"AND target_id IN (SELECT id FROM action_plans_action WHERE {today})", [stage])
    started_at = time.time()
    out = {}
    for label in ("action reminders (day's batch)", "action reminders (nothing new)"):
        started = time.perf_counter()
        result = action_reminders()
        out[label] = {"seconds": time.perf_counter() - started, "result": result}
    rows = Notification.objects.filter(kind__startswith="action_", created_at__gte=_utc(started_at))
    out["action notifications written"] = rows.count()
    rows.delete()
    return out


def _utc(epoch: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, tz=UTC)


def measure_delivery(redis_url: str, count: int, concurrency: int = 2) -> dict:
    """Write ``count`` notifications through the outbox, publish on commit to the private broker
    and time one worker (with ``concurrency`` processes, as ``make run`` starts it) until every
    one is delivered, its email sent through a real SMTP server on 127.0.0.1
    (``bench.smtp_sink``)."""
    from bench.smtp_sink import smtp_sink
    from config.celery import app

    app.control.purge()
    with smtp_sink() as (sink, port):
        result = _delivery_run(redis_url=redis_url, count=count, smtp_port=port,
                               concurrency=concurrency)
        result["worker_concurrency"] = concurrency
        result["emails"] = len(sink.received)
        result["smtp_connections"] = sink.connections
    return result


def _delivery_run(*, redis_url: str, count: int, smtp_port: int, concurrency: int) -> dict:
    from django.db import transaction

    from apps.agencies.models import Membership
    from apps.notifications.models import DeliveryState, Notification
    from bench.load import USER_BASE
    from config.celery import app

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "REDIS_URL": redis_url,
           "BENCH_SMTP_PORT": str(smtp_port)}
    worker = subprocess.Popen(  # noqa: S603 - our own venv's celery
        [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker",
         "-c", str(concurrency), "--pool", "prefork", "-l", "warning",
         "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-n", f"bench-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(os.environ["BENCH_WORKER_LOG"], "ab")  # noqa: SIM115
        if os.environ.get("BENCH_WORKER_LOG") else subprocess.DEVNULL)
    try:
        for _ in range(120):
            if app.control.ping(timeout=0.5):
                break
        else:
            raise RuntimeError("the worker did not start")
        from django.contrib.auth import get_user_model

        from apps.agencies.selectors import members_by_agency
        from apps.notifications.services import notify_agencies

        users = list(get_user_model().objects.filter(id__gte=USER_BASE).order_by("id")
                     .values_list("id", flat=True)[:count])
        chosen = set(users)
        by_agency = {agency: members & chosen for agency, members in members_by_agency(
            agency_ids=Membership.objects.filter(user_id__in=users).values_list(
                "agency_id", flat=True)).items()}
        target = Notification.objects.values_list("target_id", flat=True).first()
        with transaction.atomic():
            ids = notify_agencies(recipients_by_agency=by_agency, kind="bench_delivery",
                                  target_type="referral", target_id=target,
                                  title="Bench delivery", url="/notifications/")
            started = time.perf_counter()
        delivered = 0
        deadline = started + 300
        while time.perf_counter() < deadline:
            delivered = Notification.objects.filter(
                pk__in=ids, state=DeliveryState.DELIVERED).count()
            if delivered == len(ids):
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        Notification.objects.filter(kind="bench_delivery").delete()
        return {"notifications": len(ids), "delivered": delivered, "seconds": elapsed,
                "per_second": delivered / elapsed if elapsed else 0.0}
    finally:
        worker.terminate()
        worker.wait(timeout=30)


# --- the run ---------------------------------------------------------------------------------

def run(args) -> dict:
    from django.db import connection

    from apps.cases.sizes import agencies_case_share_refresh
    from bench.load import MEASURED_AGENCIES, optional_tables
    from bench.pages import page_specs, plan_text

    results: dict = {"scale": args.scale, "requests": args.requests,
                     "data": ensure_loaded(args.scale, reload=args.reload)}
    started = time.perf_counter()  # as the nightly beat task does
    agencies_case_share_refresh()
    results["case_share_refresh_seconds"] = time.perf_counter() - started
    # The reports' nightly summary: timed here unless the load just built it.
    from bench.load import refresh_summary

    results["reports_summary_refresh_seconds"] = (
        results["data"].get("steps", {}).get("reports summary") or refresh_summary())
    with connection.cursor() as cursor:
        results["optional"] = optional_tables(cursor)
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relname IN "
                       "('cases_case','cases_involvement','cases_casegroupobjectpermission',"
                       "'referrals_referral','notifications_notification','people_person',"
                       "'auth_user') ORDER BY relname")
        results["rows"] = dict(cursor.fetchall())
    pages: list[dict] = []
    plans: dict = {}
    for label, number in MEASURED_AGENCIES:
        if args.agencies and label not in args.agencies.split(","):
            continue
        actor = bench_actor(number)
        browser, api = clients_for(actor)
        case_ids = visible_case_ids(actor)
        specs = page_specs(actor=actor, case_ids=case_ids)
        for spec in specs + second_pages(specs, browser=browser, api=api):
            row = {"page": spec.name, "agency": label}
            row["server"] = measure_page(api if spec.api else browser, spec, args.requests,
                                         args.budget)
            row["sql_bound"] = measure_sql(spec.bound_sql, spec.bound_params, args.requests)
            row["ratio_to_sql"] = row["server"]["p95_ms"] / max(row["sql_bound"]["p95_ms"], 1e-3)
            if spec.name in ("my work", "API cases"):
                if "guardian" not in plans.get(label, {}):
                    plans.setdefault(label, {})["guardian"] = measure_guardian(
                        actor, args.requests)
                row["guardian"] = plans[label]["guardian"]
                row["ratio_to_guardian"] = (row["server"]["p95_ms"]
                                            / max(row["guardian"]["p95_ms"], 1e-3))
            if args.explain:
                plans.setdefault(label, {})[spec.name] = plan_text(
                    spec.main_query(), as_written=spec.as_written)
            pages.append(row)
            _print_row(row)
        if label == "largest":  # a 200-note case, a colleague with 40,000 unread notices
            pages += measure_heavy(actor, number, args)
        pages += measure_reports(number, label, args)  # apps/insight: a manager's reports
    results["pages"] = pages
    results["explain"] = {label: {k: v for k, v in p.items() if k != "guardian"}
                          for label, p in plans.items()}
    print("\nReminder sweeps")
    results["sweeps"] = measure_sweeps()
    for label, value in results["sweeps"].items():
        print(f"  {label:<36} {value}")
    if not results["optional"]["action_plans_action"]:
        print("  (action plans: no action_plans_action table, open actions not loaded)")
    print(f"\nNotification delivery, one worker of {args.worker_concurrency} processes")
    results["delivery"] = measure_delivery(args.redis_url, args.deliveries,
                                           args.worker_concurrency)
    print(f"  {results['delivery']}")
    if args.load_seconds:
        from bench.loadtest import run_load

        chosen = [(label, number) for label, number in MEASURED_AGENCIES
                  if not args.agencies or label in args.agencies.split(",")]
        results["load"] = run_load(agencies=chosen, rate=args.load_rate,
                                   seconds=args.load_seconds, clients=args.load_clients,
                                   workers=args.load_workers)
    return results


HEADER = (f"{'page':<24}{'agency':<10}{'n':>5}{'median':>8}{'p95':>8}{'queries':>9}"
          f"{'sql p95':>9}{'x sql':>7}{'guardian':>10}{'x grd':>7}")


def _print_row(row: dict) -> None:
    if not getattr(_print_row, "header", False):
        print("\nServer time per request, ms (p95 over the requests), queries per request")
        print(HEADER)
        _print_row.header = True
    server, bound = row["server"], row["sql_bound"]
    guardian = row.get("guardian")
    print(f"{row['page']:<24}{row['agency']:<10}{server['n']:>5}"
          f"{server['median_ms']:8.1f}{server['p95_ms']:8.1f}"
          f"{','.join(map(str, server['queries'])):>9}{bound['p95_ms']:9.2f}"
          f"{row['ratio_to_sql']:7.1f}"
          + (f"{guardian['p95_ms']:10.1f}{row['ratio_to_guardian']:7.2f}" if guardian else ""),
          flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1.0)))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds per page at most (then at least 10 requests)")
    parser.add_argument("--reload", action="store_true", help="drop and load the data again")
    parser.add_argument("--agencies", default="",
                        help="only these sizes, e.g. largest,smallest (default: all)")
    parser.add_argument("--explain", action="store_true", help="keep EXPLAIN ANALYZE plans")
    parser.add_argument("--worker-concurrency", type=int, default=2,
                        help="processes of the delivery worker (make run starts 2)")
    parser.add_argument("--load-seconds", type=float, default=60.0,
                        help="length of each load-test phase (0: no load test)")
    parser.add_argument("--load-rate", type=float, default=20.0,
                        help="open-loop arrivals per second of mixed traffic")
    parser.add_argument("--load-clients", type=int, default=16,
                        help="closed-loop concurrent users, for the most the box serves")
    parser.add_argument("--load-workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--json", default=str(ROOT / "bench-results.json"))
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if "WRAPAROUND_BENCH_DB" not in os.environ:  # one database per scale: a quick run at
        # another scale never drops the full data set
        suffix = "" if args.scale == 1.0 else "_" + f"{args.scale:g}".replace(".", "_")
        os.environ["WRAPAROUND_BENCH_DB"] = f"wraparound_bench{suffix}"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the private Redis too
    redis = PrivateRedis(prefix="wrap-bench-")
    redis.start()
    os.environ["REDIS_URL"] = args.redis_url = redis.url
    try:
        import django

        django.setup()
        results = run(args)
    finally:
        redis.close()
    Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    print(f"\nFigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
