"""The Jinja environment of the report's templates (``earlywarn/report/templates``)."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

__all__ = ["report_env"]


def report_env(locale: str, undefined: Any = None) -> Any:
    """A Jinja environment over the report's templates rendering in ``locale``
    (:func:`earlywarn.i18n.jinja_env`), blocks trimmed; ``undefined``: a Jinja
    ``Undefined`` class (default: Jinja's own).

    Examples
    --------
    >>> env = report_env("vi")
    >>> env.globals["locale"], env.trim_blocks
    ('vi', True)
    """
    import jinja2

    from earlywarn.i18n import jinja_env

    options: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True}
    if undefined is not None:
        options["undefined"] = undefined
    loader = jinja2.FileSystemLoader(str(files("earlywarn.report").joinpath("templates")))
    return jinja_env(loader, locale, **options)
