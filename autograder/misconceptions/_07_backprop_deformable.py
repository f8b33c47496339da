"""Wrong implementations learners plausibly write in 07_backprop_deformable (backward pass, transposed and
deformable convolution), and correct ones written differently.

Each mistake is the reference implementation with one thing changed (:func:`variant` applies the change and
checks it applies), so that it is wrong only where the misconception is. Its source is one self-contained ``def``
(it needs only ``np``, ``torch`` and ``F``): the notebook's helpers ``as_pair`` and ``bilinear_sample`` are written
into it as nested functions, because the grader replays it on a student's recorded calls to name the mistake.
"""

from __future__ import annotations

import re
import textwrap

from autograder.misconceptions import Alternative, Misconception
from autograder.misconceptions import Alternative as A

_AS_PAIR = '''
def _as_pair(value, name, minimum):
    def one(v, label):
        if isinstance(v, np.ndarray) and v.ndim == 0:
            v = v.item()
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{label} must be an int, got {v!r}")
        if v < minimum:
            raise ValueError(f"{label} must be >= {minimum}, got {v}")
        return int(v)
    if isinstance(value, (tuple, list)) or (isinstance(value, np.ndarray) and value.ndim == 1):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {value!r}")
        return one(value[0], name), one(value[1], name)
    v = one(value, name)
    return v, v
'''
_BILINEAR = '''
def _bilinear(X, ys, xs):
    X, ys, xs = (np.asarray(v, dtype=np.float64) for v in (X, ys, xs))
    if X.ndim != 3 or ys.shape != xs.shape:
        raise ValueError(f"X must be (C, H, W) and ys, xs of one shape, got {X.shape}, {ys.shape}, {xs.shape}")
    C, H, W = X.shape
    y0, x0 = np.floor(ys).astype(np.int64), np.floor(xs).astype(np.int64)
    a, b = ys - y0, xs - x0
    out = np.zeros((C,) + ys.shape)
    for dy, wy in ((0, 1 - a), (1, a)):
        for dx, wx in ((0, 1 - b), (1, b)):
            r, c = y0 + dy, x0 + dx
            inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
            out += np.where(inside, wy * wx, 0.0) * X[:, np.clip(r, 0, H - 1), np.clip(c, 0, W - 1)]
    return out
'''


def variant(base: str, *edits: tuple[str, str]) -> str:
    """``base`` with each ``(old, new)`` replacement made (text as in the base, indentation included); every
    ``old`` must occur exactly once, so a catalogue entry cannot silently stop differing from the reference."""
    src = textwrap.dedent(base).strip() + "\n"
    for old, new in edits:
        if src.count(old) != 1:
            raise ValueError(f"edit does not apply exactly once: {old!r}")
        src = src.replace(old, new)
    return src


def M(function: str, name: str, message: str, source: str) -> Misconception:
    """A misconception whose source calls the notebook's helpers gets its own copies of them, nested."""
    head, body = textwrap.dedent(source).strip().split("\n", 1)
    helpers = []
    if re.search(r"\bas_pair\(", body):
        body = re.sub(r"\bas_pair\(", "_as_pair(", body)
        helpers.append(_AS_PAIR)
    if re.search(r"\bbilinear_sample\(", body):
        body = re.sub(r"\bbilinear_sample\(", "_bilinear(", body)
        helpers.append(_BILINEAR)
    nested = "".join(textwrap.indent(textwrap.dedent(h).strip() + "\n\n", "    ") for h in helpers)
    return Misconception(function, name, message, head + "\n" + nested + body + "\n")


# ---------------------------------------------------------------------------------------- reference sources
NUMERICAL_GRADIENT = '''
def numerical_gradient(f, x, h=1e-5):
    if isinstance(h, bool) or not isinstance(h, (int, float, np.integer, np.floating)) or not h > 0:
        raise ValueError(f"h must be a positive number, got {h!r}")
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = np.asarray(f(x), dtype=np.float64)
        x[idx] = old - h
        f_minus = np.asarray(f(x), dtype=np.float64)
        x[idx] = old
        if f_plus.size != 1 or f_minus.size != 1:
            raise ValueError(f"f must return one number, got shape {f_plus.shape}")
        grad[idx] = (f_plus.item() - f_minus.item()) / (2 * h)
    return grad
'''

_CONV_CHECKS = '''
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    if X.ndim != 4 or W.ndim != 4:
        raise ValueError(f"X must be (N, C_in, H, W) and W (C_out, C_in, kh, kw), got {X.shape} and {W.shape}")
    if X.shape[1] != W.shape[1]:
        raise ValueError(f"X has {X.shape[1]} channels but W expects {W.shape[1]}")
    sh, sw = as_pair(stride, "stride", 1)
    ph, pw = as_pair(padding, "padding", 0)
    dh, dw = as_pair(dilation, "dilation", 1)
    N, C_in, H, Wd = X.shape
    C_out, _, kh, kw = W.shape
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if span_h > H + 2 * ph or span_w > Wd + 2 * pw:
        raise ValueError(f"the kernel spans {span_h}x{span_w} but the padded input is {H + 2 * ph}x{Wd + 2 * pw}")
    Ho, Wo = (H + 2 * ph - span_h) // sh + 1, (Wd + 2 * pw - span_w) // sw + 1
'''

CONV2D_BACKWARD = '''
def conv2d_backward(dout, X, W, stride=1, padding=0, dilation=1):
    dout = np.asarray(dout, dtype=np.float64)
''' + _CONV_CHECKS + '''
    if dout.shape != (N, C_out, Ho, Wo):
        raise ValueError(f"dout must have the output's shape {(N, C_out, Ho, Wo)}, got {dout.shape}")
    Xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dXp = np.zeros_like(Xp)
    dW = np.zeros_like(W)
    for m in range(kh):
        for q in range(kw):
            rows = slice(m * dh, m * dh + sh * (Ho - 1) + 1, sh)
            cols = slice(q * dw, q * dw + sw * (Wo - 1) + 1, sw)
            dW[:, :, m, q] = np.einsum("nohw,nchw->oc", dout, Xp[:, :, rows, cols])
            dXp[:, :, rows, cols] += np.einsum("nohw,oc->nchw", dout, W[:, :, m, q])
    dX = dXp[:, :, ph:ph + H, pw:pw + Wd].copy()
    db = dout.sum(axis=(0, 2, 3))
    return dX, dW, db
'''

