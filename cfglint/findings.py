"""Finding: what a check reports, and what every formatter consumes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import IntEnum

from cfglint.span import Span


class Severity(IntEnum):
    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or note)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Related:
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text at ``span`` (1-based line/column of the decoded text, end exclusive, like every Span) with
    ``text``; an empty span inserts. Columns count characters of the decoded text, never bytes: cfglint.fixes
    maps them back onto the file's own bytes and encoding."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A repair of one finding. ``safe``: keeps the behaviour the configuration was written to have (applied by
    ``--fix``); unsafe fixes change behaviour beyond the finding and need ``--unsafe-fixes`` (ruff's split)."""

    description: str
    safe: bool
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a value's provenance (a placeholder, a constant, a binding), and where it is written; None for
    a step that is not written anywhere (a default, a circular reference)."""

    text: str
    span: Span | None = None


@dataclass(slots=True)
class Finding:
    rule: str  # rule ID, e.g. "TP001"
    # The headline: one sentence of at most ~100 characters (what, where, value); every line-oriented format
    # shows only this. The rest of the story is in why/help/notes/chain.
    message: str
    span: Span
    # What the check claims; the engine lowers it to the rule's configured severity, so a check can mark one
    # finding as minor (a note) but never raise it above what the user chose.
    severity: Severity = Severity.ERROR
    related: tuple[Related, ...] = ()
    key: str = ""  # normalised key path used in the fingerprint (never a line number)
    fingerprint: str = field(default="")
    # Set on a record of something a rule's policy leaves alone (why, e.g. "on a loopback host"): counted in the
    # summary, never reported. Records travel with findings (cache, suppressions) until Engine.finish splits them.
    unjudged: str = ""
    fix: Fix | None = None  # set after the checks ran (cfglint.fixers), with the module's source texts at hand
    why: str = ""  # the danger: what happens in production, one or two sentences
    help: str = ""  # what to write instead, in the file's own syntax ("" when there is nothing to write)
    notes: tuple[str, ...] = ()  # version caveats, profiles, policy remarks
    chain: tuple[Step, ...] = ()  # how the value was resolved, outermost first

    @property
    def headline(self) -> str:
        return self.message

    def story(self) -> str:
        """Headline, why, provenance, notes and help as one plain paragraph, for formats with room for one
        description (GitLab's body, JUnit's failure text)."""
        parts = [self.message.rstrip(".") + "."]
        if self.why:
            parts.append(self.why)
        if self.chain:
            parts.append("Value: " + "; ".join(s.text for s in self.chain) + ".")
        parts += [n if n.endswith((".", ")", "?")) else n + "." for n in self.notes]
        if self.help:
            parts.append("Help: " + self.help)
        return " ".join(parts)

    def compute_fingerprint(self, rel_path: str) -> str:
        basis = "\x1f".join((self.rule, rel_path.replace("\\", "/"), self.key or self.message))
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]

    def sort_key(self) -> tuple:
        s = self.span
        return (s.path, s.line, s.col, self.rule, s.end_line, s.end_col, self.message)
