"""The words of the convolution-arithmetic explorer: the output-size formula with the numbers filled in, and
the verdict on a student's ``conv_output_size`` against PyTorch."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course.widgets.base import OK_COLOUR, coloured, error_html, escape, raised


def _fmt(v: int) -> str:
    return f"({v})" if v < 0 else str(v)


def formula_html(n: int, k: int, p: int, s: int, d: int, out_shape: tuple[int, int] | None) -> str:
    """The output-size formula for (n, k, p, s, d) step by step; ``out_shape`` is torch's output shape
    (``None`` when torch refuses the combination)."""
    span = d * (k - 1) + 1
    num = n + 2 * p - d * (k - 1) - 1          # = n + 2p − span
    size = num // s + 1
    text = (
        "<b>output size</b> = ⌊(n + 2p − d(k−1) − 1) / s⌋ + 1<br>"
        f"= ⌊({n} + 2·{p} − {d}·({k}−1) − 1) / {s}⌋ + 1 = ⌊{_fmt(num)} / {s}⌋ + 1 = <b>{size}</b><br>"
        f"dilated kernel spans d(k−1)+1 = {span} cells; padded input n+2p = {n + 2 * p} cells")
    if out_shape is None:
        return text + "<br>" + error_html(
            f"<b>invalid:</b> the dilated kernel ({span} cells) is larger "
            f"than the padded input ({n + 2 * p} cells), so the output size would be {size} &lt; 1. "
            "Increase n or p, or decrease k or d.")
    oh, ow = out_shape
    text += f"<br>output <b>{oh}×{ow}</b> = {oh * ow} window positions"
    left = num % s
    if left:
        text += (f"<br>n + 2p − span = {num} is not a multiple of s = {s}: the floor drops the last "
                 f"{left} row(s)/column(s) of the padded input (darkened)")
    return text


def student_check_html(output_size: Callable[..., int] | None, params: tuple[int, int, int, int, int],
                       out_shape: tuple[int, int] | None) -> str:
    """Whether the student's ``output_size(n, k, p, s, d)`` agrees with torch (``""`` if none was given);
    its errors are part of the verdict, never raised."""
    if output_size is None:
        return ""
    name = getattr(output_size, "__name__", "output_size")
    try:
        got = output_size(*params)
    except NotImplementedError:
        return f"<i>your {name} is not implemented yet</i>"
    except ValueError as exc:
        if out_shape is None:
            return coloured(f"✓ your {name} raises ValueError: {escape(exc)}", OK_COLOUR)
        return error_html(f"✗ your {name} raises ValueError ({escape(exc)}), but torch gives {out_shape[0]}")
    except Exception as exc:  # noqa: BLE001 - a student's function may fail in any way
        return error_html(f"✗ {escape(raised(f'your {name}', exc))}")
    if out_shape is None:
        return error_html(f"✗ your {name} returns {escape(repr(got))}; this combination is invalid, "
                          "raise ValueError")
    if got == out_shape[0] and isinstance(got, int | np.integer):
        return coloured(f"✓ your {name} agrees with torch: {got}", OK_COLOUR)
    return error_html(f"✗ your {name} returns {escape(repr(got))}, torch gives {out_shape[0]}")
