"""Refit the shipped onset-risk model (earlywarn/data/onset_risk.json) on the tuning half.

    PYTHONPATH=. python experiments/onset_risk/refit.py            # rewrite the shipped JSON
    PYTHONPATH=. python experiments/onset_risk/refit.py --check    # compare, write nothing

Reads only the tuning half of ../shared/data/crisis_series (the country split of
experiments/splits/crisis_countries.csv); deterministic (lbfgs on fixed data): a refit
gives the same JSON (up to the solver's last digits). About 15 s of CPU. The choices it
makes (features, label, C, false-alert rate) were made with ``study.py`` next to it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from earlywarn.alerts.evaluate import development_data
from earlywarn.alerts.onset_fit import fit_onset_model, write_model
from earlywarn.io.shared import shared_data

SHIPPED = Path(__file__).resolve().parents[2] / "earlywarn" / "data" / "onset_risk.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(shared_data()))
    ap.add_argument("--out", default=str(SHIPPED))
    ap.add_argument("--check", action="store_true", help="compare with --out, write nothing")
    args = ap.parse_args(argv)
    series, labels = development_data(args.data)["tuning"]
    model = fit_onset_model(series, labels)
    if args.check:
        shipped = json.loads(Path(args.out).read_text())
        numeric = ("mean", "scale", "coef", "intercept")
        same = all(
            np.allclose(model[k], shipped[k], rtol=1e-6, atol=1e-9) for k in numeric
        ) and all(model[k] == shipped[k] for k in shipped if k not in numeric)
        sys.stdout.write(("same" if same else "DIFFERENT") + f" as {args.out}\n")
        return 0 if same else 1
    write_model(model, args.out)
    sys.stdout.write(f"wrote {args.out}: threshold {model['threshold']}, LOCO {model['loco']}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
