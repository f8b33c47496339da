"""JupyterHub configuration of the course (``make hub`` starts ``jupyterhub -f`` this file).

Everything specific to one class (ports, roster, directories) is in ROOT/hub/deployment.json, written by
``python -m classroom.hub``; the settings themselves are in classroom/hubconfig.py.
"""

from classroom.hubconfig import configure, load

configure(get_config(), load())  # noqa: F821  (get_config is injected by traitlets)
