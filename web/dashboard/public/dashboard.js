// 信访统计分析看板: the gateway's statistics drawn with ECharts. No figure is computed here that the
// API does not give: the page only sums the API's rows into the five volumes and the regions.
// After each query window.dashboardState holds what was drawn and <body data-ready> counts the
// queries answered, so that a browser test can compare the charts with the API.
"use strict";

const VOLUMES = [["hotline12345", "12345热线"], ["police110", "110警情"], ["court", "法院案件"],
  ["petitions", "信访"], ["mediation", "调解"]];
const VOLUME_COLORS = ["#5470c6", "#ee6666", "#73c0de", "#91cc75", "#fac858"];
// By channel the volume API gives these keys for the other four volumes; every other key
// (visit, letter, online, phone, fax, petition:hotline12345, …) is a channel petitions came by.
const NON_PETITION_KEYS = new Set(["hotline12345", "police110", "court", "mediation"]);
const RATES = [["timely_acceptance_rate", "及时受理率"], ["on_time_completion_rate", "按时办结率"],
  ["participation_rate", "参评率"], ["satisfaction_rate", "满意率"], ["repeat_rate", "重复信访率"],
  ["resolution_rate", "化解率"], ["first_petition_resolution_rate", "初信初访化解率"]];
const COUNTS = [["received", "登记量（件次）"], ["persons", "登记量（人次）"], ["accepted", "受理量"]];
// supervision.domain.KIND_NAMES and supervision.ladder.LETTER_NAMES (a unit test keeps them equal).
const KIND_NAMES = {acceptance: "受理告知期限", handling: "办理期限", review: "复查期限", re_review: "复核期限",
  mediation: "调解期限", monthly_review: "包案月度评估", non_compliant_handling: "不依法办理",
  buck_passing: "推诿扯皮", refusal_to_carry_out: "拒不执行处理意见", delay: "拖延办理"};
const LETTER_NAMES = {reminder: "提醒函", warning: "预警函", supervision: "督办函", recommendation: "问责建议函"};

const reference = {targets: {}, regions: [], units: {}};
const charts = {};
let answered = 0;
let referenceProblem = "";  // shown with every query's status: regions and targets are missing

// -- dates (ISO strings; Date objects in UTC so that no time zone shifts a day) -----------------
const day = (iso) => new Date(iso + "T00:00:00Z");
const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (d, n) => new Date(d.getTime() + n * 86400000);

function todayIso() {
  const now = new Date();
  return iso(new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())));
}

function quickPeriod(kind) {
  const today = day(todayIso());
  const year = today.getUTCFullYear();
  const month = kind === "year" ? 0 : kind === "quarter" ? today.getUTCMonth() - (today.getUTCMonth() % 3)
    : today.getUTCMonth();
  return {from: iso(new Date(Date.UTC(year, month, 1))), to: iso(today)};
}

// Days for a month or less, weeks up to a quarter, months beyond: a readable number of points.
function granularityFor(from, to) {
  const days = (day(to) - day(from)) / 86400000 + 1;
  return days <= 31 ? "day" : days <= 92 ? "week" : "month";
}

// Every period start the API may report, as PostgreSQL's date_trunc gives them (weeks from Monday).
function periodsOf(from, to, granularity) {
  let d = day(from);
  if (granularity === "week") d = addDays(d, -((d.getUTCDay() + 6) % 7));
  if (granularity === "month") d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const periods = [];
  for (const end = day(to); d <= end;) {
    periods.push(iso(d));
    d = granularity === "month" ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))
      : addDays(d, granularity === "week" ? 7 : 1);
  }
  return periods;
}

function periodLabel(period, granularity) {
  const [y, m, d] = period.split("-").map(Number);
  return granularity === "month" ? `${y}年${m}月` : granularity === "week" ? `${m}月${d}日当周` : `${m}月${d}日`;
}

// -- numbers ----------------------------------------------------------------------------------
const percent = (rate) => (rate === null || rate === undefined ? null : rate * 100);
const shown = (value) => (value === null || value === undefined ? "—" : `${value.toFixed(1)}%`);

