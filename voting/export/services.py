"""Who may download which export of an event, and the export itself as text chunks."""
from flask import abort

from voting.events.services import get_event_or_404
from voting.export.data import Audience, load
from voting.permissions import can_manage_event, can_see_results, can_view_schedule


def audience_for(user, event):
    """The public's view (published decisions) unless the user manages the event; results if they may."""
    return Audience(public=not can_manage_event(user, event), results=can_see_results(user, event))


def exportable_event_or_404(user, slug):
    """The event and the user's audience; a 404 for the public until the schedule is published."""
    event = get_event_or_404(slug)
    audience = audience_for(user, event)
    if not can_view_schedule(user, event):
        abort(404, description=f"The schedule of {event.name} is not published yet: its exports open "
                               "to everyone when it is.")
    return event, audience


def export_chunks(fmt, *, event, audience):
    """The export's data loaded now (errors surface before streaming), then its text chunks lazily."""
    return fmt.render(load(event=event, audience=audience))
