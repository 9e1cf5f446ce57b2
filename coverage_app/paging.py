"""Pagination that counts only as far as the page asked for needs.

An exact COUNT(*) over 100,000 reviews costs more than rendering the page; the queue only needs to
know that the requested page exists and whether there is a next one.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, requested_page):
        super().__init__(object_list, per_page)
        try:
            page = max(1, int(requested_page))
        except (TypeError, ValueError):
            page = 1
        # Enough rows for the requested page and one more: we know it exists and whether more follow.
        self.limit = (page + 1) * per_page

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.limit + 1].count()

    @property
    def is_capped(self) -> bool:
        """The real total is larger than `count`."""
        return self.count > self.limit
