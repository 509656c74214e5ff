"""Config-center files that a service loads from another folder of the repository.

A Nacos (or Apollo) folder keeps one data id per service (``config/nacos/ruoyi-system.yml``,
``ruoyi-system-dev.yml``) and shared ones (``mysql.yml``) named by the services' ``shared-configs`` or
``spring.config.import: nacos:...``. Such a folder has no build file of its own. A file of it that a service of
this run loads joins that service's module as a *foreign* file (judged inside the service's application), and is
*claimed* in its own module, so it is not judged there alone as well. Only modules of this run are linked, so a
pre-commit run over the folder alone still judges its files."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from cfglint.discover import BOOT_FILE, IMPORT_KEYS, Module, SourceFile

_CONFIG_EXT = (".yml", ".yaml", ".properties")
MAX_READ = 1 << 20


def _candidates(modules: list[Module]) -> dict[str, list[tuple[Module, SourceFile]]]:
    """Property files of folders without a build file, outside src/, by file name."""
    out: dict[str, list[tuple[Module, SourceFile]]] = {}
    for m in modules:
        if m.build_file is not None:
            continue
        for f in m.files:
            if f.path.suffix.lower() in _CONFIG_EXT and "/src/" not in f.display and not f.foreign:
                out.setdefault(f.path.name.lower(), []).append((m, f))
    return out


def _service_names(m: Module) -> tuple[set[str], set[str]]:
    """(application names, explicit data ids) a module's Boot files name; read with the real loaders."""
    from cfglint.resolve import canon

    names: set[str] = set()
    ids: set[str] = set()
    for f in m.files:
        if f.test or not BOOT_FILE.match(f.path.name):
            continue
        try:
            data = f.path.read_bytes()[:MAX_READ]
            if f.path.suffix.lower() == ".properties":
                from cfglint.loaders.properties import load_properties

                node = load_properties(f.display, data)
            else:
                from cfglint.loaders.yaml import load_yaml

                node = load_yaml(f.display, data)
        except Exception:  # a file that does not load is reported by its own module (CF001)
            continue
        for e in node.entries:
            key = canon(e.key)
            if not e.value:
                continue
            if key == "spring.application.name":
                # '@project.artifactId@' (Maven filtering) or a placeholder: the module directory is the artifact
                names.add(m.root.name if ("@" in e.value or "${" in e.value) else e.value.strip())
            elif IMPORT_KEYS.match(key):
                for part in re.split(r"[,;\s]+", e.value):
                    part = re.sub(r"^(?:optional:)?", "", part.strip())
                    if not part or (":" in part and not part.startswith("nacos:")):
                        continue  # classpath:/file: imports are the module's own files
                    ids.add(part.removeprefix("nacos:").split("?", 1)[0])
    if names:
        ids = {re.sub(r"\$\{spring\.application\.name\}", next(iter(sorted(names))), i) for i in ids}
    return names, ids


def _id_pattern(data_id: str) -> str:
    """A data id as a regex over lower-case file names: placeholders (``${x}``, Maven's ``@x@``) match anything."""
    parts = re.split(r"\$\{[^}]*\}|@[\w.-]+@", data_id.lower())
    return ".*".join(re.escape(p) for p in parts)


def link(modules: list[Module]) -> None:
    """Add foreign files to the modules whose applications load them; mark them claimed in their own.

    A data id named after a service goes to the service with the longest matching name only (``order-service.yml``
    is order-service's, not order's), and a file name found in several folders (``nacos/prod/x.yml`` and
    ``nacos/staging/x.yml``: one folder per environment) is linked nowhere: which one a service loads is not in
    the repository, so each stays judged on its own."""
    targets = _candidates(modules)
    if not targets:
        return
    services: list[tuple[Module, list[str], list[re.Pattern[str]]]] = []
    for m in modules:
        if not any(BOOT_FILE.match(f.path.name) and (m.build_file is not None or "/src/main/" in f.display)
                   for f in m.files):
            continue  # a service: Boot files in a build module or a Maven layout (not a config folder itself)
        names, ids = _service_names(m)
        names.add(m.root.name)  # the module's directory is its artifact, and usually the service's name
        services.append((m, sorted({n.lower() for n in names}, key=lambda n: (-len(n), n)),
                         [re.compile(_id_pattern(i)) for i in sorted(ids)]))
    for fname, hits in sorted(targets.items()):
        if len({id(home) for home, _f in hits}) > 1:
            continue  # the same data id in several folders (environments): ambiguous
        stem = PurePosixPath(fname).stem
        owners: list[tuple[Module, str]] = []
        best = -1
        for m, names, _patterns in services:
            for n in names:  # longest first: the first match is this service's best
                if stem == n:
                    profile = ""
                elif stem.startswith(n + "-") and len(stem) > len(n) + 1:
                    profile = stem[len(n) + 1:]
                else:
                    continue
                if len(n) > best:
                    owners, best = [], len(n)
                if len(n) == best:
                    owners.append((m, profile))
                break
        for m, _names, patterns in services:  # explicit data ids (shared-configs, nacos: imports)
            if any(p.fullmatch(fname) for p in patterns) and all(o is not m for o, _p in owners):
                owners.append((m, ""))
        for m, profile in owners:
            for home, f in hits:
                if home is m:
                    continue  # the service's own file: loaded where it is
                m.files.append(SourceFile(f.path, f.display, f.kind, m.root, f.test, foreign=True))
                m.foreign[f.display] = profile
                if f.display not in home.claimed:
                    home.claimed.append(f.display)
