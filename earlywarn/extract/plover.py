"""CAMEO to PLOVER: the event type and mode of a CAMEO code.

PLOVER (Political Language Ontology for Verifiable Event Records, openeventdata) has 16
event types (``DEMAND``, ``DISAPPROVE``, ``REJECT``, ``THREATEN``, ``PROTEST``,
``MOBILIZE``, ``SANCTION``, ``COERCE``, ``ASSAULT``, ``AGREE``, ``CONSULT``, ``SUPPORT``,
``CONCEDE``, ``COOPERATE``, ``AID``, ``RETREAT``) and a *mode* that says how (``visit``,
``military``, ``arrest`` ...). The crosswalk follows the CAMEO sub-codes: the most
specific prefix of a code that has an entry decides. Public statements (010, 011, 013,
014, 016, 017, 019) have no PLOVER type (``None``): PLOVER records no plain statements.

Examples
--------
>>> plover("042"), plover("0841"), plover("1823"), plover("010")
(('CONSULT', 'visit'), ('RETREAT', 'release'), ('ASSAULT', 'kill'), (None, None))
>>> plover("0332")  # intent to provide military aid: an offer, PLOVER's AGREE
('AGREE', 'aid')
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

__all__ = ["PLOVER_TYPES", "plover", "plover_columns"]

#: The 16 PLOVER event types.
PLOVER_TYPES = (
    "DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE",
    "ASSAULT", "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
)  # fmt: skip

_MODES_REQUEST = {"1": "cooperate", "2": "cooperate", "3": "aid", "4": "concede", "5": "concede",
                  "6": "consult", "7": "settle", "8": "mediate", "9": "mediate"}  # fmt: skip

# prefix -> (type, mode); the longest matching prefix wins
_TABLE: dict[str, tuple[str | None, str | None]] = {
    "01": (None, None), "012": ("DISAPPROVE", "criticize"), "015": ("CONCEDE", "acknowledge"),
    "018": ("SUPPORT", "empathize"),
    "02": ("DEMAND", None), "03": ("AGREE", None), "10": ("DEMAND", None),
    "04": ("CONSULT", None), "041": ("CONSULT", "phone"), "042": ("CONSULT", "visit"),
    "043": ("CONSULT", "host"), "044": ("CONSULT", "third-party"),
    "045": ("CONSULT", "mediate"), "046": ("CONSULT", "negotiate"),
    "05": ("COOPERATE", "diplomatic"), "051": ("SUPPORT", "praise"), "052": ("SUPPORT", "defend"),
    "053": ("SUPPORT", "rally"), "054": ("SUPPORT", "recognize"), "055": ("SUPPORT", "apologize"),
    "056": ("SUPPORT", "forgive"), "057": ("AGREE", "sign"),
    "06": ("COOPERATE", None), "061": ("COOPERATE", "economic"), "062": ("COOPERATE", "military"),
    "063": ("COOPERATE", "judicial"), "064": ("COOPERATE", "intelligence"),
    "07": ("AID", None), "071": ("AID", "economic"), "072": ("AID", "military"),
    "073": ("AID", "humanitarian"), "074": ("AID", "peacekeeping"), "075": ("AID", "asylum"),
    "08": ("CONCEDE", None), "081": ("CONCEDE", "ease restrictions"),
    "082": ("CONCEDE", "ease dissent"), "083": ("CONCEDE", "policy"),
    "084": ("RETREAT", "return"), "0841": ("RETREAT", "release"), "085": ("CONCEDE", "ease sanctions"),
    "086": ("CONCEDE", "allow involvement"), "087": ("RETREAT", None),
    "0871": ("RETREAT", "ceasefire"), "0872": ("RETREAT", "ease blockade"),
    "0873": ("RETREAT", "demobilize"), "0874": ("RETREAT", "withdraw"),
    "09": ("DISAPPROVE", "investigate"),
    "11": ("DISAPPROVE", None), "111": ("DISAPPROVE", "criticize"), "112": ("DISAPPROVE", "accuse"),
    "113": ("DISAPPROVE", "rally opposition"), "114": ("DISAPPROVE", "complain"),
    "115": ("DISAPPROVE", "lawsuit"), "116": ("DISAPPROVE", "convict"),
    "12": ("REJECT", None), "121": ("REJECT", "cooperate"), "122": ("REJECT", "aid"),
    "123": ("REJECT", "reform"), "124": ("REJECT", "concede"), "125": ("REJECT", "consult"),
    "126": ("REJECT", "mediate"), "127": ("REJECT", "plan"), "128": ("REJECT", "defy norms"),
    "129": ("REJECT", "veto"),
    "13": ("THREATEN", None), "131": ("THREATEN", "non-force"), "1312": ("THREATEN", "sanction"),
    "132": ("THREATEN", "administrative"), "133": ("THREATEN", "protest"),
    "134": ("THREATEN", "halt negotiations"), "137": ("THREATEN", "repression"),
    "138": ("THREATEN", "force"), "139": ("THREATEN", "ultimatum"),
    "14": ("PROTEST", None), "141": ("PROTEST", "demonstrate"), "142": ("PROTEST", "hunger strike"),
    "143": ("PROTEST", "strike"), "144": ("PROTEST", "obstruct"), "145": ("PROTEST", "riot"),
    "15": ("MOBILIZE", None), "151": ("MOBILIZE", "police alert"), "152": ("MOBILIZE", "military alert"),
    "153": ("MOBILIZE", "police"), "154": ("MOBILIZE", "military"), "155": ("MOBILIZE", "cyber"),
    "16": ("SANCTION", None), "161": ("SANCTION", "break relations"), "162": ("SANCTION", "cut aid"),
    "163": ("SANCTION", "embargo"), "164": ("SANCTION", "halt negotiations"),
    "165": ("SANCTION", "halt mediation"), "166": ("SANCTION", "expel"),
    "17": ("COERCE", None), "171": ("COERCE", "seize"), "1712": ("COERCE", "destroy"),
    "172": ("COERCE", "restrict"), "173": ("COERCE", "arrest"), "174": ("COERCE", "deport"),
    "175": ("COERCE", "repress"), "176": ("COERCE", "cyber"),
    "18": ("ASSAULT", None), "181": ("ASSAULT", "abduct"), "182": ("ASSAULT", "beat"),
    "1821": ("ASSAULT", "sexual"), "1822": ("ASSAULT", "torture"), "1823": ("ASSAULT", "kill"),
    "183": ("ASSAULT", "explosive"), "184": ("ASSAULT", "human shield"),
    "185": ("ASSAULT", "assassinate"), "186": ("ASSAULT", "assassinate"),
    "19": ("ASSAULT", None), "191": ("ASSAULT", "blockade"), "192": ("ASSAULT", "occupy"),
    "193": ("ASSAULT", "small arms"), "194": ("ASSAULT", "artillery"), "195": ("ASSAULT", "aerial"),
    "196": ("ASSAULT", "ceasefire violation"),
    "20": ("ASSAULT", "mass violence"), "204": ("ASSAULT", "wmd"),
}  # fmt: skip


@lru_cache(maxsize=512)
def plover(code: str | None) -> tuple[str | None, str | None]:
    """PLOVER ``(event type, mode)`` of a CAMEO code; ``(None, None)`` if it has none.

    Appeals (02x), intents (03x) and demands (10x) take the mode of what is asked or
    offered (``cooperate``, ``aid``, ``concede``, ``consult``, ``settle``, ``mediate``).
    """
    if not code or not isinstance(code, str) or not code[:2].isdigit():
        return None, None
    code = code.strip()
    for n in range(len(code), 1, -1):
        hit = _TABLE.get(code[:n])
        if hit is not None:
            kind, mode = hit
            if mode is None and code[:2] in ("02", "03", "10") and len(code) >= 3:
                mode = _MODES_REQUEST.get(code[2])
            return kind, mode
    return None, None


def plover_columns(codes: pd.Series) -> pd.DataFrame:
    """``plover_type`` and ``plover_mode`` columns for a series of CAMEO codes.

    Examples
    --------
    >>> plover_columns(pd.Series(["190", None, "036"])).to_dict("list")
    {'plover_type': ['ASSAULT', None, 'AGREE'], 'plover_mode': [None, None, 'consult']}
    """
    uniq = {c: plover(c if isinstance(c, str) else None) for c in codes.dropna().unique()}
    kinds = codes.map(lambda c: uniq.get(c, (None, None))[0])
    modes = codes.map(lambda c: uniq.get(c, (None, None))[1])
    return pd.DataFrame(
        {
            "plover_type": kinds.astype(object).where(kinds.notna(), None),
            "plover_mode": modes.astype(object).where(modes.notna(), None),
        },
        index=codes.index,
    )
