"""What the notebooks say agrees with what they grade and compute, and no question is answered next to itself.

Facts that can be computed are computed here independently (torch, the formula) and compared with the number the
text states; rules the hidden tests enforce are looked for in the exercise text; answers of hand computations must
not stand in the cells a student reads just before or after the question (the released notebook, as students get it).
"""

from __future__ import annotations

import re

import nbformat
import pytest
import torch
from conftest import ROOT, assignments, source_notebook
from torch import nn

from autograder.notebook_cells import nbmeta


def cells(assignment: str, release: bool = False) -> list:
    path = next((ROOT / "release" / assignment).glob("*.ipynb")) if release else source_notebook(assignment)
    return nbformat.read(path, as_version=4).cells


def markdown(assignment: str) -> str:
    return "\n".join(c.source for c in cells(assignment) if c.cell_type == "markdown")


def index_of(nb_cells: list, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb_cells) if nbmeta(c).get("grade_id") == grade_id)


@pytest.mark.parametrize("assignment", assignments())
def test_announced_points_match_the_graded_cells(assignment):
    """Every '(N points)' heading announces the points of the graded cells up to the next such heading, and every
    graded cell is announced (02 announced 3 points for dilate_kernel, whose tests carry 4)."""
    nb_cells = cells(assignment)
    heads = [(i, int(m.group(1))) for i, c in enumerate(nb_cells) if c.cell_type == "markdown"
             for m in [re.search(r"^#+ .*\((\d+) points?\b", c.source, re.M)] if m]
    assert heads, "no heading announces points"
    announced = set()
    for k, (start, points) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(nb_cells)
        graded = [c for c in nb_cells[start:end] if nbmeta(c).get("grade")]
        announced |= {nbmeta(c)["grade_id"] for c in graded}
        got = sum(nbmeta(c).get("points", 0) for c in graded)
        title = nb_cells[start].source.splitlines()[0]
        assert got == points, f"{title!r} announces {points} points, its graded cells carry {got}"
    unannounced = [nbmeta(c)["grade_id"] for c in nb_cells if nbmeta(c).get("grade")
                   and nbmeta(c)["grade_id"] not in announced]
    assert not unannounced, f"graded cells under no '(N points)' heading: {unannounced}"


def test_one_notation_for_convolution_stated_once():
    """* is the lecture's cross-correlation everywhere; true convolution is ⊛, defined once, in 01."""
    for assignment in assignments():
        text = "\n".join(c.source for c in cells(assignment))
        assert not re.search(r"★|⋆|\\star\b", text), f"{assignment} uses another symbol (★, ⋆, \\star)"
    statements = [a for a in assignments() if "Notation, for the whole course" in markdown(a)]
    assert statements == ["01_convolution"], f"the notation is stated in {statements}, expected once, in 01"
    first = markdown("01_convolution")
    assert "$I * K$ always means the lecture's operation" in first and "\\circledast" in first


def test_output_size_formulas_read_as_products():
    r"""'⌊...⌋ + 1 × ⌊...⌋ + 1' reads as a sum: each factor of a size written with × is in parentheses."""
    for assignment in assignments():
        bad = re.findall(r"\\rfloor\s*\+\s*1\s*(?:\\[;,!]\s*)*\\times", markdown(assignment))
        assert not bad, f"{assignment}: an output-size formula without parentheses: {bad}"
    assert "\\Big(\\Big\\lfloor \\frac{n_h + 2p_h - k_h}{s_h}" in markdown("03_channels")


def test_04_states_the_ratio_of_fully_connected_to_locally_connected():
    """The lecture's two counts, by torch on the meta device, and the ratio the text gives (not '40 times')."""
    fc = sum(p.numel() for p in nn.Linear(55 * 55 * 3, 55 * 55 * 96, device="meta").parameters())
    local = (11 * 11 * 3 + 1) * 55 * 55 * 96
    assert (fc, local) == (2_635_670_400, 105_705_600)
    text = markdown("04_parameter_sharing")
    m = re.search(r"about (\d+) times fewer than fully connected\s*\(\$2\{,\}635\{,\}670\{,\}400 / "
                  r"105\{,\}705\{,\}600 \\approx ([\d.]+)\$\)", text)
    assert m, "04 must state the ratio of the fully connected to the locally connected count"
    assert int(m.group(1)) == round(fc / local) and float(m.group(2)) == round(fc / local, 1) == 24.9
    assert "40 times" not in text


def test_04_says_what_the_lecture_layer_is():
    """55x55x3 -> 55x55x96 is not AlexNet's first layer, which reads 227x227x3 with stride 4 (both give 55x55x96)."""
    filters = torch.zeros(96, 3, 11, 11, device="meta")
    lecture = torch.nn.functional.conv2d(torch.zeros(1, 3, 55, 55, device="meta"), filters, padding=5)
    alexnet = torch.nn.functional.conv2d(torch.zeros(1, 3, 227, 227, device="meta"), filters, stride=4)
    assert lecture.shape == alexnet.shape == (1, 96, 55, 55)
    text = markdown("04_parameter_sharing")
    assert "(the first\nlayer of AlexNet)" not in text and "the first layer of AlexNet)" not in text
    assert "That is\nnot AlexNet's first layer, which reads a $227\\times227\\times3$ image" in text


def test_02_tensorflow_padding_is_described_correctly():
    """Keras' Conv2D takes only 'valid'/'same'; tf.nn.conv2d accepts explicit paddings."""
    text = markdown("02_padding_stride")
    assert "TensorFlow's `conv2d` takes no number for the padding" not in text
    assert "`tf.keras.layers.Conv2D`, which indeed takes no number for the padding" in text
    assert "`tf.nn.conv2d` does accept explicit\npaddings" in text


