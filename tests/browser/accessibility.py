"""axe-core (bundled by axe-playwright-python) run on every page a browser test loads.

The `page` fixtures make a `Watch(page)`: each time a document finishes loading, axe checks it, and
the test fails at the end if any page had a serious or critical violation."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error

AXE = Axe()
BLOCKING = frozenset({"serious", "critical"})


# Each frame is checked on its own (an issued letter is shown in one), so axe need not wait on
# frames it has not been injected into.
OPTIONS = {"resultTypes": ["violations"], "iframes": False}


def problems_on(page) -> list[str]:
    """One line per serious or critical violation on the page (and each frame in it) as it is now."""
    lines = _problems_in(page.main_frame, page.url)
    # Asked of each iframe element: the page's list of frames may not have caught up on "load".
    for element in page.query_selector_all("iframe"):
        if (frame := element.content_frame()) is not None:
            lines += _problems_in(frame, f"{page.url} (frame {element.get_attribute('title')})")
    return lines


def _problems_in(frame, where: str) -> list[str]:
    found = AXE.run(frame, options=OPTIONS).response["violations"]
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']} at "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in found
        if v["impact"] in BLOCKING
    ]


class Watch:
    def __init__(self, page):
        self.page = page
        self.checked: list[str] = []
        self.problems: list[str] = []
        page.on("load", self._check)

    def _check(self, _page=None):
        if self.page.is_closed():
            return
        try:
            self.problems += problems_on(self.page)
        except Error as e:  # the page moved on or closed while axe ran: the next load is checked
            if not any(why in str(e) for why in ("context was destroyed", "navigation", "closed")):
                raise
            return
        self.checked.append(self.page.url)

    def assert_clean(self):
        assert not self.problems, "axe found serious or critical violations:\n" + "\n".join(self.problems)
