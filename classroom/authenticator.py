"""Log in with the Unix account's password (PAM); only the roster's accounts get in.

Why PAM: on one server every user needs a Unix account anyway, so that their server, kernels and files are
theirs (nbgrader's exchange relies on file ownership); PAM checks the password those accounts already have,
so there is no second password store to keep. A school with single sign-on swaps in a maintained
authenticator (OAuthenticator, LTI) and keeps everything else (see docs/DEPLOY.md).
"""

from __future__ import annotations

from jupyterhub.auth import PAMAuthenticator
from tornado import web
from traitlets import Unicode


class RosterPAMAuthenticator(PAMAuthenticator):
    """PAM, then the roster: a right password for an account that is not on the roster says so."""

    course_id = Unicode("the course", help="course name shown in the refusal").tag(config=True)

    def check_allowed(self, username, authentication=None):
        if super().check_allowed(username, authentication):
            return True
        # reached only after PAM accepted the password: telling the owner of the account why is no leak
        raise web.HTTPError(403, f"{username} is not on the roster of {self.course_id}: ask your instructor to "
                                 "add you (the account and its password are fine).")