def _paper_lrn(a: torch.Tensor, n: int = 5, k: float = 2.0, alpha: float = 1e-4, beta: float = 0.75):
    C = a.shape[1]
    sums = torch.stack([(a[:, max(0, i - n // 2):i + n // 2 + 1] ** 2).sum(1) for i in range(C)], dim=1)
    return a / (k + alpha * sums) ** beta


def test_06_local_response_normalisation_is_the_papers():
    """torch divides alpha by the window size: the paper's alpha = 1e-4 is nn.LocalResponseNorm(5, alpha=5e-4)."""
    a = 10 * torch.randn(1, 9, 3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)(a), _paper_lrn(a), atol=1e-12)
    assert not torch.allclose(nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)(a), _paper_lrn(a), rtol=1e-3)
    nb_cells = cells("06_lenet_alexnet")
    solution = nb_cells[index_of(nb_cells, "alexnet")].source
    assert solution.count("nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)") == 2 and "1e-4" not in solution
    layer = "nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)"
    assert f"the\npaper's layer is `{layer}`" in markdown("06_lenet_alexnet")


def test_06_compares_lenet5_and_lenet_gap_fairly():
    """Both networks train with the same epochs and loader, and the cell prints what it measured."""
    nb_cells = cells("06_lenet_alexnet")
    (gap,) = [c for c in nb_cells if "run = train(net, fit_loader, test_loader, EPOCHS, 1e-3)" in c.source]
    lenet_call = "train(net, fit_loader, test_loader, EPOCHS, 1e-3, callback=monitor)"
    (lenet,) = [c for c in nb_cells if lenet_call in c.source]
    assert "GAP_EPOCHS" not in "\n".join(c.source for c in nb_cells)
    assert 'assert len(gap_history["test_acc"]) == len(history["test_acc"]) == EPOCHS' in gap.source
    assert "<th>final test accuracy</th>" in gap.source and lenet is not gap


@pytest.mark.parametrize(("assignment", "function", "words"), [
    ("02_padding_stride", "conv_output_size", ["numpy integer", "np.int64"]),
    ("02_padding_stride", "same_padding", ["stride=(1, 2)", "works on one axis"]),
    ("02_padding_stride", "dilate_kernel", ["1.5"]),
    ("01_convolution", "sobel_magnitude", ["not 2-D"]),
    ("01_convolution", "conv2d_flipped", ["flip a copy"]),
])
def test_exercise_text_states_what_the_hidden_tests_enforce(assignment, function, words):
    nb_cells = cells(assignment)
    i = next(i for i, c in enumerate(nb_cells) if nbmeta(c).get("grade_id") == function)
    exercise = next(c.source for c in reversed(nb_cells[:i]) if c.cell_type == "markdown" and "Exercise" in c.source)
    for word in words:
        assert word in exercise, f"the {function} exercise should say {word!r}: its hidden tests check it"


# (assignment, grade id of the question's answer cell, cells before / after it to look at, strings that give it away)
GIVEAWAYS = [
    ("02_padding_stride", "answer_dilated", 2, 3, ["(15 + 2", "6×6", "6x6", "**6**", "side 6"]),
    ("05_pooling", "answer_discard_fraction", 2, 2, ["75%", "0.75", "75 %", "three quarters"]),
    ("05_pooling", "answer_alexnet_pool", 2, 2, ["27, 27", "27×27", "27x27", "== 27", "(55 - 3) // 2"]),
    ("05_pooling", "answer_avg_pool", 1, 8, ["3.25", "5.25"]),
    ("06_lenet_alexnet", "answer_conv1_224", 2, 3, ["54", "53.25"]),
    ("07_backprop_deformable", "answer_dL_dX", 2, 3, ["= 10", "10 and", "is 10"]),
    ("07_backprop_deformable", "answer_bilinear", 2, 3, ["= 10", "12.5"]),
    ("07_backprop_deformable", "answer_offset_cost", 2, 3,
     ["41,490", "41490", "41_490", "0.0703", "18 / 256", "18/256"]),
]


@pytest.mark.parametrize(("assignment", "answer", "before", "after", "giveaways"), GIVEAWAYS,
                         ids=[f"{a}:{g}" for a, g, *_ in GIVEAWAYS])
def test_no_answer_next_to_its_question(assignment, answer, before, after, giveaways):
    """In the released notebook, the cells around a hand computation do not state its answer."""
    nb_cells = cells(assignment, release=True)
    i = index_of(nb_cells, answer)
    near = "\n".join(c.source for c in nb_cells[max(0, i - before):i + 1 + after])
    found = [g for g in giveaways if g in near]
    assert not found, f"{assignment}: {found} stands next to the question {answer}"


def test_no_visible_test_prints_an_answer():
    """05's visible pool2d check used to spell out the average-pooling hand computation."""
    test = cells("05_pooling", release=True)[index_of(cells("05_pooling", release=True), "test_pool2d_example")]
    assert "3.25" not in test.source and "5.25" not in test.source


def test_docstrings_do_not_give_the_formula_away():
    nb_cells = cells("04_parameter_sharing", release=True)
    answer_cell = nb_cells[index_of(nb_cells, "stacked_vs_single")].source
    assert not re.search(r"27\s*\*?\s*C|49\s*\*?\s*C", answer_cell), "stacked_vs_single's docstring states the answer"


def test_release_text_is_the_source_text():
    """The checks above read the source's markdown; the release carries the same (release/ is generated)."""
    for assignment in assignments():
        src = [c.source for c in cells(assignment) if c.cell_type == "markdown" and not nbmeta(c).get("solution")]
        rel = [c.source for c in cells(assignment, release=True) if c.cell_type == "markdown"
               and not nbmeta(c).get("solution")]
        assert src == rel, f"{assignment}: release/ is stale, run `make release`"
