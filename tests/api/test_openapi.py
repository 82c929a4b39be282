"""The API matches its OpenAPI document: schemathesis finds no server error and no schema mismatch."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode

from tests.conftest import sign_in
from tests.export import build_world
from tests.factories import make_event
from voting.api.openapi import openapi_document
from voting.extensions import db

# Generated slugs almost never name an event: each operation also runs on a published and an unpublished
# one.
KNOWN_SLUGS = ("expo", "draft-event")
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def strategies(operation, mode):
    """The operation's cases in this mode: any slug, and each known event's."""
    found = [operation.as_strategy(generation_mode=mode)]
    if "{event_slug}" in operation.path:
        found += [operation.as_strategy(generation_mode=mode, path_parameters={"event_slug": slug})
                  for slug in KNOWN_SLUGS]
    return st.one_of(found)


@pytest.mark.parametrize("mode", MODES, ids=lambda mode: mode.value)
def test_the_api_matches_its_openapi_document(app, mode):
    build_world()
    make_event(slug="draft-event")
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4

    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=st.one_of([strategies(operation, mode) for operation in operations]))
    def call(case):
        case.call_and_validate()
    call()


def test_the_document_is_served_and_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document == openapi_document()
    assert document["openapi"].startswith("3.1")
    for name, component in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(component)
        assert component.get("additionalProperties") is False, name
    assert set(document["paths"]) == {"/api/v1/events", "/api/v1/events/{event_slug}/proposals",
                                      "/api/v1/events/{event_slug}/schedule", "/api/v1/me"}


def test_every_api_route_is_in_the_document(app):
    rules = {rule.rule.replace("<event_slug>", "{event_slug}") for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"}
    assert rules == set(openapi_document()["paths"])


def test_the_signed_in_user_matches_the_me_schema(app, client):
    world = build_world()
    sign_in(client, world.chair)
    document = openapi_document()
    schema = {**document["components"]["schemas"]["Me"], "components": document["components"]}
    body = client.get("/api/v1/me").get_json()
    Draft202012Validator(schema).validate(body)
    assert body["roles"]["chair_of"] == [{"event": "expo", "track": "storage"}]
