"""The relay job: drain the outbox to the event bus once, for deployments
where no relay runs continuously."""

from __future__ import annotations

from cims.ports.inbound.jobs.runner import JobContext, JobStopped
from cims.ports.inbound.relay import EventRelay


class RelayJob:
    name = "relay"

    def __init__(self, relay: EventRelay, batch_size: int = 500) -> None:
        self._relay = relay
        self._batch_size = batch_size

    def run(self, context: JobContext) -> None:
        # The outbox is its own checkpoint: a message is marked published
        # only once the broker acknowledged it.
        while True:
            published = self._relay.relay_once(self._batch_size)
            context.count("published", published)
            if not published:
                return
            if context.stop_requested():
                raise JobStopped(f"outbox, {context.counts['published']} published")
