"""The portal's Flask commands (``flask --app app COMMAND``), one module per concern: data in and
out (data.py), the demo (demo.py), users and keys (users.py, apikeys.py), assignments (assign.py),
grids (grid.py), notifications (notify.py), coverage, the monthly report, backup, the audit log and
the holiday calendar (holidays.py). What they share is in common.py; a refusal is one ``Error: ...``
line with exit status 1."""

from __future__ import annotations

from flask import Flask

from webmap.cli import (
    apikeys,
    assign,
    audit,
    backup,
    coverage,
    data,
    demo,
    grid,
    holidays,
    notify,
    report,
    users,
)


def register_cli(app: Flask) -> None:
    """Add the portal's commands to ``flask``."""
    for command in (
        data.init_db, data.create_county, data.import_streets, data.import_zones, data.import_units,
        data.import_incidents, data.export, data.export_all, demo.seed_demo, users.create_user, audit.audit_group,
        coverage.coverage, grid.make_grid, apikeys.create_api_key, report.monthly_report_command,
        holidays.holidays_group,
        notify.notify_worker, notify.units_group,
    ):  # fmt: skip
        app.cli.add_command(command)
    assign.register(app)
    backup.register(app)
    users.register(app)
