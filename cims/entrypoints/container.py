"""The composition root: which adapters back the ports, chosen by settings."""

from __future__ import annotations

import logging
import threading

from dependency_injector import containers, providers

from cims.adapters.memory import MemoryEventBus, MemoryStore
from cims.adapters.mongo import MongoStore
from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.domain.customer_document import ValidationPolicy
from cims.entrypoints.auth import TokenAuthority, local_secret
from cims.entrypoints.settings import Settings
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.relay import EventRelay

log = logging.getLogger(__name__)


def _jwt_secret(jwt_secret: str, data_dir: str) -> str:
    return jwt_secret or local_secret(data_dir)


class Container(containers.DeclarativeContainer):
    config = providers.Configuration(strict=True)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(TimeOrderedIds)

    store = providers.Selector(
        config.storage,
        memory=providers.Singleton(MemoryStore),
        mongo=providers.Singleton(
            MongoStore, config.mongodb_url, config.mongodb_database
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
            "mongodb_url": settings.mongodb_url,
            "mongodb_database": settings.mongodb_database,
            "default_region": settings.default_region,
            "jwt_secret": settings.jwt_secret,
            "jwt_issuer": settings.jwt_issuer,
            "jwt_audience": settings.jwt_audience,
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
                    "retried in %.1fs", self._interval
                )
                published = 0
            if not published:
                self._stop.wait(self._interval)

    def stop(self) -> None:
        self._stop.set()