function yoyText(yoy) {
  if (yoy === null || yoy === undefined) return "同比 —";
  const value = yoy * 100;
  return `同比 ${value > 0 ? "+" : ""}${value.toFixed(1)}%`;
}

function volumeOf(channelKey) {
  return NON_PETITION_KEYS.has(channelKey) ? channelKey : "petitions";
}

function regionName(code) {
  const found = reference.regions.find((r) => r.code === code);
  return found ? `${found.name}（${code}）` : code;
}

// -- the API ----------------------------------------------------------------------------------
// The access token (issued by `./run token issue`): kept for this browser tab only, never in the URL.
const TOKEN_KEY = "xinfang.token";

function takeTokenFromLink() {
  // A link may carry it once in the fragment (never sent to the server); it is removed at once.
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get("token")) {
    sessionStorage.setItem(TOKEN_KEY, fragment.get("token"));
    history.replaceState(null, "", location.pathname + location.search);
  }
}

function askForToken(message) {
  const form = document.getElementById("signin");
  form.hidden = false;
  document.getElementById("signin-message").textContent = message;
  document.getElementById("token").focus();
}

async function api(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null));
  const headers = {Accept: "application/json"};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const answer = await fetch(`${path}${String(query) ? "?" + query : ""}`, {headers});
  const body = await answer.json().catch(() => ({}));
  if (answer.status === 401) {
    askForToken(token ? "访问令牌无效或已吊销，请重新输入" : "请输入访问令牌");
    throw new Error("需要有效的访问令牌");
  }
  if (answer.status === 403) throw new Error("当前令牌的角色无权查看统计数据");
  if (!answer.ok) {
    const fields = body.errors ? Object.entries(body.errors).map(([k, v]) => `${k}: ${[].concat(v).join("；")}`) : [];
    throw new Error(fields.join("，") || body.message || `HTTP ${answer.status}`);
  }
  return body;
}

async function loadReference() {
  const [targets, regions, units] = await Promise.all([
    api("/api/stats/targets"), api("/api/reference/regions"), api("/api/reference/units")]);
  reference.targets = targets.targets;
  reference.regions = regions.regions;
  reference.units = Object.fromEntries(units.units.map((u) => [u.id, u.name]));
  const list = document.getElementById("region-list");
  for (const region of reference.regions) {
    const option = document.createElement("option");
    option.value = region.prefix;
    option.label = region.name;
    option.textContent = region.name;
    list.append(option);
  }
}

async function query(filter) {
  const granularity = granularityFor(filter.from, filter.to);
  const period = {from: filter.from, to: filter.to, region: filter.region};
  const [summary, volume, regions, overdue] = await Promise.all([
    api("/api/stats/summary", period),
    api("/api/stats/volume", {...period, granularity, by: "channel"}),
    api("/api/stats/volume", {...period, granularity, by: "region"}),
    // Overdue now, whatever the period: watches are recorded when opened, so a past day's list
    // would miss what was registered late for it.
    api("/api/supervision/overdue", {region: filter.region})]);
  return {filter, granularity, summary, volume, regions, overdue, targets: reference.targets};
}

// -- drawing ----------------------------------------------------------------------------------
function chart(id) {
  if (!window.echarts) return null;
  charts[id] = charts[id] || echarts.init(document.getElementById(id), null, {locale: "ZH"});
  return charts[id];
}

function drawKpis(summary) {
  const items = [...COUNTS.map(([key, label]) => [label, summary[key], summary.yoy[key]]),
    ...VOLUMES.map(([key, label]) => [label, summary.five_volumes[key], summary.yoy.five_volumes[key]])];
  document.getElementById("kpis").replaceChildren(...items.map(([label, value, yoy]) => {
    const li = document.createElement("li");
    li.innerHTML = "<span class=label></span><strong></strong><span class=yoy></span>";
    li.querySelector(".label").textContent = label;
    li.querySelector("strong").textContent = value;
    li.querySelector(".yoy").textContent = yoyText(yoy);
    li.querySelector(".yoy").classList.toggle("up", yoy > 0);
    return li;
  }));
}

