"""What every page of a list tells its template: whether there is a page before and after it."""


class PageLinks:
    """`has_prev` and `has_next` for a page that has `page` (from 1) and `pages`."""

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages
