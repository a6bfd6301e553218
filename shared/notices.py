"""Notices (告知单) as documents: a title, the addressee, paragraphs, the issuing body and the date,
laid out as the printed form is. Each context writes the wording of its own notices."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str
    issued_on: date
    issued_by: str
    paragraphs: tuple[str, ...]

    def document(self, addressee: str) -> dict:
        lines = [self.title, "", f"{addressee}：", *(f"　　{p}" for p in self.paragraphs), "",
                 self.issued_by, chinese_date(self.issued_on)]
        return {"kind": self.kind, "title": self.title, "issued_on": self.issued_on.isoformat(),
                "issued_by": self.issued_by, "text": "\n".join(lines), "addressee": addressee,
                "paragraphs": list(self.paragraphs)}
