"""Wrong implementations learners plausibly write in 03_channels (channels and depth).

Each source is one complete, self-contained ``def`` (it needs only ``np``, ``torch`` and ``F``): it replaces the
solution cell in the mutation tests, and the grader replays it on a student's recorded calls to name a mistake.
The notebook's helpers ``corr2d`` and ``as_pair`` are written into each source as nested functions.
"""

from __future__ import annotations

import re
import textwrap

from autograder.misconceptions import Alternative, Misconception
from autograder.misconceptions import Alternative as A

_CORR2D = """
def _corr2d(x, k):
    x, k = np.asarray(x, dtype=np.float64), np.asarray(k, dtype=np.float64)
    if x.ndim != 2 or k.ndim != 2 or k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]:
        raise ValueError(f"corr2d: kernel {k.shape} does not fit the input {x.shape}")
    return np.einsum("ijmn,mn->ij", np.lib.stride_tricks.sliding_window_view(x, k.shape), k)
"""
_AS_PAIR = """
def _as_pair(value, name, minimum):
    if np.ndim(value) == 0:
        value = (value, value)
    if len(value) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(value) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value[0]), int(value[1])
"""


def M(function: str, name: str, message: str, source: str, **more) -> Misconception:
    """A misconception whose source calls the notebook's helpers gets its own copies of them, nested."""
    src = textwrap.dedent(source).strip()
    helpers = []
    if re.search(r"\bcorr2d\(", src):
        src = re.sub(r"\bcorr2d\(", "_corr2d(", src)
        helpers.append(_CORR2D)
    if re.search(r"\bas_pair\(", src):
        src = re.sub(r"\bas_pair\(", "_as_pair(", src)
        helpers.append(_AS_PAIR)
    head, body = src.split("\n", 1)
    nested = "".join(textwrap.indent(textwrap.dedent(h).strip() + "\n\n", "    ") for h in helpers)
    return Misconception(function, name, message, head + "\n" + nested + body + "\n", **more)


