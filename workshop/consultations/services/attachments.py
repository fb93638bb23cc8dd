"""PDF documents attached to a consultation: checked, stored under a generated name."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import IO

from flask_babel import gettext as _

from workshop.consultations.services.consultations import get_consultation
from workshop.consultations.services.rules import clean_text
from workshop.errors import InvalidUpload, NotFound
from workshop.extensions import db
from workshop.models import Attachment, Consultation
from workshop.transaction import transaction

PDF_MAGIC = b"%PDF-"


def add_attachment(
    consultation_id: int,
    stream: IO[bytes],
    original_name: str,
    title: str,
    *,
    upload_folder: str,
    max_bytes: int,
) -> Attachment:
    consultation = get_consultation(consultation_id)
    if not original_name.lower().endswith(".pdf"):
        raise InvalidUpload("添付できるのはPDFファイルだけです。")
    content = stream.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise InvalidUpload(f"PDFファイルは{max_bytes // (1024 * 1024)}MB以内にしてください。")
    if not content.startswith(PDF_MAGIC):
        raise InvalidUpload(
            "PDFファイルとして読み取れませんでした。ファイルの中身をご確認ください。"
        )
    folder = Path(upload_folder)
    folder.mkdir(parents=True, exist_ok=True)
    # a generated name: the resident's file name never reaches the file system
    stored_name = f"{uuid.uuid4().hex}.pdf"
    (folder / stored_name).write_bytes(content)
    attachment = Attachment(
        consultation_id=consultation.id,
        title=clean_text(title)[:200] or clean_text(Path(original_name).stem)[:200] or "資料",
        original_name=Path(original_name).name[:255],
        stored_name=stored_name,
        size_bytes=len(content),
    )
    try:
        with transaction():
            db.session.add(attachment)
    except Exception:
        # the row was not kept: neither is its file
        (folder / stored_name).unlink(missing_ok=True)
        raise
    return attachment


def get_attachment(consultation: Consultation, attachment_id: int) -> Attachment:
    attachment = next((a for a in consultation.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise NotFound(_("この資料は見つかりません。"))
    return attachment
