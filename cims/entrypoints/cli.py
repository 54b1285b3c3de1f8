"""The `cims` command line."""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

import click

from cims.entrypoints.auth import SCOPES
from cims.entrypoints.container import build_container
from cims.entrypoints.settings import Settings, load_settings


@click.group()
@click.option(
    "--log-level",
    default=None,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    help="Overrides CIMS_LOG_LEVEL.",
)
@click.pass_context
def main(ctx: click.Context, log_level: str | None) -> None:
    """CIMS: customer information management for banks."""
    settings = load_settings()
    logging.basicConfig(
        level=(log_level or settings.log_level).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if (log_level or settings.log_level).upper() != "DEBUG":
        # Alembic narrates every plugin it loads at INFO; only its warnings help.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    ctx.obj = settings


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=None,
    type=int,
    help="Worker processes (default 1 for in-memory storage, else 2).",
)
@click.option("--threads", default=8, show_default=True, type=int)
@click.pass_obj
def serve(
    settings: Settings, host: str, port: int, workers: int | None, threads: int
) -> None:
    """Run the HTTP service with gunicorn."""
    from cims.entrypoints.server import run_gunicorn

    if settings.storage == "memory" and (workers or 1) > 1:
        raise click.UsageError(
            "in-memory storage lives in one process; use --workers 1 "
            "or a database (CIMS_STORAGE=sql)"
        )
    if settings.storage == "sql" and settings.migrate_on_start:
        # Once, before the workers start, so they never race to migrate.
        _upgrade_database(settings)
    default_workers = 1 if settings.storage == "memory" else 2
    run_gunicorn(settings, host, port, workers or default_workers, threads)


@main.group()
def db() -> None:
    """The SQL database schema."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Bring the database schema up to date (Alembic migrations)."""
    _upgrade_database(settings)
    click.echo(f"database schema is up to date: {_safe_url(settings)}")


def _upgrade_database(settings: Settings) -> None:
    from cims.adapters.sqlalchemy import upgrade
    from cims.domain.errors import ServiceUnavailable

    try:
        upgrade(settings.effective_database_url)
    except ServiceUnavailable as error:
        raise click.ClickException(
            f"{error}; check CIMS_DATABASE_URL ({_safe_url(settings)})"
        ) from None


