"""Two Podium instances (gunicorn, two ports) behind nginx, sharing one PostgreSQL and one Redis.

A sign-in on one instance holds on the other, the vote rate limit is one limit across both, two mail
workers running at once send each mail once, and nginx spreads requests over both instances while
the app takes the client's address from nginx's X-Forwarded-For (PODIUM_TRUSTED_PROXIES=1).
"""
import asyncio
import re
import threading
from collections import Counter
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import redis
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import func, select

from tests.realworld.deployed_nginx import DeployedNginx
from tests.realworld.site import Browser, models_on, post_vote, seed_voting_event, vote_path
from tests.support.live import Gunicorn, Nginx, run_flask, wait_until
from tests.support.oidc_provider import OIDCProvider, free_port
from tests.support.smtp import Inbox, SMTPServer
from voting.community.services import hash_ip
from voting.extensions import db
from voting.mail.services import queue_mail
from voting.models import OutboxMail, Proposal, Vote

pytestmark = pytest.mark.slow
REDIS_URL = "redis://127.0.0.1:6379/4"  # this test's own Redis database, flushed before and after
LIMIT = 10
SETTINGS = {
    "REDIS_URL": REDIS_URL, "PODIUM_TRUSTED_PROXIES": 1, "VOTE_RATE_LIMIT_USER": f"{LIMIT} per minute",
    "GUNICORN_CMD_ARGS": "--access-logfile -",  # more gunicorn options: its access log in its output
}


