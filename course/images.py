"""Images for the notebooks: real photos shipped with dependencies, and small synthetic ones."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_SAMPLES = {
    # name -> (package, loader)
    "hopper": "matplotlib: grace_hopper.jpg (512x600 RGB portrait)",
    "china": "scikit-learn: china.jpg (427x640 RGB photo)",
    "flower": "scikit-learn: flower.jpg (427x640 RGB photo)",
}


@lru_cache(maxsize=8)
def _load_rgb(name: str) -> np.ndarray:
    if name == "hopper":
        import matplotlib.cbook
        import matplotlib.image

        with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
            img = matplotlib.image.imread(f, format="jpg")
    elif name in ("china", "flower"):
        from sklearn.datasets import load_sample_image

        img = load_sample_image(f"{name}.jpg")
    else:
        raise ValueError(f"unknown sample image {name!r}; choose one of {sorted(_SAMPLES)}")
    img = np.asarray(img, dtype=np.float64) / 255.0
    img.setflags(write=False)
    return img


def sample_image(name: str = "hopper", gray: bool = True, size: int | None = None) -> np.ndarray:
    """A real photo as float64 in [0, 1]: (H, W) if ``gray`` else (H, W, 3).

    ``size`` crops the centre square and resamples it to ``size`` x ``size`` (nearest neighbour),
    so widgets can run at a fixed resolution. Nothing is downloaded: the files ship with
    matplotlib and scikit-learn.
    """
    img = _load_rgb(name)
    if gray:
        img = img @ np.array([0.299, 0.587, 0.114])
    if size is not None:
        if size < 1:
            raise ValueError(f"size must be a positive int, got {size}")
        h, w = img.shape[:2]
        side = min(h, w)
        top, left = (h - side) // 2, (w - side) // 2
        idx = (np.arange(size) * side // size)
        img = img[top:top + side, left:left + side][idx][:, idx]
    return np.array(img, dtype=np.float64, order="C")


def edge_image(height: int = 6, width: int = 8) -> np.ndarray:
    """d2l's black-and-white test image: ones with a band of zeros in the middle columns."""
    X = np.ones((height, width))
    X[:, width // 4: width - width // 4] = 0.0
    return X


def checkerboard(n: int = 8, square: int = 1) -> np.ndarray:
    """An ``n*square`` x ``n*square`` checkerboard of 0s and 1s."""
    board = (np.add.outer(np.arange(n), np.arange(n)) % 2).astype(np.float64)
    return np.kron(board, np.ones((square, square)))


def shift_image(X: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``X`` moved ``dy`` rows down and ``dx`` columns right (both >= 0), zeros shifted in."""
    out = np.zeros_like(X)
    H, W = X.shape
    if dy < H and dx < W:
        out[dy:, dx:] = X[:H - dy, :W - dx]
    return out
