"""The diagnosis on its own (no sandbox): relations to a correct result, and blame that goes to the wrong function."""

from __future__ import annotations

import nbformat
import numpy as np
import pytest

from autograder.diagnosis import explain
from autograder.diagnosis.calls import Call
from autograder.diagnosis.messages import read, rid
from autograder.diagnosis.relations import Relations

CORR2D = '''
def corr2d(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    kh, kw = K.shape
    out = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(X[i:i + kh, j:j + kw] * K)
    return out
'''
CONV = '''
def conv2d_flipped(X, K):
    K = np.asarray(K, dtype=np.float64)
    return corr2d(X, K[::-1, ::-1])
'''


@pytest.fixture(autouse=True)
def _patient(monkeypatch):
    """A busy machine must not cut the relations short in these tests."""
    monkeypatch.setattr("autograder.diagnosis.verdict.RELATION_SECONDS", 60.0)
    monkeypatch.setattr("autograder.diagnosis.verdict.ALL_RELATION_SECONDS", 120.0)


def _define(code: str, name: str, **names):
    ns = {"np": np, **names}
    exec(code, ns)
    return ns[name]


corr2d = _define(CORR2D, "corr2d")
RNG = np.random.default_rng(0)
CASES = [(RNG.standard_normal((5, 7)), RNG.standard_normal((2, 3))),
         (RNG.standard_normal((6, 4)), RNG.standard_normal((3, 3))),
         (np.arange(12.0).reshape(3, 4), np.array([[1.0, 0.0], [0.0, -1.0]])),
         (RNG.standard_normal((3, 3)), RNG.standard_normal((4, 2)))]   # raises ValueError


def _calls(student, function: str = "corr2d", cell: str = "test_corr2d_values") -> list[Call]:
    calls = []
    for X, K in CASES:
        call = Call(function, (X.copy(), K.copy()), {}, cell=cell)
        try:
            call.value = student(X.copy(), K.copy())
        except Exception as exc:  # noqa: BLE001
            call.error = type(exc).__name__
        calls.append(call)
    return calls


@pytest.mark.parametrize(("student", "expected"), [
    (lambda X, K: corr2d(X, np.asarray(K)[::-1, ::-1]), "argument changed(K, flipped on both axes)"),
    (lambda X, K: corr2d(X, np.asarray(K).T), "argument changed(K, transposed)"),
    (lambda X, K: corr2d(X, K) / np.size(K), "divided by size(K)"),
    (lambda X, K: np.trunc(corr2d(X, K)).astype(int), "truncated"),
    (lambda X, K: corr2d(X, K)[:, :-1], "short(one column)"),
    (lambda X, K: corr2d(X, K).T, "transposed"),
    (lambda X, K: -corr2d(X, K), "sign"),
    (lambda X, K: corr2d(X, K).astype(np.float32), "type"),
    (lambda X, K: np.ones_like(corr2d(X, K)), None),          # unrelated values: nothing is said
    (corr2d, None),                                           # right: nothing to say
])
def test_relations_name_what_explains_every_call(student, expected):
    findings = Relations(_calls(student), corr2d, seconds=60).find()
    assert [rid(f) for f in findings[:1]] == ([expected] if expected else []), findings


def test_a_value_where_an_error_is_due_is_reported_with_the_relation():
    def student(X, K):
        X, K = np.asarray(X, float), np.asarray(K, float)[::-1, ::-1]
        kh, kw = K.shape
        return np.array([[np.sum(X[i:i + kh, j:j + kw] * K) for j in range(max(X.shape[1] - kw + 1, 0))]
                         for i in range(max(X.shape[0] - kh + 1, 0))])

    kinds = [rid(f) for f in Relations(_calls(student), corr2d, seconds=60).find()]
    assert kinds == ["argument changed(K, flipped on both axes)", "no error"], kinds


def _notebook() -> nbformat.NotebookNode:
    def cell(source: str, **meta):
        c = nbformat.v4.new_code_cell(source)
        c.metadata["nbgrader"] = meta
        return c

    return nbformat.v4.new_notebook(cells=[
        cell("import numpy as np"),
        cell(CORR2D, solution=True, grade_id="corr2d"),
        cell("corr2d([[1]], [[1]])", grade=True, grade_id="test_corr2d_values", points=1),
        cell(CONV, solution=True, grade_id="conv2d_flipped"),
        cell("conv2d_flipped([[1]], [[1]])", grade=True, grade_id="test_conv2d_flipped_values", points=1),
        cell("np.allclose(corr2d_fast([[1]], [[1]]), corr2d([[1]], [[1]]))", grade=True,
             grade_id="test_corr2d_fast_values", points=1),
        cell("def corr2d_fast(X, K):\n    w = np.lib.stride_tricks.sliding_window_view(X, np.shape(K))\n"
             "    return np.einsum('ijmn,mn->ij', w, K)\n", solution=True, grade_id="corr2d_fast"),
    ])


