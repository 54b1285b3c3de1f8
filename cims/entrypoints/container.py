"""The composition root: which adapters back the ports, chosen by settings."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
import uuid
from pathlib import Path

from dependency_injector import containers, providers

import cims
from cims.adapters.kafka import KafkaEventPublisher, RelayRunner
from cims.adapters.kafka import from_env as kafka_from_env
from cims.adapters.memory import MemoryEventBus, MemoryStore
from cims.adapters.memory.jobs import (
    MemoryCheckpoints,
    MemoryJobLock,
    MemoryJobRuns,
    MemorySourceRecords,
)
from cims.adapters.mongo import MongoStore
from cims.adapters.mongo.jobs import (
    MongoCheckpoints,
    MongoJobLock,
    MongoJobRuns,
    MongoSourceRecords,
)
from cims.adapters.sanctions.cached import CachedScreener
from cims.adapters.sanctions.memory import InMemorySanctionsList
from cims.adapters.sanctions.ofac_csv import OfacCsvSanctionsList
from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.domain.customer_document import ValidationPolicy
from cims.domain.kyc import DEFAULT_HIGH_RISK_COUNTRIES, KycPolicy
from cims.domain.values import parse_country
from cims.entrypoints.auth import TokenAuthority, local_secret
from cims.entrypoints.settings import Settings
from cims.ports.inbound.activity import ActivityService
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.jobs.runner import JobRunner
from cims.ports.inbound.kyc import KycService, KycWorkflow
from cims.ports.inbound.merging import MergeService
from cims.ports.inbound.relay import EventRelay
from cims.ports.inbound.review import DuplicateMatcher, MatchingPolicy, ReviewService
from cims.ports.inbound.search import CustomerSearch
from cims.ports.outbound.sanctions import SanctionsList

log = logging.getLogger(__name__)

REPO_ROOT = Path(cims.__file__).resolve().parents[1]
DEFAULT_SANCTIONS_DIR = REPO_ROOT.parent / "shared" / "data" / "sanctions" / "ofac"


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


def sanctions_list(sanctions_dir: str) -> SanctionsList:
    """The OFAC list from `sanctions_dir` (or the shared data), else an empty one."""
    directory = Path(sanctions_dir) if sanctions_dir else DEFAULT_SANCTIONS_DIR
    if sanctions_dir or directory.is_dir():
        log.info("loading the OFAC SDN list from %s", directory)
        return OfacCsvSanctionsList(directory)
    log.warning(
        "no sanctions list found (set CIMS_SANCTIONS_DIR to a directory holding "
        "the OFAC sdn.csv, alt.csv and add.csv); screening is running WITHOUT a "
        "list and finds no hits"
    )
    return InMemorySanctionsList([], list_name="NONE")


def make_kyc_policy(
    require_identity_document: bool,
    require_proof_of_address: bool,
    high_risk_countries: str,
    review_months_high: int,
    review_months_medium: int,
    review_months_low: int,
) -> KycPolicy:
    codes = [c.strip() for c in high_risk_countries.split(",") if c.strip()]
    countries = (
        frozenset(parse_country(code, "kyc_high_risk_countries") for code in codes)
        if codes
        else DEFAULT_HIGH_RISK_COUNTRIES
    )
    return KycPolicy(
        require_identity_document=require_identity_document,
        require_proof_of_address=require_proof_of_address,
        high_risk_countries=countries,
        review_months_high=review_months_high,
        review_months_medium=review_months_medium,
        review_months_low=review_months_low,
    )


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
        mongo=providers.Singleton(
            MongoStore, config.mongodb_url, config.mongodb_database
        ),
    )
    publisher = providers.Selector(
        config.events,
        memory=providers.Singleton(MemoryEventBus),
        kafka=providers.Singleton(
            KafkaEventPublisher, providers.Callable(kafka_from_env, os.environ)
        ),
    )

    policy = providers.Singleton(ValidationPolicy, default_region=config.default_region)

    # Loaded on first use (or by warm_up), never while the container is built.
    screener = providers.Singleton(
        CachedScreener,
        load_list=providers.Callable(
            functools.partial, sanctions_list, config.sanctions_dir
        ),
    )
    kyc_policy = providers.Singleton(
        make_kyc_policy,
        require_identity_document=config.kyc.require_identity_document,
        require_proof_of_address=config.kyc.require_proof_of_address,
        high_risk_countries=config.kyc.high_risk_countries,
        review_months_high=config.kyc.review_months_high,
        review_months_medium=config.kyc.review_months_medium,
        review_months_low=config.kyc.review_months_low,
    )
    kyc_workflow = providers.Singleton(
        KycWorkflow, clock=clock, ids=ids, screener=screener, policy=kyc_policy
    )
    kyc = providers.Factory(
        KycService,
        unit_of_work=store.provided.unit_of_work,
        workflow=kyc_workflow,
    )
    merges = providers.Factory(
        MergeService,
        unit_of_work=store.provided.unit_of_work,
        clock=clock,
        ids=ids,
        policy=policy,
    )
    matching_policy = providers.Singleton(
        lambda sources: MatchingPolicy(
            auto_merge_sources=frozenset(
                s.strip() for s in sources.split(",") if s.strip()
            )
        ),
        config.match_auto_merge_sources,
    )
    matcher = providers.Factory(
        DuplicateMatcher, merges=merges, clock=clock, policy=matching_policy
    )
    reviews = providers.Factory(
        ReviewService,
        unit_of_work=store.provided.unit_of_work,
        merges=merges,
        clock=clock,
    )
    search = providers.Factory(CustomerSearch, unit_of_work=store.provided.unit_of_work)
    customers = providers.Factory(
        CustomerService,
        unit_of_work=store.provided.unit_of_work,
        clock=clock,
        ids=ids,
        policy=policy,
        kyc=kyc_workflow,
        matcher=matcher,
    )
    relay = providers.Factory(EventRelay, outbox=store, publisher=publisher)
    relay_runner = providers.Factory(
        RelayRunner, relay, poll_interval=config.relay_interval_seconds
    )
    activities = providers.Factory(
        ActivityService, unit_of_work=store.provided.unit_of_work, clock=clock, ids=ids
    )

    # Batch jobs: lock, history and checkpoints live beside the customers.
    job_lock = providers.Selector(
        config.storage,
        memory=providers.Singleton(MemoryJobLock),
        sql=providers.Singleton(_sql_jobs, "SqlJobLock", store),
        mongo=providers.Singleton(MongoJobLock, store),
    )
    job_runs = providers.Selector(
        config.storage,
        memory=providers.Singleton(MemoryJobRuns),
        sql=providers.Singleton(_sql_jobs, "SqlJobRuns", store),
        mongo=providers.Singleton(MongoJobRuns, store),
    )
    checkpoints = providers.Selector(
        config.storage,
        memory=providers.Singleton(MemoryCheckpoints),
        sql=providers.Singleton(_sql_jobs, "SqlCheckpoints", store),
        mongo=providers.Singleton(MongoCheckpoints, store),
    )
    source_records = providers.Selector(
        config.storage,
        memory=providers.Singleton(MemorySourceRecords),
        sql=providers.Singleton(_sql_jobs, "SqlSourceRecords", store),
        mongo=providers.Singleton(MongoSourceRecords, store),
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
            "migrate_on_start": settings.migrate_on_start,
            "relay_interval_seconds": settings.relay_interval_seconds,
            "mongodb_url": settings.mongodb_url,
            "mongodb_database": settings.mongodb_database,
            "default_region": settings.default_region,
            "jwt_secret": settings.jwt_secret,
            "jwt_issuer": settings.jwt_issuer,
            "jwt_audience": settings.jwt_audience,
            "job_lease_seconds": settings.job_lease_seconds,
            "sanctions_dir": settings.sanctions_dir,
            "match_auto_merge_sources": settings.match_auto_merge_sources,
            "kyc": {
                "require_identity_document": settings.kyc_require_identity_document,
                "require_proof_of_address": settings.kyc_require_proof_of_address,
                "high_risk_countries": settings.kyc_high_risk_countries,
                "review_months_high": settings.kyc_review_months_high,
                "review_months_medium": settings.kyc_review_months_medium,
                "review_months_low": settings.kyc_review_months_low,
            },
        }
    )
    return container
