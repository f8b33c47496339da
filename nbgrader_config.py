"""nbgrader configuration for the CNN course (this folder is the nbgrader course directory).

The gradebook is a sqlite file inside the course (``gradebook.db``, git-ignored); its location follows
``CourseDirectory.root``, so ``--CourseDirectory.root=DIR`` moves the whole course, gradebook included.
"""

c = get_config()  # noqa: F821  (injected by traitlets)

c.CourseDirectory.course_id = "cnn-course"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Per-cell limit when nbgrader executes a notebook (autograde, validate). Notebook 06 trains a short run
# under autograde; every other cell finishes in seconds.
c.Execute.timeout = 120

# Student versions: solution regions become this stub.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
