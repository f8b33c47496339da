"""JupyterHub's configuration for a deployment (``jupyterhub_config.py`` calls :func:`configure`)."""

from __future__ import annotations

import os
import pwd
import sys
from pathlib import Path

from classroom.deployment import Deployment
from classroom.proxy import proxy_token


def configure(c, dep: Deployment) -> None:
    """Fill JupyterHub's config object ``c`` for ``dep``."""
    c.JupyterHub.bind_url = f"http://{dep.ip}:{dep.port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{dep.hub_port}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{dep.proxy_api_port}"
    c.ConfigurableHTTPProxy.should_start = False  # classroom.proxy runs it: a hub restart leaves it alone
    c.ConfigurableHTTPProxy.auth_token = proxy_token(dep)
    c.JupyterHub.db_url = f"sqlite:///{dep.state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(dep.state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(dep.state / "jupyterhub.pid")
    # users' servers outlive a restart of the hub: their kernels and unsaved work are not lost
    c.JupyterHub.cleanup_servers = False
    c.JupyterHub.template_vars = {"announcement_login": f"{dep.course_id}: log in with your account on this server"}

    c.JupyterHub.authenticator_class = "classroom.authenticator.RosterPAMAuthenticator"
    c.RosterPAMAuthenticator.course_id = dep.course_id
    c.Authenticator.allowed_users = {m.username for m in dep.members}
    c.Authenticator.allow_existing_users = False  # the roster is the list: removed from it, out
    c.Authenticator.admin_users = set()

    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
    c.Spawner.cmd = [str(dep.venv / "bin" / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.args = list(dep.spawner_args)
    c.Spawner.start_timeout = 180  # a busy 2-core machine starts JupyterLab slowly
    c.Spawner.http_timeout = 180
    c.Spawner.pre_spawn_hook = lambda spawner: prepare(spawner, dep)


def prepare(spawner, dep: Deployment) -> None:
    """Per role: where the server opens, which settings and tools it sees."""
    role = dep.role(spawner.user.name)
    if role is None:
        raise RuntimeError(f"{spawner.user.name} is not on the roster of {dep.course_id}")
    path = [str(dep.venv / "bin"), "/usr/local/bin", "/usr/bin", "/bin"]
    if role == "instructor":
        path.insert(0, str(dep.grader / "bin"))
        spawner.notebook_dir = str(dep.course_dir)
    else:
        spawner.notebook_dir = pwd.getpwnam(spawner.user.name).pw_dir
    spawner.environment.update({
        "PATH": os.pathsep.join(path),
        "JUPYTER_CONFIG_PATH": str(dep.config_dir(role)),
        "LANG": "C.UTF-8",
    })


def load() -> Deployment:
    """The deployment named by ``CLASSROOM_ROOT`` (set by ``python -m classroom.hub``)."""
    root = os.environ.get("CLASSROOM_ROOT")
    if not root:
        sys.exit("jupyterhub_config.py: start the hub with `make hub` (python -m classroom.hub start)")
    return Deployment.load(Path(root))
