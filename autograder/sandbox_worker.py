"""The process that runs a student's code inside the sandbox and answers the grader's requests.

The program :class:`autograder.sandbox.Sandbox` runs: ``warm()`` once (in the zygote, or in a cold sandbox), then
``serve(channel)`` answers requests on the sandbox's channel. Nothing here is trusted by the grader: it only ever
receives plain data and references back.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import traceback
from contextlib import nullcontext

OUTPUT_LIMIT = 20_000
_MAGIC = re.compile(r"^(\s*)([%!].*)$", re.M)


def without_magics(source: str) -> str:
    """``source`` with IPython magic and shell lines turned into ``pass`` statements, indentation kept."""
    return _MAGIC.sub(r"\1pass  # \2", source)


class _Bounded(io.TextIOBase):
    """A text sink that keeps the first ``OUTPUT_LIMIT`` characters and counts the rest."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        s = str(s)
        room = OUTPUT_LIMIT - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(len(s), room)
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def text(self) -> str:
        out = "".join(self.parts)
        return out + (f"\n... [{self.dropped} more characters of output cut]" if self.dropped else "")


class Worker:
    def __init__(self, channel) -> None:
        self.channel = channel
        self.ns: dict = {"__name__": "__main__"}
        self.objects: dict[int, object] = {}
        self.next_id = 1
        self.snapshot = _snapshot()
        import builtins

        self.saved_builtins = dict(vars(builtins))
        self.saved_json = dict(vars(json))
        self.tampered: set[str] = set()

    # -- references -------------------------------------------------------
    def ref(self, obj) -> dict:
        rid = self.next_id
        self.next_id += 1
        self.objects[rid] = obj
        t = type(obj)
        mro = []
        for k in getattr(t, "__mro__", (t,)):
            mro.append(f"{getattr(k, '__module__', '?')}.{getattr(k, '__qualname__', '?')}")
        return {"__ref__": rid, "type": mro[0] if mro else "?", "mro": mro[:30], "callable": callable(obj)}

    def resolve(self, obj: dict):
        rid = obj.get("__ref__")
        if rid not in self.objects:
            raise KeyError(f"unknown reference {rid}")
        return self.objects[rid]

    def enc(self, value):
        from autograder.wire import encode

        return encode(value, self.ref)

    def dec(self, value):
        from autograder.wire import decode

        return decode(value, self.resolve, allow_pickle=True)

    # -- operations -------------------------------------------------------
    def op_exec(self, req: dict) -> dict:
        source = without_magics(req["source"])
        out, err = _Bounded(), _Bounded()
        old = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            exec(compile(source, f"<cell {req.get('cell', '?')}>", "exec"), self.ns)
            result = {"ok": True}
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
            tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
            result = {"ok": False, "ename": type(exc).__name__, "evalue": str(exc)[:2000],
                      "traceback": "".join(tb[-8:])[-6000:]}
        finally:
            sys.stdout, sys.stderr = old
            self._restore_own_tools()
        result["stdout"], result["stderr"] = out.text(), err.text()
        return result

    def _restore_own_tools(self) -> None:
        """Undo changes to what this worker itself needs (builtins, json), remembering that they happened."""
        import builtins
        import json as json_module

        for mod, saved in ((builtins, self.saved_builtins), (json_module, self.saved_json)):
            current = vars(mod)
            for name, value in saved.items():
                if current.get(name) is not value:
                    self.tampered.add(f"{mod.__name__}.{name}")
                    setattr(mod, name, value)

    def op_names(self, req: dict) -> dict:
        from autograder.wire import BUILTIN_NAMES

        return {"names": [n for n in list(self.ns) if isinstance(n, str) and not n.startswith("__")
                          and n not in BUILTIN_NAMES]}

    def op_get(self, req: dict) -> dict:
        return {"value": self.enc(self.ns[req["name"]])}

    def _target(self, req: dict):
        if "name" in req:
            return self.ns[req["name"]]
        return self.resolve({"__ref__": req["ref"]})

    def op_call(self, req: dict) -> dict:
        fn = self._target(req)
        args = self.dec(req.get("args", []))
        kwargs = self.dec(req.get("kwargs", {"__dict__": []}))
        import numpy as np

        torch = sys.modules.get("torch")
        tensor = torch.Tensor if torch is not None else ()
        raw_args = req.get("args", [])
        sent = [(k, a) for k, a in [*enumerate(args), *kwargs.items()]   # copies the grader sent, not references
                if not (isinstance(k, int) and k < len(raw_args) and isinstance(raw_args[k], dict)
                        and "__ref__" in raw_args[k])]
        watched = [(k, a, a.copy() if type(a) is np.ndarray else a.detach().clone())
                   for k, a in sent if type(a) is np.ndarray or type(a) is tensor]
        modules = _modules_among(sent)
        out, err = _Bounded(), _Bounded()
        old = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        grad = torch.set_grad_enabled(bool(req["grad"])) if torch is not None and "grad" in req else nullcontext()
        try:
            with grad:
                value = fn(*args, **kwargs)
        finally:
            sys.stdout, sys.stderr = old
        from autograder.wire import array_unchanged, is_scalar, module_state, same_module_state

        # arrays the function changed in place: the grader copies the change back into the caller's array
        changed = [[key, self.enc(a)] for key, a, before in watched if not array_unchanged(a, before)]
        # modules sent by value (a model the test built): mode, hooks and weights as the call left them
        module_changes = [[key, self.enc(module_state(m))] for key, m, before in modules
                          if not same_module_state(module_state(m), before)]
        reply = {"stdout": out.text(), "changed": changed, "module_changes": module_changes}
        if torch is not None:   # the notebook may have set it; a replay needs the same to give the same numbers
            reply["threads"] = torch.get_num_threads()
        for key, a in sent:
            if value is a and not is_scalar(a):
                return reply | {"value": None, "same_as": key}   # the argument itself, not a copy of it
        return reply | {"value": self.enc(value)}

    def op_getattr(self, req: dict) -> dict:
        return {"value": self.enc(getattr(self._target(req), req["attr"]))}

    def op_getitem(self, req: dict) -> dict:
        return {"value": self.enc(self._target(req)[self.dec(req["key"])])}

    def op_len(self, req: dict) -> dict:
        return {"value": len(self._target(req))}

    def op_iter(self, req: dict) -> dict:
        items = []
        for i, item in enumerate(self._target(req)):
            if i >= 100_000:
                raise RuntimeError("iteration produced more than 100,000 items")
            items.append(item)
        return {"value": [self.enc(v) for v in items]}

    def op_describe(self, req: dict) -> dict:
        """The structure of a torch module: per submodule its class, settings and parameter shapes."""
        from autograder.wire import describe_module

        return {"value": describe_module(self._target(req))}

    def op_integrity(self, req: dict) -> dict:
        """Names in numpy, torch, builtins, IPython and sys.modules that changed since start-up."""
        return {"value": sorted(set(_changed(self.snapshot)) | self.tampered)[:50]}

    def serve(self) -> None:
        from autograder.sandbox.channel import ChannelError

        self.send({"ready": True, "pid": os.getpid()})
        while True:
            try:
                req = self.channel.recv()
            except ChannelError as exc:
                if exc.kind == "closed":
                    return
                req = {"op": None, "bad": str(exc)}
            try:
                handler = getattr(self, "op_" + str(req.get("op")), None)
                if handler is None:
                    raise ValueError(f"unknown op {req.get('op')!r}")
                reply = handler(req)
            except BaseException as exc:  # noqa: BLE001 - report, keep serving
                reply = {"error": {"ename": type(exc).__name__, "evalue": str(exc)[:2000]}}
            self.send(reply)

    def send(self, obj: dict) -> None:
        self.channel.send(obj)