MISCONCEPTIONS: list[Misconception] = [
    # ----- corr2d_multi_in ------------------------------------------------------------------------------------
    M("corr2d_multi_in", "channels not summed",
      "You return one map per channel. A filter's channel responses are added: the result is ONE (H', W') map.",
      '''
      def corr2d_multi_in(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3 or X.shape[0] != K.shape[0]:
              raise ValueError("X has %d channels but K expects %d" % (X.shape[0], K.shape[0]))
          return np.stack([corr2d(X[c], K[c]) for c in range(X.shape[0])])
      '''),
    M("corr2d_multi_in", "mean instead of sum",
      "You average the channel responses; the lecture's filter SUMS them (no division by C_in).",
      '''
      def corr2d_multi_in(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3 or X.shape[0] != K.shape[0]:
              raise ValueError("X has %d channels but K expects %d" % (X.shape[0], K.shape[0]))
          return np.mean([corr2d(X[c], K[c]) for c in range(X.shape[0])], axis=0)
      '''),
    M("corr2d_multi_in", "first channel only",
      "Only channel 0 is used: every channel has its own kernel and all of them contribute.",
      '''
      def corr2d_multi_in(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3 or X.shape[0] != K.shape[0]:
              raise ValueError("X has %d channels but K expects %d" % (X.shape[0], K.shape[0]))
          return corr2d(X[0], K[0])
      '''),
    M("corr2d_multi_in", "kernel flipped",
      "You flip each kernel (true convolution). The lecture's operation, like torch's conv2d, does not flip.",
      '''
      def corr2d_multi_in(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3 or X.shape[0] != K.shape[0]:
              raise ValueError("X has %d channels but K expects %d" % (X.shape[0], K.shape[0]))
          return sum(corr2d(X[c], K[c, ::-1, ::-1]) for c in range(X.shape[0]))
      '''),
    M("corr2d_multi_in", "no channel check (zip truncates)",
      "zip() silently drops the extra channels when X and K disagree; check X.shape[0] == K.shape[0] and "
      "raise ValueError.",
      '''
      def corr2d_multi_in(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3:
              raise ValueError("X and K must be 3-D")
          return sum(corr2d(x, k) for x, k in zip(X, K))
      '''),
    M("corr2d_multi_in", "output one too small",
      "The kernel fits in H - kh + 1 positions, not H - kh.",
      '''
      def corr2d_multi_in(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3 or X.shape[0] != K.shape[0]:
              raise ValueError("X has %d channels but K expects %d" % (X.shape[0], K.shape[0]))
          C, kh, kw = K.shape
          out = np.zeros((X.shape[1] - kh, X.shape[2] - kw))
          for i in range(out.shape[0]):
              for j in range(out.shape[1]):
                  out[i, j] = np.sum(X[:, i:i + kh, j:j + kw] * K)
          return out
      '''),

    # ----- corr2d_multi_in_out ----------------------------------------------------------------------------------
    M("corr2d_multi_in_out", "filters summed too",
      "You also add up the filters: each of the C_out filters gives its own map, the result is (C_out, H', W').",
      '''
      def corr2d_multi_in_out(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 4 or X.shape[0] != K.shape[1]:
              raise ValueError("X has %d channels but K expects %s" % (X.shape[0], K.shape[1:2]))
          return sum(corr2d(X[c], K[o, c]) for o in range(K.shape[0]) for c in range(X.shape[0]))
      '''),
    M("corr2d_multi_in_out", "C_in and C_out axes of K swapped",
      "K is (C_out, C_in, kh, kw): K[o, c] is filter o's kernel for input channel c, not K[c, o].",
      '''
      def corr2d_multi_in_out(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 4 or X.shape[0] != K.shape[0]:
              raise ValueError("X has %d channels but K expects %d" % (X.shape[0], K.shape[0]))
          return np.stack([sum(corr2d(X[c], K[c, o]) for c in range(X.shape[0])) for o in range(K.shape[1])])
      '''),
    M("corr2d_multi_in_out", "each filter sees one channel (depthwise)",
      "Filter o only looks at channel o. Every filter covers ALL input channels and sums over them.",
      '''
      def corr2d_multi_in_out(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 4 or X.shape[0] != K.shape[1]:
              raise ValueError("X has %d channels but K expects %s" % (X.shape[0], K.shape[1:2]))
          return np.stack([corr2d(X[o % X.shape[0]], K[o, o % X.shape[0]]) for o in range(K.shape[0])])
      '''),
    M("corr2d_multi_in_out", "channels-last output",
      "The output channel axis goes first: (C_out, H', W') as in PyTorch, not (H', W', C_out).",
      '''
      def corr2d_multi_in_out(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 4 or X.shape[0] != K.shape[1]:
              raise ValueError("X has %d channels but K expects %s" % (X.shape[0], K.shape[1:2]))
          maps = [sum(corr2d(X[c], K[o, c]) for c in range(X.shape[0])) for o in range(K.shape[0])]
          return np.stack(maps, axis=-1)
      '''),
    M("corr2d_multi_in_out", "mean over input channels",
      "You average over the input channels; a filter sums its channel responses.",
      '''
      def corr2d_multi_in_out(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 4 or X.shape[0] != K.shape[1]:
              raise ValueError("X has %d channels but K expects %s" % (X.shape[0], K.shape[1:2]))
          return np.stack([np.mean([corr2d(X[c], K[o, c]) for c in range(X.shape[0])], axis=0)
                           for o in range(K.shape[0])])
      '''),

    # ----- corr2d_1x1 -----------------------------------------------------------------------------------------
    M("corr2d_1x1", "K transposed",
      "K is (C_out, C_in): output channel o is K[o] @ (channel vector). Use K @ X2d, not K.T @ X2d.",
      '''
      def corr2d_1x1(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 2:
              raise ValueError("X must be 3-D and K 2-D")
          C, H, W = X.shape
          return (K.T @ X.reshape(C, H * W)).reshape(-1, H, W)
      '''),
    M("corr2d_1x1", "pixels reshaped channel-last",
      "X.reshape(H * W, C) does not give one row per pixel: X is stored channel by channel. Reshape to "
      "(C, H * W) (or transpose first).",
      '''
      def corr2d_1x1(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 2 or K.shape[1] != X.shape[0]:
              raise ValueError("X has %d channels but K expects %s" % (X.shape[0], K.shape[1:2]))
          C, H, W = X.shape
          return (X.reshape(H * W, C) @ K.T).reshape(K.shape[0], H, W)
      '''),
    M("corr2d_1x1", "result reshaped without transposing back",
      "(H*W, C_out).reshape(C_out, H, W) scrambles the pixels: transpose to (C_out, H*W) before reshaping.",
      '''
      def corr2d_1x1(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 2 or K.shape[1] != X.shape[0]:
              raise ValueError("X has %d channels but K expects %s" % (X.shape[0], K.shape[1:2]))
          C, H, W = X.shape
          return (X.reshape(C, H * W).T @ K.T).reshape(K.shape[0], H, W)
      '''),
    M("corr2d_1x1", "channels not summed",
      "Each output channel is a weighted SUM over the input channels: (C_out, H, W), not (C_out, C_in, H, W).",
      '''
      def corr2d_1x1(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 2 or K.shape[1] != X.shape[0]:
              raise ValueError("X has %d channels but K expects %s" % (X.shape[0], K.shape[1:2]))
          return K[:, :, None, None] * X[None]
      '''),
    M("corr2d_1x1", "loop over pixels",
      "Right values, but a Python loop over every pixel is far too slow: reshape X to (C_in, H*W) and do ONE "
      "matrix product.",
      '''
      def corr2d_1x1(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 2 or K.shape[1] != X.shape[0]:
              raise ValueError("X has %d channels but K expects %s" % (X.shape[0], K.shape[1:2]))
          C, H, W = X.shape
          out = np.zeros((K.shape[0], H, W))
          for i in range(H):
              for j in range(W):
                  out[:, i, j] = K @ X[:, i, j]
          return out
      ''', cells=("test_corr2d_1x1_speed",), seen_in="time"),
    M("corr2d_1x1", "reshapes the caller's array in place",
      "Setting X.shape changes the caller's array when it is already float64 (np.asarray does not copy). Use "
      "X.reshape(...), which returns a new view.",
      '''
      def corr2d_1x1(X, K):
          X, K = np.asarray(X, dtype=np.float64), np.asarray(K, dtype=np.float64)
          if X.ndim != 3 or K.ndim != 2 or K.shape[1] != X.shape[0]:
              raise ValueError("X has %d channels but K expects %s" % (X.shape[0], K.shape[1:2]))
          C, H, W = X.shape
          X.shape = (C, H * W)
          return (K @ X).reshape(K.shape[0], H, W)
      '''),

    # ----- conv_output_shape ----------------------------------------------------------------------------------
    M("conv_output_shape", "padding ignored",
      "Padding adds p rows on each side: n + 2p - k, not n - k.",
      '''
      def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
          C, H, W = in_shape
          (kh, kw), (sh, sw), (dh, dw) = as_pair(k, "k", 1), as_pair(stride, "stride", 1), as_pair(dilation, "d", 1)
          as_pair(padding, "padding", 0)
          eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
          if eh > H or ew > W:
              raise ValueError("kernel larger than input")
          return (out_channels, (H - eh) // sh + 1, (W - ew) // sw + 1)
      '''),
    M("conv_output_shape", "dilation ignored",
      "A dilated kernel spans d(k-1)+1 pixels; use that instead of k.",
      '''
      def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
          C, H, W = in_shape
          (kh, kw), (ph, pw), (sh, sw) = as_pair(k, "k", 1), as_pair(padding, "padding", 0), as_pair(stride, "s", 1)
          as_pair(dilation, "dilation", 1)
          if kh > H + 2 * ph or kw > W + 2 * pw:
              raise ValueError("kernel larger than padded input")
          return (out_channels, (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1)
      '''),
    M("conv_output_shape", "keeps the input depth",
      "The output depth is the number of filters (out_channels), not the input's number of channels.",
      '''
      def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
          C, H, W = in_shape
          (kh, kw), (ph, pw) = as_pair(k, "k", 1), as_pair(padding, "padding", 0)
          (sh, sw), (dh, dw) = as_pair(stride, "stride", 1), as_pair(dilation, "dilation", 1)
          eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
          if eh > H + 2 * ph or ew > W + 2 * pw:
              raise ValueError("kernel larger than padded input")
          return (C, (H + 2 * ph - eh) // sh + 1, (W + 2 * pw - ew) // sw + 1)
      '''),
    M("conv_output_shape", "lecture order (H', W', C_out)",
      "You return the lecture's order height x width x depth (3, 3, 5); the function must return PyTorch's "
      "order (C_out, H', W') = (5, 3, 3).",
      '''
      def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
          C, H, W = in_shape
          (kh, kw), (ph, pw) = as_pair(k, "k", 1), as_pair(padding, "padding", 0)
          (sh, sw), (dh, dw) = as_pair(stride, "stride", 1), as_pair(dilation, "dilation", 1)
          eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
          if eh > H + 2 * ph or ew > W + 2 * pw:
              raise ValueError("kernel larger than padded input")
          return ((H + 2 * ph - eh) // sh + 1, (W + 2 * pw - ew) // sw + 1, out_channels)
      '''),
    M("conv_output_shape", "rounds up",
      "The last window must fit entirely: floor((n + 2p - k) / s) + 1, not ceil.",
      '''
      def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
          import math
          C, H, W = in_shape
          (kh, kw), (ph, pw) = as_pair(k, "k", 1), as_pair(padding, "padding", 0)
          (sh, sw), (dh, dw) = as_pair(stride, "stride", 1), as_pair(dilation, "dilation", 1)
          eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
          if eh > H + 2 * ph or ew > W + 2 * pw:
              raise ValueError("kernel larger than padded input")
          return (out_channels, math.ceil((H + 2 * ph - eh) / sh) + 1, math.ceil((W + 2 * pw - ew) / sw) + 1)
      '''),
    M("conv_output_shape", "pair arguments: rows and cols mixed up",
      "A pair is (rows, cols): k[0], padding[0], stride[0] and dilation[0] act on the height.",
      '''
      def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
          C, H, W = in_shape
          (kw, kh), (pw, ph) = as_pair(k, "k", 1), as_pair(padding, "padding", 0)
          (sw, sh), (dw, dh) = as_pair(stride, "stride", 1), as_pair(dilation, "dilation", 1)
          eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
          if eh > H + 2 * ph or ew > W + 2 * pw:
              raise ValueError("kernel larger than padded input")
          return (out_channels, (H + 2 * ph - eh) // sh + 1, (W + 2 * pw - ew) // sw + 1)
      '''),
    M("conv_output_shape", "no argument checks",
      "Negative padding, stride 0 or a kernel larger than the padded input must raise ValueError.",
      '''
      def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
          C, H, W = in_shape
          kh, kw = (k, k) if np.ndim(k) == 0 else k
          ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
          sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
          dh, dw = (dilation, dilation) if np.ndim(dilation) == 0 else dilation
          return (out_channels, (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (W + 2 * pw - dw * (kw - 1) - 1) // sw + 1)
      '''),

    # ----- corr1d ------------------------------------------------------------------------------------------------
    M("corr1d", "np.convolve flips the kernel",
      "np.convolve is true convolution (kernel reversed); the lecture's operation is cross-correlation "
      "(np.correlate, or sliding windows).",
      '''
      def corr1d(x, k):
          x, k = np.asarray(x, float), np.asarray(k, float)
          if x.ndim != 1 or k.ndim != 1 or not 1 <= k.size <= x.size:
              raise ValueError("bad shapes")
          return np.convolve(x, k, mode="valid")
      '''),
    M("corr1d", "full mode",
      "mode='full' also slides the kernel partly off the signal: valid cross-correlation has n - m + 1 outputs.",
      '''
      def corr1d(x, k):
          x, k = np.asarray(x, float), np.asarray(k, float)
          if x.ndim != 1 or k.ndim != 1 or not 1 <= k.size <= x.size:
              raise ValueError("bad shapes")
          return np.correlate(x, k, mode="full")
      '''),
    M("corr1d", "same mode",
      "mode='same' pads the signal; valid cross-correlation has n - m + 1 outputs.",
      '''
      def corr1d(x, k):
          x, k = np.asarray(x, float), np.asarray(k, float)
          if x.ndim != 1 or k.ndim != 1 or not 1 <= k.size <= x.size:
              raise ValueError("bad shapes")
          return np.correlate(x, k, mode="same")
      '''),
    M("corr1d", "output one too short",
      "A kernel of m taps fits in n - m + 1 positions, not n - m.",
      '''
      def corr1d(x, k):
          x, k = np.asarray(x, float), np.asarray(k, float)
          if x.ndim != 1 or k.ndim != 1 or not 1 <= k.size <= x.size:
              raise ValueError("bad shapes")
          return np.array([x[i:i + k.size] @ k for i in range(x.size - k.size)])
      '''),
    M("corr1d", "no length check",
      "np.correlate accepts a kernel longer than the signal (it swaps them); raise ValueError instead.",
      '''
      def corr1d(x, k):
          x, k = np.asarray(x, float), np.asarray(k, float)
          if x.ndim != 1 or k.ndim != 1:
              raise ValueError("x and k must be 1-D")
          return np.correlate(x, k, mode="valid")
      '''),

    # ----- corr3d ------------------------------------------------------------------------------------------------
    M("corr3d", "kernel flipped",
      "You flip the kernel (true convolution); cross-correlation, as torch's conv3d, does not flip.",
      '''
      def corr3d(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3 or any(k > n for k, n in zip(K.shape, X.shape)):
              raise ValueError("bad shapes")
          w = np.lib.stride_tricks.sliding_window_view(X, K.shape)
          return np.einsum("tijamn,amn->tij", w, K[::-1, ::-1, ::-1])
      '''),
    M("corr3d", "depth treated as channels",
      "You sum over the depth like over channels, so the kernel never slides along depth (time). A 3-D kernel "
      "slides in all three directions: D - kd + 1 outputs along depth.",
      '''
      def corr3d(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3 or any(k > n for k, n in zip(K.shape, X.shape)):
              raise ValueError("bad shapes")
          return sum(corr2d(X[a], K[a]) for a in range(K.shape[0]))[None]
      '''),
    M("corr3d", "depth one too short",
      "Along depth the kernel fits in D - kd + 1 positions, not D - kd.",
      '''
      def corr3d(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3 or any(k > n for k, n in zip(K.shape, X.shape)):
              raise ValueError("bad shapes")
          kd = K.shape[0]
          return np.stack([sum(corr2d(X[t + a], K[a]) for a in range(kd)) for t in range(X.shape[0] - kd)])
      '''),
    M("corr3d", "first kernel slice for every depth",
      "K[0] is used at every depth offset; the kernel has its own 2-D slice K[a] for each offset a.",
      '''
      def corr3d(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3 or any(k > n for k, n in zip(K.shape, X.shape)):
              raise ValueError("bad shapes")
          kd = K.shape[0]
          return np.stack([sum(corr2d(X[t + a], K[0]) for a in range(kd)) for t in range(X.shape[0] - kd + 1)])
      '''),
    M("corr3d", "axes in the wrong order",
      "The output keeps the input's axis order (D', H', W'); yours comes out as (H', W', D').",
      '''
      def corr3d(X, K):
          X, K = np.asarray(X, float), np.asarray(K, float)
          if X.ndim != 3 or K.ndim != 3 or any(k > n for k, n in zip(K.shape, X.shape)):
              raise ValueError("bad shapes")
          w = np.lib.stride_tricks.sliding_window_view(X, K.shape)
          return np.einsum("tijamn,amn->ijt", w, K)
      '''),

    # ----- conv2d_forward ---------------------------------------------------------------------------------------
    M("conv2d_forward", "bias forgotten",
      "b is ignored: add b[o] to every pixel of output channel o.",
      '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X, W = np.asarray(X, float), np.asarray(W, float)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError("X has %s channels but W expects %s" % (X.shape[1:2], W.shape[1:2]))
          return F.conv2d(torch.tensor(X), torch.tensor(W), None, stride, padding, dilation).numpy()
      '''),
    M("conv2d_forward", "bias broadcast on the wrong axis",
      "out + b adds b along the LAST axis (width). The bias belongs to the channel axis: b[None, :, None, None].",
      '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X, W = np.asarray(X, float), np.asarray(W, float)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError("X has %s channels but W expects %s" % (X.shape[1:2], W.shape[1:2]))
          out = F.conv2d(torch.tensor(X), torch.tensor(W), None, stride, padding, dilation).numpy()
          return out if b is None else out + np.asarray(b, float)
      '''),
    M("conv2d_forward", "stride ignored",
      "The window moves by `stride` rows and columns; you slide it one pixel at a time.",
      '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X, W = np.asarray(X, float), np.asarray(W, float)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError("X has %s channels but W expects %s" % (X.shape[1:2], W.shape[1:2]))
          as_pair(stride, "stride", 1)
          bt = None if b is None else torch.tensor(np.asarray(b, float))
          return F.conv2d(torch.tensor(X), torch.tensor(W), bt, 1, padding, dilation).numpy()
      '''),
    M("conv2d_forward", "padding ignored",
      "Zero-pad the two spatial axes by `padding` before sliding the window.",
      '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X, W = np.asarray(X, float), np.asarray(W, float)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError("X has %s channels but W expects %s" % (X.shape[1:2], W.shape[1:2]))
          as_pair(padding, "padding", 0)
          bt = None if b is None else torch.tensor(np.asarray(b, float))
          return F.conv2d(torch.tensor(X), torch.tensor(W), bt, stride, 0, dilation).numpy()
      '''),
    M("conv2d_forward", "dilation ignored",
      "With dilation d the kernel taps are d pixels apart (the kernel spans d(k-1)+1 pixels).",
      '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X, W = np.asarray(X, float), np.asarray(W, float)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError("X has %s channels but W expects %s" % (X.shape[1:2], W.shape[1:2]))
          as_pair(dilation, "dilation", 1)
          bt = None if b is None else torch.tensor(np.asarray(b, float))
          return F.conv2d(torch.tensor(X), torch.tensor(W), bt, stride, padding, 1).numpy()
      '''),
    M("conv2d_forward", "np.pad pads batch and channel axes too",
      "np.pad(X, p) pads all four axes, adding fake images and channels. Pad only height and width: "
      "np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw))).",
      '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X, W = np.asarray(X, float), np.asarray(W, float)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError("X has %s channels but W expects %s" % (X.shape[1:2], W.shape[1:2]))
          ph, pw = as_pair(padding, "padding", 0)
          Xp = np.pad(X, ((ph, ph), (ph, ph), (ph, ph), (pw, pw)))
          Wp = np.pad(W, ((0, 0), (ph, ph), (0, 0), (0, 0)))
          bt = None if b is None else torch.tensor(np.asarray(b, float))
          return F.conv2d(torch.tensor(Xp), torch.tensor(Wp), bt, stride, 0, dilation).numpy()
      '''),
    M("conv2d_forward", "C_in and C_out axes of W swapped",
      "W is (C_out, C_in, kh, kw): W[o, c] is filter o's kernel for input channel c.",
      '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X, W = np.asarray(X, float), np.asarray(W, float)
          if X.ndim != 4 or W.ndim != 4:
              raise ValueError("X and W must be 4-D")
          W = W.transpose(1, 0, 2, 3)
          if X.shape[1] != W.shape[1]:
              raise ValueError("channel mismatch")
          bt = None if b is None else torch.tensor(np.asarray(b, float))
          return F.conv2d(torch.tensor(X), torch.tensor(np.ascontiguousarray(W)), bt, stride, padding, dilation).numpy()
      '''),
    M("conv2d_forward", "X read as NHWC",
      "PyTorch's input is [N, C_in, H, W]: the channels are axis 1, not the last axis.",
      '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X, W = np.asarray(X, float), np.asarray(W, float)
          if X.ndim != 4 or W.ndim != 4:
              raise ValueError("X and W must be 4-D")
          X = np.ascontiguousarray(X.transpose(0, 3, 1, 2))
          if X.shape[1] != W.shape[1]:
              raise ValueError("X has %d channels but W expects %d" % (X.shape[1], W.shape[1]))
          bt = None if b is None else torch.tensor(np.asarray(b, float))
          return F.conv2d(torch.tensor(X), torch.tensor(W), bt, stride, padding, dilation).numpy()
      '''),
    M("conv2d_forward", "pair arguments use the first entry",
      "A pair (rows, cols) has a value for each direction: stride[1], padding[1], dilation[1] act on the width.",
      '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X, W = np.asarray(X, float), np.asarray(W, float)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError("X has %s channels but W expects %s" % (X.shape[1:2], W.shape[1:2]))
          s, p, d = (as_pair(stride, "stride", 1)[0], as_pair(padding, "padding", 0)[0],
                     as_pair(dilation, "dilation", 1)[0])
          bt = None if b is None else torch.tensor(np.asarray(b, float))
          return F.conv2d(torch.tensor(X), torch.tensor(W), bt, s, p, d).numpy()
      '''),
    M("conv2d_forward", "computed in float32",
      "torch computes in float32 by default: results must be float64 (and accurate to 1e-6).",
      '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X, W = np.asarray(X, float), np.asarray(W, float)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError("X has %s channels but W expects %s" % (X.shape[1:2], W.shape[1:2]))
          bt = None if b is None else torch.tensor(np.asarray(b, float), dtype=torch.float32)
          return F.conv2d(torch.tensor(X, dtype=torch.float32), torch.tensor(W, dtype=torch.float32), bt,
                          stride, padding, dilation).numpy()
      '''),

    # ----- to_nhwc / to_nchw ------------------------------------------------------------------------------------
    M("to_nhwc", "reshape instead of transpose",
      "reshape keeps the memory order and cuts it differently, scrambling pixels; permute the axes with "
      "transpose(0, 2, 3, 1).",
      '''
      def to_nhwc(X):
          X = np.asarray(X, float)
          if X.ndim != 4:
              raise ValueError("X must be 4-D")
          N, C, H, W = X.shape
          return X.reshape(N, H, W, C)
      '''),
    M("to_nhwc", "inverse permutation",
      "transpose(0, 3, 1, 2) is to_nchw's permutation; (N, C, H, W) -> (N, H, W, C) is transpose(0, 2, 3, 1).",
      '''
      def to_nhwc(X):
          X = np.asarray(X, float)
          if X.ndim != 4:
              raise ValueError("X must be 4-D")
          return X.transpose(0, 3, 1, 2)
      '''),
    M("to_nhwc", "swapaxes(1, 3)",
      "Swapping axes 1 and 3 gives (N, W, H, C): height and width change places.",
      '''
      def to_nhwc(X):
          X = np.asarray(X, float)
          if X.ndim != 4:
              raise ValueError("X must be 4-D")
          return np.swapaxes(X, 1, 3)
      '''),
    M("to_nhwc", "X.T reverses every axis",
      "X.T reverses all axes, giving (W, H, C, N); only the channel axis should move.",
      '''
      def to_nhwc(X):
          X = np.asarray(X, float)
          if X.ndim != 4:
              raise ValueError("X must be 4-D")
          return X.T
      '''),
    M("to_nhwc", "no check of the number of dimensions",
      "A 3-D input has no batch axis; raise ValueError instead of moving axes anyway.",
      '''
      def to_nhwc(X):
          return np.moveaxis(np.asarray(X, float), 1, -1)
      '''),
    M("to_nchw", "reshape instead of transpose",
      "reshape scrambles the pixels; permute the axes with transpose(0, 3, 1, 2).",
      '''
      def to_nchw(X):
          X = np.asarray(X, float)
          if X.ndim != 4:
              raise ValueError("X must be 4-D")
          N, H, W, C = X.shape
          return X.reshape(N, C, H, W)
      '''),
    M("to_nchw", "inverse permutation",
      "transpose(0, 2, 3, 1) is to_nhwc's permutation; (N, H, W, C) -> (N, C, H, W) is transpose(0, 3, 1, 2).",
      '''
      def to_nchw(X):
          X = np.asarray(X, float)
          if X.ndim != 4:
              raise ValueError("X must be 4-D")
          return X.transpose(0, 2, 3, 1)
      '''),
    M("to_nchw", "swapaxes(1, 3)",
      "Swapping axes 1 and 3 gives (N, C, W, H): height and width change places.",
      '''
      def to_nchw(X):
          X = np.asarray(X, float)
          if X.ndim != 4:
              raise ValueError("X must be 4-D")
          return np.swapaxes(X, 1, 3)
      '''),
    M("to_nchw", "channel axis moved to the front",
      "np.moveaxis(X, -1, 0) gives (C, N, H, W): the channels go to axis 1, after the batch.",
      '''
      def to_nchw(X):
          X = np.asarray(X, float)
          if X.ndim != 4:
              raise ValueError("X must be 4-D")
          return np.moveaxis(X, -1, 0)
      '''),
]