function drawVolumes(state) {
  const periods = periodsOf(state.filter.from, state.filter.to, state.granularity);
  const sums = {};  // volume → "current"/"previous_year" → period → count
  for (const [key] of VOLUMES) sums[key] = {current: {}, previous_year: {}};
  for (const row of state.volume.series) {
    const volume = sums[volumeOf(row.key)];
    volume.current[row.period] = (volume.current[row.period] || 0) + row.count;
    volume.previous_year[row.period] = (volume.previous_year[row.period] || 0) + row.previous_year_count;
  }
  const series = VOLUMES.flatMap(([key, label], i) => ["current", "previous_year"].map((when) => ({
    id: `${key}:${when}`, name: when === "current" ? label : `${label}（上年同期）`, type: "line",
    color: VOLUME_COLORS[i], symbolSize: 6, lineStyle: when === "current" ? {width: 2} : {type: "dashed", width: 1},
    data: periods.map((p) => sums[key][when][p] || 0)})));
  chart("chart-volumes")?.setOption({
    aria: {enabled: true}, tooltip: {trigger: "axis"},
    legend: {type: "scroll", top: 0}, grid: {left: 48, right: 16, top: 40, bottom: 32},
    xAxis: {type: "category", data: periods.map((p) => periodLabel(p, state.granularity))},
    yAxis: {type: "value", name: "件", minInterval: 1}, series}, {notMerge: true});
}

function drawRates(state) {
  const rows = RATES.map(([key, label]) => ({key, label, current: percent(state.summary[key]),
    previous: percent(state.summary.previous_year[key]), target: percent(state.targets[key])}));
  const below = (r) => r.target !== null && r.current !== null && r.current < r.target;
  chart("chart-rates")?.setOption({
    aria: {enabled: true}, legend: {top: 0},
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: shown},
    grid: {left: 8, right: 40, top: 32, bottom: 8, containLabel: true},
    xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", inverse: true, data: rows.map((r) => r.label)},
    series: [
      {id: "current", name: "本期", type: "bar", label: {show: true, position: "right", formatter: (p) => shown(p.value)},
        data: rows.map((r) => ({value: r.current, key: r.key, itemStyle: below(r) ? {color: "#ee6666"} : undefined}))},
      {id: "previous_year", name: "上年同期", type: "bar", color: "#c0c4cc",
        data: rows.map((r) => ({value: r.previous, key: r.key}))},
      {id: "target", name: "目标值", type: "scatter", symbol: "rect", symbolSize: [3, 26], color: "#333",
        data: rows.map((r) => ({value: r.target, key: r.key}))}]}, {notMerge: true});
}

function drawRegions(state) {
  const totals = {};
  for (const row of state.regions.series) {
    totals[row.key] = totals[row.key] || {current: 0, previous_year: 0};
    totals[row.key].current += row.count;
    totals[row.key].previous_year += row.previous_year_count;
  }
  const keys = Object.keys(totals).sort((a, b) => totals[b].current - totals[a].current || a.localeCompare(b));
  chart("chart-regions")?.setOption({
    aria: {enabled: true}, legend: {top: 0}, tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    grid: {left: 8, right: 16, top: 32, bottom: 8, containLabel: true},
    xAxis: {type: "category", data: keys.map(regionName), axisLabel: {interval: 0, rotate: keys.length > 4 ? 30 : 0}},
    yAxis: {type: "value", name: "件", minInterval: 1},
    series: [
      {id: "current", name: "本期", type: "bar", color: "#5470c6",
        data: keys.map((key) => ({value: totals[key].current, key}))},
      {id: "previous_year", name: "上年同期", type: "bar", color: "#c0c4cc",
        data: keys.map((key) => ({value: totals[key].previous_year, key}))}]}, {notMerge: true});
}

