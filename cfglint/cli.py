"""Command line. Only wires flags to api.lint() and the formatters."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cfglint import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Lint Dubbo, Druid, JDBC and Spring configuration for settings that take services down.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cfglint {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    pass


def _fail(message: str) -> None:
    typer.echo(f"cfglint: error: {message}", err=True)
    raise typer.Exit(2)


def _csv(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [t.strip() for v in values for t in v.split(",") if t.strip()]


@app.command()
def check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: .)")] = None,
    fmt: Annotated[list[str] | None, typer.Option(
        "--format", "-f", help="text|concise|json|sarif|github|gitlab|junit; repeat with --output")] = None,
    output: Annotated[list[Path] | None, typer.Option("--output", "-o", help="Write the paired --format here")] = None,
    select: Annotated[list[str] | None, typer.Option(help="Rule IDs, names or families to enable")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Rule IDs, names or families to disable")] = None,
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="error|warning|note (default warning)")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings")] = False,
    config: Annotated[Path | None, typer.Option(help="Config file (pyproject.toml or .cfglint.toml)")] = None,
    baseline: Annotated[Path | None, typer.Option(help="Hide findings recorded in this baseline")] = None,
    write_baseline: Annotated[Path | None, typer.Option("--write-baseline",
                                                        help="Record findings as a baseline")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j",
                                             help="Worker processes (default: CPUs; serial under 200 files)")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the result cache")] = False,
    no_inline: Annotated[bool, typer.Option("--no-inline-suppressions", help="Ignore cfglint: comments")] = False,
    include_tests: Annotated[bool, typer.Option("--include-tests", help="Also lint src/test configuration")] = False,
    expand_modules: Annotated[bool, typer.Option("--expand-modules", help="Lint the whole module of each file given "
                                                 "(pre-commit: cross-file rules see unchanged files)")] = False,
    show_config: Annotated[bool, typer.Option("--show-config", help="Print the effective settings and exit")] = False,
    show_skipped: Annotated[bool, typer.Option("--show-skipped", help="List the files found but not linted, and "
                                                "why (on stderr)")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes, re-lint, report what is left")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="With --fix or --diff: also the fixes that "
                                               "change behaviour beyond the finding")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print the fixes as a unified diff; change nothing")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors")] = False,
) -> None:
    """Lint configuration files and report findings."""
    from cfglint.baseline import BaselineError, apply_baseline, read_baseline
    from cfglint.baseline import write_baseline as write_bl
    from cfglint.formatters import FORMATS, render, safe
    from cfglint.settings import ConfigError, load_settings

    targets = paths or [Path(".")]
    formats = fmt or ["text"]
    for f in formats:
        if f not in FORMATS:
            _fail(f"unknown format '{f}' (expected one of: {', '.join(FORMATS)})")
    outputs = list(output or [])
    if len(outputs) > len(formats):
        _fail("more --output than --format options; pair each --output with a --format")
    overrides = {"select": _csv(select), "ignore": _csv(ignore), "fail-on": fail_on, "jobs": jobs,
                 "include-tests": include_tests or None,
                 "expand-modules": expand_modules or None, "inline-suppressions": False if no_inline else None,
                 "cache": False if no_cache else None,
                 "compute-fixes": fix or diff or any(f in ("json", "sarif") for f in formats)}
    try:
        settings = load_settings(config, targets[0] if targets[0].exists() else Path("."), overrides)
        missing = [str(p) for p in targets if not p.exists()]
        if show_config:
            typer.echo(settings.model_dump_json(indent=2, by_alias=True))
            if not missing:
                from cfglint.api import applications

                typer.echo("\napplications (property sources in load order, lowest precedence first):")
                for line in applications(targets, settings):
                    typer.echo(f"  {line}")
            raise typer.Exit(0)
        if missing:
            _fail(f"path not found: {missing[0]}")
        from cfglint.api import lint

        if debug:
            from cfglint.api import applications

            for line in applications(targets, settings):
                typer.echo(f"cfglint: {line}", err=True)

        if fix and diff:
            _fail("--fix and --diff exclude each other (--diff changes nothing)")
        report = lint(targets, settings, debug=debug)
        if write_baseline is not None:
            n = write_bl(write_baseline, report.findings, report.root_path)
            typer.echo(f"cfglint: wrote {n} finding(s) to baseline {write_baseline}", err=True)
        bl = read_baseline(baseline) if baseline is not None else None
        if bl is not None:
            report.findings, stale = apply_baseline(report.findings, bl)
            if stale:
                typer.echo(f"cfglint: {len(stale)} baseline entr{'y' if len(stale) == 1 else 'ies'} no longer "
                           f"match; run --write-baseline {baseline} to shrink it", err=True)
        if diff:
            from cfglint import fixes

            planned = fixes.plan(report.findings, report.sources, unsafe_fixes)
            sys.stdout.write(fixes.unified_diff(planned))
            n = sum(len(p.applied) for p in planned)
            more = 0 if unsafe_fixes else sum(1 for f in report.findings if f.fix is not None and not f.fix.safe)
            typer.echo(f"cfglint: would fix {n} finding{'s' if n != 1 else ''} in {len(planned)} "
                       f"file{'s' if len(planned) != 1 else ''}"
                       + (f" ({more} more with --unsafe-fixes)" if more else ""), err=True)
            formats, outputs = formats[:len(outputs)], outputs  # stdout holds the diff; --output files still written
        elif fix:
            from cfglint import fixes

            def relint():  # type: ignore[no-untyped-def]
                again = lint(targets, settings, debug=debug)
                if bl is not None:
                    again.findings = apply_baseline(again.findings, bl)[0]
                return again

            outcome, report = fixes.fix_files(relint, report, targets, unsafe_fixes)
            for line in fixes.summary(outcome, report, unsafe_fixes):
                typer.echo(f"cfglint: {line}", err=True)
    except ConfigError as e:
        _fail(str(e))
    except BaselineError as e:
        _fail(str(e))
    except typer.Exit:
        raise
    except Exception as e:  # an internal error is one line, never a traceback, unless --debug
        if debug:
            raise
        _fail(f"internal error: {type(e).__name__}: {e} (run with --debug for details)")
    if report.files_linted == 0 and report.unreadable:
        # Nothing could be linted: a CI gate must not pass on files it never read.
        shown = "; ".join(f"{p}: {why}" for p, why in report.unreadable[:5])
        more = f" (and {len(report.unreadable) - 5} more)" if len(report.unreadable) > 5 else ""
        _fail(f"nothing could be linted: {shown}{more}")
    if show_skipped:  # stderr: stdout stays one format (concise lines, a JSON or SARIF document)
        for p, why in report.skipped:
            typer.echo(f"cfglint: skipped {safe(p)}: {safe(why)}", err=True)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    for i, f in enumerate(formats):
        if i < len(outputs):
            text = render(f, report, color=False)
            try:
                outputs[i].write_text(text, encoding="utf-8")
            except OSError as e:
                _fail(f"cannot write {outputs[i]}: {e.strerror or e}")
        else:
            text = render(f, report, color=color)
            sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
    if exit_zero or not report.findings:
        raise typer.Exit(0)
    from cfglint.findings import Severity

    threshold = Severity.parse(settings.fail_on)
    raise typer.Exit(1 if any(f.severity >= threshold for f in report.findings) else 0)


@app.command("rules")
def rules_cmd(fmt: Annotated[str, typer.Option("--format", "-f", help="text|json")] = "text") -> None:
    """List every rule."""
    import json

    from cfglint.registry import all_rules

    rules = all_rules()
    if fmt == "json":
        typer.echo(json.dumps([{"id": r.id, "name": r.name, "severity": r.severity.label, "summary": r.summary,
                                "options": {k: v.get("default") for k, v in r.options.items()}, "fix": r.fix}
                               for r in rules.values()], indent=2))
        return
    if fmt != "text":
        _fail(f"unknown format '{fmt}' (expected text or json)")
    for r in rules.values():
        fix = {"safe": "fix", "unsafe": "fix*"}.get(r.fix, "")
        typer.echo(f"{r.id}  {r.name:<34} {r.severity.label:<8} {fix:<4} {r.summary}")
    typer.echo("\nfix: --fix repairs these findings where the repair is unambiguous; fix*: unsafe fixes "
               "(they change behaviour), applied with --fix --unsafe-fixes")


@app.command()
def explain(rule: Annotated[str, typer.Argument(help="Rule ID or name, e.g. TP001")]) -> None:
    """Show a rule's full documentation with examples."""
    from cfglint.registry import find_rule

    meta = find_rule(rule)
    if meta is None:
        _fail(f"unknown rule '{rule}' (see 'cfglint rules')")
        return
    out = [f"{meta.id} ({meta.name}) - default severity: {meta.severity.label}", "", meta.summary, "", meta.docs]
    fix = {"safe": "safe (applied by --fix)", "unsafe": "unsafe (applied by --fix --unsafe-fixes)"}.get(meta.fix)
    out += ["", f"Fix: {fix}. {meta.fix_doc}".rstrip() if fix else "Fix: none; this rule's findings are not "
            "repaired automatically."]
    if meta.options:
        out += ["", "Options:"]
        for name, o in meta.options.items():
            out.append(f"  {name} = {o.get('default')!r}  {o.get('description', '')}")
    for kind in ("bad", "good"):
        exs = [e for e in meta.examples if e.kind == kind]
        if not exs:
            continue
        out += ["", "Examples that are flagged:" if kind == "bad" else "Examples that pass:"]
        for e in exs[:3]:
            out.append(f"  # {e.description}")
            for name, content in e.files.items():
                out.append(f"  --- {name}")
                out.extend("    " + line for line in content.rstrip().splitlines())
    typer.echo("\n".join(out))


def main() -> None:
    try:
        app(prog_name="cfglint")
    except KeyboardInterrupt:
        sys.stderr.write("cfglint: interrupted\n")
        sys.exit(130)
