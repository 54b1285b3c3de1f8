"""KYC commands and events in random order, for property tests of KYC rules.

Two kinds of sequence:

- `kyc_command_sequences()`: what clerks, officers and the passing of time do
  to one customer's KYC case (submit evidence, decide, clear a hit, rename,
  attest a status, screen, let months pass). `run_kyc_commands` applies them
  to a core and records what each did, refusals included.
- `kyc_status_events()`: the `KYC_STATUS_CHANGED` messages one customer's
  case can emit, as a consumer on the event bus receives them.

For example, that no sequence of commands verifies a customer on the watch
list without an officer clearing the hit:

    @given(kyc_command_sequences())
    def test_listed_people_are_not_verified_silently(commands):
        ...
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

from cims.domain.errors import CimsError
from cims.domain.events import KycStatusChanged
from cims.domain.kyc import allowed_from
from cims.domain.values import KycStatus
from cims.entrypoints.embedded import Core
from cims.ports.inbound.kyc import Actor
from cims.testing.doubles import FixedClock

__all__ = [
    "CLERK",
    "OFFICER",
    "Attest",
    "ClearFirstOpenHit",
    "Decide",
    "KycCommand",
    "Outcome",
    "Rename",
    "Screen",
    "SubmitEvidence",
    "TimePasses",
    "evidence_documents",
    "kyc_command_sequences",
    "kyc_commands",
    "kyc_status_events",
    "run_kyc_commands",
]

OFFICER = Actor("officer-1", kyc_officer=True)
CLERK = Actor("clerk-1")
actors = st.sampled_from([OFFICER, CLERK])


@attrs.frozen
class SubmitEvidence:
    """A clerk submits identity documents and a PEP declaration."""

    evidence: dict[str, Any]
    actor: Actor = CLERK


@attrs.frozen
class Decide:
    """Someone decides "Verified" or "Rejected" on the case."""

    decision: str
    actor: Actor


@attrs.frozen
class ClearFirstOpenHit:
    """Someone clears the first open screening hit as a false positive."""

    actor: Actor


@attrs.frozen
class Rename:
    """The customer's name changes (screening runs again)."""

    first_name: str
    last_name: str


@attrs.frozen
class Attest:
    """Someone sets kycStatus through the customer record (a PUT)."""

    status: str
    actor: Actor


@attrs.frozen
class Screen:
    """The customer is screened again, e.g. after a list reload."""


@attrs.frozen
class TimePasses:
    """Days go by; reviews that fall due expire."""

    days: int


KycCommand = (
    SubmitEvidence | Decide | ClearFirstOpenHit | Rename | Attest | Screen | TimePasses
)


@attrs.frozen
class Outcome:
    """What one command did: the status after it, and the refusal if refused."""

    command: KycCommand
    status: KycStatus
    refused: CimsError | None


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@st.composite
def evidence_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A KYC submission: a passport (valid, expiring or expired) and a PEP answer."""
    expires = draw(st.sampled_from(["2020-01-01", "2026-03-01", "2040-01-01", None]))
    passport = {
        "type": "passport",
        "number": draw(st.sampled_from(_UPPER))
        + draw(st.text(st.sampled_from(_UPPER + "0123456789"), min_size=8, max_size=8)),
        "issuingCountry": draw(st.sampled_from(["DE", "GB", "FR", "US"])),
        "expiresOn": expires,
    }
    return {"documents": [passport], "pepDeclaration": {"isPep": draw(st.booleans())}}


def kyc_commands(
    names: Sequence[tuple[str, str]] = (("Jane", "Roe"), ("John", "Doe")),
) -> st.SearchStrategy[KycCommand]:
    """One command. `names` are what `Rename` may choose from: include names
    on your test watch list to exercise screening hits."""
    return st.one_of(
        st.builds(SubmitEvidence, evidence_documents(), actors),
        st.builds(Decide, st.sampled_from(["Verified", "Rejected"]), actors),
        st.builds(ClearFirstOpenHit, actors),
        st.sampled_from(names).map(lambda name: Rename(*name)),
        st.builds(Attest, st.sampled_from([s.value for s in KycStatus]), actors),
        st.just(Screen()),
        st.builds(TimePasses, st.integers(1, 2000)),
    )


def kyc_command_sequences(
    names: Sequence[tuple[str, str]] = (("Jane", "Roe"), ("John", "Doe")),
    min_size: int = 1,
    max_size: int = 12,
) -> st.SearchStrategy[list[KycCommand]]:
    """A list of commands for one customer, in the order they happen."""
    return st.lists(kyc_commands(names), min_size=min_size, max_size=max_size)


def run_kyc_commands(
    core: Core, customer_id: str, commands: Iterable[KycCommand], clock: FixedClock
) -> list[Outcome]:
    """Apply the commands to one customer; a refusal is an outcome, not a failure.

    `clock` must be the clock the core was built with: `TimePasses` moves it.
    Errors outside the CIMS error tree are bugs and propagate.
    """
    outcomes = []
    for command in commands:
        refused: CimsError | None = None
        try:
            _apply(core, customer_id, command, clock)
        except CimsError as error:
            refused = error
        status = core.customers.get(customer_id).kyc_status
        outcomes.append(Outcome(command, status, refused))
    return outcomes


def _apply(
    core: Core, customer_id: str, command: KycCommand, clock: FixedClock
) -> None:
    match command:
        case SubmitEvidence(evidence, actor):
            core.kyc.submit(customer_id, evidence, actor)
        case Decide(decision, actor):
            core.kyc.decide(customer_id, decision, "decided in a test", actor)
        case ClearFirstOpenHit(actor):
            open_hits = [
                hit for hit in core.kyc.hits(customer_id) if hit.status.value == "open"
            ]
            if open_hits:
                core.kyc.clear_hit(
                    customer_id, open_hits[0].hit_id, "not the listed person", actor
                )
        case Rename(first, last):
            core.customers.amend(customer_id, {"firstName": first, "lastName": last})
        case Attest(status, actor):
            core.customers.amend(customer_id, {"kycStatus": status}, actor=actor)
        case Screen():
            core.kyc.screen(customer_id)
        case TimePasses(days):
            clock.advance(days=days)
            core.kyc.expire_due_reviews()


@st.composite
def kyc_status_events(
    draw: st.DrawFn,
    customer_id: str | None = None,
    max_steps: int = 8,
    start: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
) -> list[dict[str, Any]]:
    """The `KYC_STATUS_CHANGED` messages of one case, in the order emitted.

    Every step is a transition the KYC state machine allows, starting from
    Pending; time moves forward between steps. Shuffle or repeat the list to
    test a consumer against reordering or at-least-once delivery.
    """
    subject = customer_id or str(draw(st.uuids()))
    base = draw(st.integers(0, 2**64))
    status = KycStatus.PENDING
    moment = start
    messages = []
    for step in range(draw(st.integers(0, max_steps))):
        target = draw(st.sampled_from(allowed_from(status)))
        moment += draw(st.timedeltas(dt.timedelta(minutes=1), dt.timedelta(days=400)))
        event = KycStatusChanged(
            event_id=str(uuid.UUID(int=base + step)),
            customer_id=subject,
            occurred_at=moment,
            from_status=status.value,
            to_status=target.value,
            reason="generated",
            actor=draw(st.sampled_from(["cims", "officer-1", "cims-scheduler"])),
        )
        messages.append(event.to_message())
        status = target
    return messages
