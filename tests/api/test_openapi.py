"""The API matches its OpenAPI document: schemathesis finds no server error and no schema mismatch."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode

from tests.conftest import make_app, sign_in
from tests.export import build_world
from tests.factories import make_event
from voting.api.openapi import openapi_document
from voting.extensions import db

# Generated slugs almost never name an event: each operation also runs on a published and an unpublished
# one.
KNOWN_SLUGS = ("expo", "draft-event")
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
VISITORS = ("anonymous", "signed-in")


def strategies(operation, mode):
    """The operation's cases in this mode: any slug, and each known event's."""
    found = [operation.as_strategy(generation_mode=mode)]
    if "{event_slug}" in operation.path:
        found += [operation.as_strategy(generation_mode=mode, path_parameters={"event_slug": slug})
                  for slug in KNOWN_SLUGS]
    return st.one_of(found)


def session_of(app, user):
    """The value of the session cookie of a browser signed in as `user`."""
    client = app.test_client()
    sign_in(client, user)
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def send_session(schema, session):
    """Every generated call carries the session cookie under the name the document gives it, so
    schemathesis's ignored_auth check also calls /me without it and with a forged one (both must be 401)."""
    name = schema.raw_schema["components"]["securitySchemes"]["session"]["name"]

    @schema.auth()
    class SessionCookie:
        def get(self, case, context):
            return session

        def set(self, case, data, context):
            case.cookies = {**(case.cookies or {}), name: data}


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("mode", MODES, ids=lambda mode: mode.value)
@pytest.mark.parametrize("backend", ["sqlite"])  # the document's shapes, not the database: SQLite is enough
def test_the_api_matches_its_openapi_document(backend, mode, visitor):
    """Every operation answers per its documented responses: no server error, documented status codes and
    content types, bodies valid against their schemas, invalid input refused; /me answers 200 to the
    documented session cookie and 401 without it or with a forged one.

    The calls run outside any app context, as in production: each request has its own (a shared one
    would keep Flask-Login's user of one call for the next)."""
    app = make_app(backend)
    with app.app_context():
        db.create_all()
        world = build_world()
        make_event(slug="draft-event")
        db.session.commit()
        session = session_of(app, world.chair)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    if visitor == "signed-in":
        send_session(schema, session)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4

    me_answers = []

    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=st.one_of([strategies(operation, mode) for operation in operations]))
    def call(case):
        response = case.call_and_validate()
        if case.operation.path == "/api/v1/me":  # negative cases may drop or forge the cookie
            signed_in = (case.cookies or {}).get(app.config["SESSION_COOKIE_NAME"]) == session
            assert response.status_code == (200 if signed_in and visitor == "signed-in" else 401)
            me_answers.append(response.status_code)
    try:
        call()
        if visitor == "signed-in" and mode is GenerationMode.POSITIVE:  # the documented cookie signs in
            assert 200 in me_answers
    finally:
        with app.app_context():
            db.engine.dispose()


def test_the_documented_session_cookie_is_the_configured_one(app, client):
    scheme = client.get("/api/v1/openapi.json").get_json()["components"]["securitySchemes"]["session"]
    assert (scheme["in"], scheme["name"]) == ("cookie", app.config["SESSION_COOKIE_NAME"])
    assert scheme["name"] == "podium_session"


def test_the_document_is_served_and_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document == openapi_document("podium_session")
    assert document["openapi"].startswith("3.1")
    for name, component in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(component)
        assert component.get("additionalProperties") is False, name
    assert set(document["paths"]) == {"/api/v1/events", "/api/v1/events/{event_slug}/proposals",
                                      "/api/v1/events/{event_slug}/schedule", "/api/v1/me"}


def test_every_api_route_is_in_the_document(app):
    rules = {rule.rule.replace("<event_slug>", "{event_slug}") for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"}
    assert rules == set(openapi_document("podium_session")["paths"])


def test_the_signed_in_user_matches_the_me_schema(app, client):
    world = build_world()
    sign_in(client, world.chair)
    document = openapi_document("podium_session")
    schema = {**document["components"]["schemas"]["Me"], "components": document["components"]}
    body = client.get("/api/v1/me").get_json()
    Draft202012Validator(schema).validate(body)
    assert body["roles"]["chair_of"] == [{"event": "expo", "track": "storage"}]
