"""Running the outbox relay continuously, in a thread or its own process.

The runner works with any `EventPublisher`; Kafka is the usual one.
"""

from __future__ import annotations

import logging
import signal
import threading

from cims.adapters.kafka.backoff import Backoff
from cims.domain.errors import ServiceUnavailable
from cims.ports.inbound.relay import EventRelay

log = logging.getLogger(__name__)


class RelayRunner:
    """Publishes outbox batches until stopped; backs off while the bus is down.

    When a batch is full the next one is taken at once; when the outbox is
    empty the runner waits `poll_interval` seconds. A `ServiceUnavailable`
    leaves the batch in the outbox and waits an exponentially growing,
    jittered delay. Any other error is logged and retried the same way, so a
    bad message cannot kill the thread silently.
    """

    def __init__(
        self,
        relay: EventRelay,
        *,
        batch_size: int = 500,
        poll_interval: float = 0.1,
        backoff: Backoff | None = None,
        name: str = "cims-relay",
    ) -> None:
        self._relay = relay
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._backoff = backoff or Backoff()
        self._name = name
        self.published = 0

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set. Returns within one wait of it being set."""
        log.info(
            "%s started: batches of %d, polling every %.2fs",
            self._name,
            self._batch_size,
            self._poll_interval,
        )
        while not stop.is_set():
            wait = self.step()
            if wait:
                stop.wait(wait)
        log.info("%s stopped after publishing %d events", self._name, self.published)

    def step(self) -> float:
        """Relay one batch; return how long to wait before the next one."""
        try:
            count = self._relay.relay_once(self._batch_size)
        except ServiceUnavailable as ex:
            return self._failed(
                "%s: events stay in the outbox; check that the broker is up "
                "and reachable, retry %d in %.1fs (%s)",
                ex,
            )
        except Exception as ex:
            log.exception("%s: unexpected error while relaying", self._name)
            return self._failed(
                "%s: events stay in the outbox; this is a bug or bad data, "
                "retry %d in %.1fs (%s)",
                ex,
            )

        if self._backoff.failures:
            log.warning(
                "%s: publishing works again after %d failed attempts",
                self._name,
                self._backoff.failures,
            )
            self._backoff.reset()
        self.published += count
        return 0.0 if count >= self._batch_size else self._poll_interval

    def start_thread(self, stop: threading.Event) -> threading.Thread:
        """Run in a daemon thread, e.g. inside `cims serve`."""
        thread = threading.Thread(
            target=self.run, args=(stop,), name=self._name, daemon=True
        )
        thread.start()
        return thread

    def _failed(self, message: str, ex: Exception) -> float:
        delay = self._backoff.next_delay()
        log.warning(message, self._name, self._backoff.failures, delay, ex)
        return delay


def run_until_signalled(runner: RelayRunner) -> None:
    """Run in the main thread of a relay process until SIGTERM or SIGINT."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("signal %d received; finishing the current batch", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    runner.run(stop)
