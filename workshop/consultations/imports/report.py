"""What an import of a survey file reports: rows imported, rows already there, rows left out
and warnings, each with its row number."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ImportReport:
    imported: int = 0
    already_imported: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = ""
    consultation_id: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        """A report kept on its job (JSON has lists where the rows were tuples)."""
        return cls(
            imported=data["imported"],
            already_imported=data["already_imported"],
            skipped=[(number, reason) for number, reason in data["skipped"]],
            warnings=[(number, warning) for number, warning in data["warnings"]],
            encoding=data["encoding"],
            consultation_id=data["consultation_id"],
        )

    @property
    def summary(self) -> str:
        return (
            f"取り込み {self.imported}件、取り込み済みのため省略 {self.already_imported}件、"
            f"取り込めなかった行 {len(self.skipped)}件"
        )
