"""Ordered lists kept in a `position` column (tracks, rooms)."""


def move_next_to_neighbour(items, item, direction):
    """Swap `item` with its neighbour ('up' or 'down') and renumber positions 0, 1, 2 ...

    `items` are ordered already; returns whether the item moved (not at an end).
    """
    items = list(items)
    here = items.index(item)
    there = here - 1 if direction == "up" else here + 1
    moved = 0 <= there < len(items)
    if moved:
        items[here], items[there] = items[there], items[here]
    for position, each in enumerate(items):
        each.position = position
    return moved
