"""The strategists' review page (``earlywarn serve``): alert inbox, evidence, actions.

Needs the ``web`` extra (``pip install 'earlywarn[web]'``: starlette and uvicorn).

Examples
--------
>>> from earlywarn.web import create_app
>>> callable(create_app)
True
"""

from __future__ import annotations

try:
    import starlette  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "the review page needs starlette and uvicorn: pip install 'earlywarn[web]'"
    ) from exc

from earlywarn.web._app import create_app, serve

__all__ = ["create_app", "serve"]
