"""Staff forms of a consultation, a module per page: consultation.py (its details and
attachments), comment_list.py (the list's filters, hiding), proxy_entry.py (a comment
received on paper, by phone or at the counter), imports.py (a survey file and its columns)
and links.py (private links to answer)."""
