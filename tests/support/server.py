"""Running a real `cims serve` process for end-to-end tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cims(args: list[str], env: Mapping[str, str]) -> str:
    """Run a `cims` CLI command and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "cims.entrypoints.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@contextlib.contextmanager
def running_service(
    data_dir: Path,
    env: Mapping[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
) -> Iterator[tuple[str, dict[str, str]]]:
    """Start `cims serve`; yield its base URL and the environment it runs with."""
    port = free_port()
    environment = {"CIMS_DATA_DIR": str(data_dir), **(env or {})}
    log = open(data_dir / "serve.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cims.entrypoints.cli",
            "serve",
            "--port",
            str(port),
            *extra_args,
        ],
        env={**os.environ, **environment},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, data_dir / "serve.log")
        yield base_url, environment
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], log_path: Path
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cims serve exited:\n{log_path.read_text()}")
        try:
            if requests.get(f"{base_url}/health", timeout=1).ok:
                return
        except (requests.ConnectionError, requests.Timeout):
            # A busy machine can take over a second to answer while the
            # sanctions list loads; that is not yet a failure.
            time.sleep(0.2)
    raise RuntimeError(f"cims serve did not become healthy:\n{log_path.read_text()}")
