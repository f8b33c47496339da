"""The test cells' globals: trusted imports, plus the student's names fetched from the sandbox on first use."""

from __future__ import annotations

from autograder.remote import Remote, SandboxLost, Session, name_remote
from autograder.sandbox import SandboxError


class StudentNamespace(dict):
    """The test cells' globals: trusted imports, plus the student's names fetched on first use.

    A value is fetched from the sandbox only when a test reads it (a dict subclass's ``__missing__`` is
    honoured by ``exec`` for global and name lookups), so large arrays a test never touches never travel.
    """

    def __init__(self, session: Session, names: set[str]) -> None:
        super().__init__()
        self.session, self.names = session, names

    def __missing__(self, key: str):
        if key not in self.names:
            raise KeyError(key)
        value = self.session.ask("get", name=key)
        if isinstance(value, Remote):
            name_remote(value, key)
        self[key] = value
        return value

    def fork(self) -> StudentNamespace:
        other = StudentNamespace(self.session, self.names)
        other.update(self)
        return other


def trusted_imports() -> dict:
    """The modules every test cell may use without importing them (the one list; imported ahead by
    :func:`autograder.pipeline.student_code.import_in_background`)."""
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    return {"np": np, "torch": torch, "nn": nn, "F": F}


def student_namespace(session: Session) -> StudentNamespace:
    """The student's globals as the grader may see them, plus trusted imports the tests rely on."""
    try:
        reply = session.sandbox.request("names")
    except SandboxError as exc:
        raise SandboxLost(exc) from None
    names = reply.get("names")
    if not isinstance(names, list):
        raise SandboxLost(SandboxError("protocol", "bad answer to 'names'"))
    ns = StudentNamespace(session, {n for n in names if isinstance(n, str) and n.isidentifier()})
    ns.update({"__name__": "__main__", **trusted_imports()})
    return ns
