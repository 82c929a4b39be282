"""The admins' page of mail that did not go out, retry now, and the development outbox."""
import re
from datetime import timedelta

import pytest

from tests.factories import make_user
from tests.mail.conftest import reload
from voting.db_types import utcnow
from voting.extensions import db
from voting.mail.services import queue_mail, send_due_mail

OUTBOX_VIEW = [{"MAIL_OUTBOX_VIEW": True}]
ROUTES = [
    ("get", "/admin/mail", 200),
    ("post", "/admin/mail/{id}/retry", 302),
    ("post", "/admin/mail/retry-failed", 302),
    ("get", "/dev/outbox", 200),
    ("get", "/dev/outbox/{id}", 200),
]


def queue(to="ann@example.test", subject="Your proposal", body="Thank you.\n"):
    return queue_mail(to=to, subject=subject, body=body, kind="proposal.submitted")


def fail_until_given_up(app, attempts=2):
    """A mail that failed MAIL_MAX_ATTEMPTS times because nothing listens on the SMTP port."""
    app.config["MAIL_MAX_ATTEMPTS"] = attempts
    mail = queue(to="lost@example.test", subject="Decision: Ceph at scale")
    db.session.commit()
    for hour in range(attempts):
        send_due_mail(now=utcnow() + timedelta(hours=hour))
    return reload(mail)


@pytest.mark.parametrize("app_config", OUTBOX_VIEW)
@pytest.mark.parametrize("method, path, admin_status", ROUTES)
@pytest.mark.parametrize("who", ["anonymous", "user", "admin"])
def test_only_site_admins_see_mail(app, client, login, method, path, admin_status, who):
    path = path.format(id=queue().id)
    if who != "anonymous":
        login(make_user(is_admin=(who == "admin")))
    db.session.commit()
    response = getattr(client, method)(path)
    if who == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login?next=")
    else:
        assert response.status_code == (403 if who == "user" else admin_status)


def test_a_mail_that_ran_out_of_attempts_is_listed_for_admins(app, login, admin):
    mail = fail_until_given_up(app)
    assert (mail.status, mail.attempts) == ("failed", 2)
    page = login(admin).get("/admin/mail").get_data(as_text=True)
    assert "lost@example.test" in page and "Decision: Ceph at scale" in page
    assert "ConnectionRefusedError" in page and "Retry all 1 failed" in page
    assert "badge-failed" in page


def test_a_mail_waiting_for_its_next_attempt_is_listed_with_when(app, login, admin, smtp_server_down):
    queue(to="later@example.test")
    db.session.commit()
    send_due_mail()
    page = login(admin).get("/admin/mail").get_data(as_text=True)
    assert "later@example.test" in page and "retrying" in page and "UTC" in page


def test_mail_that_went_out_is_not_listed(app, login, admin, smtp_server):
    queue(to="fine@example.test")
    db.session.commit()
    send_due_mail()
    page = login(admin).get("/admin/mail").get_data(as_text=True)
    assert "fine@example.test" not in page and "Every mail has gone out" in page


def test_retry_now_requeues_the_mail_and_the_worker_sends_it(app, login, admin, smtp_server_down):
    mail = fail_until_given_up(app)
    response = login(admin).post(f"/admin/mail/{mail.id}/retry")
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/mail")
    assert (reload(mail).status, reload(mail).attempts) == ("queued", 0)
    smtp_server_down.start()
    assert send_due_mail()["sent"] == 1
    assert [m["To"] for m in smtp_server_down.messages] == ["lost@example.test"]


def test_retry_all_failed_from_the_page(app, login, admin):
    mails = [fail_until_given_up(app), fail_until_given_up(app)]
    assert login(admin).post("/admin/mail/retry-failed").status_code == 302
    assert {reload(mail).status for mail in mails} == {"queued"}


def test_retrying_an_unknown_mail_is_404(app, login, admin):
    assert login(admin).post("/admin/mail/999/retry").status_code == 404


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_retry_now_needs_the_csrf_token(app, login, admin):
    mail = fail_until_given_up(app)
    client = login(admin)
    assert client.post(f"/admin/mail/{mail.id}/retry").status_code == 400
    assert client.post("/admin/mail/retry-failed").status_code == 400
    assert reload(mail).status == "failed"
    page = client.get("/admin/mail").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/mail/{mail.id}/retry", data={"csrf_token": token}).status_code == 302
    assert reload(mail).status == "queued"


@pytest.mark.parametrize("app_config", OUTBOX_VIEW)
def test_dev_outbox_lists_every_mail_and_escapes_html(app, login, admin):
    mail = queue(subject="<script>alert('x')</script> & more", body="<b>Hello</b> & welcome\nline two")
    queue(to="bob@example.test", subject="Second mail")
    client = login(admin)
    page = client.get("/dev/outbox").get_data(as_text=True)
    assert "Second mail" in page and "bob@example.test" in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in page
    assert "<script>alert" not in page
    page = client.get(f"/dev/outbox/{mail.id}").get_data(as_text=True)
    assert "&lt;b&gt;Hello&lt;/b&gt; &amp; welcome\nline two" in page
    assert "<b>Hello" not in page and "Podium &lt;podium@localhost&gt;" in page


@pytest.mark.parametrize("app_config", [{"MAIL_OUTBOX_VIEW": False}])
def test_dev_outbox_is_404_unless_enabled(app, login, admin):
    mail = queue()
    client = login(admin)
    assert client.get("/dev/outbox").status_code == 404
    assert client.get(f"/dev/outbox/{mail.id}").status_code == 404


@pytest.mark.parametrize("app_config", [{"PODIUM_ENV": "development", "DATABASE_CHECK_ON_START": False}])
def test_in_development_mail_is_kept_for_the_browser(app, login, admin):
    assert app.config["MAIL_BACKEND"] == "outbox"
    mail = queue(to="dev@example.test")
    page = login(admin).get("/dev/outbox").get_data(as_text=True)
    assert "dev@example.test" in page and "shown" in page and "never sent" in page
    assert reload(mail).status == "shown" and reload(mail).attempts == 0
