"""Headless tests of the parameter-count widget (course/widgets/parameter_counts.py)."""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn

from course.torch_reference import torch_counts
from course.widgets.parameter_counts import ParameterCounts, bar_chart_svg, interactions

LECTURE = {"fully connected": 2_635_670_400, "locally connected": 105_705_600, "shared convolution": 34_944}


def bars(svg: str) -> dict[str, tuple[int, float]]:
    """kind -> (count written on the bar, bar width in px)."""
    found = re.findall(r'<rect class="bar" data-kind="([^"]+)" data-count="(\d+)" x="[\d.]+" y="[\d.]+" '
                       r'width="([\d.]+)"', svg)
    return {kind: (int(count), float(width)) for kind, count, width in found}


def test_lecture_numbers_by_default():
    w = ParameterCounts()
    assert w.counts == LECTURE
    drawn = bars(w.chart.value)
    assert {k: v[0] for k, v in drawn.items()} == LECTURE
    # log scale: widths are proportional to log10(count), so FC > local > shared
    assert drawn["fully connected"][1] > drawn["locally connected"][1] > drawn["shared convolution"][1] > 0
    assert "3,025" in w.status.value and "75,425" in w.status.value


@pytest.mark.parametrize(("n", "c_in", "c_out", "k"), [(5, 2, 4, 3), (7, 1, 3, 1), (4, 3, 2, 5)])
def test_torch_counts_agree_with_real_modules(n, c_in, c_out, k):
    counts = torch_counts(n, c_in, c_out, k)
    fc = nn.Linear(n * n * c_in, n * n * c_out)
    conv = nn.Conv2d(c_in, c_out, k, padding=k // 2)
    assert counts["fully connected"] == sum(p.numel() for p in fc.parameters())
    assert counts["shared convolution"] == sum(p.numel() for p in conv.parameters())
    # locally connected: a conv whose filter differs at each of the n*n output positions
    assert counts["locally connected"] == n * n * sum(p.numel() for p in conv.parameters())
    assert conv(torch.zeros(1, c_in, n, n)).shape == (1, c_out, n, n)


def test_students_functions_are_used_and_errors_shown():
    calls = []

    def fc(in_shape, out_shape, bias=True):
        calls.append((in_shape, out_shape))
        return 7

    def local(in_channels, kernel_size, out_shape, bias=True):
        raise NotImplementedError()

    w = ParameterCounts(size=10, in_channels=2, filters=3, kernel=3, fc=fc, local=local)
    assert calls[-1] == ((10, 10, 2), (10, 10, 3))
    assert w.counts["fully connected"] == 7
    assert "NotImplementedError" in w.counts["locally connected"]
    assert "NotImplementedError" in w.chart.value
    assert w.counts["shared convolution"] == 3 * (2 * 9 + 1)
    w.kernel.value = 5  # still no exception
    assert w.counts["shared convolution"] == 3 * (2 * 25 + 1)


def test_svg_is_well_formed():
    import xml.etree.ElementTree as ET

    svg = bar_chart_svg({"a": 1, "b": 10**15, "c": "boom <&>"})
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")


@pytest.mark.parametrize("size", [8, 55, 512])
def test_every_interaction_updates(size):
    w, actions = interactions(size)
    assert len(actions) >= 4
    for _ in range(3):
        for act in actions:
            before = (w.size.value, w.in_channels.value, w.filters.value, w.kernel.value)
            act()
            assert (w.size.value, w.in_channels.value, w.filters.value, w.kernel.value) != before
    assert all(isinstance(v, int) for v in w.counts.values())