function drawOverdue(overdue) {
  document.getElementById("overdue-as-of").textContent = `截至 ${overdue.as_of}，共 ${overdue.overdue} 件`;
  const rows = overdue.units.flatMap((unit) => unit.items.map((item) => {
    const tr = document.createElement("tr");
    tr.dataset.supervisionId = item.supervision_id;
    for (const text of [reference.units[unit.unit_id] || unit.unit_id, KIND_NAMES[item.kind] || item.kind,
      regionName(item.region_code), item.deadline, String(item.days_overdue),
      item.highest_letter ? LETTER_NAMES[item.highest_letter] || item.highest_letter : "未发函"]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }));
  if (!rows.length) rows.push(Object.assign(document.createElement("tr"), {innerHTML: "<td colspan=6>无超期事项</td>"}));
  document.querySelector("#overdue tbody").replaceChildren(...rows);
}

// Resolves once every chart has drawn and finished animating, so that data-ready means "as shown".
function chartsFinished() {
  const ids = ["chart-volumes", "chart-rates", "chart-regions"];
  return Promise.all(ids.map((id) => chart(id)).filter(Boolean).map((c) => new Promise((resolve) => {
    const done = () => { c.off("finished", done); resolve(); };
    c.on("finished", done);
    setTimeout(done, 5000);  // a hidden tab draws no frames: do not wait for ever
  })));
}

function draw(state) {
  document.getElementById("period-label").textContent =
    `${state.filter.from} 至 ${state.filter.to}${state.filter.region ? "，" + regionName(state.filter.region) : ""}`;
  drawKpis(state.summary);
  drawVolumes(state);
  drawRates(state);
  drawRegions(state);
  drawOverdue(state.overdue);
}

// -- the filters ------------------------------------------------------------------------------
function readFilter() {
  return {from: document.getElementById("from").value, to: document.getElementById("to").value,
    region: document.getElementById("region").value.trim()};
}

function setStatus(text, isError = false) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.classList.toggle("error", isError);
  if (isError) document.body.dataset.error = text; else delete document.body.dataset.error;
}

async function run() {
  const filter = readFilter();
  setStatus("查询中…");
  try {
    if (filter.from > filter.to) throw new Error("起始日期不能晚于截止日期");
    const state = await query(filter);
    const finished = chartsFinished();
    draw(state);
    await finished;
    window.dashboardState = state;
    history.replaceState(null, "", `?${new URLSearchParams(filter)}`);
    if (!window.echarts) throw new Error("图表库未加载：请运行 ./run up 安装 ECharts");
    if (referenceProblem) throw new Error(referenceProblem);
    setStatus(`已更新：${state.summary.as_of}`);
  } catch (error) {
    setStatus(`查询失败：${error.message}`, true);
  } finally {
    document.body.dataset.ready = String(++answered);
  }
}

async function signIn(event) {
  event.preventDefault();
  const field = document.getElementById("token");
  sessionStorage.setItem(TOKEN_KEY, field.value.trim());
  field.value = "";
  document.getElementById("signin").hidden = true;
  referenceProblem = "";
  try {
    await loadReference();
  } catch (error) {
    referenceProblem = `参考数据加载失败：${error.message}`;
  }
  await run();
}

async function start() {
  takeTokenFromLink();
  document.getElementById("signin").addEventListener("submit", signIn);
  const params = new URLSearchParams(location.search);
  const initial = {...quickPeriod("year"), ...Object.fromEntries(params)};
  for (const name of ["from", "to", "region"]) document.getElementById(name).value = initial[name] || "";
  document.getElementById("filters").addEventListener("submit", (event) => { event.preventDefault(); run(); });
  for (const button of document.querySelectorAll("[data-period]")) {
    button.addEventListener("click", () => {
      const period = quickPeriod(button.dataset.period);
      document.getElementById("from").value = period.from;
      document.getElementById("to").value = period.to;
      run();
    });
  }
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  try {
    await loadReference();
  } catch (error) {
    referenceProblem = `参考数据加载失败：${error.message}`;
  }
  await run();
}

start();