WATCHED = ("builtins", "numpy", "numpy.testing", "torch", "torch.nn.functional", "torch.testing", "math",
           "IPython", "IPython.core.interactiveshell", "sys", "traceback", "json", "autograder.wire")


WATCHED_CLASSES = ("IPython.core.interactiveshell.InteractiveShell", "numpy.ndarray", "torch.Tensor")


def _snapshot() -> dict[str, int]:
    snap = {}
    for qualified in WATCHED_CLASSES:
        module, _, name = qualified.rpartition(".")
        cls = getattr(sys.modules.get(module), name, None)
        for attr, value in list(vars(cls).items()) if cls is not None else []:
            snap[f"{qualified}.{attr}"] = id(value)
    for name in WATCHED:
        mod = sys.modules.get(name)
        if mod is None:
            continue
        snap[f"sys.modules[{name!r}]"] = id(mod)
        for attr, value in list(vars(mod).items()):
            snap[f"{name}.{attr}"] = id(value)
    return snap


def _modules_among(sent: list) -> list:
    """(key, module, state before the call) for the torch modules among the arguments the grader sent by value."""
    torch = sys.modules.get("torch")
    if torch is None:
        return []
    from autograder.wire import module_state

    return [(key, value, module_state(value)) for key, value in sent if isinstance(value, torch.nn.Module)]


def _changed(snap: dict[str, int]) -> list[str]:
    now = _snapshot()
    volatile = {"sys.last_value", "sys.last_type", "sys.last_traceback", "sys.last_exc", "sys.stdout", "sys.stderr",
                "sys.ps1", "sys.ps2", "builtins._", "sys.path_importer_cache", "sys.modules", "sys.path"}
    return [k for k, v in snap.items() if k not in volatile and now.get(k) != v]


def warm() -> None:
    """Import what every notebook of the course uses, before any student code runs (once per zygote)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import torch
    import torch._dynamo  # noqa: F401  (imported by the first optimizer step; it rebinds torch.manual_seed)

    from autograder.sandbox.settings import sandbox_threads

    torch.set_num_threads(sandbox_threads())
    import IPython.core.interactiveshell  # noqa: F401
    import IPython.display  # noqa: F401

    import autograder.wire  # noqa: F401


def serve(channel) -> None:
    """Answer the grader's requests on ``channel`` until it goes away."""
    Worker(channel).serve()