ALTERNATIVES: list[Alternative] = [
    # ----- corr2d_multi_in ------------------------------------------------------------------------------------
    A("corr2d_multi_in", "running sum of the notebook's corr2d, one channel at a time", '''
      def corr2d_multi_in(X, K):
          X = np.asarray(X, dtype=float)
          K = np.asarray(K, dtype=float)
          if X.ndim != 3 or K.ndim != 3:
              raise ValueError(f"X and K must both be 3-D (C, H, W) / (C, kh, kw), got {X.shape} and {K.shape}")
          if len(X) != len(K):
              raise ValueError(f"X has {len(X)} channels but K has {len(K)} channels")
          total = corr2d(X[0], K[0])
          for c in range(1, len(X)):
              total = total + corr2d(X[c], K[c])
          return total
      '''),
    A("corr2d_multi_in", "loop over output pixels, whole (C, kh, kw) block times K", '''
      def corr2d_multi_in(X, K):
          X, K = np.array(X, dtype=np.float64), np.array(K, dtype=np.float64)
          if X.ndim != 3 or K.ndim != 3:
              raise ValueError("X must be (C_in, H, W) and K (C_in, kh, kw)")
          C, kh, kw = K.shape
          if X.shape[0] != C:
              raise ValueError(f"channel mismatch: X has {X.shape[0]}, K has {C}")
          Ho, Wo = X.shape[1] - kh + 1, X.shape[2] - kw + 1
          if kh < 1 or kw < 1 or Ho < 1 or Wo < 1:
              raise ValueError(f"kernel {kh}x{kw} does not fit in {X.shape[1]}x{X.shape[2]}")
          S = np.zeros((Ho, Wo))
          for i in range(Ho):
              for j in range(Wo):
                  S[i, j] = np.sum(X[:, i:i + kh, j:j + kw] * K)
          return S
      '''),
    A("corr2d_multi_in", "shifted slices accumulated over kernel offsets, tensordot over channels", '''
      def corr2d_multi_in(X, K):
          X = np.asarray(X, dtype=np.float64)
          K = np.asarray(K, dtype=np.float64)
          if X.ndim != 3:
              raise ValueError(f"X should be 3-D, got {X.ndim}-D")
          if K.ndim != 3:
              raise ValueError(f"K should be 3-D, got {K.ndim}-D")
          if X.shape[0] != K.shape[0]:
              raise ValueError(f"number of channels differ: {X.shape[0]} (X) vs {K.shape[0]} (K)")
          _, H, W = X.shape
          _, kh, kw = K.shape
          if not (1 <= kh <= H and 1 <= kw <= W):
              raise ValueError("kernel larger than the input")
          Ho, Wo = H - kh + 1, W - kw + 1
          S = np.zeros((Ho, Wo))
          for m in range(kh):
              for n in range(kw):
                  S += np.tensordot(K[:, m, n], X[:, m:m + Ho, n:n + Wo], axes=1)
          return S
      '''),

    # ----- corr2d_multi_in_out ----------------------------------------------------------------------------------
    A("corr2d_multi_in_out", "np.stack of corr2d_multi_in, one filter at a time", '''
      def corr2d_multi_in_out(X, K):
          X = np.asarray(X, dtype=np.float64)
          K = np.asarray(K, dtype=np.float64)
          if X.ndim != 3 or K.ndim != 4:
              raise ValueError(f"expected X (C_in, H, W) and K (C_out, C_in, kh, kw), got {X.shape} and {K.shape}")
          if K.shape[1] != X.shape[0]:
              raise ValueError(f"X has {X.shape[0]} channels but each filter has {K.shape[1]} channels")
          return np.stack([corr2d_multi_in(X, k) for k in K])
      '''),
    A("corr2d_multi_in_out", "im2col: columns built over kernel offsets, then one matrix product", '''
      def corr2d_multi_in_out(X, K):
          X = np.asarray(X, dtype=np.float64)
          K = np.asarray(K, dtype=np.float64)
          if X.ndim != 3 or K.ndim != 4:
              raise ValueError("X must be 3-D and K 4-D")
          C_out, C_in, kh, kw = K.shape
          if X.shape[0] != C_in:
              raise ValueError(f"X has {X.shape[0]} channels, K expects {C_in}")
          Ho, Wo = X.shape[1] - kh + 1, X.shape[2] - kw + 1
          if min(kh, kw, Ho, Wo) < 1:
              raise ValueError("the kernel does not fit the input")
          cols = np.empty((C_in, kh, kw, Ho, Wo))
          for m in range(kh):
              for n in range(kw):
                  cols[:, m, n] = X[:, m:m + Ho, n:n + Wo]
          out = K.reshape(C_out, C_in * kh * kw) @ cols.reshape(C_in * kh * kw, Ho * Wo)
          return out.reshape(C_out, Ho, Wo)
      '''),
    A("corr2d_multi_in_out", "preallocated output, input channels outer loop, filters inner", '''
      def corr2d_multi_in_out(X, K):
          X = np.asarray(X, dtype=np.float64)
          K = np.asarray(K, dtype=np.float64)
          if X.ndim != 3:
              raise ValueError(f"X must be (C_in, H, W), got {X.shape}")
          if K.ndim != 4:
              raise ValueError(f"K must be (C_out, C_in, kh, kw), got {K.shape}")
          C_out, C_in, kh, kw = K.shape
          if X.shape[0] != C_in:
              raise ValueError(f"X has {X.shape[0]} channels but K.shape[1] = {C_in}")
          if kh > X.shape[1] or kw > X.shape[2]:
              raise ValueError("kernel bigger than the input")
          out = np.zeros((C_out, X.shape[1] - kh + 1, X.shape[2] - kw + 1))
          for c in range(C_in):
              for o in range(C_out):
                  out[o] += corr2d(X[c], K[o, c])
          return out
      '''),

    # ----- corr2d_1x1 -----------------------------------------------------------------------------------------
    A("corr2d_1x1", "einsum over the channel axis", '''
      def corr2d_1x1(X, K):
          X = np.asarray(X, dtype=np.float64)
          K = np.asarray(K, dtype=np.float64)
          if X.ndim != 3 or K.ndim != 2:
              raise ValueError(f"X must be (C_in, H, W) and K (C_out, C_in), got {X.shape} and {K.shape}")
          if K.shape[1] != X.shape[0]:
              raise ValueError(f"K mixes {K.shape[1]} channels but X has {X.shape[0]} channels")
          return np.einsum("oc,chw->ohw", K, X)
      '''),
    A("corr2d_1x1", "np.tensordot of K with X", '''
      def corr2d_1x1(X, K):
          X = np.array(X, dtype=float)
          K = np.array(K, dtype=float)
          if X.ndim != 3:
              raise ValueError(f"X should be 3-D, got shape {X.shape}")
          if K.ndim != 2:
              raise ValueError(f"K should be a matrix, got shape {K.shape}")
          if X.shape[0] != K.shape[1]:
              raise ValueError(f"X has {X.shape[0]} channels, K has {K.shape[1]} input channels")
          return np.tensordot(K, X, axes=([1], [0]))
      '''),
    A("corr2d_1x1", "loop over input channels, weighted sum of whole maps", '''
      def corr2d_1x1(X, K):
          X = np.asarray(X, dtype=np.float64)
          K = np.asarray(K, dtype=np.float64)
          if X.ndim != 3 or K.ndim != 2 or K.shape[1] != X.shape[0]:
              raise ValueError(f"X {X.shape} and K {K.shape}: need X (C_in, H, W), K (C_out, C_in) with the "
                               "same number of channels")
          out = np.zeros((K.shape[0],) + X.shape[1:])
          for c in range(X.shape[0]):
              out += K[:, c, None, None] * X[c]
          return out
      '''),

    # ----- conv_output_shape ----------------------------------------------------------------------------------
    A("conv_output_shape", "PyTorch's documented formula with math.floor, own pair handling", '''
      def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
          import math

          def pair(v, name, lo):
              if isinstance(v, (tuple, list)):
                  if len(v) != 2:
                      raise ValueError(f"{name} must have two entries, got {v!r}")
                  a, b = v
              else:
                  a = b = v
              for x in (a, b):
                  if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < lo:
                      raise ValueError(f"{name} must be an int >= {lo} or a pair of them, got {v!r}")
              return int(a), int(b)

          if len(in_shape) != 3:
              raise ValueError(f"in_shape must be (C, H, W), got {in_shape!r}")
          for v in (*in_shape, out_channels):
              if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                  raise ValueError(f"in_shape and out_channels must be positive ints, got {v!r}")
          H, W = int(in_shape[1]), int(in_shape[2])
          kh, kw = pair(k, "k", 1)
          ph, pw = pair(padding, "padding", 0)
          sh, sw = pair(stride, "stride", 1)
          dh, dw = pair(dilation, "dilation", 1)
          if H + 2 * ph - dh * (kh - 1) - 1 < 0 or W + 2 * pw - dw * (kw - 1) - 1 < 0:
              raise ValueError("the dilated kernel is larger than the padded input")
          Ho = math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh + 1)
          Wo = math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw + 1)
          return (int(out_channels), Ho, Wo)
      '''),
    A("conv_output_shape", "one loop over the two spatial axes with zip", '''
      def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
          in_shape = tuple(in_shape)
          if len(in_shape) != 3 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1
                                       for v in in_shape):
              raise ValueError(f"in_shape must be three positive ints, got {in_shape}")
          if isinstance(out_channels, bool) or not isinstance(out_channels, (int, np.integer)) or out_channels < 1:
              raise ValueError(f"out_channels must be >= 1, got {out_channels!r}")
          params = [as_pair(k, "k", 1), as_pair(padding, "padding", 0), as_pair(stride, "stride", 1),
                    as_pair(dilation, "dilation", 1)]
          sizes = []
          for n, kk, p, s, d in zip(in_shape[1:], *params):
              span = d * (kk - 1) + 1
              if span > n + 2 * p:
                  raise ValueError(f"kernel spans {span} but the padded side is only {n + 2 * p}")
              sizes.append(int((n + 2 * p - span) // s + 1))
          return (int(out_channels), sizes[0], sizes[1])
      '''),
    A("conv_output_shape", "counts the window positions with len(range(...))", '''
      def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
          if len(in_shape) != 3:
              raise ValueError(f"in_shape needs 3 entries (C, H, W), got {len(in_shape)}")
          for v in list(in_shape) + [out_channels]:
              if not isinstance(v, (int, np.integer)) or v <= 0:
                  raise ValueError(f"sizes and out_channels must be positive ints, got {v!r}")
          H, W = int(in_shape[1]), int(in_shape[2])
          kh, kw = as_pair(k, "k", 1)
          ph, pw = as_pair(padding, "padding", 0)
          sh, sw = as_pair(stride, "stride", 1)
          dh, dw = as_pair(dilation, "dilation", 1)
          last_row = H + 2 * ph - (dh * (kh - 1) + 1)      # last top-left row where the window still fits
          last_col = W + 2 * pw - (dw * (kw - 1) + 1)
          if last_row < 0 or last_col < 0:
              raise ValueError("the kernel does not fit the padded input")
          return (int(out_channels), len(range(0, last_row + 1, sh)), len(range(0, last_col + 1, sw)))
      '''),

    # ----- corr1d ------------------------------------------------------------------------------------------------
    A("corr1d", "np.correlate in 'valid' mode", '''
      def corr1d(x, k):
          x = np.asarray(x, dtype=np.float64)
          k = np.asarray(k, dtype=np.float64)
          if x.ndim != 1 or k.ndim != 1:
              raise ValueError(f"x and k must be 1-D, got {x.shape} and {k.shape}")
          if len(k) == 0 or len(k) > len(x):
              raise ValueError(f"need 1 <= len(k) <= len(x), got len(k)={len(k)}, len(x)={len(x)}")
          return np.correlate(x, k, mode="valid")
      '''),
    A("corr1d", "shifted copies of x accumulated over the taps", '''
      def corr1d(x, k):
          x, k = np.array(x, dtype=float), np.array(k, dtype=float)
          if x.ndim != 1 or k.ndim != 1:
              raise ValueError("corr1d: x and k must be vectors")
          n, m = x.size, k.size
          if m < 1 or m > n:
              raise ValueError(f"kernel of length {m} for a signal of length {n}")
          y = np.zeros(n - m + 1)
          for j in range(m):
              y += k[j] * x[j:j + n - m + 1]
          return y
      '''),
    A("corr1d", "list comprehension of dot products", '''
      def corr1d(x, k):
          x = np.asarray(x, dtype=np.float64)
          k = np.asarray(k, dtype=np.float64)
          if x.ndim != 1:
              raise ValueError(f"x must be 1-D, got shape {x.shape}")
          if k.ndim != 1:
              raise ValueError(f"k must be 1-D, got shape {k.shape}")
          m = len(k)
          if not 0 < m <= len(x):
              raise ValueError(f"k has {m} taps, x only {len(x)} samples")
          return np.array([np.dot(x[i:i + m], k) for i in range(len(x) - m + 1)], dtype=np.float64)
      '''),

    # ----- corr3d ------------------------------------------------------------------------------------------------
    A("corr3d", "sum of 2-D corr2d over the depth offsets", '''
      def corr3d(X, K):
          X = np.asarray(X, dtype=np.float64)
          K = np.asarray(K, dtype=np.float64)
          if X.ndim != 3 or K.ndim != 3:
              raise ValueError(f"X and K must be 3-D, got {X.shape} and {K.shape}")
          D, kd = X.shape[0], K.shape[0]
          if kd < 1 or kd > D:
              raise ValueError(f"kernel depth {kd} does not fit the volume depth {D}")
          out = []
          for t in range(D - kd + 1):
              out.append(sum(corr2d(X[t + a], K[a]) for a in range(kd)))
          return np.stack(out)
      '''),
    A("corr3d", "shifted sub-volumes accumulated over all kernel offsets", '''
      def corr3d(X, K):
          X = np.array(X, dtype=float)
          K = np.array(K, dtype=float)
          if X.ndim != 3 or K.ndim != 3:
              raise ValueError("corr3d needs 3-D X and K")
          out_shape = tuple(n - k + 1 for n, k in zip(X.shape, K.shape))
          if min(K.shape) < 1 or min(out_shape) < 1:
              raise ValueError(f"kernel {K.shape} larger than the volume {X.shape}")
          Do, Ho, Wo = out_shape
          S = np.zeros(out_shape)
          for a in range(K.shape[0]):
              for m in range(K.shape[1]):
                  for n in range(K.shape[2]):
                      S += K[a, m, n] * X[a:a + Do, m:m + Ho, n:n + Wo]
          return S
      '''),
    A("corr3d", "each depth slab as channels for corr2d_multi_in", '''
      def corr3d(X, K):
          X = np.asarray(X, dtype=np.float64)
          K = np.asarray(K, dtype=np.float64)
          if X.ndim != 3:
              raise ValueError(f"X must be (D, H, W), got {X.shape}")
          if K.ndim != 3:
              raise ValueError(f"K must be (kd, kh, kw), got {K.shape}")
          if any(k < 1 or k > n for k, n in zip(K.shape, X.shape)):
              raise ValueError(f"kernel {K.shape} does not fit in {X.shape}")
          kd = K.shape[0]
          return np.stack([corr2d_multi_in(X[t:t + kd], K) for t in range(X.shape[0] - kd + 1)])
      '''),

    # ----- conv2d_forward ---------------------------------------------------------------------------------------
    A("conv2d_forward", "zero canvas for padding, im2col over kernel offsets, batched matmul", '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X = np.asarray(X, dtype=np.float64)
          W = np.asarray(W, dtype=np.float64)
          if X.ndim != 4 or W.ndim != 4:
              raise ValueError(f"X must be (N, C_in, H, W) and W (C_out, C_in, kh, kw), got {X.shape}, {W.shape}")
          N, C, H, Wd = X.shape
          C_out, C_in, kh, kw = W.shape
          if C != C_in:
              raise ValueError(f"X has {C} channels but W expects {C_in}")
          if b is not None:
              b = np.asarray(b, dtype=np.float64)
              if b.shape != (C_out,):
                  raise ValueError(f"b must be ({C_out},), got {b.shape}")
          sh, sw = as_pair(stride, "stride", 1)
          ph, pw = as_pair(padding, "padding", 0)
          dh, dw = as_pair(dilation, "dilation", 1)
          Hp, Wp = H + 2 * ph, Wd + 2 * pw
          Ho = (Hp - dh * (kh - 1) - 1) // sh + 1
          Wo = (Wp - dw * (kw - 1) - 1) // sw + 1
          if kh < 1 or kw < 1 or Ho < 1 or Wo < 1:
              raise ValueError("the dilated kernel does not fit the padded input")
          Xp = np.zeros((N, C, Hp, Wp))
          Xp[:, :, ph:ph + H, pw:pw + Wd] = X
          cols = np.empty((N, C, kh, kw, Ho, Wo))
          for m in range(kh):
              for n in range(kw):
                  r0, c0 = m * dh, n * dw
                  cols[:, :, m, n] = Xp[:, :, r0:r0 + sh * (Ho - 1) + 1:sh, c0:c0 + sw * (Wo - 1) + 1:sw]
          out = W.reshape(C_out, -1) @ cols.reshape(N, C * kh * kw, Ho * Wo)      # (N, C_out, Ho*Wo)
          out = out.reshape(N, C_out, Ho, Wo)
          if b is not None:
              out += b[:, None, None]
          return out
      '''),
    A("conv2d_forward", "loop over output pixels, tensordot of each dilated patch with W", '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          X = np.array(X, dtype=float)
          W = np.array(W, dtype=float)
          if X.ndim != 4:
              raise ValueError(f"X must be 4-D, got {X.ndim}-D")
          if W.ndim != 4:
              raise ValueError(f"W must be 4-D, got {W.ndim}-D")
          if X.shape[1] != W.shape[1]:
              raise ValueError(f"channels differ: X has {X.shape[1]}, W has {W.shape[1]}")
          bias = np.zeros(W.shape[0]) if b is None else np.array(b, dtype=float)
          if bias.shape != (W.shape[0],):
              raise ValueError(f"need one bias per filter ({W.shape[0]}), got shape {bias.shape}")
          (sh, sw), (ph, pw), (dh, dw) = (as_pair(stride, "stride", 1), as_pair(padding, "padding", 0),
                                          as_pair(dilation, "dilation", 1))
          kh, kw = W.shape[2:]
          eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
          Xp = np.pad(X, [(0, 0), (0, 0), (ph, ph), (pw, pw)], mode="constant", constant_values=0.0)
          if min(kh, kw) < 1 or eh > Xp.shape[2] or ew > Xp.shape[3]:
              raise ValueError(f"kernel spans {eh}x{ew}, padded input is {Xp.shape[2]}x{Xp.shape[3]}")
          Ho, Wo = (Xp.shape[2] - eh) // sh + 1, (Xp.shape[3] - ew) // sw + 1
          out = np.empty((X.shape[0], W.shape[0], Ho, Wo))
          for i in range(Ho):
              for j in range(Wo):
                  patch = Xp[:, :, i * sh:i * sh + eh:dh, j * sw:j * sw + ew:dw]         # (N, C, kh, kw)
                  out[:, :, i, j] = np.tensordot(patch, W, axes=([1, 2, 3], [1, 2, 3])) + bias
          return out
      '''),
    A("conv2d_forward", "zeros inserted into the kernel (dilation), einsum per kernel offset", '''
      def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
          def pair(v, name, lo):
              a, c = (v, v) if np.ndim(v) == 0 else tuple(v) if len(v) == 2 else (None, None)
              if any(isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < lo for t in (a, c)):
                  raise ValueError(f"{name} must be an int >= {lo} or a pair of them, got {v!r}")
              return int(a), int(c)

          X = np.asarray(X, dtype=np.float64)
          W = np.asarray(W, dtype=np.float64)
          if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
              raise ValueError(f"X {X.shape} and W {W.shape}: need (N, C, H, W) and (C_out, C, kh, kw) with the "
                               "same number of channels")
          sh, sw = pair(stride, "stride", 1)
          ph, pw = pair(padding, "padding", 0)
          dh, dw = pair(dilation, "dilation", 1)
          C_out, C, kh, kw = W.shape
          if kh < 1 or kw < 1:
              raise ValueError("empty kernel")
          Wdil = np.zeros((C_out, C, dh * (kh - 1) + 1, dw * (kw - 1) + 1))
          Wdil[:, :, ::dh, ::dw] = W
          eh, ew = Wdil.shape[2:]
          Xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
          if eh > Xp.shape[2] or ew > Xp.shape[3]:
              raise ValueError(f"the dilated kernel ({eh}x{ew}) is larger than the padded input {Xp.shape[2:]}")
          Ho, Wo = (Xp.shape[2] - eh) // sh + 1, (Xp.shape[3] - ew) // sw + 1
          out = np.zeros((X.shape[0], C_out, Ho, Wo))
          for m in range(eh):
              for n in range(ew):
                  window = Xp[:, :, m:m + sh * (Ho - 1) + 1:sh, n:n + sw * (Wo - 1) + 1:sw]
                  out += np.einsum("oc,nchw->nohw", Wdil[:, :, m, n], window)
          if b is not None:
              b = np.asarray(b, dtype=np.float64)
              if b.shape != (C_out,):
                  raise ValueError(f"b has shape {b.shape}, expected ({C_out},)")
              out = out + b.reshape(1, C_out, 1, 1)
          return out
      '''),

    # ----- to_nhwc / to_nchw ------------------------------------------------------------------------------------
    A("to_nhwc", "np.moveaxis (a view, no copy)", '''
      def to_nhwc(X):
          X = np.asarray(X, dtype=np.float64)
          if X.ndim != 4:
              raise ValueError(f"expected (N, C, H, W), got {X.ndim} dimensions")
          return np.moveaxis(X, 1, -1)
      '''),
    A("to_nhwc", "einsum index relabelling, copied", '''
      def to_nhwc(X):
          X = np.array(X, dtype=float)
          if len(X.shape) != 4:
              raise ValueError(f"to_nhwc: need a 4-D array, got shape {X.shape}")
          return np.einsum("nchw->nhwc", X).copy()
      '''),
    A("to_nhwc", "two swapaxes", '''
      def to_nhwc(X):
          X = np.asarray(X).astype(np.float64)
          if X.ndim != 4:
              raise ValueError(f"to_nhwc expects 4 axes (N, C, H, W), got {X.shape}")
          return X.swapaxes(1, 2).swapaxes(2, 3)         # (N, C, H, W) -> (N, H, C, W) -> (N, H, W, C)
      '''),
    A("to_nchw", "np.moveaxis (a view, no copy)", '''
      def to_nchw(X):
          X = np.asarray(X, dtype=np.float64)
          if X.ndim != 4:
              raise ValueError(f"expected (N, H, W, C), got {X.ndim} dimensions")
          return np.moveaxis(X, -1, 1)
      '''),
    A("to_nchw", "einsum index relabelling, copied", '''
      def to_nchw(X):
          X = np.array(X, dtype=float)
          if len(X.shape) != 4:
              raise ValueError(f"to_nchw: need a 4-D array, got shape {X.shape}")
          return np.einsum("nhwc->nchw", X).copy()
      '''),
    A("to_nchw", "torch permute and back to numpy", '''
      def to_nchw(X):
          X = np.asarray(X, dtype=np.float64)
          if X.ndim != 4:
              raise ValueError(f"to_nchw expects 4 axes (N, H, W, C), got {X.shape}")
          return torch.from_numpy(X.copy()).permute(0, 3, 1, 2).contiguous().numpy()
      '''),
]