def _safe_url(settings: Settings) -> str:
    """The database URL with any password hidden, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(settings.effective_database_url).render_as_string(
        hide_password=True
    )


@main.group()
def token() -> None:
    """Bearer tokens for local use."""


@token.command("create")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(SCOPES),
    help="Repeat for several scopes.",
)
@click.option("--subject", default="local-user", show_default=True)
@click.option(
    "--hours", default=24, show_default=True, type=click.IntRange(min=1, max=24 * 365)
)
@click.pass_obj
def token_create(
    settings: Settings, scopes: tuple[str, ...], subject: str, hours: int
) -> None:
    """Print a signed bearer token with the given scopes."""
    authority = build_container(settings).authority()
    click.echo(authority.mint(subject, scopes, dt.timedelta(hours=hours)))


@main.group()
def batch() -> None:
    """Batch jobs: run one now, list past runs."""


@batch.command("run")
@click.argument("job")
@click.option("--inbox", default="", help="Feed inbox folder (sync).")
@click.option("--feeds", default="", help="Feed configuration YAML (sync).")
@click.option("--chunk-size", default=0, type=int, help="Records per checkpoint.")
@click.pass_obj
def batch_run(settings, job: str, inbox: str, feeds: str, chunk_size: int) -> None:
    """Run JOB now (sync, relay, ...) and print how it went.

    Ctrl-C or SIGTERM stops it after the current chunk; running it again
    resumes there. Exit status: 0 succeeded, 1 failed, 3 stopped, 4 the job
    was already running elsewhere.
    """
    from cims.domain.errors import InvalidInput
    from cims.domain.jobs import JobAlreadyRunning, JobStatus
    from cims.entrypoints.jobs import JobOptions, build_job
    from cims.entrypoints.metrics import JobMetrics
    from cims.entrypoints.progress import LogProgress, Observers, RichProgress

    container = build_container(settings)
    try:
        chosen = build_job(
            job, container, settings, JobOptions(inbox, feeds, chunk_size)
        )
    except InvalidInput as error:
        raise click.ClickException(_explain(error)) from None
    except Exception as error:  # UnknownJob, JobNotAvailable, unreadable files
        raise click.ClickException(str(error)) from None

    display = RichProgress() if sys.stderr.isatty() else LogProgress()
    observer = Observers([display, JobMetrics()])
    stop, previous = _stop_on_signals()
    try:
        run = container.job_runner().run(chosen, stop, observer)
    except JobAlreadyRunning as busy:
        click.echo(str(busy), err=True)
        sys.exit(4)
    except Exception as error:
        logging.getLogger("cims.batch").exception("job %s failed", job)
        raise click.ClickException(f"job {job} failed: {error}") from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    _print_runs([run])
    if run.status is JobStatus.STOPPED:
        sys.exit(3)


@batch.command("history")
@click.option("--job", default=None, help="Only this job's runs.")
@click.option("--limit", default=20, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_obj
def batch_history(settings, job: str | None, limit: int, as_json: bool) -> None:
    """Print recorded runs, newest first."""
    from cims.entrypoints.http.jobs import run_document

    runs = build_container(settings).job_runs().history(job, limit)
    if as_json:
        for run in runs:
            click.echo(json.dumps(run_document(run)))
        return
    if not runs:
        click.echo("no job runs recorded")
        return
    _print_runs(runs)


@main.command()
@click.option("--schedule", "schedule_file", default="", help="Schedule YAML.")
@click.option(
    "--metrics-port",
    default=0,
    type=int,
    help="Serve Prometheus metrics of the jobs run here on 127.0.0.1:PORT.",
)
@click.pass_obj
def scheduler(settings, schedule_file: str, metrics_port: int) -> None:
    """Run batch jobs on the schedule in a YAML file until SIGTERM."""
    from cims.entrypoints.jobs import available_jobs, build_job
    from cims.entrypoints.metrics import JobMetrics
    from cims.entrypoints.progress import LogProgress, Observers
    from cims.entrypoints.scheduler import ScheduleError, Scheduler, load_schedule

    path = schedule_file or settings.schedule_file
    if not path:
        raise click.UsageError("give --schedule FILE or set CIMS_SCHEDULE_FILE")
    try:
        entries = load_schedule(path, available_jobs())
    except (OSError, ScheduleError) as error:
        raise click.ClickException(f"schedule {path}: {error}") from None

    container = build_container(settings)
    for entry in entries:
        try:
            build_job(entry.job, container, settings)
        except Exception as error:
            raise click.ClickException(str(error)) from None
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr="127.0.0.1")
        logging.getLogger("cims.scheduler").info(
            "job metrics on http://127.0.0.1:%d/metrics", metrics_port
        )

    runner = Scheduler(
        entries,
        container.job_runner(),
        lambda name: build_job(name, container, settings),
        Observers([LogProgress(), JobMetrics()]),
    )
    runner.install_signal_handlers()
    runner.serve()


def _stop_on_signals() -> tuple[threading.Event, dict[signal.Signals, Any]]:
    stop = threading.Event()

    def request_stop(signum: int, _frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        click.echo(
            "stopping after the current chunk (press Ctrl-C again to abort)", err=True
        )
        stop.set()

    previous = {
        signum: signal.signal(signum, request_stop)
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    return stop, previous


def _explain(error: Exception) -> str:
    details = "".join(
        f"\n  {e.field or '(whole)'}: {e.message}" for e in getattr(error, "errors", ())
    )
    return f"{error}{details}"


def _print_runs(runs: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("run", "job", "status", "started", "seconds", "counts", "where")
    for run in runs:
        seconds = f"{run.duration.total_seconds():.1f}" if run.duration else ""
        counts = " ".join(f"{k}={v}" for k, v in run.counts.items())
        where = run.stopped_at or ("; ".join(run.errors[-1:]))
        table.add_row(
            run.run_id[-12:],
            run.job,
            run.status.value,
            run.started_at.isoformat(timespec="seconds"),
            seconds,
            counts,
            where,
        )
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@main.group()
def kyc() -> None:
    """KYC batch jobs: periodic review expiry and sanctions rescreening."""


@kyc.command("expire-reviews")
@click.pass_obj
def kyc_expire_reviews(settings: Settings) -> None:
    """Expire Verified customers whose periodic review date has passed."""
    expired = build_container(settings).kyc().expire_due_reviews()
    click.echo(f"{len(expired)} customer(s) expired for periodic review")


@kyc.command("rescreen")
@click.pass_obj
def kyc_rescreen(settings: Settings) -> None:
    """Screen every customer against the current sanctions list."""
    report = build_container(settings).kyc().rescreen_all()
    click.echo(
        f"{report.screened} customer(s) screened, "
        f"{report.with_open_hits} with open hits"
    )


if __name__ == "__main__":
    main()


@main.command()
@click.pass_obj
def relay(settings: Settings) -> None:
    """Relay committed events from the outbox to the event bus until SIGTERM."""
    from cims.adapters.kafka import run_until_signalled

    if settings.storage == "memory":
        raise click.UsageError(
            "an in-memory outbox lives inside `cims serve`; a separate relay "
            "needs a database (CIMS_STORAGE=sql or mongo)"
        )
    container = build_container(settings)
    try:
        run_until_signalled(container.relay_runner())
    finally:
        container.store().close()
        publisher = container.publisher()
        if hasattr(publisher, "close"):
            publisher.close()


@main.command()
@click.option("--group", "group_id", required=True, help="Kafka consumer group id.")
@click.option(
    "--topic",
    "topics",
    multiple=True,
    default=("customer-updates",),
    show_default=True,
    help="Repeat for several topics.",
)
@click.option(
    "--handler",
    default=None,
    help="module:function called with each event (a dict); "
    "default: print each event as one JSON line.",
)
@click.pass_obj
def consume(
    settings: Settings, group_id: str, topics: tuple[str, ...], handler: str | None
) -> None:
    """Consume CIMS events from Kafka: commit after handling, once per eventId."""
    import json
    import os
    import signal
    import threading

    from cims.adapters.kafka import EventConsumer, from_env

    def print_event(event: dict[str, object]) -> None:
        click.echo(json.dumps(event, sort_keys=True))

    callback = _load_handler(handler) if handler else print_event
    consumer = EventConsumer(from_env(os.environ), group_id, topics, callback)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    consumer.run(stop)


def _load_handler(path: str) -> Callable[[dict[str, object]], None]:
    import importlib

    module_name, _, function = path.partition(":")
    if not module_name or not function:
        raise click.BadParameter(
            f"expected module:function, e.g. mybank.crm:on_event; got {path!r}",
            param_hint="--handler",
        )
    try:
        found = getattr(importlib.import_module(module_name), function)
    except (ImportError, AttributeError) as error:
        raise click.BadParameter(str(error), param_hint="--handler") from None
    if not callable(found):
        raise click.BadParameter(f"{path} is not callable", param_hint="--handler")
    return found
