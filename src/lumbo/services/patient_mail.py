"""E-mail for the patient through the :mod:`mail` port: "e-mail me my handout" (the PDF of
:func:`lumbo.services.documents.handout`, issue 17's optional part)."""

from __future__ import annotations

from datetime import date
from typing import Any

from lumbo.reports import documents as docs
from lumbo.services import documents
from lumbo.services.mail import Attachment, Mail, Mailer


def email_handout(
    uow_factory: Any, mailer: Mailer, person_id: str, to: str, on: date, *, app_url: str
) -> Mail:
    """Send the patient's home-exercise handout as a PDF to ``to``; returns what was sent."""
    data = documents.handout(uow_factory, person_id, on, app_url=app_url)
    pdf = docs.to_pdf(docs.render_html(data))
    mail = Mail(
        to=to,
        subject="lumbo: your home exercises",
        text=(
            "Hello,\n\nYour exercise sheet is attached as a PDF, to print or keep on your phone.\n\n"
            f"Open lumbo: {app_url}\n"
        ),
        attachments=(Attachment("home-exercises.pdf", pdf),),
    )
    mailer.send(mail)
    return mail
