"""The sync job: upserts from feed files, rejects, reconciliation, resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cims.domain.jobs import JobStatus
from cims.ports.inbound.jobs.sync import OUTCOMES
from tests.support.jobs import MemoryJobs, crm_row, write_csv

BAD_CHANGES = [
    {"first_name": ""},
    {"email": "not-an-email"},
    {"birth": "1980-13-45"},
    {"customer_no": ""},
    {"phone": "call me"},
    {"first_name": "R2D2", "birth": "tomorrow"},
]


def rejects_of(inbox: Path, name: str) -> list[dict]:
    path = inbox / "rejects" / f"{name}.rejects.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def reconciles(counts: dict[str, int]) -> bool:
    return counts.get("read", 0) == sum(counts.get(o, 0) for o in OUTCOMES)


def test_new_rows_register_customers_and_publish_their_events(tmp_path: Path) -> None:
    jobs = MemoryJobs()
    write_csv(tmp_path / "crm-1.csv", [crm_row(1), crm_row(2)])

    run = jobs.runner().run(jobs.sync(tmp_path))

    assert run.counts == {"read": 2, "created": 2}
    assert len(jobs.store.customers) == 2
    assert [m.value["event"] for m in jobs.store.outbox] == ["CUSTOMER_CREATED"] * 2
    assert (tmp_path / "done" / "crm-1.csv").exists()
    assert not (tmp_path / "crm-1.csv").exists()


def test_bad_rows_go_to_the_rejects_file_with_the_reason_per_field(
    tmp_path: Path,
) -> None:
    jobs = MemoryJobs()
    write_csv(
        tmp_path / "crm-1.csv",
        [crm_row(1), crm_row(2, email="nope", birth="31/02/1980"), crm_row(3)],
    )

    run = jobs.runner().run(jobs.sync(tmp_path))

    assert run.counts == {"read": 3, "created": 2, "rejected": 1}
    (reject,) = rejects_of(tmp_path, "crm-1.csv")
    assert reject["line"] == 3
    assert reject["raw"]["customer_no"] == "C00002"
    assert {r["field"] for r in reject["reasons"]} == {"dateOfBirth", "email"}


def test_unreadable_rows_are_rejected_not_dropped(tmp_path: Path) -> None:
    jobs = MemoryJobs()
    path = write_csv(tmp_path / "crm-1.csv", [crm_row(1)])
    with path.open("ab") as handle:
        handle.write(b"C9,too,few\n")
        handle.write(b"C8,Ren\xe9e,Roe,,,,,,\n")

    run = jobs.runner().run(jobs.sync(tmp_path))

    assert run.counts == {"read": 3, "created": 1, "rejected": 2}
    reasons = [r["reasons"][0]["reason"] for r in rejects_of(tmp_path, "crm-1.csv")]
    assert reasons == [
        "has 3 values; the header has 9 columns",
        "is not valid UTF-8",
    ]


def test_a_changed_row_amends_only_the_fields_the_source_maps(tmp_path: Path) -> None:
    jobs = MemoryJobs()
    write_csv(tmp_path / "crm-1.csv", [crm_row(1)])
    jobs.runner().run(jobs.sync(tmp_path))
    (customer_id,) = jobs.store.customers

    write_csv(tmp_path / "crm-2.csv", [crm_row(1, town="Leeds")])
    run = jobs.runner().run(jobs.sync(tmp_path))

    assert run.counts == {"read": 1, "updated": 1}
    customer = jobs.store.customers[customer_id]
    assert customer.profile.postal_address.city == "Leeds"  # type: ignore[union-attr]
    assert customer.version == 2
    assert jobs.store.outbox[-1].value["event"] == "CUSTOMER_UPDATED"
    record = jobs.source_records.get("crm", "C00001")
    assert record is not None and record.values["town"] == "Leeds"


def test_json_lines_feeds_are_imported_too(tmp_path: Path) -> None:
    jobs = MemoryJobs()
    rows = [crm_row(1), "{broken", ["not", "an", "object"]]
    (tmp_path / "crm-1.jsonl").write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n"
    )

    run = jobs.runner().run(jobs.sync(tmp_path, files="crm-*.jsonl", format="jsonl"))

    assert run.counts == {"read": 3, "created": 1, "rejected": 2}


rows_with_faults = st.lists(
    st.tuples(st.integers(1, 30), st.none() | st.sampled_from(BAD_CHANGES)),
    max_size=25,
)


@given(first=rows_with_faults, second=rows_with_faults)
def test_counts_reconcile_for_any_mix_of_rows_and_a_rerun_changes_nothing(
    tmp_path_factory: pytest.TempPathFactory,
    first: list[tuple[int, dict | None]],
    second: list[tuple[int, dict | None]],
) -> None:
    inbox = tmp_path_factory.mktemp("inbox")
    jobs = MemoryJobs()
    for name, rows in (("crm-1.csv", first), ("crm-2.csv", second)):
        write_csv(inbox / name, [crm_row(n, **(bad or {})) for n, bad in rows])

    run = jobs.runner().run(jobs.sync(inbox))

    assert reconciles(run.counts)
    assert run.counts.get("read", 0) == len(first) + len(second)
    rejected = sum(len(rejects_of(inbox, n)) for n in ("crm-1.csv", "crm-2.csv"))
    assert rejected == run.counts.get("rejected", 0)

    customers_before = dict(jobs.store.customers)
    events_before = len(jobs.store.outbox)
    for name in ("crm-1.csv", "crm-2.csv"):
        (inbox / "done" / name).rename(inbox / name)
    (inbox / "rejects").exists() and [p.unlink() for p in (inbox / "rejects").iterdir()]

    again = jobs.runner().run(jobs.sync(inbox))

    assert reconciles(again.counts)
    assert again.counts.get("created", 0) == again.counts.get("updated", 0) == 0
    assert jobs.store.customers == customers_before
    assert len(jobs.store.outbox) == events_before


def test_a_killed_sync_resumes_and_reconciles_like_an_uninterrupted_one(
    tmp_path: Path,
) -> None:
    rows = [crm_row(n, **({"email": "x"} if n % 4 == 0 else {})) for n in range(1, 12)]
    clean = MemoryJobs()
    write_csv(tmp_path / "clean" / "crm-1.csv", rows)
    expected = clean.runner().run(clean.sync(tmp_path / "clean"))

    jobs = MemoryJobs()
    inbox = tmp_path / "killed"
    write_csv(inbox / "crm-1.csv", rows)
    job = jobs.sync(inbox, chunk_size=3)
    put_many = jobs.source_records.put_many
    calls = []

    def die_in_the_third_chunk(records):  # type: ignore[no-untyped-def]
        calls.append(records)
        if len(calls) == 3:
            # Killed after the chunk's customers were stored, before their
            # source records and the checkpoint.
            raise KeyboardInterrupt
        put_many(records)

    jobs.source_records.put_many = die_in_the_third_chunk  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        jobs.runner().run(job)
    assert jobs.runs.history()[0].status is JobStatus.FAILED
    assert jobs.checkpoints.get("sync", "crm:crm-1.csv").position == 7  # type: ignore[union-attr]

    resumed = jobs.runner().run(job)

    # The cut-short chunk is done again; its registrations replay by their
    # idempotency keys instead of creating customers twice.
    assert resumed.counts == expected.counts
    assert reconciles(resumed.counts)
    assert len(jobs.store.customers) == len(clean.store.customers) == 9
    assert len(jobs.store.outbox) == len(clean.store.outbox) == 9
    assert len(rejects_of(inbox, "crm-1.csv")) == 2
    assert len(jobs.source_records.records) == 9
