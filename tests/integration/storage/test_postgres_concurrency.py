"""PostgreSQL under concurrent writers, dropped connections and a missing server."""

from __future__ import annotations

import pytest

from cims.adapters.sqlalchemy import SqlStore
from cims.domain.errors import ServiceUnavailable, VersionConflict
from cims.ports.inbound.customers import CustomerFilters, Registration
from cims.testing.storage_contract import in_threads, jane, service_for
from tests.support.postgres import terminate_connections

pytestmark = pytest.mark.postgres


def test_two_amendments_from_one_version_never_lose_an_update(
    pg_store: SqlStore,
) -> None:
    service = service_for(pg_store)
    customer_id = service.register(jane()).customer_id

    for round_number in range(60):
        version = service.get(customer_id).version

        def amend(index: int, version: int = version, n: int = round_number) -> str:
            name = f"Writer{'AB'[index]}{'x' * (n % 5)}"
            service.amend(customer_id, {"lastName": name}, expected_version=version)
            return name

        results = in_threads(2, amend)

        winners = [r for r in results if isinstance(r, str)]
        conflicts = [r for r in results if isinstance(r, VersionConflict)]
        assert (len(winners), len(conflicts)) == (1, 1), (round_number, results)
        after = service.get(customer_id)
        assert after.version == version + 1
        assert after.profile.last_name == winners[0]


def test_concurrent_registrations_with_one_key_create_one_customer(
    pg_store: SqlStore,
) -> None:
    service = service_for(pg_store)

    for round_number in range(10):
        key = f"key-{round_number}"
        email = f"round{round_number}@example.com"
        document = jane(email=email)

        def register(
            _index: int, document: dict[str, object] = document, key: str = key
        ) -> Registration:
            return service.register(document, idempotency_key=key)

        results = in_threads(6, register)

        assert not [r for r in results if isinstance(r, Exception)], results
        assert len({r.customer_id for r in results}) == 1
        assert sum(not r.replayed for r in results) == 1
        found = service.list(CustomerFilters(email=email))
        assert len(found.customers) == 1


def test_a_store_reconnects_after_its_connections_were_killed(
    pg_url: str,
) -> None:
    store = SqlStore(pg_url, pool_size=3)
    service = service_for(store)
    customer_id = service.register(jane()).customer_id
    in_threads(3, lambda _i: service.get(customer_id))  # fill the pool

    killed = terminate_connections(pg_url)

    assert killed >= 1
    assert service.get(customer_id).id == customer_id
    assert service.register(jane(email="after@example.com")).customer_id
    store.close()


def test_a_connection_killed_mid_transaction_is_service_unavailable_then_recovers(
    pg_url: str,
) -> None:
    store = SqlStore(pg_url, pool_size=1, max_overflow=0)
    service = service_for(store)
    customer_id = service.register(jane()).customer_id

    with pytest.raises(ServiceUnavailable) as raised, store.unit_of_work() as uow:
        uow.customers.get(customer_id)
        terminate_connections(pg_url)
        uow.customers.get(customer_id)

    assert raised.value.service == "database"
    assert raised.value.__cause__ is not None
    assert service.get(customer_id).id == customer_id
    store.close()


def test_an_unreachable_database_is_service_unavailable() -> None:
    store = SqlStore(
        "postgresql+psycopg://postgres@127.0.0.1:9/nowhere", connect_timeout=2
    )

    with pytest.raises(ServiceUnavailable) as raised, store.unit_of_work():
        pass

    assert "127.0.0.1" in str(raised.value)
    assert raised.value.__cause__ is not None
    with pytest.raises(ServiceUnavailable):
        store.pending(10)
    store.close()
