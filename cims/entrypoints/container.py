"""The composition root: which adapters back the ports, chosen by settings."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid

from dependency_injector import containers, providers

from cims.adapters.memory import MemoryEventBus, MemoryStore
from cims.adapters.memory.jobs import (
    MemoryCheckpoints,
    MemoryJobLock,
    MemoryJobRuns,
    MemorySourceRecords,
)
from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.domain.customer_document import ValidationPolicy
from cims.entrypoints.auth import TokenAuthority, local_secret
from cims.entrypoints.settings import Settings
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.jobs.runner import JobRunner
from cims.ports.inbound.relay import EventRelay

log = logging.getLogger(__name__)


def _sql_store(url: str, migrate: bool) -> object:
    # Imported here so that in-memory use never loads SQLAlchemy.
    from cims.adapters.sqlalchemy import SqlStore

    return SqlStore(url, migrate=migrate)


def _sql_jobs(kind: str, store: object) -> object:
    from cims.adapters.sqlalchemy import jobs

    engine = store.engine  # type: ignore[attr-defined]
    return getattr(jobs, kind)(engine)


def _runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _jwt_secret(jwt_secret: str, data_dir: str) -> str:
    return jwt_secret or local_secret(data_dir)


class Container(containers.DeclarativeContainer):
    config = providers.Configuration(strict=True)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(TimeOrderedIds)

    store = providers.Selector(
        config.storage,
        memory=providers.Singleton(MemoryStore),
        sql=providers.Singleton(
            _sql_store, config.database_url, config.migrate_on_start
        ),
    )
    publisher = providers.Selector(
        config.events,
        memory=providers.Singleton(MemoryEventBus),
    )

    policy = providers.Singleton(ValidationPolicy, default_region=config.default_region)
    customers = providers.Factory(
        CustomerService,
        unit_of_work=store.provided.unit_of_work,
        clock=clock,
        ids=ids,
        policy=policy,
    )
    relay = providers.Factory(EventRelay, outbox=store, publisher=publisher)

    # Batch jobs: lock, history and checkpoints live beside the customers.
    job_lock = providers.Selector(
        config.storage,
        memory=providers.Singleton(MemoryJobLock),
        sql=providers.Singleton(_sql_jobs, "SqlJobLock", store),
    )
    job_runs = providers.Selector(
        config.storage,
        memory=providers.Singleton(MemoryJobRuns),
        sql=providers.Singleton(_sql_jobs, "SqlJobRuns", store),
    )
    checkpoints = providers.Selector(
        config.storage,
        memory=providers.Singleton(MemoryCheckpoints),
        sql=providers.Singleton(_sql_jobs, "SqlCheckpoints", store),
    )
    source_records = providers.Selector(
        config.storage,
        memory=providers.Singleton(MemorySourceRecords),
        sql=providers.Singleton(_sql_jobs, "SqlSourceRecords", store),
    )
    job_runner = providers.Singleton(
        JobRunner,
        lock=job_lock,
        runs=job_runs,
        checkpoints=checkpoints,
        clock=clock,
        ids=ids,
        owner=providers.Callable(_runner_name),
        lease=providers.Callable(
            lambda seconds: dt.timedelta(seconds=seconds), config.job_lease_seconds
        ),
    )

    authority = providers.Singleton(
        TokenAuthority,
        secret=providers.Callable(_jwt_secret, config.jwt_secret, config.data_dir),
        issuer=config.jwt_issuer,
        audience=config.jwt_audience,
    )


def build_container(settings: Settings) -> Container:
    container = Container()
    container.config.from_dict(
        {
            "storage": settings.storage,
            "events": settings.events,
            "data_dir": settings.data_dir,
            "database_url": settings.effective_database_url,
            "default_region": settings.default_region,
            "jwt_secret": settings.jwt_secret,
            "jwt_issuer": settings.jwt_issuer,
            "jwt_audience": settings.jwt_audience,
            "migrate_on_start": settings.migrate_on_start,
            "job_lease_seconds": settings.job_lease_seconds,
        }
    )
    return container


class RelayThread(threading.Thread):
    """Moves committed events from the outbox to the publisher, continuously."""

    def __init__(self, relay: EventRelay, interval: float) -> None:
        super().__init__(name="cims-relay", daemon=True)
        self._relay = relay
        self._interval = interval
        self._stop = threading.Event()

    def run(self) -> None:
        log.info("event relay started, polling every %.1fs", self._interval)
        while not self._stop.is_set():
            try:
                published = self._relay.relay_once()
            except Exception:
                log.exception(
                    "event relay failed; events stay in the outbox and will be "
                    "retried in %.1fs",
                    self._interval,
                )
                published = 0
            if not published:
                self._stop.wait(self._interval)

    def stop(self) -> None:
        self._stop.set()
