"""The SMTP side of the outbox: building messages and one connection per batch (standard library only)."""
import smtplib
import ssl
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

# Errors that concern one message; every other OSError (smtplib's included) means the connection is gone.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    ValueError,
)


def build_message(mail, *, sender):
    """A UTF-8 plain-text EmailMessage for an OutboxMail."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    # Stable per mail, so a mail sent twice (a worker died before recording it) can be recognised.
    message["Message-ID"] = f"<outbox.{mail.id}.{int(mail.created_at.timestamp())}@{sender_domain(sender)}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    message.set_content(mail.body, charset="utf-8", cte="quoted-printable")
    return message


def sender_domain(sender):
    """The domain of the sender's address, for Message-IDs."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


@contextmanager
def smtp_connection(config):
    """An open, authenticated SMTP connection from the MAIL_* settings; QUIT and closed on exit."""
    timeout = config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        connection = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout,
                                      context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with connection:
        if config["MAIL_USE_TLS"]:
            connection.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        yield connection


def describe_error(exc):
    """A one-line account of an SMTP or socket error, for last_error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address} refused: {code} {_text(reply)}"
                         for address, (code, reply) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(reply):
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