CONV_TRANSPOSE2D = '''
def conv_transpose2d(X, W, stride=1, padding=0):
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    if X.ndim != 4 or W.ndim != 4:
        raise ValueError(f"X must be (N, C_in, H, W) and W (C_in, C_out, kh, kw), got {X.shape} and {W.shape}")
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X has {X.shape[1]} channels but W.shape[0] = {W.shape[0]}")
    sh, sw = as_pair(stride, "stride", 1)
    ph, pw = as_pair(padding, "padding", 0)
    N, _, H, Wd = X.shape
    _, C_out, kh, kw = W.shape
    full = np.zeros((N, C_out, (H - 1) * sh + kh, (Wd - 1) * sw + kw))
    if full.shape[2] - 2 * ph < 1 or full.shape[3] - 2 * pw < 1:
        raise ValueError(f"padding {(ph, pw)} crops the whole output away")
    for m in range(kh):
        for q in range(kw):
            stamp = np.einsum("nchw,co->nohw", X, W[:, :, m, q])
            full[:, :, m:m + sh * (H - 1) + 1:sh, q:q + sw * (Wd - 1) + 1:sw] += stamp
    return full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw].copy()
'''

BILINEAR_SAMPLE = '''
def bilinear_sample(X, ys, xs):
    X = np.asarray(X, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    xs = np.asarray(xs, dtype=np.float64)
    if X.ndim != 3:
        raise ValueError(f"X must be (C, H, W), got shape {X.shape}")
    if ys.shape != xs.shape:
        raise ValueError(f"ys and xs must have the same shape, got {ys.shape} and {xs.shape}")
    C, H, W = X.shape
    y0, x0 = np.floor(ys).astype(np.int64), np.floor(xs).astype(np.int64)
    a, b = ys - y0, xs - x0
    out = np.zeros((C,) + ys.shape)
    for dy, wy in ((0, 1 - a), (1, a)):
        for dx, wx in ((0, 1 - b), (1, b)):
            rows, cols = y0 + dy, x0 + dx
            inside = (rows >= 0) & (rows < H) & (cols >= 0) & (cols < W)
            out += np.where(inside, wy * wx, 0.0) * X[:, np.clip(rows, 0, H - 1), np.clip(cols, 0, W - 1)]
    return out
'''

DEFORM_CONV2D = '''
def deform_conv2d(X, offset, W, b=None, stride=1, padding=0, dilation=1):
    offset = np.asarray(offset, dtype=np.float64)
''' + _CONV_CHECKS + '''
    if offset.shape != (N, 2 * kh * kw, Ho, Wo):
        raise ValueError(f"offset must have shape {(N, 2 * kh * kw, Ho, Wo)}, got {offset.shape}")
    if b is not None:
        b = np.asarray(b, dtype=np.float64)
        if b.shape != (C_out,):
            raise ValueError(f"b must have shape ({C_out},), got {b.shape}")
    base_y = (np.arange(Ho) * sh - ph)[:, None]
    base_x = (np.arange(Wo) * sw - pw)[None, :]
    out = np.zeros((N, C_out, Ho, Wo))
    for n in range(N):
        for i in range(kh):
            for j in range(kw):
                k = i * kw + j
                dy, dx = offset[n, 2 * k], offset[n, 2 * k + 1]
                read = bilinear_sample(X[n], base_y + i * dh + dy, base_x + j * dw + dx)
                out[n] += np.einsum("oc,chw->ohw", W[:, :, i, j], read)
    if b is not None:
        out += b[:, None, None]
    return out
'''

FIT_OFFSETS = '''
def fit_offsets(X, Y, W, steps=100, lr=0.05):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
        raise ValueError(f"X (N, C_in, H, W) and W (C_out, C_in, kh, kw) with the same C_in, got {X.shape}, {W.shape}")
    N, _, H, Wd = X.shape
    C_out, _, kh, kw = W.shape
    if Y.shape != (N, C_out, H - kh + 1, Wd - kw + 1):
        raise ValueError(f"Y must have shape {(N, C_out, H - kh + 1, Wd - kw + 1)}, got {Y.shape}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)) or not lr > 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    x, y, w = torch.tensor(X), torch.tensor(Y), torch.tensor(W)
    framed = F.pad(x, (Wd + 1, Wd + 1, H + 1, H + 1))

    def shifted(shift):
        y0, x0 = torch.floor(shift.detach())
        a, b = shift[0] - y0, shift[1] - x0
        r0, c0 = int(min(max(y0, -H - 1), H)) + H + 1, int(min(max(x0, -Wd - 1), Wd)) + Wd + 1

        def part(dr, dc):
            return framed[:, :, r0 + dr:r0 + dr + H, c0 + dc:c0 + dc + Wd]

        return (1 - a) * ((1 - b) * part(0, 0) + b * part(0, 1)) + a * ((1 - b) * part(1, 0) + b * part(1, 1))

    shift = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([shift], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((F.conv2d(shifted(shift), w) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
    dy, dx = shift.detach().tolist()
    return float(dy), float(dx)
'''


def _ng(name: str, message: str, *edits: tuple[str, str]) -> Misconception:
    return M("numerical_gradient", name, message, variant(NUMERICAL_GRADIENT, *edits))


def _bw(name: str, message: str, *edits: tuple[str, str]) -> Misconception:
    return M("conv2d_backward", name, message, variant(CONV2D_BACKWARD, *edits))


def _tr(name: str, message: str, *edits: tuple[str, str]) -> Misconception:
    return M("conv_transpose2d", name, message, variant(CONV_TRANSPOSE2D, *edits))


def _bs(name: str, message: str, *edits: tuple[str, str]) -> Misconception:
    return M("bilinear_sample", name, message, variant(BILINEAR_SAMPLE, *edits))


def _dc(name: str, message: str, *edits: tuple[str, str]) -> Misconception:
    return M("deform_conv2d", name, message, variant(DEFORM_CONV2D, *edits))


