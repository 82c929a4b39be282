"""The OpenAPI 3.1 document of /api/v1: every endpoint, parameter and response exactly as served."""
from voting.api.services import MAX_PAGE, MAX_PER_PAGE, PUBLIC_STATES
from voting.enums import Format, Level, SlotKind

STRING = {"type": "string"}
URL = {"type": "string", "format": "uri"}
INTEGER = {"type": "integer"}


def _object(properties, description=None):
    """A closed object schema: every property required, no other property allowed."""
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    return schema | ({"description": description} if description else {})


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def _array(items):
    return {"type": "array", "items": items}


def _json(schema, description):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "An error: a short title and a sentence saying what went wrong.")
TRACK = _object({"slug": STRING, "name": STRING})
SCHEMAS = {
    "Error": _object({"error": STRING, "message": STRING}),
    "Event": _object({
        "slug": STRING, "name": STRING, "url": URL, "timezone": STRING, "venue": STRING,
        "description": STRING,
        "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
        "schedule_published": {"type": "boolean"}, "schedule_version": {"type": "integer", "minimum": 0},
        "links": _object({"proposals": URL, "schedule": URL}),
    }),
    "EventList": _object({"events": _array(_ref("Event"))}),
    "Speaker": _object({"name": STRING, "company": STRING, "job_title": STRING, "bio": STRING,
                        "photo_url": STRING}, "A speaker's public profile."),
    "Proposal": _object({
        "id": INTEGER, "slug": STRING, "title": STRING, "url": URL, "track": TRACK,
        "format": {"enum": [f.value for f in Format]}, "level": {"enum": [level.value for level in Level]},
        "duration_minutes": {"type": "integer", "minimum": 1}, "abstract": STRING, "description": STRING,
        "state": {"enum": list(PUBLIC_STATES),
                  "description": "accepted or confirmed once the organisers have published that decision; "
                                 "submitted otherwise (other decisions are not public)."},
        "speakers": _array(_ref("Speaker")),
    }, "A proposal's public fields; speakers are empty under anonymous review until it is accepted."),
    "ProposalPage": _object({
        "items": _array(_ref("Proposal")), "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {"type": "integer", "minimum": 0}, "pages": {"type": "integer", "minimum": 1},
        "links": _object({"self": URL, "first": URL, "last": URL, "prev": _nullable(URL),
                          "next": _nullable(URL)}),
    }),
    "Room": _object({"name": STRING, "capacity": {"type": "integer", "minimum": 0}}),
    "SlotProposal": _object({"id": INTEGER, "slug": STRING, "title": STRING, "url": URL, "track": TRACK,
                             "format": {"enum": [f.value for f in Format]}, "speakers": _array(STRING)}),
    "Slot": _object({
        "id": INTEGER, "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "room": _nullable(STRING) | {"description": "null for a slot across all rooms (a break)"},
        "kind": {"enum": [kind.value for kind in SlotKind]}, "title": STRING,
        "proposal": _nullable(_ref("SlotProposal")),
    }, "A slot of the schedule, its times with the event's UTC offset."),
    "Schedule": _object({
        "event": STRING, "timezone": STRING, "version": {"type": "integer", "minimum": 0},
        "published_at": {"type": "string", "format": "date-time"},
        "rooms": _array(_ref("Room")), "slots": _array(_ref("Slot")),
    }),
    "Me": _object({
        "id": INTEGER, "name": STRING, "email": _nullable(STRING), "email_verified": {"type": "boolean"},
        "roles": _object({"admin": {"type": "boolean"}, "organiser_of": _array(STRING),
                          "chair_of": _array(_object({"event": STRING, "track": STRING}))}),
    }),
}
EVENT_SLUG = {"name": "event_slug", "in": "path", "required": True, "schema": STRING,
              "description": "The event's slug."}
LISTING = [
    {"name": "state", "in": "query", "required": False, "schema": {"enum": list(PUBLIC_STATES)},
     "description": "Only proposals in this public state (accepted includes confirmed)."},
    {"name": "page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 50}},
]
PATHS = {
    "/api/v1/events": {"get": {
        "operationId": "listEvents", "summary": "Every event, most recent first.",
        "responses": {"200": _json(_ref("EventList"), "The events.")}}},
    "/api/v1/events/{event_slug}/proposals": {"get": {
        "operationId": "listProposals",
        "summary": "The event's proposals the public may see, a page at a time.",
        "parameters": [EVENT_SLUG, *LISTING],
        "responses": {"200": _json(_ref("ProposalPage"), "One page of proposals, with links to the others."),
                      "400": ERROR, "404": ERROR}}},
    "/api/v1/events/{event_slug}/schedule": {"get": {
        "operationId": "getSchedule", "summary": "The event's published schedule.",
        "parameters": [EVENT_SLUG],
        "responses": {"200": _json(_ref("Schedule"), "The schedule."),
                      "404": ERROR | {"description": "No such event, or its schedule is not published."}}}},
    "/api/v1/me": {"get": {
        "operationId": "getMe", "summary": "The signed-in user.", "security": [{"session": []}],
        "responses": {"200": _json(_ref("Me"), "The user, their email and roles."), "401": ERROR}}},
}


def openapi_document(session_cookie):
    """The whole document, as /api/v1/openapi.json serves it; `session_cookie` is the name of the session
    cookie (the app's SESSION_COOKIE_NAME)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Podium API", "version": "1.0.0",
                 "description": "Read-only: events, their proposals (public fields only) and published "
                                "schedules. Times carry the event's UTC offset."},
        "paths": PATHS,
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": session_cookie,
                        "description": "The browser session of a signed-in user."}}},
    }
