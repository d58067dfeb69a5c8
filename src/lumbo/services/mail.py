"""Sending e-mail, as a port: :class:`Mailer` is what features call (reminders, "e-mail me my
handout", password-reset links); :class:`MemoryMailer` keeps messages for tests;
:class:`SmtpMailer` sends through the configured SMTP server. Mail is off unless SMTP is
configured (:class:`lumbo.settings.MailSettings`, read from ``LUMBO_SMTP_*``)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from lumbo.settings import MailSettings

__all__ = [
    "Attachment",
    "Mail",
    "MailSettings",
    "Mailer",
    "MemoryMailer",
    "SmtpMailer",
    "mailer_for",
]


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mime: str = "application/pdf"


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str
    attachments: tuple[Attachment, ...] = ()


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...


class MemoryMailer:
    """Keeps what it is asked to send (tests, and a dry run)."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)


class SmtpMailer:
    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def message(self, mail: Mail) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.settings.sender
        msg["To"] = mail.to
        msg["Subject"] = mail.subject
        msg.set_content(mail.text)
        for a in mail.attachments:
            main, _, sub = a.mime.partition("/")
            msg.add_attachment(a.content, maintype=main, subtype=sub, filename=a.filename)
        return msg

    def send(self, mail: Mail) -> None:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.tls == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        with smtp:
            if s.tls == "starttls":
                smtp.starttls(context=context)
            if s.user and s.password:
                smtp.login(s.user, s.password)
            smtp.send_message(self.message(mail))


def mailer_for(settings: MailSettings | None) -> Mailer | None:
    """The SMTP mailer, or None when mail is not configured (features that need it say so)."""
    return None if settings is None else SmtpMailer(settings)