def test_a_right_function_is_not_blamed_for_its_wrong_dependency():
    """The issue's case: a corr2d that flips the kernel fails conv2d_flipped's and corr2d_fast's tests too."""
    wrong = _define(CORR2D.replace("K = np.asarray(K, dtype=np.float64)",
                                   "K = np.asarray(K, dtype=np.float64)[::-1, ::-1]"), "corr2d")
    conv = _define(CONV, "conv2d_flipped", corr2d=wrong)
    calls = _calls(wrong) + _calls(conv, "conv2d_flipped", "test_conv2d_flipped_values") \
        + _calls(corr2d, "corr2d_fast", "test_corr2d_fast_values")
    namespace = {"np": np, "corr2d": wrong, "conv2d_flipped": conv, "corr2d_fast": corr2d}
    lines = explain(["test_corr2d_values", "test_conv2d_flipped_values", "test_corr2d_fast_values"], calls,
                    namespace, "00_no_catalogue", _notebook())
    names = {gid: read("\n".join(found), {}) for gid, found in lines.items()}
    assert names["test_corr2d_values"] == [("relation", "corr2d", ("argument changed(K, flipped on both axes)",))]
    assert names["test_conv2d_flipped_values"] == [("not own", "conv2d_flipped", ("corr2d",))]
    assert names["test_corr2d_fast_values"] == [("not own", "corr2d_fast", ("corr2d",))]
    assert "given your `corr2d`" in lines["test_conv2d_flipped_values"][0]
    assert "compares it with your `corr2d`" in lines["test_corr2d_fast_values"][0]


def test_a_wrong_function_on_a_wrong_dependency_is_told_to_fix_the_dependency_first():
    wrong = _define(CORR2D.replace("np.sum(", "np.mean("), "corr2d")
    conv = _define(CONV.replace("[::-1, ::-1]", "[::-1, :]"), "conv2d_flipped", corr2d=wrong)
    calls = _calls(wrong) + _calls(conv, "conv2d_flipped", "test_conv2d_flipped_values")
    lines = explain(["test_corr2d_values", "test_conv2d_flipped_values"], calls,
                    {"np": np, "corr2d": wrong, "conv2d_flipped": conv}, "00_no_catalogue", _notebook())
    assert read("\n".join(lines["test_conv2d_flipped_values"]), {}) == [("fix first", "conv2d_flipped", ("corr2d",))]


def test_a_diagnosis_out_of_time_names_nothing(monkeypatch):
    """Past the submission's diagnosis time nothing more is decided, and what is undecided says nothing (a
    06 submission with several wrong functions replayed training loops for 15 minutes before this limit)."""
    wrong = _define(CORR2D.replace("K = np.asarray(K, dtype=np.float64)",
                                   "K = np.asarray(K, dtype=np.float64)[::-1, ::-1]"), "corr2d")
    conv = _define(CONV, "conv2d_flipped", corr2d=wrong)
    calls = _calls(wrong) + _calls(conv, "conv2d_flipped", "test_conv2d_flipped_values")
    namespace = {"np": np, "corr2d": wrong, "conv2d_flipped": conv}
    failed = ["test_corr2d_values", "test_conv2d_flipped_values"]
    assert any(explain(failed, calls, namespace, "00_no_catalogue", _notebook()).values())
    monkeypatch.setattr("autograder.diagnosis.verdict.DIAGNOSIS_SECONDS", 0.0)
    assert not any(explain(failed, calls, namespace, "00_no_catalogue", _notebook()).values())


def _stub(*args, **kwargs):
    raise NotImplementedError()


def test_a_function_left_as_released_is_neither_diagnosed_nor_called_right():
    """An answer cell left as released holds no code of the student's: nothing is said about its function (without
    this, conv2d_flipped's solution replayed on the corr2d stub raised as the conv2d_flipped stub did, and the stub
    was called right, its failure put on corr2d); a written function that calls a stub is told where its failure
    comes from."""
    calls = _calls(_stub) + _calls(_stub, "conv2d_flipped", "test_conv2d_flipped_values")
    namespace = {"np": np, "corr2d": _stub, "conv2d_flipped": _stub}
    failed = ["test_corr2d_values", "test_conv2d_flipped_values"]
    before = explain(failed, calls, namespace, "00_no_catalogue", _notebook())
    assert read("\n".join(before["test_conv2d_flipped_values"]), {}) == [("not own", "conv2d_flipped", ("corr2d",))]
    lines = explain(failed, calls, namespace, "00_no_catalogue", _notebook(), untouched_cells={"corr2d",
                                                                                               "conv2d_flipped"})
    assert not any(lines.values()), lines
    conv = _define(CONV, "conv2d_flipped", corr2d=_stub)
    calls = _calls(_stub) + _calls(conv, "conv2d_flipped", "test_conv2d_flipped_values")
    lines = explain(failed, calls, {"np": np, "corr2d": _stub, "conv2d_flipped": conv}, "00_no_catalogue",
                    _notebook(), untouched_cells={"corr2d"})
    assert read("\n".join(lines["test_conv2d_flipped_values"]), {}) == [("not own", "conv2d_flipped", ("corr2d",))]
    assert not lines["test_corr2d_values"]
