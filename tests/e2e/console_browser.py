"""Drives the web console and the self-service page in Debian's headless Chromium with Playwright,
step by step as a person would, and reports what each step showed.

A process of its own (Playwright's sync API hangs under the tests' eventlet monkey-patching, as for
the dashboard). Reads a plan (JSON) on stdin and writes the results (JSON) on stdout:

    {"shots": "/dir", "viewport": [1366, 900], "steps": [
        {"goto": "http://…/self"}, {"fill": "#subject", "value": "…"}, {"check": "#rating-satisfied"},
        {"select": "#category", "value": "wage_arrears"}, {"click": "#online-submit"},
        {"wait": "#issued-code"}, {"read": "#issued-code", "as": "code"}, {"shot": "submitted"},
        {"press": "Tab"}, {"focused": "code-focus"}, {"viewport": [390, 844]}]}

`wait` waits for the selector to be visible (`hidden: true` for the opposite), `wait_text` for it to
contain a text; `read` keeps an element's text under a name, `read_all` every match's; `attr` an
attribute of every match; `focused` the id of the element that has the focus; `unlabelled` the
controls without an accessible name; `ready` waits for the page's load counter to reach a number;
`evaluate` keeps what a function of the page returns. Errors of the page (a
script error, a failed console call) are reported, not ignored.
"""
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000


def run(plan: dict) -> dict:
    seen, shots, problems = {}, [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=dict(zip(("width", "height"), plan.get("viewport", (1366, 900)), strict=True)),
                                locale="zh-CN")
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: message.type == "error" and not _answered(message.text)
                and problems.append(f"console: {message.text}"))
        for step in plan["steps"]:
            try:
                _do(page, step, seen, shots, Path(plan["shots"]))
            except Exception as exc:  # report where it stopped, with a picture of it
                failed = Path(plan["shots"]) / "failed.png"
                page.screenshot(path=str(failed), full_page=True)
                problems.append(f"step {json.dumps(step, ensure_ascii=False)}: {type(exc).__name__}: {exc}")
                break
        browser.close()
    return {"seen": seen, "shots": shots, "problems": problems}


def _answered(text: str) -> bool:
    """Chromium logs every 4xx answer to a fetch as a console error: the page shows those itself."""
    return text.startswith("Failed to load resource: the server responded with a status of 4")


def _do(page, step: dict, seen: dict, shots: list, folder: Path) -> None:
    if "goto" in step:
        page.goto(step["goto"])
    elif "fill" in step:
        page.fill(step["fill"], step["value"])
    elif "select" in step:
        page.select_option(step["select"], step["value"])
    elif "check" in step:
        page.check(step["check"])
    elif "click" in step:
        page.click(step["click"])
    elif "press" in step:
        page.keyboard.press(step["press"])
    elif "wait" in step:
        page.wait_for_selector(step["wait"], state="hidden" if step.get("hidden") else "visible")
    elif "wait_text" in step:
        selector, text = step["wait_text"]
        page.wait_for_function("([s, t]) => [...document.querySelectorAll(s)].some((e) => e.innerText.includes(t))",
                               arg=[selector, text])
    elif "read" in step:
        seen[step["as"]] = page.inner_text(step["read"])
    elif "read_all" in step:
        seen[step["as"]] = [e.inner_text() for e in page.query_selector_all(step["read_all"])]
    elif "attr" in step:
        selector, name = step["attr"]
        seen[step["as"]] = [e.get_attribute(name) for e in page.query_selector_all(selector)]
    elif "ready" in step:  # the page's own counter of finished loads (body data-ready)
        page.wait_for_function("(n) => Number(document.body.dataset.ready) >= n", arg=step["ready"])
    elif "evaluate" in step:  # a function of the page's state, e.g. what the dashboard drew
        seen[step["as"]] = page.evaluate(step["evaluate"])
    elif "unlabelled" in step:  # the page's own check (common.js): controls no screen reader can name
        seen[step["unlabelled"]] = page.evaluate("() => window.XF.unlabelledControls()")
    elif "focused" in step:
        seen[step["focused"]] = page.evaluate("() => document.activeElement && document.activeElement.id")
    elif "media" in step:  # "print": what the printer gets
        page.emulate_media(media=step["media"])
    elif "viewport" in step:
        page.set_viewport_size(dict(zip(("width", "height"), step["viewport"], strict=True)))
        seen[step.get("as", "scroll_width")] = page.evaluate("() => document.documentElement.scrollWidth")
    elif "shot" in step:
        path = folder / f"{step['shot']}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(str(path))
    else:
        raise ValueError(f"unknown step {step}")


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout, ensure_ascii=False)
