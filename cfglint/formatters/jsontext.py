"""``dumps(obj)``: the exact text of ``json.dumps(obj, indent=2, ensure_ascii=False)``, about three times faster.

With ``indent`` the standard library falls back to its pure-Python encoder (a generator per container); a
2,000-finding report took ~50 ms of a run that answers from the cache in ~450 ms. This writer appends to one
list and escapes strings with the same C function the standard encoder uses, so the bytes are identical
(tests/test_formatters.py compares both). Anything but str, int, bool, None, list, tuple and dict with str keys
falls back to ``json.dumps``."""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C implementation when the _json accelerator is present
from typing import Any


class _Unsupported(Exception):
    pass


def dumps(obj: Any) -> str:
    out: list[str] = []
    try:
        _write(obj, out, "\n")
    except (_Unsupported, RecursionError):
        return json.dumps(obj, indent=2, ensure_ascii=False)
    return "".join(out)


def _write(o: Any, out: list[str], nl: str) -> None:
    t = type(o)
    if t is str:
        out.append(encode_basestring(o))
    elif t is dict:
        if not o:
            out.append("{}")
            return
        inner = nl + "  "
        sep = "{" + inner
        for k, v in o.items():
            if type(k) is not str:
                raise _Unsupported
            vt = type(v)
            if vt is str:  # the common leaf, inlined
                out.append(f"{sep}{encode_basestring(k)}: {encode_basestring(v)}")
            elif vt is int:
                out.append(f"{sep}{encode_basestring(k)}: {int.__repr__(v)}")
            else:
                out.append(f"{sep}{encode_basestring(k)}: ")
                _write(v, out, inner)
            sep = "," + inner
        out.append(nl + "}")
    elif t is list or t is tuple:
        if not o:
            out.append("[]")
            return
        inner = nl + "  "
        sep = "[" + inner
        for v in o:
            out.append(sep)
            _write(v, out, inner)
            sep = "," + inner
        out.append(nl + "]")
    elif t is int:
        out.append(int.__repr__(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    else:
        raise _Unsupported
