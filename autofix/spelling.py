"""Names that are almost right: the one candidate a misspelt name stands for, or none.

Rules that offer "did you mean" fixes (attributes, actions, keys) ask the same two questions: is
there exactly one candidate spelled the same but for case (a certain fix), and else exactly one
close enough to be a likely typo (a guess)?  Both answers are None unless a single candidate
qualifies: two equally good guesses are no guess.
"""

from __future__ import annotations

from collections.abc import Iterable

#: How similar (difflib's ratio) two names must be to count as a likely typo of each other.
CLOSE_RATIO = 0.85


def same_but_case(name: str, candidates: Iterable[str]) -> str | None:
    """The one candidate equal to ``name`` ignoring case (None when none, or several)."""
    lowered = name.lower()
    found = [c for c in candidates if c.lower() == lowered and c != name]
    return found[0] if len(found) == 1 else None


def closest(name: str, candidates: Iterable[str], ratio: float = CLOSE_RATIO) -> str | None:
    """The one candidate whose spelling is within ``ratio`` of ``name`` (case ignored), or None."""
    from difflib import SequenceMatcher  # only misspelt names need it

    lowered = name.lower()
    matcher = SequenceMatcher(None, b=lowered)
    found = []
    for candidate in candidates:
        if candidate == name:
            continue
        matcher.set_seq1(candidate.lower())
        if matcher.real_quick_ratio() >= ratio and matcher.quick_ratio() >= ratio and matcher.ratio() >= ratio:
            found.append(candidate)
    return found[0] if len(found) == 1 else None
