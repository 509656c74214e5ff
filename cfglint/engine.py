"""Engine: runs the enabled checks over each module's models, isolates failures, then applies
severity overrides, per-file ignores, de-duplication across profiles, ordering and fingerprints."""

from __future__ import annotations

import fnmatch
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from cfglint.discover import Module
from cfglint.findings import Finding, Severity
from cfglint.registry import CHECKS, RuleMeta, all_rules, find_rule
from cfglint.settings import ConfigError, Settings
from cfglint.span import Span


def resolve_selection(tokens: Iterable[str]) -> set[str]:
    """IDs, names or family prefixes (``TP``) -> rule IDs."""
    rules = all_rules()
    out: set[str] = set()
    for tok in tokens:
        tok = tok.strip()
        if not tok:
            continue
        if tok.upper() == "ALL":
            out.update(rules)
            continue
        meta = find_rule(tok)
        if meta is not None:
            out.add(meta.id)
            continue
        fam = {rid for rid in rules if rid.startswith(tok.upper())}
        if not fam:
            raise ConfigError(f"unknown rule or rule family '{tok}' (see 'cfglint rules')")
        out |= fam
    return out


class Engine:
    def __init__(self, settings: Settings) -> None:
        # The check modules are imported by the first run_module, not here: a run the result cache answers never
        # needs them (a third of what such a run spends after start-up).
        self.settings = settings
        rules = all_rules()
        enabled = resolve_selection(settings.select) if settings.select else set(rules)
        enabled -= resolve_selection(settings.ignore)
        self.enabled = {rid for rid in enabled if rid in rules}
        self.severity: dict[str, Severity] = {rid: rules[rid].severity for rid in rules}
        for tok, sev in settings.severity.items():
            for rid in resolve_selection([tok]):
                self.severity[rid] = Severity.parse(sev)
        self.options: dict[str, dict[str, Any]] = {}
        for rid, meta in rules.items():
            opts = meta.option_defaults()
            for tok, user in settings.rules.items():
                if rid in resolve_selection([tok]):
                    unknown = set(user) - set(opts)
                    if unknown:
                        raise ConfigError(f"unknown option '{sorted(unknown)[0]}' for rule {rid}; "
                                          f"known: {', '.join(sorted(opts)) or 'none'}")
                    opts.update(user)
            self.options[rid] = opts
        self.unjudged: dict[str, int] = {}  # set by finish: why -> how many places no rule judged

    def enabled_rules(self) -> list[RuleMeta]:
        rules = all_rules()
        return [rules[r] for r in sorted(self.enabled)]

    def run_module(self, module: Module, items: list, versions: dict[str, tuple[int, ...]], present: set[str],
                   *, debug: bool = False, shared: list | None = None, build_text: str | None = None
                   ) -> list[Finding]:
        from cfglint.checks import load_all
        from cfglint.extract.model_builder import build_models

        load_all()
        out: list[Finding] = []
        try:
            models = build_models(module, items, versions, present, shared, build_text)
        except Exception as e:
            span = Span(items[0].file.display, 1, 1, 1, 2)
            out.append(_internal("extract", span, e, debug))
            return out
        # The same finding from several applications, profiles or variants is reported once; when only profiles
        # or variants produce it (not the base configuration), it names them.
        seen: dict[tuple[str, Span, bool], tuple[Finding, list[str]]] = {}
        texts: dict[str, str] | None = None  # the module's source texts, for the fixers
        fixers = None
        if self.settings.compute_fixes:  # imported only when fixes are shown: a text run never loads the fixers
            from cfglint import fixers

        for model in models:
            for rid in sorted(self.enabled):
                fn = CHECKS.get(rid)
                if fn is None:
                    continue
                try:
                    found = list(fn(model, self.options.get(rid, {})))
                except Exception as e:
                    span = Span(items[0].file.display, 1, 1, 1, 2)
                    found = [_internal(rid, span, e, debug)]
                for f in found:
                    k = (f.rule, f.span, bool(f.unjudged))  # a record of what was not judged never hides a finding
                    hit = seen.get(k)
                    if hit is None:
                        seen[k] = (f, [model.context])
                        out.append(f)
                        if fixers is not None and f.rule in fixers.FIXERS and not f.unjudged:
                            if texts is None:
                                texts = {it.file.display: it.text for it in items}
                            f.fix = fixers.fix_for(f, model, texts, self.options.get(rid, {}))
                    elif model.context not in hit[1]:
                        hit[1].append(model.context)
        if texts is not None and fixers is not None:
            fixers.combine(out)
        for f, contexts in seen.values():
            if "" not in contexts and len(contexts) > 1:
                said = " ".join((f.message, f.why, *f.notes))
                named = ", ".join(c for c in contexts if c not in said)
                if named:
                    f.notes = (*f.notes, f"in {named}")
        return out

    def finish(self, findings: list[Finding], sources: dict[str, str],
               root_path: Callable[[str], str] | None = None) -> list[Finding]:
        """The findings to report. ``root_path``: a Span.path relative to the project root, which fingerprints use
        so that they do not depend on the directory cfglint runs from (Span.path is relative to it). Records of
        what a rule's policy left alone (``Finding.unjudged``) go through the same selection, per-file ignores and
        suppressions, then are counted in ``self.unjudged`` (why -> distinct places), not reported; a place judged
        under another profile is not counted."""
        seen: set[tuple[str, Span]] = set()
        out: list[Finding] = []
        records = [f for f in findings if f.unjudged]
        if records:
            findings = [f for f in findings if not f.unjudged] + records  # judged ones win the de-duplication
        for f in findings:
            if f.rule not in self.enabled and f.rule != "CF001":
                continue
            if f.rule == "CF001" and "CF001" not in self.enabled:
                continue
            if self._file_ignored(f):
                continue
            k = (f.rule, f.span)
            if k in seen:
                continue
            seen.add(k)
            f.severity = min(self.severity.get(f.rule, f.severity), f.severity)
            f.message = " ".join(f.message.split())
            f.why = " ".join(f.why.split()) if "\n" not in f.why or f.rule != "CF001" else f.why
            f.help = " ".join(f.help.split())
            f.notes = tuple(" ".join(n.split()) for n in f.notes)
            out.append(f)
        if self.settings.inline_suppressions:
            from cfglint.suppress import apply_suppressions

            out = apply_suppressions(out, sources, self)
        if records:
            places: dict[Span, str] = {}
            for f in out:
                if f.unjudged:
                    places.setdefault(f.span, f.unjudged)
            self.unjudged = dict(Counter(places.values()))
            out = [f for f in out if not f.unjudged]
        for f in out:
            f.fingerprint = f.compute_fingerprint(root_path(f.span.path) if root_path else f.span.path)
        out.sort(key=Finding.sort_key)
        return out

    def _file_ignored(self, f: Finding) -> bool:
        for pattern, ids in self.settings.per_file_ignores.items():
            matches = fnmatch.fnmatch(f.span.path, pattern) or fnmatch.fnmatch(f.span.path, f"*/{pattern}")
            if matches and f.rule in resolve_selection(ids):
                return True
        return False


def _internal(where: str, span: Span, e: Exception, debug: bool) -> Finding:
    why = f"{type(e).__name__}: {e}; the rest of the run is unaffected"
    if debug:
        why += "\n" + traceback.format_exc()
    head = " ".join(f"internal error in {where}: {type(e).__name__}: {e}".split())
    head = head if len(head) <= 100 else head[:99] + "…"
    return Finding(rule="CF001", message=head, span=span,
                   severity=Severity.ERROR, key=f"internal/{where}", why=why)