@pytest.fixture(scope="module")
def shared_redis():
    """Redis database 4, empty."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (CI starts it)")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def provider_settings(idp):
    prefix = "PODIUM_OAUTH_TESTIDP_"
    return {prefix + "CLIENT_ID": idp.client_id, prefix + "CLIENT_SECRET": idp.client_secret,
            prefix + "DISCOVERY_URL": idp.discovery_url, prefix + "LABEL": "Test IdP"}


@pytest.fixture(scope="module")
def cluster(live_database, shared_redis):
    """An OIDC provider, two gunicorn instances on one database and one Redis, nginx in front."""
    ports = [free_port(), free_port()]
    world = seed_voting_event(live_database.url, proposals=30, voters=4)
    redirects = [f"http://127.0.0.1:{port}/auth/callback/testidp" for port in ports]
    with OIDCProvider(redirect_uris=redirects) as idp, models_on(live_database.url) as app:
        settings = {**SETTINGS, **provider_settings(idp)}
        with Gunicorn(live_database.url, port=ports[0], **settings) as one, \
                Gunicorn(live_database.url, port=ports[1], **settings) as two, \
                Nginx([one.base, two.base]) as nginx:
            yield SimpleNamespace(url=live_database.url, app=app, idp=idp, instances=(one, two), nginx=nginx,
                                  world=world)


def browser(cluster, base, user_id=None):
    """A browser on `base`, signed in as `user_id` if given."""
    session = Browser(base)
    return session.sign_in_as(cluster.app, user_id) if user_id else session


def one_person_on(cluster, sites, user_id):
    """A browser per site, all with one cookie jar: one person signed in as `user_id`, on several sites."""
    browsers = [Browser(site.base) for site in sites]
    browsers[0].sign_in_as(cluster.app, user_id)
    for other in browsers[1:]:
        other.cookies = browsers[0].cookies
    return browsers


def test_a_sign_in_on_one_instance_holds_on_the_other(cluster):
    """A real OpenID Connect sign-in on instance 1; the same cookies are signed in on instance 2."""
    one, two = cluster.instances
    with Browser(one.base) as session:
        authorize = session.get("/auth/login/testidp").headers["Location"]
        callback = cluster.idp.login(session, authorize, username="ada").headers["Location"]
        assert session.get(callback).status_code == 302
        assert session.get("/api/v1/me").json()["email"] == "ada@example.test"
        on_two = session.get(two.base + "/api/v1/me")
    assert on_two.status_code == 200 and on_two.json()["email"] == "ada@example.test"


def test_the_vote_rate_limit_is_one_limit_across_both_instances(cluster):
    """Ten votes spread over both instances pass; the eleventh is refused whichever instance gets it."""
    slug, talks, voter = cluster.world.slug, cluster.world.talks, cluster.world.voters[0]
    browsers = one_person_on(cluster, cluster.instances, voter)
    token = browsers[0].csrf_token(vote_path(slug, talks[0]))
    statuses = [post_vote(browsers[n % 2], slug, talks[n], "love", token).status_code for n in range(LIMIT)]
    assert statuses == [303] * LIMIT
    for session in browsers:
        refused = post_vote(session, slug, talks[LIMIT], "try", token)
        assert refused.status_code == 429 and "voting faster than we allow" in refused.text
    with models_on(cluster.url):
        assert db.session.scalar(select(func.count()).where(Vote.user_id == voter)) == LIMIT


def test_without_redis_each_instance_would_count_alone(cluster):
    """The control: two instances with in-memory limits let through twice the limit."""
    slug, talks, voter = cluster.world.slug, cluster.world.talks, cluster.world.voters[1]
    alone = {**SETTINGS, "REDIS_URL": ""}
    with Gunicorn(cluster.url, workers=1, **alone) as one, Gunicorn(cluster.url, workers=1, **alone) as two:
        browsers = one_person_on(cluster, (one, two), voter)
        token = browsers[0].csrf_token(vote_path(slug, talks[0]))
        statuses = [post_vote(browsers[n % 2], slug, talks[n], "love", token).status_code
                    for n in range(2 * LIMIT)]
    assert statuses == [303] * (2 * LIMIT)


class SlowInbox(Inbox):
    """An SMTP inbox that takes 50 ms per message, so that two workers are surely sending at once."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def mail_workers(cluster, port, count=2):
    """`flask mail send --watch` in small batches on each instance's settings, all at once; their outputs."""
    args = ["mail", "send", "--watch", "--interval", "0.05", "--limit", "5", "--max-loops", "60"]
    env = {"DATABASE_URL": cluster.url, "REDIS_URL": REDIS_URL, "MAIL_BACKEND": "smtp",
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
    outputs = [None] * count

    def work(n):
        outputs[n] = run_flask(args, env, timeout=90).stdout

    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(100)
    return outputs


def test_two_mail_workers_at_once_send_each_mail_exactly_once(cluster):
    """120 queued mails, two workers at once against one SMTP server: each mail arrives once."""
    with models_on(cluster.url):
        for n in range(120):
            queue_mail(to=f"speaker{n}@example.test", subject=f"Mail {n}", body="Hello.", kind="test")
        db.session.commit()
    server = SMTPServer(free_port())
    server.inbox = SlowInbox()
    try:
        server.start()
        outputs = mail_workers(cluster, server.port)
    finally:
        server.stop()
    sent = [sum(int(n) for n in re.findall(r"^sent (\d+)", output or "", re.M)) for output in outputs]
    assert sum(sent) == 120 and all(sent), f"each worker sent some, together all: {sent}"
    arrived = Counter(message["Message-ID"] for message in server.messages)
    assert len(arrived) == 120 and set(arrived.values()) == {1}
    addresses = sorted(f"speaker{n}@example.test" for n in range(120))
    assert sorted(str(message["To"]) for message in server.messages) == addresses
    with models_on(cluster.url):
        states = Counter(db.session.execute(select(OutboxMail.status, OutboxMail.attempts)).all())
    assert states == {("sent", 1): 120}


class FromAddress(HTTPAdapter):
    """Connections from another loopback address, so nginx sees a client other than 127.0.0.1."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def probes_served(site):
    """The numbers of the /healthz?probe=N requests in an instance's access log."""
    return {int(n) for n in re.findall(r'"GET /healthz\?probe=(\d+) ', site.output())}


def test_nginx_spreads_requests_over_both_instances(cluster):
    """Each request reaches one instance, and both instances get some."""
    with Browser(cluster.nginx.base) as session:
        assert all(session.get(f"/healthz?probe={n}").status_code == 200 for n in range(20))
    # gunicorn writes the access log line just after the answer: wait for the last ones.
    wait_until(lambda: set.union(*map(probes_served, cluster.instances)) == set(range(20)), 5,
               what="the access log")
    served = [probes_served(site) for site in cluster.instances]
    assert served[0] and served[1] and served[0].isdisjoint(served[1])


def test_the_client_address_is_the_one_nginx_saw(cluster):
    """A vote through nginx from 127.0.0.2 is hashed as 127.0.0.2; a forged X-Forwarded-For is ignored."""
    slug, talk, voter = cluster.world.slug, cluster.world.talks[-1], cluster.world.voters[2]
    with browser(cluster, cluster.nginx.base, voter) as session:
        session.mount("http://", FromAddress("127.0.0.2"))
        token = session.csrf_token(vote_path(slug, talk))
        forged = {"X-Forwarded-For": "198.51.100.7"}
        assert post_vote(session, slug, talk, "love", token, headers=forged).status_code == 303
    with models_on(cluster.url) as app:
        stored = db.session.scalar(select(Vote.ip_hash).join(Proposal).where(Vote.user_id == voter,
                                                                              Proposal.slug == talk))
        assert app.config["SECRET_KEY"] == cluster.instances[0].env["SECRET_KEY"]
        assert stored == hash_ip("127.0.0.2") != hash_ip("127.0.0.1")


def redirect_uri(response):
    """The redirect_uri the app asked the identity provider to send the browser back to."""
    return parse_qs(urlsplit(response.headers["Location"]).query)["redirect_uri"][0]


def test_the_scheme_and_host_come_from_the_proxy(cluster):
    """Behind a TLS proxy the app builds https links to the public host; through nginx none are forged."""
    tls_proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "podium.example.org"}
    with Browser(cluster.instances[1].base) as direct:
        behind_tls = direct.get("/auth/login/testidp", headers=tls_proxy)
    assert redirect_uri(behind_tls) == "https://podium.example.org/auth/callback/testidp"
    with Browser(cluster.nginx.base) as session:
        through_nginx = session.get("/auth/login/testidp", headers={"X-Forwarded-Proto": "https"})
    assert redirect_uri(through_nginx) == f"{cluster.nginx.base}/auth/callback/testidp"


def test_the_deploy_example_serves_both_instances_over_tls(cluster):
    """deploy/nginx.conf for real: plain HTTP is sent to HTTPS, and behind it the app builds https links."""
    with DeployedNginx([site.base for site in cluster.instances]) as proxy:
        plain = requests.get(proxy.http_base + "/events/x?y=1", allow_redirects=False, timeout=10)
        with Browser(proxy.base) as session:
            trust = str(proxy.certificate)  # per request: REQUESTS_CA_BUNDLE would win over session.verify
            login = session.get("/auth/login/testidp", verify=trust)
            served = {session.get(f"/healthz?probe=tls-{n}", verify=trust).status_code for n in range(4)}
    assert plain.status_code == 301 and plain.headers["Location"] == "https://127.0.0.1/events/x?y=1"
    assert redirect_uri(login) == f"{proxy.base}/auth/callback/testidp"
    assert login.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert served == {200}
    wait_until(lambda: all("probe=tls-" in site.output() for site in cluster.instances), 5,
               what="requests on both instances")
