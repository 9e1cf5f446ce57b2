"""Pagination that reads only as far as the page asked for needs, in one query.

An exact COUNT(*) over 100,000 reviews costs more than rendering the page, and so does skipping
OFFSET rows twice (once to count, once to fetch) or joining every skipped row. One query reads the
rows of the requested page and one row more: their ids come from an index scan (the OFFSET is
skipped in the index), then only those rows are fetched. The extra row says that more follow.
bench/README.md has the figures.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# The deepest page that can be asked for; a deeper number reads as this one, which past the end
# shows the last page. 2.5 million reviews at 25 a page is far beyond any queue, and its OFFSET
# stays far inside PostgreSQL's bigint (past that the query fails, and the page with it).
MAX_PAGE = 100_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, requested_page, values: tuple[str, ...] = ()):
        """`values`: a page's rows are dicts of these fields (as QuerySet.values), not objects."""
        super().__init__(object_list, per_page)
        self.values = values
        try:
            self.requested = min(max(1, int(requested_page)), MAX_PAGE)
        except (TypeError, ValueError):
            self.requested = 1
        # Rows up to the end of the requested page; one row past it says that more follow.
        self.limit = self.requested * per_page

    def _rows(self, bottom: int, top: int) -> list:
        ids = self.object_list.values("pk")[bottom:top]
        rows = self.object_list.filter(pk__in=ids)
        return list(rows.values(*self.values) if self.values else rows)

    @cached_property
    def _window(self) -> list:
        """The requested page's rows, and one more if there is one."""
        return self._rows((self.requested - 1) * self.per_page, self.limit + 1)

    @cached_property
    def count(self) -> int:
        """The number of rows, or `limit + 1` if there are more than `limit`."""
        if self._window or self.requested == 1:
            return (self.requested - 1) * self.per_page + len(self._window)
        # Asked for a page past the end (an old link): count to find the last page.
        return self.object_list[: self.limit + 1].count()

    def get_page(self, number=None):
        """The requested page (page 1 for a bad number), or the last page if it is past the end."""
        return super().get_page(self.requested)

    def page(self, number):
        number = self.validate_number(number)
        if number == self.requested:
            rows = self._window[: self.per_page]
        else:
            bottom = (number - 1) * self.per_page
            rows = self._rows(bottom, bottom + self.per_page)
        return self._get_page(rows, number, self)

    @property
    def is_capped(self) -> bool:
        """The real total is larger than `count`."""
        return self.count > self.limit
