"""Calls from the grader's test code into a real sandbox behave as they would in the student's own kernel."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.pipeline.namespace import student_namespace as _namespace
from autograder.remote import Session
from autograder.sandbox import Sandbox

STUDENT = """
import numpy as np
import torch
import torch.nn as nn

def same(X):
    X = np.asarray(X, dtype=np.float64)
    return X

def copied(X):
    return np.array(X, dtype=np.float64)

def grad_on(x):
    return torch.is_grad_enabled()

def net():
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(inplace=True), nn.Flatten())

torch.set_num_threads(2)
"""


@pytest.fixture(scope="module")
def ns():
    with Sandbox() as box:
        reply = box.request("exec", source=STUDENT, cell=0)
        assert reply.get("ok"), reply
        session = Session(box)
        yield _namespace(session)


def test_a_returned_argument_is_the_callers_object_not_a_copy(ns):
    X = np.ones((2, 2))
    assert ns["same"](X) is X            # so `P = pad2d(X, 0); P[0, 0] = 5` changes X, as in the kernel
    assert ns["copied"](X) is not X
    Xi = np.ones((2, 2), dtype=np.int64)
    assert ns["same"](Xi) is not Xi      # np.asarray made a new float array


def test_calls_run_under_the_callers_grad_mode(ns):
    x = torch.zeros(1)
    assert ns["grad_on"](x) is True
    with torch.no_grad():
        assert ns["grad_on"](x) is False


def test_layers_applied_one_by_one_under_no_grad(ns):
    # an in-place ReLU after a conv: the conv's output must not come back as a leaf that requires grad
    model = ns["net"]()
    x = torch.randn(1, 1, 5, 5)
    with torch.no_grad():
        for m in model.children():
            x = m(x)
    assert tuple(x.shape) == (1, 18) and bool((x >= 0).all())


def test_a_call_records_the_sandbox_thread_count(ns):
    session = ns.session
    before = len(session.calls)
    ns["copied"](np.ones(3))
    mine = session.calls[before:]
    assert mine and mine[-1].threads == 2, [c.threads for c in mine]
