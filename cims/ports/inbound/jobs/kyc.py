"""KYC batch jobs: expire due periodic reviews, re-screen after a list reload.

Both start the KYC use cases, which page through customers themselves and
are safe to repeat: a customer expired or screened once is left alone the
next time.

LIMITATION: the KYC use cases walk every customer in one call, so a stop
request takes effect only when the walk is done, and a killed run starts over
(which changes nothing for the customers it had done).
"""

from __future__ import annotations

from cims.ports.inbound.jobs.runner import JobContext
from cims.ports.inbound.kyc import KycService


class KycReviewJob:
    name = "kyc-review"

    def __init__(self, kyc: KycService, batch_size: int = 200) -> None:
        self._kyc = kyc
        self._batch_size = batch_size

    def run(self, context: JobContext) -> None:
        expired = self._kyc.expire_due_reviews(self._batch_size)
        context.count("expired", len(expired))


class RescreenJob:
    name = "rescreen"

    def __init__(self, kyc: KycService, batch_size: int = 200) -> None:
        self._kyc = kyc
        self._batch_size = batch_size

    def run(self, context: JobContext) -> None:
        report = self._kyc.rescreen_all(self._batch_size)
        context.count("screened", report.screened)
        context.count("with_open_hits", report.with_open_hits)
