"""Running the WSGI app under gunicorn, configured from the command line."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from cims.entrypoints.settings import Settings


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:
            # Gunicorn 25+ opens one control socket per user by default, so a
            # second `cims serve` would take over (and later delete) the
            # first one's; CIMS does not use it.
            self.cfg.set("control_socket_disable", True)

    def load(self) -> Any:
        # Built in each worker, after the fork: database pools and the relay
        # thread must not be shared across processes.
        from cims.entrypoints.wsgi import application

        return application(self._settings)


def run_gunicorn(
    settings: Settings, host: str, port: int, workers: int, threads: int
) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "graceful_timeout": 10,
    }
    _Gunicorn(settings, options).run()
