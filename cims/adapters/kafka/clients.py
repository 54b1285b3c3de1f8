"""Building kafka-python clients without leaking sockets when the broker is down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kafka.net.compat import KafkaNetClient


def create_client(factory: Callable[..., Any], **config: Any) -> Any:
    """Call a kafka-python client class; on failure, close what it opened.

    kafka-python 3.0 clients contact the cluster in their constructor and
    raise NoBrokersAvailable when it is unreachable, without closing the
    network layer they already built (a socket pair per attempt). A relay
    retrying through an outage would leak two sockets per retry, so we hand
    the client its network layer through the documented `kafka_client`
    option and close it ourselves.

    LIMITATION: kafka-python 3.0.12 also drops the socket of each refused
    connection attempt without closing it; the garbage collector closes it
    (with a ResourceWarning), so no descriptors pile up, but we cannot reach
    those sockets to close them ourselves.
    """
    built: list[Any] = []

    def tracked(**options: Any) -> Any:
        client = KafkaNetClient(**options)
        built.append(client)
        return client

    try:
        return factory(**config, kafka_client=tracked)
    except BaseException:
        for client in built:
            client.close()
        raise
