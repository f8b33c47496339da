"""The feedback lines the diagnosis writes, and reading them back (the mutation run judges every name given).

Kinds of line:
- ``Likely mistake: <catalogue message>``: a catalogued mistake explains every recorded call;
- ``Question about your `f`: <question>``: a general relation to a correct result (or a fact about one call);
- ``Not `f`'s own mistake: ...``: a correct ``f`` explains the calls; the failure comes from another function;
- ``Fix `d` first: ...``: a function ``f`` relies on fails its own tests.
"""

from __future__ import annotations

import re

from autograder.diagnosis.relations import Finding

MISTAKE = "Likely mistake: "

#: one question per kind of finding, filled with the finding's fields
QUESTIONS = {
    "sign": "is your result the correct one with the opposite sign?",
    "transposed": "is your result the correct one transposed (rows and columns swapped)?",
    "flipped": "is your result the correct one flipped on {axes}?",
    "reversed": "does your result hold the correct entries in reverse order?",
    "truncated": "are your values the correct ones with the fraction cut off (integers)?",
    "one less": "is your result one less than the correct one?",
    "one more": "is your result one more than the correct one?",
    "short": "is your result the correct one with {what} missing?",
    "long": "is your result the correct one with {what} too many?",
    "first only": "is your result only the first entry, along axis {axis}, of the correct one?",
    "shifted": "is your result the correct one shifted by {rows} row(s) and {cols} column(s)?",
    "axes order": "does your result hold the correct values with its axes in the order {order}?",
    "scaled": "is every value of your result {factor} times the correct one?",
    "divided by size": "is every value of your result the correct one divided by the number of entries of "
                       "`{arg}` (a mean where a sum belongs)?",
    "divided by length": "is every value of your result the correct one divided by the length of the first axis of "
                         "`{arg}` (a mean where a sum belongs)?",
    "argument changed": "is your result what a correct version returns for `{arg}` {how}?",
    "one of argument": "is your result what a correct version returns for only the {which} entry of `{arg}` along "
                       "its axis of length {length}?",
    "one of arguments": "is your result what a correct version returns for only the {which} entry of {args} along "
                        "their axis of length {length}?",
    "argument ignored": "is your result what a correct version returns for {arg}={default}: is `{arg}` used?",
    "pair swapped": "is your result what a correct version returns with the two entries of `{arg}` swapped?",
    "pair first": "is your result what a correct version returns when the first entry of `{arg}` is used for both?",
    "argument negated": "is your result what a correct version returns for `{arg}` with the opposite sign?",
    "argument reversed": "is your result what a correct version returns for `{arg}` in reverse order?",
    "arguments swapped": "is your result what a correct version returns with `{arg}` and `{other}` swapped?",
    "type": "your values are right, but is your result a {got} where a {want} is expected?",
    "raises": "did your function raise {error} on {example}, where a correct version returns a value?",
    "no error": "did your function return a value on {example}, where a correct version raises {error}?",
    "changes argument": "does your function change the caller's `{arg}` in place?",
}
#: findings that report what one call did (observed, not inferred)
FACTS = ("type", "raises", "no error", "changes argument")
#: the fields that tell two findings of one kind apart in the mutation run's bookkeeping
KEY_FIELDS = ("arg", "args", "which", "how", "axes", "what", "other")


def rid(finding: Finding) -> str:
    """A finding's identifier, e.g. ``argument changed(K, flipped on both axes)`` or ``one less``."""
    keys = [finding.get(k) for k in KEY_FIELDS if finding.get(k)]
    return (f"{finding.kind}({', '.join(keys)})" if keys else finding.kind).replace("`", "")


def question(function: str, finding: Finding) -> str:
    return f"Question about your `{function}`: " + QUESTIONS[finding.kind].format(**dict(finding.fields))


def not_own(function: str, calls: list[str], compared: list[str]) -> str:
    """``function`` is right: it fails because of the failing functions it ``calls`` or is ``compared`` with."""
    head = f"Not `{function}`'s own mistake: `{function}` "
    if calls:
        names, many = _join(calls + compared), len(calls + compared) > 1
        return (head + f"behaves correctly given your {_join(calls)}; it fails because "
                f"{'they do' if many else names + ' does'} — fix {'those' if many else 'that'} first.")
    if compared:
        many = len(compared) > 1
        return (head + f"behaves correctly; its test compares it with your {_join(compared)}, which "
                f"{'fail their' if many else 'fails its'} own tests — fix {'those' if many else 'that'} first.")
    return (head + "returned what a correct version returns on every call its tests made; the failing check is "
            "about something else (read the test's message).")


def fix_first(function: str, culprits: list[str]) -> str:
    names = _join(culprits)
    return (f"Fix {names} first: {'they fail their' if len(culprits) > 1 else 'it fails its'} own tests, and a "
            f"correct `{function}` relies on {'them' if len(culprits) > 1 else 'it'}; then look at `{function}` again.")


def _join(names: list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _pattern(template: str) -> re.Pattern:
    parts, seen, regex = re.split(r"\{(\w+)\}", template), set(), ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex += re.escape(part)
        else:
            regex += f"(?P={part})" if part in seen else f"(?P<{part}>.+?)"
            seen.add(part)
    return re.compile(regex + "$")


#: the most specific question first: "for `dy` with the opposite sign?" is "argument negated", not the
#: "argument changed" whose {how} would match anything
_PATTERNS = {k: _pattern(v) for k, v in sorted(QUESTIONS.items(), key=lambda kv: -len(re.sub(r"\{\w+\}", "", kv[1])))}
_QUESTION = re.compile(r"^Question about your `(\w+)`: (.*)$")
_NOT_OWN = re.compile(r"^Not `(\w+)`'s own mistake: (.*)$")
_FIX_FIRST = re.compile(r"^Fix (.*?) first: .*? a correct `(\w+)` relies")


def read(message: str, messages: dict[str, tuple[str, str]]) -> list[tuple[str, str, tuple[str, ...]]]:
    """The names in a test's feedback: (kind, function, what) with kind ``mistake`` (what: the catalogued
    mistake's name), ``relation`` (what: the finding's id), ``not own`` (what: the functions blamed) or ``fix
    first`` (what: the functions blamed). ``messages``: catalogue message -> (function, mistake name)."""
    found = []
    for line in (message or "").splitlines():
        line = line.strip()
        if line.startswith(MISTAKE) and line[len(MISTAKE):] in messages:
            function, name = messages[line[len(MISTAKE):]]
            found.append(("mistake", function, (name,)))
        elif m := _QUESTION.match(line):
            found.append(("relation", m.group(1), (_read_question(m.group(2)),)))
        elif m := _NOT_OWN.match(line):
            blamed = dict.fromkeys(re.findall(r"`(\w+)`", m.group(2)))
            found.append(("not own", m.group(1), tuple(n for n in blamed if n != m.group(1))))
        elif m := _FIX_FIRST.match(line):
            found.append(("fix first", m.group(2), tuple(re.findall(r"`(\w+)`", m.group(1)))))
    return found


def _read_question(text: str) -> str:
    for kind, pattern in _PATTERNS.items():
        if m := pattern.match(text):
            return rid(Finding(kind, tuple(m.groupdict().items())))
    return "?" + text
