"""Import of survey exports (LINE アンケート, web forms, Excel CSV) into a consultation.

reading.py decodes a file and reads its column names; columns.py holds the Mapping (which
column holds what) and finds its columns in a header; uploads.py keeps an uploaded file
between the import's two steps; rows.py turns one row into a comment's values and answers;
storing.py (import_comments) checks every row and stores them all or none; report.py is
what it reports.
"""

from workshop.consultations.imports.columns import (
    ATTRIBUTES,
    Mapping,
    check_columns,
    column_choices,
    question_columns,
    suggested_column,
)
from workshop.consultations.imports.reading import decode, read_header
from workshop.consultations.imports.report import ImportReport
from workshop.consultations.imports.storing import INSERT_BATCH, import_comments
from workshop.consultations.imports.uploads import (
    PENDING_FOLDER,
    PENDING_KEEP_SECONDS,
    drop_upload,
    keep_upload,
    pending_upload,
    remove_stale_uploads,
)

__all__ = [
    "ATTRIBUTES",
    "INSERT_BATCH",
    "PENDING_FOLDER",
    "PENDING_KEEP_SECONDS",
    "ImportReport",
    "Mapping",
    "check_columns",
    "column_choices",
    "decode",
    "drop_upload",
    "import_comments",
    "keep_upload",
    "pending_upload",
    "question_columns",
    "read_header",
    "remove_stale_uploads",
    "suggested_column",
]
