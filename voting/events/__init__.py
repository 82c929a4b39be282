"""Events, tracks and the people who run them; the organiser's console."""
