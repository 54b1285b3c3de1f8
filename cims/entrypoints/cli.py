"""The `cims` command line."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable

import click

from cims.entrypoints.auth import SCOPES
from cims.entrypoints.container import build_container
from cims.entrypoints.settings import Settings, load_settings


@click.group()
@click.option("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR.")
@click.pass_context
def main(ctx: click.Context, log_level: str | None) -> None:
    """CIMS: customer information management for banks."""
    settings = load_settings()
    logging.basicConfig(
        level=(log_level or settings.log_level).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
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
@click.option("--hours", default=24, show_default=True, type=int)
@click.pass_obj
def token_create(
    settings: Settings, scopes: tuple[str, ...], subject: str, hours: int
) -> None:
    """Print a signed bearer token with the given scopes."""
    authority = build_container(settings).authority()
    click.echo(authority.mint(subject, scopes, dt.timedelta(hours=hours)))


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
