"""axe-core, offline: the copy shipped inside the axe-playwright-python wheel (quality.md, known trap 4)."""

from dataclasses import dataclass
from pathlib import Path

import axe_playwright_python

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
# best-practice adds region, landmark-one-main, page-has-heading-one and heading-order (T9.1).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    selectors: list[str]
    detail: str  # axe's explanation for the first element, e.g. the measured contrast ratio

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help} [{self.detail}] -> {', '.join(self.selectors)}"


@dataclass(frozen=True)
class AxeResult:
    url: str
    violations: list[Violation]
    incomplete: int


def run_axe(page) -> AxeResult:
    # Evaluated through the DevTools protocol, so the page's script-src 'self' CSP does not block it.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    # Colours are judged once they have settled: a button still fading into its hover or focus colour after a
    # click measured a passing colour pair half-way (4.21:1 on #1371fd) and made CI flaky.
    # Endless animations (a spinner) are left alone, and no wait lasts more than 2 s.
    page.evaluate("""() => Promise.race([
        Promise.all(document.getAnimations()
            .filter(animation => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity)
            .map(animation => animation.finished.catch(() => null))),
        new Promise(resolve => setTimeout(resolve, 2000))])""")
    raw = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations", "incomplete"]},
    )
    violations = [
        Violation(
            rule=item["id"],
            impact=item["impact"] or "",
            help=item["help"],
            selectors=[" ".join(map(str, node["target"])) for node in item["nodes"]],
            detail=" ".join((item["nodes"][0].get("failureSummary") or "").split()) if item["nodes"] else "",
        )
        for item in raw["violations"]
    ]
    return AxeResult(url=page.url, violations=violations, incomplete=len(raw["incomplete"]))
