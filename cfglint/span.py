"""Source positions. Lines and columns are 1-based; ``end_col`` is exclusive (SARIF's convention)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


# Immutable by convention, not frozen=True: frozen dataclasses set each field through object.__setattr__,
# which made creating the hundreds of thousands of spans of a large tree a visible cost. Hashable all the same.
@dataclass(slots=True, order=True, unsafe_hash=True)
class Span:
    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class LineIndex:
    """Maps character offsets of a decoded text to 1-based (line, column)."""

    __slots__ = ("starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.starts = starts

    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col - 1

    def span(self, path: str, start: int, end: int) -> Span:
        starts = self.starts
        line = bisect_right(starts, start)
        first = starts[line - 1]
        if end <= start:
            return Span(path, line, start - first + 1, line, start - first + 1)
        if line == len(starts) or end < starts[line]:  # most spans end on the line they start on
            return Span(path, line, start - first + 1, line, end - first + 1)
        end_line = bisect_right(starts, end)
        return Span(path, line, start - first + 1, end_line, end - starts[end_line - 1] + 1)

    def line_text(self, line: int) -> str:
        if line < 1 or line > len(self.starts):
            return ""
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r")
