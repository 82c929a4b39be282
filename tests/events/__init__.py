"""Tests of events, tracks, roles and the organiser's console."""


def event_form(**overrides):
    """A valid event form as a browser posts it (times in the event's zone)."""
    return {
        "name": "Osaka Summit", "slug": "osaka", "timezone": "Asia/Tokyo", "venue": "", "description": "",
        "starts_on": "2031-05-10", "ends_on": "2031-05-12",
        "cfp_opens_at": "2031-01-05T09:00", "cfp_closes_at": "2031-02-01T18:00",
        "voting_opens_at": "2031-02-05T09:00", "voting_closes_at": "2031-02-20T18:00",
        "review_opens_at": "2031-02-21T09:00", "review_closes_at": "2031-03-10T18:00",
        "max_proposals_per_speaker": "3", "max_speakers_per_proposal": "4",
        "weight_love": "3", "weight_try": "2", "weight_might": "1", "weight_not": "-1", **overrides,
    }


def track_form(**overrides):
    """A valid track form."""
    return {"name": "Edge", "slug": "edge", "description": "", "session_count": "6", "alternate_count": "2",
            **overrides}
