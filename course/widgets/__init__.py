"""Interactive widgets for the notebooks (ipywidgets 8). Each module holds one widget."""
