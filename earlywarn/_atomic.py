"""Replace a file whole or not at all.

Every file earlywarn writes over (a feed catalog given ``verified`` dates, an export, a
report, a network file, the offline MLflow buffer) goes through :func:`write_atomic`: the
bytes go to a temporary file of a unique name in the same folder, are flushed to disk, and
the temporary file is renamed over the target. A crash, a SIGTERM, Ctrl-C or a full disk
part way leaves the old file as it was and no temporary file behind (writing in place
left a truncated catalog; a fixed ``<name>.tmp`` clobbered a file of that name and stayed).

A symbolic link stays a link (its target is replaced); a device or a pipe
(``/dev/stdout``) is written into; a replaced file keeps its permissions.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from earlywarn.errors import StoreError, disk_full

__all__ = ["write_atomic"]


def write_atomic(path: str | os.PathLike[str], data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` whole, or leave ``path`` as it was; return ``path``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomic(p, "one").read_text(), sorted(x.name for x in p.parent.iterdir())
    ('one', ['a.txt'])
    """
    out = Path(path)
    raw = data.encode(encoding) if isinstance(data, str) else data
    try:
        mode = out.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # a device, a pipe, /dev/stdout: written into, never renamed over (a rename replaced
        # the device node itself with a regular file; as root /dev/full of the machine)
        with out.open("wb") as fh:
            fh.write(raw)
        return out
    target = Path(os.path.realpath(out)) if out.is_symlink() else out  # a link stays a link
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        # 0o666 less the umask, as a new file gets (mkstemp's 0600 would hide a catalog)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))
        os.replace(tmp, target)
    except BaseException as exc:  # SIGTERM and Ctrl-C too: no temporary file left behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            full = disk_full(exc)
            why = f"the disk is full: {full}" if full else (exc.strerror or str(exc))
            kept = "the file there is kept as it was" if mode is not None else "nothing written"
            raise StoreError(
                f"cannot write {out} ({why}); {kept}. Free space (or fix the folder's "
                "permissions) and run again"
            ) from exc
        raise
    return out
