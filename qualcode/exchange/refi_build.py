"""A new qualcode project from a read REFI-QDA project, written whole or not at all.

The codebook YAML is written next to the project file (``studie.db`` -> ``studie.yaml``) and
becomes its codebook; sources are imported as notes; codings become span codings by their
users, in one transaction. Any failure removes both files again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualcode.codebook import parse_codebook
from qualcode.errors import QualcodeError
from qualcode.exchange.refi_import import RefiProject
from qualcode.ingest.notes import FIELD
from qualcode.ingest.segment import segment_notes
from qualcode.ingest.write import DocumentRecord, ImportBatch, SegmentRecord
from qualcode.project import Project
from qualcode.spans import add_span, overlapping_segments


@dataclass
class BuildSummary:
    project: str
    codebook: str
    codes: int = 0
    documents: int = 0
    codings: int = 0
    coders: list[str] = field(default_factory=list)
    uncounted: int = 0
    not_kept: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"imported {self.documents} documents, {self.codes} codes and {self.codings} codings by "
               f"{', '.join(self.coders) or 'nobody'} into {self.project}; codebook written to {self.codebook}"]
        if self.uncounted:
            out.append(f"{self.uncounted} codings cover no segment (kept as spans, not counted in tallies)")
        out += [f"not kept: {n}" for n in self.not_kept]
        return out


def codebook_path_for(project_path: str | Path) -> Path:
    return Path(project_path).with_suffix(".yaml")


def build_project(refi: RefiProject, project_path: str | Path, source: str,
                  codebook_path: str | Path | None = None) -> BuildSummary:
    """Write ``refi`` as a new project at ``project_path`` with its codebook YAML beside it."""
    project_path = Path(project_path)
    cb_path = Path(codebook_path) if codebook_path else codebook_path_for(project_path)
    for p in (project_path, cb_path):
        if p.exists():
            raise QualcodeError("already exists; 'import qdpx' builds a new project (choose another --project)",
                                where=str(p))
    text = refi.codes.yaml_text()
    parse_codebook(text, str(cb_path))       # refuse before writing anything
    batch = ImportBatch(source, [_document(s, source) for s in refi.sources], {FIELD: ("notes", None)})
    summary = BuildSummary(str(project_path), str(cb_path), codes=len(refi.codes.codes),
                           documents=len(refi.sources), not_kept=refi.not_kept)
    cb_path.write_text(text, encoding="utf-8")
    project = None
    try:
        project = Project.init(project_path, cb_path)
        with project.transaction():
            project.write_import(batch, confirm=True)
            for s in refi.sources:
                for a, b, code, coder in s.codings:
                    add_span(project, s.doc, a, b, code, coder, field=FIELD, origin="import")
                    summary.uncounted += not overlapping_segments(project.conn, s.doc, FIELD, a, b)
        summary.codings = refi.n_codings
        summary.coders = sorted({c for s in refi.sources for *_, c in s.codings})
        return summary
    except BaseException:
        if project is not None:
            project.close()
        for p in (project_path, Path(f"{project_path}-wal"), Path(f"{project_path}-shm"), cb_path):
            p.unlink(missing_ok=True)
        raise
    finally:
        if project is not None:
            project.close()


def _document(s, source: str) -> DocumentRecord:
    segs = [SegmentRecord(FIELD, sp.start, sp.end, s.text[sp.start:sp.end], sp.paragraph)
            for sp in segment_notes(s.text)]
    return DocumentRecord(s.doc, "interview", source, dict(s.attributes), segs, text=s.text)
