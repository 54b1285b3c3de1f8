"""The rewards service: CIMS's core on our own storage, plus our welcome bonus.

CIMS keeps the customers and their KYC; we only add what rewards need. Our
rule: a customer gets one welcome bonus when KYC first verifies them, and one
person gets it once, however they wrote their email address.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cims import Core, build_core
from cims.adapters.memory import MemoryEventBus
from rewards.store import ShelveStore

WELCOME_BONUS = 50


def bonus_key(email: str) -> str:
    """One key per mailbox: case folded and the "+tag" sub-address dropped."""
    local, _, domain = email.strip().partition("@")
    return f"{local.partition('+')[0]}@{domain}".casefold()


class Rewards:
    """Listens to CIMS's events and pays welcome bonuses."""

    def __init__(self, core: Core, bus: MemoryEventBus) -> None:
        self.core = core
        self.paid: dict[str, int] = {}  # customer id -> points
        self.paid_keys: set[str] = set()
        bus.subscribe("customer-updates", self.on_event)

    def on_event(self, key: str, message: dict[str, Any]) -> None:
        # Events come at least once: paying is keyed, so a repeat pays nothing.
        if message["event"] == "KYC_STATUS_CHANGED" and message["to"] == "Verified":
            self.welcome(message["customerId"])

    def welcome(self, customer_id: str) -> None:
        email = self.core.customers.get(customer_id).profile.email
        if email is None or customer_id in self.paid:
            return
        key = bonus_key(email.address)
        if key not in self.paid_keys:
            self.paid_keys.add(key)
            self.paid[customer_id] = WELCOME_BONUS


def build_rewards(path: Path) -> Rewards:
    """The whole service: CIMS's core on our shelve file, and our rewards."""
    bus = MemoryEventBus()
    core = build_core(storage=ShelveStore(path), publisher=bus)
    return Rewards(core, bus)
