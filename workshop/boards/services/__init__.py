"""Live board services, one module per part of the job; import from the module itself.

- codes: the short code, made and read back as people type it
- lookup: find a board by code or id (staff: only of a workshop they run), a note of a board
- setup: create a board with its questions and tables
- running: open, close (the notes go into the consultation, once), the current question
- participants: a phone on a board, by the token in its cookie; nickname
- notes: a participant's own notes (post, edit, delete) and 共感
- moderation: approve, hide with a reason, correct a typo, paper notes typed in by staff
- grouping: the groups (themes) of a question's notes on the projector
- projector: what the projector and the JSON show: approved notes by group, counts
- exports: a board's notes as CSV and XLSX rows
- events: board_changed(), the one place that says a board's pages should update

Every change is one transaction, or a DomainError with nothing saved.
"""
