"""Grading tooling for the CNN course: release generation, grading, feedback, reports."""

import sys

# jsonschema (imported by nbformat) loads the optional ``rfc3987_syntax`` when it is installed, and that builds
# its IRI grammars at import: about a second of CPU in every grading command and every grading process. Nothing
# here checks JSON-schema's "iri" format (nbformat's schemas have none), so the grader's processes go without it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
