"""Background jobs (issue #20 part 6): an import, ``make-grid`` or ``coverage`` started from the
administration's pages, claimed by one worker, its progress and heartbeat kept, its domain work
done in one transaction with its outcome (``run.py``); what a job is (``model.py``)."""
