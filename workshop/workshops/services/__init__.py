"""Workshop services, one module per part of the job; import from the module itself.

- lookup: find a workshop, and lock it before seats change
- events: create and edit workshops
- access: which staff run which workshop (facilitators)
- seats: seats taken, left, waiting and checked in, per mode
- waitlist: the waiting list, a person's place on it, promotion when seats come free
- signup: a resident's (or a staff member's proxy) sign-up
- links: the resident's private link: view, change, cancel
- checkin: check-in on the day, by code or by name, and walk-ins
- roster: the roster in furigana order, search by name, needs
- opinions: the day's opinions, written as comments of the linked consultation
- reminders: the reminder e-mails before a workshop

Every change is one transaction, or a DomainError with nothing saved.
"""
