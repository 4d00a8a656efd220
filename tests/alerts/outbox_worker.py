"""A separate process for the crash tests of the outbox (``python -m tests.alerts.outbox_worker``).

``enqueue ARCHIVE CHANNELS ALERTS_PICKLE NOW``: commit the alerts and their outbox rows in
one transaction (as the alerts stage does), then die with SIGKILL before delivering.

``deliver ARCHIVE CHANNELS NOW``: deliver the due rows (the test's webhook kills this
process when the request arrives, i.e. between send and mark).
"""

from __future__ import annotations

import os
import signal
import sys

import pandas as pd

from earlywarn.alerts import deliver, enqueue, load_channels, outbox_for
from earlywarn.store import Archive, Write


def main(argv: list[str]) -> int:
    mode, archive_path, channels_path = argv[:3]
    channels = load_channels(channels_path)
    archive = Archive(archive_path)
    if mode == "enqueue":
        alerts = pd.read_pickle(argv[3])
        rows = enqueue(alerts, channels, outbox_for(archive, alerts["alert_id"]), now=argv[4])
        archive.commit([Write("alerts", alerts), Write("outbox", rows)])
        os.kill(os.getpid(), signal.SIGKILL)  # the process dies before any delivery
    elif mode == "deliver":
        deliver(archive, channels, now=argv[3])
    return 3  # not reached when the crash happens


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
