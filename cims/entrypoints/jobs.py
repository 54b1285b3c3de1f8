"""The batch jobs the scheduler and the CLI can start, built from settings."""

from __future__ import annotations

import attrs

from cims.domain.cleansing import RulesVersion
from cims.domain.errors import CimsError
from cims.domain.jobs import UnknownJob
from cims.entrypoints.container import Container
from cims.entrypoints.settings import Settings
from cims.ports.inbound.jobs.relay import RelayJob
from cims.ports.inbound.jobs.runner import Job

# Every job CIMS knows; `available_jobs` says which this build can run.
JOBS = ("sync", "cleanse", "dedup", "kyc-review", "rescreen", "relay")


class JobNotAvailable(CimsError):
    def __init__(self, job: str, reason: str) -> None:
        self.job = job
        super().__init__(f"job {job!r} cannot run here: {reason}")


@attrs.frozen
class JobOptions:
    """Per-run overrides from the command line; empty means "from settings"."""

    inbox: str = ""
    feeds: str = ""
    chunk_size: int = 0


def available_jobs() -> tuple[str, ...]:
    return tuple(name for name in JOBS if name in _BUILDERS)


def build_job(
    name: str,
    container: Container,
    settings: Settings,
    options: JobOptions = JobOptions(),
) -> Job:
    """The job called `name`, wired to this deployment's adapters.

    Raises:
        UnknownJob: no job has that name.
        JobNotAvailable: the job exists but cannot run with these settings.
    """
    if name not in JOBS:
        raise UnknownJob(name, JOBS)
    builder = _BUILDERS.get(name)
    if builder is None:
        raise JobNotAvailable(name, _MISSING.get(name, "it is not wired in this build"))
    return builder(container, settings, options)


def _sync(container: Container, settings: Settings, options: JobOptions) -> Job:
    from cims.adapters.files.feeds import FolderInbox, load_sources
    from cims.ports.inbound.jobs.sync import SyncJob

    feeds = options.feeds or settings.feeds_file
    if not feeds:
        raise JobNotAvailable(
            "sync",
            "no feed configuration; set CIMS_FEEDS_FILE or pass --feeds "
            "(see docs/batch.md for the format)",
        )
    store = container.store()
    return SyncJob(
        load_sources(feeds),
        FolderInbox(options.inbox or settings.effective_inbox_dir),
        container.source_records(),
        store.unit_of_work,
        container.clock(),
        container.ids(),
        chunk_size=options.chunk_size or settings.job_chunk_size,
        matcher=container.matcher(),
        kyc=container.kyc_workflow(),
    )


def _relay(container: Container, settings: Settings, options: JobOptions) -> Job:
    return RelayJob(container.relay(), options.chunk_size or settings.job_chunk_size)


def _dedup(container: Container, settings: Settings, options: JobOptions) -> Job:
    from pathlib import Path

    from cims.adapters.files.reports import FolderDuplicateReports
    from cims.ports.inbound.jobs.dedup import DedupJob

    return DedupJob(
        container.store().unit_of_work,
        FolderDuplicateReports(Path(settings.data_dir) / "reports"),
        page_size=options.chunk_size or settings.job_chunk_size,
        reviews=container.reviews(),
    )


def _cleanse(container: Container, settings: Settings, options: JobOptions) -> Job:
    from pathlib import Path

    from cims.adapters.files.reports import FolderCleansingReports
    from cims.ports.inbound.jobs.cleanse import CleanseJob

    return CleanseJob(
        container.store().unit_of_work,
        container.customers(),
        FolderCleansingReports(Path(settings.data_dir) / "reports"),
        container.clock(),
        cleansing_rules_version(),
        default_region=settings.default_region,
        chunk_size=options.chunk_size or settings.job_chunk_size,
    )


# The reference data behind the cleansing rules: a new release of any of
# these can change what the rules produce, so their versions go with it.
CLEANSING_LIBRARIES = ("phonenumbers", "email-validator", "pycountry")


def cleansing_rules_version() -> RulesVersion:
    """The cleansing rules' version with the installed libraries' versions."""
    import unicodedata
    from importlib import metadata

    versions = {"unicode": unicodedata.unidata_version}
    for name in CLEANSING_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return RulesVersion.with_libraries(versions)


def _kyc_review(container: Container, settings: Settings, options: JobOptions) -> Job:
    from cims.ports.inbound.jobs.kyc import KycReviewJob

    return KycReviewJob(container.kyc(), options.chunk_size or 200)


def _rescreen(container: Container, settings: Settings, options: JobOptions) -> Job:
    from cims.ports.inbound.jobs.kyc import RescreenJob

    return RescreenJob(container.kyc(), options.chunk_size or 200)


_BUILDERS = {
    "sync": _sync,
    "cleanse": _cleanse,
    "dedup": _dedup,
    "kyc-review": _kyc_review,
    "rescreen": _rescreen,
    "relay": _relay,
}
# Jobs known by name but not wired in this build, with the reason.
_MISSING: dict[str, str] = {}
