"""A class on one server: JupyterHub, nbgrader's exchange and the accounts of a roster (``make hub``).

Modules: ``roster`` (the roster file), ``accounts`` (Unix accounts and passwords), ``deployment`` (where
everything lives, with which owner and mode), ``environment`` (the Python environments the users' servers
run), ``coursedir`` (the instructor's nbgrader course directory), ``roles`` (what each role's server loads),
``exchange`` (nbgrader's exchange, checked), ``authenticator``, ``proxy`` and ``hubconfig`` (JupyterHub),
``hub`` (the command ``make hub`` runs). How to run a class with it: docs/DEPLOY.md.
"""
