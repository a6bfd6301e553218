"""Drives the dashboard in Debian's headless Chromium with Playwright and reports what it shows.

Run by test_dashboard_in_browser.py as a process of its own: Playwright's sync API runs an event
loop and a driver process of its own, which hang under the eventlet monkey-patching the tests'
conftest applies. Reads a plan (JSON) on stdin, writes what each step showed (JSON) on stdout:

    {"url": "...", "shots": "/dir", "steps": [{"name": "year"},
     {"name": "march", "fill": {"起始日期": "2025-03-01"}, "click": "查询"},
     {"name": "phone", "viewport": [390, 844]}]}
"""
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOWN = """() => {
    const charts = window.echarts ? Object.fromEntries(["chart-volumes", "chart-rates", "chart-regions"].map((id) => {
        const element = document.getElementById(id);
        const option = echarts.getInstanceByDom(element)?.getOption();
        return [id, option && {canvas: element.querySelector("canvas")?.width || 0, x: option.xAxis[0].data,
                               y: option.yAxis[0].data, series: option.series.map((s) => ({id: s.id, data: s.data}))}];
    })) : null;
    return {ready: Number(document.body.dataset.ready), error: document.body.dataset.error || "",
            echarts: typeof window.echarts, state: window.dashboardState || null, charts,
            overdue_rows: [...document.querySelectorAll("#overdue tbody tr[data-supervision-id]")]
                .map((row) => row.dataset.supervisionId),
            overdue_caption: document.getElementById("overdue-as-of").innerText,
            kpis: document.getElementById("kpis").innerText, url: location.href,
            signin_shown: !document.getElementById("signin").hidden,
            scroll_width: document.documentElement.scrollWidth};
}"""


def run(plan: dict) -> dict:
    shown, problems = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: message.type == "error" and problems.append(message.text))
        page.goto(plan["url"])
        answered = 0
        for step in plan["steps"]:
            for label, value in step.get("fill", {}).items():
                page.get_by_label(label, exact=True).fill(value)
            if "click" in step:
                page.get_by_role("button", name=step["click"], exact=True).click()
            if "viewport" in step:
                page.set_viewport_size(dict(zip(("width", "height"), step["viewport"], strict=True)))
                page.wait_for_timeout(300)  # the charts resize on the window's resize event
            else:  # the first load, or a query: wait for its answer
                answered += 1
                # A function, not an expression: the page's CSP forbids eval, which an expression needs.
                page.wait_for_function("(n) => Number(document.body.dataset.ready) >= n", arg=answered,
                                       timeout=30_000)
            screenshot = Path(plan["shots"]) / f"dashboard-{step['name']}.png"
            page.screenshot(path=str(screenshot), full_page=True)
            shown.append({"name": step["name"], "screenshot": str(screenshot), **page.evaluate(SHOWN)})
        browser.close()
    return {"steps": shown, "problems": problems}


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout, ensure_ascii=False)