def _fo(name: str, message: str, *edits: tuple[str, str]) -> Misconception:
    return M("fit_offsets", name, message, variant(FIT_OFFSETS, *edits))


_SLICE_ROWS = "            rows = slice(m * dh, m * dh + sh * (Ho - 1) + 1, sh)\n"
_SLICE_COLS = "            cols = slice(q * dw, q * dw + sw * (Wo - 1) + 1, sw)\n"
_STAMP = "            full[:, :, m:m + sh * (H - 1) + 1:sh, q:q + sw * (Wd - 1) + 1:sw] += stamp\n"
_READ = "                read = bilinear_sample(X[n], base_y + i * dh + dy, base_x + j * dw + dx)\n"
_OUT = "            out += np.where(inside, wy * wx, 0.0) * X[:, np.clip(rows, 0, H - 1), np.clip(cols, 0, W - 1)]\n"

MISCONCEPTIONS: list[Misconception] = [
    # ----- numerical_gradient ---------------------------------------------------------------------------------
    _ng("one-sided difference",
        "You use the one-sided difference (f(x + h e_i) - f(x)) / h; its error is of order h. The centred "
        "difference (f(x + h e_i) - f(x - h e_i)) / (2h) is asked for (error of order h^2).",
        ("        x[idx] = old - h\n", "        x[idx] = old\n"),
        ("        grad[idx] = (f_plus.item() - f_minus.item()) / (2 * h)",
         "        grad[idx] = (f_plus.item() - f_minus.item()) / h")),
    _ng("centred difference divided by h",
        "The two points x + h e_i and x - h e_i are 2h apart: divide their difference by 2h, not by h (your "
        "gradient is twice too large).",
        ("        grad[idx] = (f_plus.item() - f_minus.item()) / (2 * h)",
         "        grad[idx] = (f_plus.item() - f_minus.item()) / h")),
    _ng("entry not put back",
        "After nudging entry i you do not put its old value back, so the next entries are differentiated at "
        "a moved point: restore x[i] (or nudge a fresh copy) before going on.",
        ("        x[idx] = old\n        if f_plus", "        if f_plus")),
    _ng("all entries nudged at once",
        "You move every entry of x at once (x + h, x - h): that is the derivative along the direction "
        "(1, 1, ..., 1), the same number everywhere. Nudge one entry at a time (h e_i).",
        ("    for idx in np.ndindex(x.shape):\n"
         "        old = x[idx]\n"
         "        x[idx] = old + h\n"
         "        f_plus = np.asarray(f(x), dtype=np.float64)\n"
         "        x[idx] = old - h\n"
         "        f_minus = np.asarray(f(x), dtype=np.float64)\n"
         "        x[idx] = old\n",
         "    f_all_plus = np.asarray(f(x + h), dtype=np.float64)\n"
         "    f_all_minus = np.asarray(f(x - h), dtype=np.float64)\n"
         "    for idx in np.ndindex(x.shape):\n"
         "        f_plus, f_minus = f_all_plus, f_all_minus\n")),
    _ng("step h ignored",
        "You always nudge by 1e-5 and ignore the h you are given: use the argument h in both the nudge and "
        "the division.",
        ("        x[idx] = old + h\n", "        x[idx] = old + 1e-5\n"),
        ("        x[idx] = old - h\n", "        x[idx] = old - 1e-5\n"),
        ("        grad[idx] = (f_plus.item() - f_minus.item()) / (2 * h)",
         "        grad[idx] = (f_plus.item() - f_minus.item()) / (2 * 1e-5)")),
    _ng("integer x not converted",
        "An integer x stays an integer array, so x + h is rounded back to x and every difference is 0: "
        "convert x to float64 (np.array(x, dtype=np.float64)) before nudging it.",
        ("    x = np.array(x, dtype=np.float64)\n    grad = np.zeros_like(x)\n",
         "    x = np.array(x)\n    grad = np.zeros(x.shape)\n")),
    _ng("h not checked",
        "h = 0 (or a negative or non-numeric h) must raise ValueError before anything is computed; yours "
        "divides by it.",
        ("    if isinstance(h, bool) or not isinstance(h, (int, float, np.integer, np.floating)) or not h > 0:\n"
         "        raise ValueError(f\"h must be a positive number, got {h!r}\")\n", "")),
    _ng("float() of f's value",
        "float(f(x)) raises TypeError when f returns an array; check that f returned one number and raise "
        "ValueError (np.asarray(value).size != 1).",
        ("        if f_plus.size != 1 or f_minus.size != 1:\n"
         "            raise ValueError(f\"f must return one number, got shape {f_plus.shape}\")\n"
         "        grad[idx] = (f_plus.item() - f_minus.item()) / (2 * h)",
         "        grad[idx] = (float(f_plus) - float(f_minus)) / (2 * h)")),

    # ----- conv2d_backward --------------------------------------------------------------------------------------
    _bw("stride ignored",
        "With stride s the outputs read every s-th window: the pixels one tap reads are a slice with step s "
        "(start m*d, step s), not the next H' pixels in a row.",
        (_SLICE_ROWS, "            rows = slice(m * dh, m * dh + Ho)\n"),
        (_SLICE_COLS, "            cols = slice(q * dw, q * dw + Wo)\n")),
    _bw("dilation ignored",
        "With dilation d, tap (m, q) reads d*m rows and d*q columns from the window's corner: start the tap's "
        "slice at m*d, q*d, not at m, q.",
        (_SLICE_ROWS, "            rows = slice(m, m + sh * (Ho - 1) + 1, sh)\n"),
        (_SLICE_COLS, "            cols = slice(q, q + sw * (Wo - 1) + 1, sw)\n")),
    _bw("padding not cropped from dX",
        "dX must have X's shape: the gradient of the padded input also covers the padding frame, which is not "
        "an input. Cut p rows and columns off each side (dXp[:, :, p:p+H, p:p+W]).",
        ("    dX = dXp[:, :, ph:ph + H, pw:pw + Wd].copy()\n", "    dX = dXp\n")),
    _bw("db averaged",
        "db[o] is the SUM of dout over the batch and all positions (the bias was added to every output), "
        "not their mean.",
        ("    db = dout.sum(axis=(0, 2, 3))\n", "    db = dout.mean(axis=(0, 2, 3))\n")),
    _bw("db of the first image only",
        "db must add dout over the whole batch (axis 0) as well as over the positions.",
        ("    db = dout.sum(axis=(0, 2, 3))\n", "    db = dout[0].sum(axis=(1, 2))\n")),
    _bw("dW averaged over the batch",
        "dW adds the contributions of every image of the batch: do not divide by N (the loss decides whether "
        "there is a mean, through dout).",
        ("    db = dout.sum(axis=(0, 2, 3))\n", "    db = dout.sum(axis=(0, 2, 3))\n    dW = dW / N\n")),
    _bw("overlapping windows overwrite dX",
        "Where windows overlap, a pixel receives gradient from every window that read it: add (+=) the "
        "contributions, do not assign (=) them.",
        ("            dXp[:, :, rows, cols] += np.einsum", "            dXp[:, :, rows, cols] = np.einsum")),
    _bw("kernel flipped in dX",
        "Spreading each output's gradient back over its window uses the kernel as it is, W[:, :, m, q] for the "
        "pixel tap (m, q) read. (The flip appears only if you write dX as a convolution of dout.)",
        ("            dXp[:, :, rows, cols] += np.einsum(\"nohw,oc->nchw\", dout, W[:, :, m, q])",
         "            dXp[:, :, rows, cols] += np.einsum(\"nohw,oc->nchw\", dout, W[:, :, kh - 1 - m, kw - 1 - q])")),

    # ----- conv_transpose2d -------------------------------------------------------------------------------------
    _tr("padding not cropped",
        "padding p CROPS the full result: remove p rows and columns on each side, so the output has "
        "(H - 1)s + k - 2p rows.",
        ("    return full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw].copy()",
         "    return full")),
    _tr("padding cropped at the end only",
        "The padding is cropped on BOTH sides, p at the start and p at the end, not 2p at the end.",
        ("    return full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw].copy()",
         "    return full[:, :, :full.shape[2] - 2 * ph, :full.shape[3] - 2 * pw].copy()")),
    _tr("kernel flipped",
        "Each input pixel stamps the kernel as it is: tap (m, q) lands m rows and q columns after the stamp's "
        "corner. Flipping it computes a true convolution of the stamps instead.",
        ("            stamp = np.einsum(\"nchw,co->nohw\", X, W[:, :, m, q])",
         "            stamp = np.einsum(\"nchw,co->nohw\", X, W[:, :, kh - 1 - m, kw - 1 - q])")),
    _tr("weight axes read as (C_out, C_in)",
        "conv_transpose2d's weight is (C_in, C_out, kh, kw), as in torch (the same tensor as the convolution it "
        "transposes): W[c, o] links input channel c to output channel o.",
        ("    _, C_out, kh, kw = W.shape\n", "    C_out, _, kh, kw = W.shape\n"),
        ("            stamp = np.einsum(\"nchw,co->nohw\", X, W[:, :, m, q])",
         "            stamp = np.einsum(\"nchw,oc->nohw\", X, W[:, :, m, q])")),
    _tr("overlapping stamps overwrite",
        "Where the stamps of neighbouring pixels overlap, they add up (+=); assigning keeps only the last one.",
        (_STAMP, _STAMP.replace("+= stamp", "= stamp"))),
    _tr("output H*s rows",
        "The last stamp starts at (H - 1)s and is k wide: the output has (H - 1)s + k rows before cropping, "
        "not H*s + k - 1.",
        ("    full = np.zeros((N, C_out, (H - 1) * sh + kh, (Wd - 1) * sw + kw))",
         "    full = np.zeros((N, C_out, H * sh + kh - 1, Wd * sw + kw - 1))")),

    # ----- bilinear_sample --------------------------------------------------------------------------------------
    _bs("nearest pixel",
        "You read the nearest pixel (rounding the coordinates); bilinear interpolation blends the four pixels "
        "around the point with weights (1-a)(1-b), (1-a)b, a(1-b), ab.",
        ("    y0, x0 = np.floor(ys).astype(np.int64), np.floor(xs).astype(np.int64)\n"
         "    a, b = ys - y0, xs - x0\n",
         "    y0, x0 = np.floor(ys + 0.5).astype(np.int64), np.floor(xs + 0.5).astype(np.int64)\n"
         "    a, b = np.zeros(ys.shape), np.zeros(xs.shape)\n")),
    _bs("weights swapped",
        "The weights are swapped: the pixel at floor(y) gets weight 1 - a (it is the nearer one when a is "
        "small), the pixel below gets a.",
        ("    for dy, wy in ((0, 1 - a), (1, a)):\n        for dx, wx in ((0, 1 - b), (1, b)):\n",
         "    for dy, wy in ((0, a), (1, 1 - a)):\n        for dx, wx in ((0, b), (1, 1 - b)):\n")),
    _bs("rows and columns swapped",
        "ys are row coordinates (the H axis) and xs column coordinates (the W axis): X[:, row, column].",
        ("    C, H, W = X.shape\n", "    C, H, W = X.shape\n    ys, xs = xs, ys\n")),
    _bs("border pixel repeated outside",
        "Outside the image the pixels count as 0 (zero padding), not as copies of the border pixel.",
        (_OUT, "            out += wy * wx * X[:, np.clip(rows, 0, H - 1), np.clip(cols, 0, W - 1)]\n")),
    _bs("point dropped if a neighbour is outside",
        "A point whose four pixels are not all inside still gets the part of the inside ones (half a pixel "
        "outside the border gives half the border pixel); only the missing pixels count as 0.",
        ("    out = np.zeros((C,) + ys.shape)\n",
         "    out = np.zeros((C,) + ys.shape)\n"
         "    whole = (y0 >= 0) & (y0 + 1 < H) & (x0 >= 0) & (x0 + 1 < W)\n"),
        (_OUT, _OUT.replace("np.where(inside,", "np.where(whole,"))),
    _bs("index past the last row",
        "On the last row (y = H - 1) the pixel below, y0 + 1 = H, does not exist: its weight is 0, but reading "
        "X[:, H] raises IndexError. Clip the indices before reading and let the mask zero them.",
        (_OUT, "            out += np.where(inside, wy * wx * X[:, rows, cols], 0.0)\n")),
    _bs("truncation instead of floor",
        "astype(int) rounds towards zero, so for y = -0.5 it gives 0 instead of floor(-0.5) = -1 and the "
        "weights go wrong left of and above the image. Use np.floor.",
        ("    y0, x0 = np.floor(ys).astype(np.int64), np.floor(xs).astype(np.int64)\n",
         "    y0, x0 = ys.astype(np.int64), xs.astype(np.int64)\n")),

    # ----- deform_conv2d ----------------------------------------------------------------------------------------
    _dc("dy and dx swapped",
        "Channel 2k of the offset is the ROW offset dy of tap k and channel 2k+1 the column offset dx "
        "(torchvision's order); you swapped them.",
        ("                dy, dx = offset[n, 2 * k], offset[n, 2 * k + 1]\n",
         "                dx, dy = offset[n, 2 * k], offset[n, 2 * k + 1]\n")),
    _dc("all dy channels first",
        "The offsets are interleaved per tap: (dy, dx) of tap 0 in channels 0 and 1, of tap 1 in channels 2 and "
        "3, ... — not all dy first and all dx after.",
        ("                dy, dx = offset[n, 2 * k], offset[n, 2 * k + 1]\n",
         "                dy, dx = offset[n, k], offset[n, kh * kw + k]\n")),
    _dc("taps in column-major order",
        "Tap k = i * kw + j (row-major, as W[:, :, i, j] is stored): your taps are numbered column by column.",
        ("                k = i * kw + j\n", "                k = j * kh + i\n")),
    _dc("offsets subtracted",
        "The offset is ADDED to the regular position: tap (i, j) reads at (y*s - p + i*d + dy, x*s - p + j*d + dx).",
        (_READ, "                read = bilinear_sample(X[n], base_y + i * dh - dy, base_x + j * dw - dx)\n")),
    _dc("padding not subtracted",
        "With padding p, output (0, 0) starts p pixels above and left of the image: the base position is "
        "y*s - p, and reading there gives the zeros of the padding.",
        ("    base_y = (np.arange(Ho) * sh - ph)[:, None]\n    base_x = (np.arange(Wo) * sw - pw)[None, :]\n",
         "    base_y = (np.arange(Ho) * sh)[:, None]\n    base_x = (np.arange(Wo) * sw)[None, :]\n")),
    _dc("bias ignored",
        "Add the bias b[o] to every output of filter o (when b is given).",
        ("    if b is not None:\n        out += b[:, None, None]\n", "")),
    _dc("offsets rounded",
        "Offsets are real numbers: read between pixels by bilinear interpolation, not at the rounded offset "
        "(rounding also makes the offsets impossible to learn).",
        ("                dy, dx = offset[n, 2 * k], offset[n, 2 * k + 1]\n",
         "                dy, dx = np.round(offset[n, 2 * k]), np.round(offset[n, 2 * k + 1])\n")),
    _dc("dilation ignored in the grid",
        "With dilation d the regular taps are d pixels apart: tap (i, j) starts from (y*s - p + i*d, x*s - p + j*d).",
        (_READ, "                read = bilinear_sample(X[n], base_y + i + dy, base_x + j + dx)\n")),
    _dc("stride ignored in the grid",
        "With stride s, output (y, x) is the window starting at (y*s - p, x*s - p): multiply the output "
        "position by the stride.",
        ("    base_y = (np.arange(Ho) * sh - ph)[:, None]\n    base_x = (np.arange(Wo) * sw - pw)[None, :]\n",
         "    base_y = (np.arange(Ho) - ph)[:, None]\n    base_x = (np.arange(Wo) - pw)[None, :]\n")),

    # ----- fit_offsets ------------------------------------------------------------------------------------------
    _fo("plain gradient descent",
        "Use torch.optim.Adam([shift], lr=lr) as asked: a plain step of lr times the gradient is far too small "
        "here (the gradient of the loss with respect to the shift is tiny), so the shift hardly moves.",
        ("    optimizer = torch.optim.Adam([shift], lr=lr)\n", ""),
        ("        optimizer.zero_grad()\n", "        shift.grad = None\n"),
        ("        optimizer.step()\n", "        with torch.no_grad():\n            shift -= lr * shift.grad\n")),
    _fo("(dx, dy) returned",
        "Return (dy, dx): the row shift first, as the offsets of deform_conv2d.",
        ("    return float(dy), float(dx)", "    return float(dx), float(dy)")),
    _fo("reads at minus the shift",
        "The deformable convolution reads X at (i + dy, j + dx): your image moves the other way, so the "
        "learned shift has the wrong sign.",
        ("        a, b = shift[0] - y0, shift[1] - x0\n",
         "        y0, x0 = torch.floor(-shift.detach())\n        a, b = -shift[0] - y0, -shift[1] - x0\n")),
    _fo("nearest sampling (no gradient)",
        "Rounding the shift to whole pixels has zero gradient: the loss never moves the shift. Read with "
        "bilinear weights a = dy - floor(dy), b = dx - floor(dx), which carry the gradient.",
        ("        a, b = shift[0] - y0, shift[1] - x0\n",
         "        a, b = torch.round(shift[0] - y0), torch.round(shift[1] - x0)\n")),
    _fo("steps ignored",
        "Take exactly `steps` optimizer steps (steps=0 returns the start, (0.0, 0.0)).",
        ("    for _ in range(steps):\n", "    for _ in range(100):\n")),
    _fo("random start",
        "Start the shift at (0, 0) (no offset: the regular grid), not at random numbers.",
        ("    shift = torch.zeros(2, dtype=torch.float64, requires_grad=True)\n",
         "    shift = (0.1 * torch.randn(2, dtype=torch.float64, generator=torch.Generator().manual_seed(0)))"
         ".requires_grad_(True)\n")),
    _fo("lr ignored",
        "Use the learning rate you are given: torch.optim.Adam([shift], lr=lr).",
        ("    optimizer = torch.optim.Adam([shift], lr=lr)\n", "    optimizer = torch.optim.Adam([shift], lr=0.05)\n")),
]

