"""Wrong implementations kept out of the diagnosis, one module per assignment (``KEPT_OUT``).

The grader never replays these: the mutation run grades them to measure how often feedback names a mistake it
has never seen (a catalogued mistake that is the same, or a general relation) and that it never names one
falsely. Each entry lists the names that are true of it.
"""
