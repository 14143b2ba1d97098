"""A case's steps as the public reads them: the status it moved to, when, and only the notes the
portal itself or a resident wrote (never a note staff wrote, never who acted). The tracking page,
Open311's ``status_notes`` and the e-mails to reporters (geodata/notify/rules.py) all say the
same. A leaf module: the workflow and the notifications both import it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from geodata.labels import STATUS_ZH
from geodata.model import IncidentEvent

SYSTEM = "系统"  # the actor of what the portal does by itself
PUBLIC = "公众"  # the actor of what a resident does through a tracking link
UNSOLVED_NOTE = "群众反馈未解决"
AUTO_DISPATCH = "按分兵把口自动派发"  # the notes the workflow writes as 系统 (geodata/cases/workflow.py)
DUPLICATE = re.compile(r"与案件 #(\d+) 重复，已合并")


@dataclass(frozen=True)
class PublicStep:
    """A step of a case as the public reads it: its new status, when, and a note in both
    languages when the portal or a resident wrote one ('' otherwise)."""

    at: datetime
    status: str
    note_zh: str = ""
    note_en: str = ""

    @property
    def wording(self) -> str:
        """In Chinese, as Open311's ``status_notes``: 已派发：按分兵把口自动派发."""
        return f"{STATUS_ZH[self.status]}：{self.note_zh}" if self.note_zh else STATUS_ZH[self.status]


def public_steps(events: list[IncidentEvent]) -> list[PublicStep]:
    """The case's steps a resident may see, oldest first."""
    return [public_step(e) for e in events]


def public_step(e: IncidentEvent) -> PublicStep:
    return PublicStep(e.at, e.to_status, *_public_note(e))


def _public_note(e: IncidentEvent) -> tuple[str, str]:
    if e.actor == PUBLIC and e.note == UNSOLVED_NOTE:
        return UNSOLVED_NOTE, "The reporter said the problem was not solved"
    if e.actor != SYSTEM:
        return "", ""  # a person's note is internal
    duplicate = DUPLICATE.fullmatch(e.note)
    if e.note == AUTO_DISPATCH:
        return e.note, "Dispatched automatically to the unit in charge of the place"
    if duplicate:
        return e.note, f"Duplicate of case #{duplicate.group(1)}; merged"
    return e.note, e.note
