"""The rewards team's tests, on the fixtures and strategies CIMS provides."""

from __future__ import annotations

from hypothesis import given

from cims import Core
from cims.adapters.memory import MemoryEventBus
from cims.ports.inbound import Actor
from cims.testing.near_duplicates import near_duplicates
from cims.testing.strategies import customer_documents
from rewards.service import Rewards, bonus_key

OFFICER = Actor("officer-1", kyc_officer=True)
JANE = {"firstName": "Jane", "lastName": "Roe", "email": "Jane@Example.com"}
PASSPORT = {"type": "passport", "number": "C01X00T47", "issuingCountry": "DE"}


@given(
    customer_documents()
    .filter(lambda document: "email" in document)
    .flatmap(lambda document: near_duplicates(document, ["email_tag"]))
)
def test_a_tagged_email_has_the_same_bonus_key(pair):
    assert bonus_key(pair.duplicate["email"]) == bonus_key(pair.original["email"])


def test_a_verified_customer_gets_one_welcome_bonus(
    cims_core: Core, cims_bus: MemoryEventBus
) -> None:
    rewards = Rewards(cims_core, cims_bus)
    jane = cims_core.customers.register(JANE).customer_id
    cims_core.kyc.submit(jane, {"documents": [PASSPORT]}, OFFICER)
    cims_core.kyc.decide(jane, "Verified", "passport checked", OFFICER)

    cims_core.relay.relay_once()

    assert rewards.paid == {jane: 50}


def test_the_same_mailbox_is_welcomed_once(
    cims_core: Core, cims_bus: MemoryEventBus
) -> None:
    rewards = Rewards(cims_core, cims_bus)
    first, _again = (
        cims_core.customers.register(
            {**JANE, "email": email, "kycStatus": "Verified"}, actor=OFFICER
        ).customer_id
        for email in ["Jane@Example.com", "jane+bank@example.com"]
    )

    cims_core.relay.relay_once()

    assert rewards.paid == {first: 50}
