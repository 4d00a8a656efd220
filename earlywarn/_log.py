"""Logging set-up: the library logs to ``earlywarn.*`` loggers with a NullHandler."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import datetime, timezone

__all__ = ["configure_logging", "get_logger", "redact"]

logging.getLogger("earlywarn").addHandler(logging.NullHandler())


def get_logger(name: str) -> logging.Logger:
    """Return the library logger for module ``name``."""
    return logging.getLogger(name)


#: ``scheme://user:password@`` (or ``scheme://token@``): the part before ``@`` is a secret.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s'\"]+@")


def redact(text: object) -> str:
    """``text`` with the credentials of every URI in it replaced by ``***``.

    >>> redact("API request to http://alice:pw@host:5000/api failed")
    'API request to http://***@host:5000/api failed'
    """
    return _USERINFO.sub(r"\1***@", str(text))


class _Redacting(logging.Filter):
    """Drop URI credentials from every record a handler writes (ours and libraries')."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("stage", "as_of", "rows", "seconds", "url", "reason"):
            if hasattr(record, key):
                value = getattr(record, key)
                payload[key] = redact(value) if key == "url" else value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class _LastResort(logging.StreamHandler):  # type: ignore[type-arg]
    """``logging.lastResort`` made explicit: WARNING and above, message only, to stderr."""

    def __init__(self) -> None:
        super().__init__()  # sys.stderr, looked up at each record (as lastResort does)
        self.setLevel(logging.WARNING)

    @property  # type: ignore[override]
    def stream(self):  # type: ignore[no-untyped-def]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # type: ignore[no-untyped-def]
        pass


def configure_logging(level: int = logging.INFO, *, json_logs: bool = False) -> None:
    """Send earlywarn's logs to stderr, never stdout (used by the CLI, never at import).

    Also the loggers of libraries that log on our behalf (``distributed``, ``mlflow``,
    ``cmdstanpy`` ...) are pointed at stderr, so a command's stdout stays its data.
    """
    root = logging.getLogger("earlywarn")
    # a library configuring logging with ``disable_existing_loggers`` (dictConfig's and
    # fileConfig's default) silences every logger made before it, ours included
    for name, lg in list(logging.root.manager.loggerDict.items()):
        if (name == "earlywarn" or name.startswith("earlywarn.")) and isinstance(lg, logging.Logger):
            lg.disabled = False
    # Python's own last resort, as a handler of the root logger: other libraries' warnings
    # still reach stderr, and a library that configures logging only when the root logger
    # has no handler does not take it over mid-run (dateparser, through trafilatura's
    # htmldate, silenced every earlywarn logger and printed DEBUG lines to stdout)
    if not any(isinstance(h, _LastResort) for h in logging.root.handlers):
        logging.root.addHandler(_LastResort())
    for h in logging.root.handlers:  # with --json-logs, other libraries' lines are JSON too
        if isinstance(h, _LastResort):
            h.setFormatter(_JsonFormatter() if json_logs else logging.Formatter())
    for h in list(root.handlers):
        if not isinstance(h, logging.NullHandler):
            root.removeHandler(h)
    handler: logging.Handler
    if json_logs:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_JsonFormatter())
    else:
        from rich.console import Console
        from rich.logging import RichHandler

        handler = RichHandler(
            console=Console(stderr=True), show_path=False, rich_tracebacks=False, markup=False
        )
    handler.addFilter(_Redacting())
    root.addHandler(handler)
    # distributed configures its own loggers from dask config when imported: keep it quiet.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    root.setLevel(level)
    root.propagate = False
    for noisy in ("cmdstanpy", "prophet", "distributed", "mlflow", "alembic", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