ALTERNATIVES: list[Alternative] = [
    # ----- numerical_gradient ---------------------------------------------------------------------------------
    A("numerical_gradient", "nudges the caller's float array in place and puts every entry back", '''
      def numerical_gradient(f, x, h=1e-5):
          if not isinstance(h, (int, float, np.number)) or isinstance(h, bool) or h <= 0:
              raise ValueError("h must be > 0")
          x = np.asarray(x, dtype=float)          # no copy for a float64 array: restored entry by entry below
          grad = np.empty(x.shape)
          flat, out = x.reshape(-1), grad.reshape(-1)
          for k in range(flat.size):
              keep = flat[k]
              try:
                  flat[k] = keep + h
                  up = f(x)
                  flat[k] = keep - h
                  down = f(x)
              finally:
                  flat[k] = keep
              if np.size(up) != 1 or np.size(down) != 1:
                  raise ValueError("f must return a scalar")
              out[k] = (np.ravel(up)[0] - np.ravel(down)[0]) / (2 * h)
          return grad
      '''),
    A("numerical_gradient", "one unit vector per entry, new arrays x + h e and x - h e", '''
      def numerical_gradient(f, x, h=1e-5):
          if type(h) is bool or not np.isscalar(h) or not np.issubdtype(type(h), np.number) or not h > 0:
              raise ValueError(f"h must be a positive number, got {h!r}")
          x = np.asarray(x, dtype=np.float64)
          grad = np.zeros(x.size)
          for k in range(x.size):
              e = np.zeros(x.size)
              e[k] = h
              e = e.reshape(x.shape)
              values = [np.asarray(f(x + e)), np.asarray(f(x - e))]
              if any(v.size != 1 for v in values):
                  raise ValueError("f must return a single number")
              grad[k] = (float(values[0].reshape(())) - float(values[1].reshape(()))) / (2 * h)
          return grad.reshape(x.shape)
      '''),

    # ----- conv2d_backward --------------------------------------------------------------------------------------
    A("conv2d_backward", "torch autograd through F.conv2d", '''
      def conv2d_backward(dout, X, W, stride=1, padding=0, dilation=1):
          X, W, dout = (np.asarray(a, dtype=np.float64) for a in (X, W, dout))
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError(f"X (N, C, H, W) and W (O, C, kh, kw) with the same C, got {X.shape}, {W.shape}")
          s, p, d = as_pair(stride, "stride", 1), as_pair(padding, "padding", 0), as_pair(dilation, "dilation", 1)
          x = torch.tensor(X, requires_grad=True)
          w = torch.tensor(W, requires_grad=True)
          b = torch.zeros(W.shape[0], dtype=torch.float64, requires_grad=True)
          try:
              y = F.conv2d(x, w, b, stride=s, padding=p, dilation=d)
          except RuntimeError as e:
              raise ValueError(f"the kernel does not fit the padded input: {e}") from None
          if tuple(y.shape) != dout.shape:
              raise ValueError(f"dout must have shape {tuple(y.shape)}, got {dout.shape}")
          y.backward(torch.tensor(dout))
          return x.grad.numpy().copy(), w.grad.numpy().copy(), b.grad.numpy().copy()
      '''),
    A("conv2d_backward", "loop over output positions, window by window", '''
      def conv2d_backward(dout, X, W, stride=1, padding=0, dilation=1):
          X = np.array(X, dtype=float)
          W = np.array(W, dtype=float)
          dout = np.array(dout, dtype=float)
          if X.ndim != 4 or W.ndim != 4:
              raise ValueError("X and W must be 4-D")
          if X.shape[1] != W.shape[1]:
              raise ValueError("channel mismatch between X and W")
          (sh, sw), (ph, pw), (dh, dw) = (as_pair(stride, "stride", 1), as_pair(padding, "padding", 0),
                                          as_pair(dilation, "dilation", 1))
          N, C, H, Wd = X.shape
          O, _, kh, kw = W.shape
          eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
          if eh > H + 2 * ph or ew > Wd + 2 * pw:
              raise ValueError("kernel larger than the padded input")
          Ho, Wo = (H + 2 * ph - eh) // sh + 1, (Wd + 2 * pw - ew) // sw + 1
          if dout.shape != (N, O, Ho, Wo):
              raise ValueError(f"dout should be {(N, O, Ho, Wo)}, got {dout.shape}")
          Xp = np.zeros((N, C, H + 2 * ph, Wd + 2 * pw))
          Xp[:, :, ph:ph + H, pw:pw + Wd] = X
          dXp, dW = np.zeros_like(Xp), np.zeros_like(W)
          for i in range(Ho):
              for j in range(Wo):
                  r, c = slice(i * sh, i * sh + eh, dh), slice(j * sw, j * sw + ew, dw)
                  g = dout[:, :, i, j]                                    # (N, O)
                  dW += np.einsum("no,nckl->ockl", g, Xp[:, :, r, c])
                  dXp[:, :, r, c] += np.einsum("no,ockl->nckl", g, W)
          return dXp[:, :, ph:ph + H, pw:pw + Wd], dW, dout.sum(axis=3).sum(axis=2).sum(axis=0)
      '''),

    # ----- conv_transpose2d -------------------------------------------------------------------------------------
    A("conv_transpose2d", "zeros inserted, full padding, correlation with the flipped kernel", '''
      def conv_transpose2d(X, W, stride=1, padding=0):
          X, W = np.asarray(X, dtype=np.float64), np.asarray(W, dtype=np.float64)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[0]:
              raise ValueError(f"need X (N, C, H, W) and W (C, O, kh, kw), got {X.shape} and {W.shape}")
          (sh, sw), (ph, pw) = as_pair(stride, "stride", 1), as_pair(padding, "padding", 0)
          N, C, H, Wd = X.shape
          _, O, kh, kw = W.shape
          if (H - 1) * sh + kh - 2 * ph < 1 or (Wd - 1) * sw + kw - 2 * pw < 1:
              raise ValueError("the padding leaves no output")
          spread = np.zeros((N, C, (H - 1) * sh + 1, (Wd - 1) * sw + 1))
          spread[:, :, ::sh, ::sw] = X                                    # s - 1 zeros between the pixels
          full = np.pad(spread, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
          flipped = W[:, :, ::-1, ::-1]
          win = np.lib.stride_tricks.sliding_window_view(full, (kh, kw), axis=(2, 3))   # (N, C, H', W', kh, kw)
          out = np.einsum("ncyxkl,cokl->noyx", win, flipped)
          return out[:, :, ph:out.shape[2] - ph, pw:out.shape[3] - pw].copy()
      '''),
    A("conv_transpose2d", "every input pixel stamps the whole kernel, one pixel at a time", '''
      def conv_transpose2d(X, W, stride=1, padding=0):
          X = np.array(X, dtype=float)
          W = np.array(W, dtype=float)
          if X.ndim != 4 or W.ndim != 4:
              raise ValueError("X and W must be 4-D")
          if X.shape[1] != W.shape[0]:
              raise ValueError(f"X has {X.shape[1]} channels, W is for {W.shape[0]}")
          sh, sw = as_pair(stride, "stride", 1)
          ph, pw = as_pair(padding, "padding", 0)
          N, C, H, Wd = X.shape
          O, kh, kw = W.shape[1:]
          Ho, Wo = (H - 1) * sh + kh - 2 * ph, (Wd - 1) * sw + kw - 2 * pw
          if Ho < 1 or Wo < 1:
              raise ValueError("output would be empty")
          full = np.zeros((N, O, Ho + 2 * ph, Wo + 2 * pw))
          for i in range(H):
              for j in range(Wd):
                  full[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += np.einsum("nc,cokl->nokl", X[:, :, i, j], W)
          return full[:, :, ph:ph + Ho, pw:pw + Wo]
      '''),

    # ----- bilinear_sample --------------------------------------------------------------------------------------
    A("bilinear_sample", "tent weights max(0, 1 - |y - r|) over the four candidate pixels", '''
      def bilinear_sample(X, ys, xs):
          X = np.asarray(X, dtype=float)
          ys, xs = np.asarray(ys, dtype=float), np.asarray(xs, dtype=float)
          if X.ndim != 3:
              raise ValueError("X must be (C, H, W)")
          if ys.shape != xs.shape:
              raise ValueError("ys and xs differ in shape")
          C, H, W = X.shape
          out = np.zeros((C,) + ys.shape)
          base_r, base_c = np.floor(ys), np.floor(xs)
          for dr in (0, 1):
              for dc in (0, 1):
                  r, c = base_r + dr, base_c + dc
                  weight = np.maximum(0, 1 - np.abs(ys - r)) * np.maximum(0, 1 - np.abs(xs - c))
                  ok = (r >= 0) & (r <= H - 1) & (c >= 0) & (c <= W - 1)
                  ri = np.where(ok, r, 0).astype(int)
                  ci = np.where(ok, c, 0).astype(int)
                  out += X[:, ri, ci] * (weight * ok)
          return out
      '''),
    A("bilinear_sample", "a frame of zeros and clipped coordinates, no masks", '''
      def bilinear_sample(X, ys, xs):
          X = np.asarray(X, dtype=np.float64)
          ys, xs = np.asarray(ys, dtype=np.float64), np.asarray(xs, dtype=np.float64)
          if X.ndim != 3 or ys.shape != xs.shape:
              raise ValueError(f"bad shapes: X {X.shape}, ys {ys.shape}, xs {xs.shape}")
          C, H, W = X.shape
          framed = np.pad(X, ((0, 0), (2, 2), (2, 2)))              # zeros: reading there gives 0
          ys, xs = np.clip(ys, -1.5, H + 0.5), np.clip(xs, -1.5, W + 0.5)   # beyond that, all four are zeros
          r0, c0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
          a, b = ys - r0, xs - c0
          r0, c0 = r0 + 2, c0 + 2
          top = (1 - b) * framed[:, r0, c0] + b * framed[:, r0, c0 + 1]
          bottom = (1 - b) * framed[:, r0 + 1, c0] + b * framed[:, r0 + 1, c0 + 1]
          return (1 - a) * top + a * bottom
      '''),

    # ----- deform_conv2d ----------------------------------------------------------------------------------------
    A("deform_conv2d", "deformable im2col: all taps read at once, one matrix product", '''
      def deform_conv2d(X, offset, W, b=None, stride=1, padding=0, dilation=1):
          X, W, offset = (np.asarray(v, dtype=np.float64) for v in (X, W, offset))
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError(f"X (N, C, H, W) and W (O, C, kh, kw) with the same C, got {X.shape}, {W.shape}")
          (sh, sw), (ph, pw), (dh, dw) = (as_pair(stride, "stride", 1), as_pair(padding, "padding", 0),
                                          as_pair(dilation, "dilation", 1))
          N, C, H, Wd = X.shape
          O, _, kh, kw = W.shape
          Ho = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1
          Wo = (Wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
          if Ho < 1 or Wo < 1:
              raise ValueError("the kernel does not fit the padded input")
          if offset.shape != (N, 2 * kh * kw, Ho, Wo):
              raise ValueError(f"offset must be {(N, 2 * kh * kw, Ho, Wo)}, got {offset.shape}")
          if b is not None and np.shape(b) != (O,):
              raise ValueError(f"b must have shape ({O},)")
          ti, tj = np.divmod(np.arange(kh * kw), kw)                       # row-major taps
          ys = ti[:, None, None] * dh + (np.arange(Ho) * sh - ph)[None, :, None]   # (K, Ho, 1)
          xs = tj[:, None, None] * dw + (np.arange(Wo) * sw - pw)[None, None, :]   # (K, 1, Wo)
          out = np.empty((N, O, Ho, Wo))
          for n in range(N):
              cols = bilinear_sample(X[n], ys + offset[n, 0::2], xs + offset[n, 1::2])   # (C, K, Ho, Wo)
              out[n] = np.tensordot(W.reshape(O, C, kh * kw), cols, axes=([1, 2], [0, 1]))
          if b is not None:
              out = out + np.asarray(b, dtype=np.float64)[None, :, None, None]
          return out
      '''),
    A("deform_conv2d", "loops over output positions and taps, one point at a time", '''
      def deform_conv2d(X, offset, W, b=None, stride=1, padding=0, dilation=1):
          X = np.array(X, dtype=float)
          W = np.array(W, dtype=float)
          offset = np.array(offset, dtype=float)
          if X.ndim != 4 or W.ndim != 4:
              raise ValueError("X and W must be 4-D")
          if X.shape[1] != W.shape[1]:
              raise ValueError("channels of X and W differ")
          sh, sw = as_pair(stride, "stride", 1)
          ph, pw = as_pair(padding, "padding", 0)
          dh, dw = as_pair(dilation, "dilation", 1)
          N, C, H, Wd = X.shape
          O, _, kh, kw = W.shape
          if dh * (kh - 1) + 1 > H + 2 * ph or dw * (kw - 1) + 1 > Wd + 2 * pw:
              raise ValueError("kernel larger than the padded input")
          Ho, Wo = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (Wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
          if offset.shape != (N, 2 * kh * kw, Ho, Wo):
              raise ValueError("offset has the wrong shape")
          bias = np.zeros(O) if b is None else np.array(b, dtype=float)
          if bias.shape != (O,):
              raise ValueError("bias has the wrong shape")
          out = np.zeros((N, O, Ho, Wo))
          for n in range(N):
              for y in range(Ho):
                  for x in range(Wo):
                      total = bias.copy()
                      for i in range(kh):
                          for j in range(kw):
                              k = i * kw + j
                              v = bilinear_sample(X[n], y * sh - ph + i * dh + offset[n, 2 * k, y, x],
                                                  x * sw - pw + j * dw + offset[n, 2 * k + 1, y, x])   # (C,)
                              total += W[:, :, i, j] @ v
                      out[n, :, y, x] = total
          return out
      '''),

    # ----- fit_offsets ------------------------------------------------------------------------------------------
    A("fit_offsets", "F.grid_sample with normalised coordinates", '''
      def fit_offsets(X, Y, W, steps=100, lr=0.05):
          X, Y, W = (np.asarray(v, dtype=np.float64) for v in (X, Y, W))
          if X.ndim != 4 or W.ndim != 4 or Y.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError("X, Y, W must be 4-D with matching channels")
          N, C, H, Wd = X.shape
          kh, kw = W.shape[2:]
          if Y.shape != (N, W.shape[0], H - kh + 1, Wd - kw + 1):
              raise ValueError(f"Y has shape {Y.shape}, expected {(N, W.shape[0], H - kh + 1, Wd - kw + 1)}")
          if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 0:
              raise ValueError("steps must be a non-negative int")
          if isinstance(lr, bool) or not np.isscalar(lr) or not lr > 0:
              raise ValueError("lr must be positive")
          x = F.pad(torch.tensor(X), (1, 1, 1, 1))                         # zeros around: no axis of length 1
          rows = torch.arange(H, dtype=torch.float64)[:, None].expand(H, Wd) + 1
          cols = torch.arange(Wd, dtype=torch.float64)[None, :].expand(H, Wd) + 1
          w, target = torch.tensor(W), torch.tensor(Y)
          shift = torch.zeros(2, dtype=torch.float64, requires_grad=True)
          opt = torch.optim.Adam([shift], lr=lr)
          for _ in range(steps):
              opt.zero_grad()
              grid = torch.stack([2 * (cols + shift[1]) / (Wd + 1) - 1, 2 * (rows + shift[0]) / (H + 1) - 1], -1)
              moved = F.grid_sample(x, grid[None].expand(N, H, Wd, 2), mode="bilinear", padding_mode="zeros",
                                    align_corners=True)
              F.mse_loss(F.conv2d(moved, w), target).backward()
              opt.step()
          dy, dx = shift.detach().tolist()
          return float(dy), float(dx)
      '''),
    A("fit_offsets", "per-pixel gather of the four neighbours, two scalar parameters", '''
      def fit_offsets(X, Y, W, steps=100, lr=0.05):
          X = np.array(X, dtype=float)
          Y = np.array(Y, dtype=float)
          W = np.array(W, dtype=float)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError("X and W must be 4-D with the same number of input channels")
          N, C, H, Wd = X.shape
          if Y.shape != (N, W.shape[0], H - W.shape[2] + 1, Wd - W.shape[3] + 1):
              raise ValueError("Y does not have the shape of the convolution of X with W")
          if type(steps) is bool or not isinstance(steps, (int, np.integer)) or steps < 0:
              raise ValueError("steps must be an int >= 0")
          if type(lr) is bool or not isinstance(lr, (int, float, np.number)) or lr <= 0:
              raise ValueError("lr must be > 0")
          x, w, y = torch.from_numpy(X), torch.from_numpy(W), torch.from_numpy(Y)
          dy = torch.zeros((), dtype=torch.float64, requires_grad=True)
          dx = torch.zeros((), dtype=torch.float64, requires_grad=True)
          opt = torch.optim.Adam([dy, dx], lr=lr)
          r = torch.arange(H, dtype=torch.float64)[:, None].expand(H, Wd)
          c = torch.arange(Wd, dtype=torch.float64)[None, :].expand(H, Wd)
          for _ in range(steps):
              opt.zero_grad()
              ys, xs = r + dy, c + dx
              r0, c0 = torch.floor(ys.detach()).long(), torch.floor(xs.detach()).long()
              a, b = ys - r0, xs - c0
              moved = torch.zeros_like(x)
              for rr, wr in ((r0, 1 - a), (r0 + 1, a)):
                  for cc, wc in ((c0, 1 - b), (c0 + 1, b)):
                      ok = ((rr >= 0) & (rr < H) & (cc >= 0) & (cc < Wd)).double()
                      moved = moved + wr * wc * ok * x[:, :, rr.clamp(0, H - 1), cc.clamp(0, Wd - 1)]
              ((F.conv2d(moved, w) - y) ** 2).mean().backward()
              opt.step()
          return dy.item(), dx.item()
      '''),
]
