"""``python -m earlywarn``: the ``earlywarn`` command, for an environment whose scripts are
not on ``PATH`` (a notebook's ``!python -m earlywarn demo``, a venv not activated)."""

from __future__ import annotations

if __name__ == "__main__":
    from earlywarn.cli import main

    main()
