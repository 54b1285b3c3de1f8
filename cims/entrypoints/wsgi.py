"""The WSGI application for `cims serve` and for any WSGI server.

Run with e.g. `gunicorn 'cims.entrypoints.wsgi:application()'`.
"""

from __future__ import annotations

import logging
import threading

import falcon

from cims.entrypoints.container import build_container
from cims.entrypoints.http import create_app
from cims.entrypoints.settings import Settings, load_settings

log = logging.getLogger(__name__)


def application(
    settings: Settings | None = None,
) -> falcon.App[falcon.Request, falcon.Response]:
    """Build the service: adapters from settings, the relay thread, the app."""
    settings = settings or load_settings()
    container = build_container(settings)

    if settings.relay_in_serve:
        # Every worker runs a relay; the outbox lease lets one publish at a time.
        container.relay_runner().start_thread(threading.Event())
    # The sanctions list loads in the background; the app answers at once.
    threading.Thread(
        target=container.screener().warm_up, name="cims-sanctions", daemon=True
    ).start()

    log.info("CIMS ready: storage=%s events=%s", settings.storage, settings.events)
    return create_app(
        container.customers(),
        container.authority(),
        container.kyc(),
        settings.max_body_bytes,
        activities=container.activities(),
        job_runs=container.job_runs(),
        merges=container.merges(),
        reviews=container.reviews(),
        search=container.search(),
    )
