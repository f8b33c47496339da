"""Shared helpers for the CNN course notebooks: images, plots and widgets (never solutions)."""
