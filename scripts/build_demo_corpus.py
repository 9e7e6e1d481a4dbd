#!/usr/bin/env python3
"""Bygg demokorpusen corpora/handlingsplan-2016-2018/ från det handskrivna materialet.

Materialet (meningsmallar med sina koder, stavningar av flervalssvar, öppna svar per
kategori) ligger i scripts/corpus_material/*.yaml; här finns bara logiken. Koderna följer
kodmanualen (../shared/CODING.md): rättas guldet, så rättas det i materialet, aldrig i de
skrivna filerna. Allt slumpas med random.Random (ett frö per del: 2018, 2019, 2020), så två
körningar ger byte för byte samma filer.

    python scripts/build_demo_corpus.py                 # skriver om corpora/handlingsplan-2016-2018/
    python scripts/build_demo_corpus.py --out /tmp/x    # någon annanstans (testerna gör så)

Generatorn kontrollerar själv att ingen mening förekommer i fler än tre dokument, att
antalen i guldet är de publicerade och att meningsuppdelningen går att göra om.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import re
import shutil
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MATERIAL = Path(__file__).resolve().parent / "corpus_material"
CODEBOOK = ROOT / "codebooks" / "handlingsplan.yaml"
DEFAULT_OUT = ROOT / "corpora" / "handlingsplan-2016-2018"
SEED = 2018
MAX_DOCS_PER_SENTENCE = 3

# Samma regel som testerna använder för att dela upp text i meningar.
SENTENCE_SPLIT = re.compile(r'(?<=[.!?])\s+|(?<=[.!?]["”])\s+')


def split_sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_SPLIT.split(text.strip()) if s]


def load(name: str):
    with open(MATERIAL / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# --------------------------------------------------------------------------- mallar

class Template:
    """En mening med alternativ: 'Gruppen har [fått|anställt] en administratör.'"""

    _alt = re.compile(r"\[([^\[\]]*)\]")

    def __init__(self, spec: dict, tags: list[str]):
        self.text = spec["t"]
        self.tags = tuple(tags)
        self.group = spec.get("group")
        self.roll = spec.get("roll")
        self.rounds = spec.get("rounds")
        self.not_rounds = spec.get("not_rounds") or []
        verks = spec.get("verks")
        self.verks = [verks] if isinstance(verks, str) else verks
        self.fields = spec.get("fields")
        self.stalled = bool(spec.get("stalled", False))
        self.w = float(spec.get("w", 1))
        self.boost = spec.get("boost") or {}
        self.family = spec.get("family")
        self.parts: list[str | list[str]] = []
        pos = 0
        for m in self._alt.finditer(self.text):
            self.parts.append(self.text[pos:m.start()])
            self.parts.append(m.group(1).split("|"))
            pos = m.end()
        self.parts.append(self.text[pos:])

    def weight(self, round_: str | None = None) -> float:
        return self.w * float(self.boost.get(round_, 1)) if round_ else self.w

    def expand(self, rng: random.Random) -> str:
        out = "".join(p if isinstance(p, str) else rng.choice(p) for p in self.parts)
        out = re.sub(r"\s+", " ", out).strip()
        # versal först, även efter ett inledande citattecken
        i = 1 if out[:1] in '"”' else 0
        return out[:i] + out[i:i + 1].upper() + out[i + 1:]


class SentencePool:
    """Håller räkning på i hur många dokument varje mening har använts."""

    def __init__(self, name: str, limit: int = MAX_DOCS_PER_SENTENCE):
        self.name = name
        self.limit = limit
        self.docs: dict[str, set[str]] = defaultdict(set)

    def render(self, tmpl: Template, doc: str, rng: random.Random) -> str | None:
        """En ny variant av mallen som dokumentet inte redan har; oanvända först."""
        for tries, cap in ((40, 1), (150, self.limit)):
            for _ in range(tries):
                s = tmpl.expand(rng)
                used = self.docs.get(s, ())
                if doc not in used and len(used) < cap:
                    self.docs[s].add(doc)
                    return s
        return None

    def take(self, sentence: str, doc: str) -> bool:
        used = self.docs.get(sentence, set())
        if doc in used or len(used) >= self.limit:
            return False
        self.docs[sentence].add(doc)
        return True

    def check(self) -> None:
        worst = max((len(d) for d in self.docs.values()), default=0)
        assert worst <= self.limit, f"{self.name}: en mening står i {worst} dokument"


def weighted_choice(rng: random.Random, items: list, weights: list[float]):
    total = sum(weights)
    x = rng.random() * total
    for item, w in zip(items, weights):
        x -= w
        if x < 0:
            return item
    return items[-1]


def render_from(rng, pool, doc, candidates: list[Template], weights: list[float]):
    """Välj en mall efter vikt och rendera; en uttömd mall läggs åt sidan."""
    cands, ws = list(candidates), list(weights)
    while cands:
        t = weighted_choice(rng, cands, ws)
        s = pool.render(t, doc, rng)
        if s is not None:
            return t, s
        i = cands.index(t)
        del cands[i], ws[i]
    return None, None


# --------------------------------------------------------------------------- kodbok

def load_codebook() -> dict:
    with open(CODEBOOK, encoding="utf-8") as fh:
        cb = yaml.safe_load(fh)
    codes = {c["id"]: c for c in cb["codes"]}
    by_number = {c["number"]: c["id"] for c in cb["codes"] if "number" in c}
    return {"codes": codes, "by_number": by_number, "order": [c["id"] for c in cb["codes"]]}


def check_tags(tags, codebook, groups, where):
    for t in tags:
        code = codebook["codes"].get(t)
        assert code is not None, f"{where}: okänd kod {t!r}"
        assert code["group"] in groups, f"{where}: {t} hör till {code['group']}, inte {groups}"


# --------------------------------------------------------------------------- intervjuer

SLUG = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "-"})


def slug(s: str) -> str:
    return s.lower().translate(SLUG)


def join_sv(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    last = items[-1]
    glue = " samt " if " och " in last else " och "
    return ", ".join(items[:-1]) + glue + last


def workdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days, d = [], start
    while d <= end:
        if d.weekday() < 5:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def plan_interviews(mat, rng):
    """Vilka intervjuer som hölls: en med medarbetare och en med chefer per sdf och termin,
    plus en extra medarbetargrupp i två sdf de terminer som hade 30 intervjuer."""
    notes = []
    for rname, r in mat["rounds"].items():
        extra = set()
        n_extra = r["size"] - 2 * len(mat["sdf"])
        if n_extra:
            extra = set(rng.sample(mat["sdf"], n_extra))
        start, end = (dt.date.fromisoformat(x) for x in r["dates"])
        days = workdays(start, end)
        for sdf in mat["sdf"]:
            day = rng.choice(days[:-3])
            groups = [("medarbetare", 1), ("chefer", 1)]
            if sdf in extra:
                groups.insert(1, ("medarbetare", 2))
            for group, k in groups:
                vid = f"{rname}-{slug(sdf)}-{group}" + (f"-{k}" if k > 1 else "")
                date = day if group == "medarbetare" else days[days.index(day) + rng.randint(0, 3)]
                verks = [v for v in mat["verksamheter"] if v != "barn och unga"]
                chosen = set(rng.sample(verks, rng.randint(2, 5)))
                if rng.random() < 0.8:
                    chosen.add("barn och unga")
                notes.append({
                    "id": vid, "round": rname, "sdf": sdf, "group": group, "k": k,
                    "date": date.isoformat(),
                    "verksamhet": [v for v in mat["verksamheter"] if v in chosen],
                    "codes": set(), "stalled": False,
                })
        assert sum(n["round"] == rname for n in notes) == r["size"], rname
    return notes


def select_codes(mat, notes, rng):
    """Bestäm för varje intervju vilka koder den tar upp, enligt rundans profil."""
    round_names = list(mat["rounds"])
    st = mat["stalled"]
    stalled_sdf = rng.choice(mat["sdf"])
    for n in notes:
        n["stalled"] = n["round"] == st["round"] and n["sdf"] == stalled_sdf
    for code, counts in mat["profile"].items():
        wcfg = mat["weights"].get(code, {})
        for rname, k in zip(round_names, counts):
            rnotes = [n for n in notes if n["round"] == rname]
            chosen = [n for n in rnotes if n["stalled"] and code in st["force"]]

            def weight(n):
                if n["stalled"] and code not in st["allowed"]:
                    return 0.0
                req = wcfg.get("requires")
                if req and req not in n["codes"]:
                    return 0.0
                w = float(wcfg.get("group", {}).get(n["group"], 1))
                for v, f in wcfg.get("verks", {}).items():
                    if v in n["verksamhet"]:
                        w *= f
                return w / (1 + len(n["codes"])) ** 2

            pool = [n for n in rnotes if n not in chosen]
            while len(chosen) < k:
                ws = [weight(n) for n in pool]
                assert sum(ws) > 0, f"för få kandidater för {code} i {rname}"
                n = weighted_choice(rng, pool, ws)
                pool.remove(n)
                chosen.append(n)
            for n in chosen:
                n["codes"].add(code)
    return stalled_sdf


def template_ok(t: Template, note: dict) -> bool:
    if t.group and t.group != note["group"]:
        return False
    if t.rounds and note["round"] not in t.rounds:
        return False
    if note["round"] in t.not_rounds:
        return False
    if t.verks and not any(v in note["verksamhet"] for v in t.verks):
        return False
    if t.stalled and not note["stalled"]:
        return False
    return True


def write_note(mat, note, code_templates, fillers, pool, rng, clusters, sentence_gold):
    nid, rname = note["id"], note["round"]
    codes = note["codes"]
    cluster_of = {c: i for i, cl in enumerate(clusters) for c in cl}

    def filler(kind):
        cands = [t for t in fillers[kind] if template_ok(t, note)]
        _, s = render_from(rng, pool, nid, cands, [t.weight(rname) for t in cands])
        assert s, f"fyllnadsmeningarna ({kind}) räcker inte till {nid}"
        return s

    # deltagarmeningen
    p = mat["participants"]
    word = rng.choice(p["count_words"])
    for _ in range(50):
        form = rng.choice(p[note["group"]])
        s = form.format(N=word.capitalize(), n=word, V=join_sv(note["verksamhet"]))
        if pool.take(s, nid):
            break
    else:
        raise RuntimeError(f"deltagarmeningen räcker inte till {nid}")
    opening = [s, filler("opening")]
    rng.shuffle(opening)
    general = [filler("general") for _ in range(2 if rname == "ht2016" else 1)]
    if any(template_ok(t, note) for t in fillers["round_intro"]):
        general.insert(0, filler("round_intro"))

    # en mening per kod (mallar med flera koder täcker flera), några koder får två
    covered: set[str] = set()
    by_cluster: dict[int, list[str]] = defaultdict(list)
    order = sorted(sorted(codes), key=lambda c: (cluster_of[c], rng.random()))
    seconds = set(rng.sample(order, min(len(order), rng.choice([0, 1, 1, 2]))))
    if note["stalled"]:
        seconds.add("omorganisation")
    used_templates: set[int] = set()
    used_families: set[str] = set()
    for c in order:
        rounds_for_c = 2 if c in seconds else 1
        for i in range(rounds_for_c):
            if i == 0 and c in covered:
                continue
            cands = [t for t in code_templates[c]
                     if set(t.tags) <= codes and template_ok(t, note) and id(t) not in used_templates]
            fresh = [t for t in cands if not (t.family and t.family in used_families)]
            cands = fresh or cands
            t, s = render_from(rng, pool, nid, cands, [t.weight(rname) for t in cands])
            if t is None:
                assert i > 0, f"mallarna för {c} räcker inte till {nid}"
                continue
            used_templates.add(id(t))
            if t.family:
                used_families.add(t.family)
            covered.update(t.tags)
            by_cluster[cluster_of[c]].append(s)
            sentence_gold.extend((nid, s, tag) for tag in sorted(t.tags))
    assert covered == codes, (nid, codes - covered, covered - codes)

    middle = [list(by_cluster[i]) for i in sorted(by_cluster, key=lambda i: (i > 3, rng.random()))]
    trap = filler("trap") if rng.random() < 0.6 else None
    closing = filler("closing") if rng.random() < 0.6 else None

    head = opening + general
    while len(head) + sum(map(len, middle)) + bool(trap) + bool(closing) < 8:
        head.append(filler("general"))
    if trap:
        if middle and rng.random() < 0.7:
            middle[rng.randrange(len(middle))].append(trap)
        else:
            middle.append([trap])
    paras: list[list[str]] = [head] + middle
    if closing:
        paras.append([closing]) if rng.random() < 0.4 else paras[-1].append(closing)

    # 4–8 stycken, ungefär tre meningar i varje
    total = sum(map(len, paras))
    target = max(4, min(8, round(total / 3)))
    while len(paras) > target:
        i = min(range(1, len(paras) - 1), key=lambda i: len(paras[i]) + len(paras[i + 1]))
        paras[i:i + 2] = [paras[i] + paras[i + 1]]
    while len(paras) < 4:
        big = max(range(len(paras)), key=lambda i: len(paras[i]))
        assert len(paras[big]) >= 2, nid
        half = len(paras[big]) // 2
        paras[big:big + 1] = [paras[big][:half], paras[big][half:]]
    sentences = [s for para in paras for s in para]
    assert 8 <= len(sentences) <= 20, (nid, len(sentences))
    assert 4 <= len(paras) <= 8, (nid, len(paras))

    body = "\n\n".join(" ".join(para) for para in paras)
    assert split_sentences(body) == sentences, f"meningsuppdelningen stämmer inte i {nid}"

    who = "medarbetare" if note["group"] == "medarbetare" else "chefer"
    if note["k"] > 1:
        who += f" (grupp {note['k']})"
    label = mat["rounds"][rname]["label"]
    front = (
        "---\n"
        f"id: {nid}\n"
        f"round: {rname}\n"
        f"sdf: {note['sdf']}\n"
        f"group: {note['group']}\n"
        f"date: {note['date']}\n"
        f"verksamhet: [{', '.join(note['verksamhet'])}]\n"
        "---\n"
    )
    return front + f"# Gruppintervju med {who}, {note['sdf']}, {label}\n\n" + body + "\n"


def build_notes(out: Path, rng: random.Random, codebook: dict) -> dict:
    mat = load("notes.yaml")
    code_templates: dict[str, list[Template]] = defaultdict(list)
    for key, specs in mat["templates"].items():
        for spec in specs:
            tags = [key] + list(spec.get("also", []))
            check_tags(tags, codebook, {"fokusomrade", "tema"}, f"notes.yaml/{key}")
            t = Template(spec, tags)
            for c in tags:
                code_templates[c].append(t)
    fillers = {k: [Template(s, []) for s in v] for k, v in mat["fillers"].items()}
    clusters = mat["clusters"]
    assert set(mat["profile"]) == {c for cl in clusters for c in cl}
    for c in mat["profile"]:
        check_tags([c], codebook, {"fokusomrade", "tema"}, "notes.yaml/profile")
        assert len(mat["profile"][c]) == len(mat["rounds"]), c

    notes = plan_interviews(mat, rng)
    stalled_sdf = select_codes(mat, notes, rng)
    pool = SentencePool("anteckningar")
    (out / "notes").mkdir(parents=True)
    sentence_gold: list[tuple[str, str, str]] = []
    for note in notes:
        text = write_note(mat, note, code_templates, fillers, pool, rng, clusters, sentence_gold)
        (out / "notes" / f"{note['id']}.md").write_text(text, encoding="utf-8")
    pool.check()

    # guld: dokumentets koder = unionen av meningarnas koder (sorterade på id, så att
    # filen inte ändras om kodboken ordnas om)
    rows = [(n["id"], c) for n in sorted(notes, key=lambda n: n["id"]) for c in sorted(n["codes"])]
    write_csv(out / "gold" / "notes.csv", ["doc", "code"], rows)
    # the same gold per sentence (the sentence a code was written into), for quotes and learning
    write_csv(out / "gold" / "notes_sentences.csv", ["doc", "sentence", "code"], sorted(sentence_gold))

    # den publicerade siffran
    vt17 = [n for n in notes if n["round"] == "vt2017"]
    assert len(vt17) == 30 and sum("adm_stod_handlaggare" in n["codes"] for n in vt17) == 22
    assert len(notes) == 144
    return {"notes": notes, "stalled_sdf": stalled_sdf}


# --------------------------------------------------------------------------- enkäten 2018

def assign_without_repeats(rng, people, values, taken):
    """Fördela värdena på personerna så att ingen får ett område hon redan nämnt."""
    values = list(values)
    rng.shuffle(values)
    for _ in range(20):
        bad = [i for i, p in enumerate(people) if values[i] in taken[p]]
        if not bad:
            break
        for i in bad:
            opts = [j for j in range(len(people))
                    if values[j] not in taken[people[i]] and values[i] not in taken[people[j]]]
            if opts:
                j = rng.choice(opts)
                values[i], values[j] = values[j], values[i]
    return dict(zip(people, values))


def choice_cell(rng, mat, number, style, field, fmt):
    if number is None:
        opts = [x for x in mat["non_answers"]
                if not (field == "langst_1" and x in ("se ovan", "samma"))]
        return rng.choice(opts)
    if style == "num" or (style == "mixed" and rng.random() < 0.5):
        return fmt.format(n=number)
    sp = mat["spellings"][number]
    kind = field.split("_")[0]
    return rng.choice(sp["any"] + sp.get(kind, []))


def build_survey_2018(out: Path, rng: random.Random, codebook: dict) -> None:
    ch = load("survey_choices.yaml")
    op = load("survey_open.yaml")
    n = ch["respondents"]
    sdfs = load("notes.yaml")["sdf"]

    # bakgrund
    roles = [r for r, k in ch["roles"].items() for _ in range(k)]
    verks = [v for v, k in ch["verksamhet"].items() for _ in range(k)]
    assert len(roles) == len(verks) == n
    rng.shuffle(roles)
    rng.shuffle(verks)
    sdf_order = list(sdfs)
    rng.shuffle(sdf_order)
    people = [{"sdf": sdf_order[i % len(sdfs)], "roll": roles[i], "verksamhet": verks[i]}
              for i in range(n)]
    people.sort(key=lambda p: (sdfs.index(p["sdf"]), p["roll"] != "chef", rng.random()))
    for i, p in enumerate(people, 1):
        p["id"] = f"R{i:03d}"
    ids = [p["id"] for p in people]

    # flervalsfrågorna: guldet först, sedan hur det skrevs
    gold_choice: dict[tuple[str, str], int | None] = {}
    for q in ("langst", "behov"):
        fields = [f"{q}_{i}" for i in (1, 2, 3)]
        # den som hoppar över alternativ 1 hoppar också över 2 och 3
        blanks, prev = {}, sorted(ids)
        for f in reversed(fields):
            blanks[f] = set(rng.sample(prev, ch["tables"][f]["ej"]))
            prev = sorted(blanks[f])
        taken = {x: set() for x in ids}
        for f in fields:
            counts = ch["tables"][f]
            values = [num for num, k in counts.items() if num != "ej" for _ in range(k)]
            answering = [x for x in ids if x not in blanks[f]]
            assert len(values) == len(answering) and len(values) + counts["ej"] == n, f
            got = assign_without_repeats(rng, answering, values, taken)
            for x in ids:
                gold_choice[(x, f)] = got.get(x)
                if x in got:
                    taken[x].add(got[x])

    # öppna frågor
    pool = SentencePool("enkät 2018")
    open_gold: dict[tuple[str, str], list[str]] = {}
    open_text: dict[tuple[str, str], str] = {}
    roll_of = {p["id"]: p["roll"] for p in people}
    for field, spec in op["fields"].items():
        asked = [x for x in ids if spec.get("roll") in (None, roll_of[x])]
        order = list(asked)
        rng.shuffle(order)
        cats = spec["categories"]
        blank = order[:spec["blank"]]
        rest = order[spec["blank"]:]
        uncoded, rest = rest[:spec["uncoded"]], rest[spec["uncoded"]:]
        assigned: dict[str, list[str]] = {}
        for c, cs in cats.items():
            check_tags([c], codebook, {field.replace("_", "")}, f"survey_open.yaml/{field}")
            if cs.get("exclusive"):
                for x in rest[:cs["count"]]:
                    assigned[x] = [c]
                rest = rest[cs["count"]:]
        tags = [c for c, cs in cats.items() if not cs.get("exclusive") for _ in range(cs["count"])]
        rng.shuffle(tags)
        assert len(tags) >= len(rest), field
        for x in rest:                      # alla får minst en kategori
            assigned[x] = [tags.pop(0)]
        for t in tags:                      # resten till dem som har få
            cands = [x for x in rest if t not in assigned[x] and len(assigned[x]) < 3]
            x = weighted_choice(rng, cands, [1 / (1 + len(assigned[x])) ** 3 for x in cands])
            assigned[x].append(t)
        templates = {c: [Template(s, [c]) for s in cs["templates"]] for c, cs in cats.items()}
        unc = [Template({"t": s}, []) for s in spec["uncoded_templates"]]
        for x in ids:
            key = (x, field)
            if x not in asked:
                open_text[key], open_gold[key] = "#NULL!", []
            elif x in blank:
                open_text[key], open_gold[key] = "", []
            elif x in uncoded:
                _, s = render_from(rng, pool, f"{x}/{field}", unc, [1] * len(unc))
                assert s, field
                open_text[key], open_gold[key] = s, []
            else:
                cs = list(assigned[x])
                rng.shuffle(cs)
                parts = []
                for c in cs:
                    cands = [t for t in templates[c] if t.roll in (None, roll_of[x])]
                    _, s = render_from(rng, pool, f"{x}/{field}", cands, [1] * len(cands))
                    assert s, f"svaren för {c} räcker inte"
                    parts.append(s)
                open_text[key] = " ".join(parts)
                assert split_sentences(open_text[key]) == parts, parts
                open_gold[key] = cs
        # publicerade antal
        for c, cs in cats.items():
            got = sum(c in open_gold[(x, field)] for x in ids)
            assert got == cs["count"], (field, c, got)
    pool.check()

    # stil per respondent: siffror, klartext eller blandat
    header = ["respondent", "sdf", "roll", "verksamhet",
              "langst_1", "langst_2", "langst_3", "behov_1", "behov_2", "behov_3",
              "fraga_2a", "fraga_2b", "fraga_2c"]
    rows, gold = [], []
    for p in people:
        x = p["id"]
        style = weighted_choice(rng, ["num", "text", "mixed"], [4, 5, 1])
        fmt = rng.choice(ch["number_formats"])
        row = [x, p["sdf"], p["roll"], p["verksamhet"]]
        for f in header[4:10]:
            num = gold_choice[(x, f)]
            row.append(choice_cell(rng, ch, num, style, f, fmt))
            if num is not None:
                gold.append((x, f, codebook["by_number"][num]))
        for f in header[10:]:
            row.append(open_text[(x, f)])
            gold += [(x, f, c) for c in sorted(open_gold[(x, f)])]
        rows.append(row)
    write_csv(out / "survey_ht2018.csv", header, rows)
    write_csv(out / "gold" / "survey_ht2018.csv", ["doc", "field", "code"], gold)

    # kontroll mot tabellerna
    for f, counts in ch["tables"].items():
        got = Counter(gold_choice[(x, f)] for x in ids)
        assert got[None] == counts["ej"], f
        for num, k in counts.items():
            if num != "ej":
                assert got[num] == k, (f, num, got[num], k)


# --------------------------------------------------------------------------- enkäten 2016–2017

def build_survey_2016_2017(out: Path, rng: random.Random, codebook: dict) -> None:
    mat = load("survey_2016_2017.yaml")
    templates = []
    for spec in mat["templates"]:
        check_tags(spec["tags"], codebook, {"tema"}, "survey_2016_2017.yaml")
        templates.append(Template(spec, spec["tags"]))
    pool = SentencePool("enkät 2016–2017")
    fields = list(mat["fields"])
    rows, gold = [], []
    for rname in mat["rounds"]:
        verks = [v for v, k in mat["verksamhet"].items() for _ in range(k)]
        assert len(verks) == mat["per_round"]
        rng.shuffle(verks)
        for i, v in enumerate(verks, 1):
            rid = f"{rname}-{i:03d}"
            row = [rid, rname, v]
            for f in fields:
                fs = mat["fields"][f]
                if rng.random() < fs["blank"]:
                    row.append("")
                    continue
                cands = [t for t in templates if f in t.fields
                         and (not t.rounds or rname in t.rounds)
                         and (not t.verks or v in t.verks)]
                k = 2 if rng.random() < fs["two"] else 1
                parts, tags = [], set()
                for _ in range(k):
                    ok = [t for t in cands if not (set(t.tags) & tags) and t.text not in parts]
                    t, s = render_from(rng, pool, f"{rid}/{f}", ok, [t.w for t in ok])
                    assert s, f"mallarna för {f} räcker inte"
                    parts.append(s)
                    tags.update(t.tags)
                row.append(" ".join(parts))
                gold += [(rid, f, c) for c in sorted(tags)]
            rows.append(row)
    pool.check()
    write_csv(out / "survey_2016_2017.csv", ["id", "omgang", "verksamhet"] + fields, rows)
    write_csv(out / "gold" / "survey_2016_2017.csv", ["doc", "field", "code"], gold)


# --------------------------------------------------------------------------- utdata

def write_csv(path: Path, header, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def build(out: Path) -> None:
    codebook = load_codebook()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    # Varje del har ett eget frö, så att en ändring i en dels material inte slumpar om de andra.
    build_notes(out, random.Random(SEED), codebook)
    build_survey_2018(out, random.Random(SEED + 1), codebook)
    build_survey_2016_2017(out, random.Random(SEED + 2), codebook)
    shutil.copyfile(MATERIAL / "corpus_readme.md", out / "README.md")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="mapp att skriva (töms först); standard %(default)s")
    args = ap.parse_args(argv)
    build(args.out)
    print(f"skrev {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
