"""The customer aggregate: a profile, its KYC status, a version and timestamps."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from cims.domain.values import (
    EmailAddress,
    KycStatus,
    PhoneNumber,
    PostalAddress,
)


class AccountType(enum.Enum):
    CURRENT = "current"
    SAVINGS = "savings"
    DEPOSIT = "deposit"
    LOAN = "loan"
    MORTGAGE = "mortgage"
    CREDIT_CARD = "credit_card"
    INVESTMENT = "investment"


class AccountStatus(enum.Enum):
    OPEN = "open"
    DORMANT = "dormant"
    FROZEN = "frozen"
    CLOSED = "closed"


class ContactChannel(enum.Enum):
    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    POST = "post"
    APP = "app"


@attrs.frozen
class Account:
    """A product the customer holds with the bank."""

    account_id: str
    type: AccountType
    currency: str
    status: AccountStatus = AccountStatus.OPEN
    opened_on: dt.date | None = None


@attrs.frozen
class Preferences:
    """How the customer wants to be spoken to."""

    language: str | None = None
    contact_channels: tuple[ContactChannel, ...] = ()
    marketing_consent: bool = False


@attrs.frozen
class CustomerProfile:
    """Everything a customer told the bank about themselves, validated."""

    first_name: str
    last_name: str
    email: EmailAddress | None = None
    phone: PhoneNumber | None = None
    address: str | None = None
    postal_address: PostalAddress | None = None
    date_of_birth: dt.date | None = None
    nationality: str | None = None
    accounts: tuple[Account, ...] = ()
    preferences: Preferences = Preferences()


@attrs.frozen
class Customer:
    """A customer of the bank, as CIMS keeps it.

    `version` starts at 1 and grows by one with every change; storage uses it
    for optimistic concurrency, the API exposes it as the ETag.
    """

    id: str
    profile: CustomerProfile
    kyc_status: KycStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 1

    @property
    def display_name(self) -> str:
        return f"{self.profile.first_name} {self.profile.last_name}"


def register_customer(
    customer_id: str,
    profile: CustomerProfile,
    kyc_status: KycStatus | None,
    now: dt.datetime,
) -> Customer:
    """A new customer; KYC starts as Pending unless the caller says otherwise."""
    return Customer(
        id=customer_id,
        profile=profile,
        kyc_status=kyc_status or KycStatus.PENDING,
        created_at=now,
        updated_at=now,
    )


def revise_customer(
    customer: Customer,
    profile: CustomerProfile,
    kyc_status: KycStatus | None,
    now: dt.datetime,
) -> Customer:
    """The customer with a new profile; the version moves only on a real change."""
    status = kyc_status or customer.kyc_status
    if profile == customer.profile and status == customer.kyc_status:
        return customer
    return attrs.evolve(
        customer,
        profile=profile,
        kyc_status=status,
        updated_at=now,
        version=customer.version + 1,
    )


def same_phone_kept(old: CustomerProfile, new: CustomerProfile) -> CustomerProfile:
    """A verified number typed in another format is the same number, not a change.

    For a client's edit only: a merge or unmerge recomputes the profile from
    the sources and must restore each one exactly as it arrived.

    "+1 201-555-0123" and "+12015550123" resolve to one E.164 number; storing
    the new spelling would emit an update whose `changes` are empty.
    """
    before, after = old.phone, new.phone
    if (
        before is not None
        and after is not None
        and after.verified
        and (after.e164, after.extension) == (before.e164, before.extension)
    ):
        return attrs.evolve(new, phone=before)
    return new
