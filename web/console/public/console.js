// 信访业务办理平台 (/console): the staff's views of the petitions, chosen by the role of the token
// (GET /api/me). Every load and action ends with <body data-ready> counting up (tests wait on it),
// success in #status and failure in #error; field errors go beside their fields (common.js).
"use strict";

const {h, api, field, formatDate, formatDateTime, showErrors, clearErrors} = window.XF;

const ROLE_NAMES = {clerk: "登记受理员", unit_handler: "责任单位经办人", leader: "包案领导", supervisor: "督查督办",
  analyst: "统计分析", administrator: "系统管理员", inspector: "纪检监察", agency: "外部系统"};
const VIEW_NAMES = {register: "登记", acceptance: "待受理", prereview: "答复预审", petition: "查看信访件",
  queue: "本单位办件", leader: "包案件", overdue: "超期督办", letters: "督办函", analysis: "统计分析"};
const ROLE_VIEWS = {
  clerk: ["register", "acceptance", "prereview", "petition"],
  administrator: ["register", "acceptance", "prereview", "petition", "overdue", "letters"],
  unit_handler: ["queue", "letters"],
  leader: ["leader", "letters"],
  supervisor: ["overdue", "letters"],
  analyst: ["analysis"],
  inspector: ["petition"],  // the only readers of accusations (A29): they look petitions up
};
const STATUS_NAMES = {registered: "已登记", accepted: "已受理", not_accepted: "不予受理", diverted: "已导入法定途径",
  assigned: "已交办", signed: "已签收", objected: "异议待决定", pre_review: "答复预审中", replied: "已答复",
  evaluated: "已评价", unrated_expired: "评价期满未评价", under_review: "复查中", under_re_review: "复核中",
  reviewed: "已复查", closed: "已办结", withdrawn: "已撤回",
  designated: "已确定为积案", owned: "已包案", resolved: "已化解", terminated: "已终止"};
const CHANNEL_NAMES = {visit: "来访", letter: "来信", phone: "来电", online: "网上", fax: "传真"};
const DECISIONS = [["accepted", "受理"], ["not_accepted", "不予受理"], ["diverted", "转法定途径"]];
const ROUTES = [["litigation", "诉讼"], ["arbitration", "仲裁"], ["reconsideration", "行政复议"], ["mediation", "调解"],
  ["other", "其他"]];
const DISPATCH_MODES = [["assignment", "交办"], ["transfer", "转送"]];
const AWAITING = {sign: "待签收", reply: "待答复", pre_review: "待预审", evaluation: "待评价", review: "复查中",
  objection: "异议待决定", objection_decision: "异议待决定"};
const EVENT_NAMES = {registered: "登记", acceptance_decided: "受理决定", assignment_linked: "交办",
  handling_progressed: "办理进展", created: "交办", signed: "签收", objected: "提出异议", objection_rejected: "异议未获支持",
  rerouted: "改派", co_units_added: "增加协办单位", co_opinion_given: "协办意见", extended: "延期",
  mediation_requested: "申请调解", joint_handling_requested: "申请联合办理", joint_report_recorded: "联办报告",
  joint_report_waived: "免于联办报告", reply_drafted: "答复送预审", pre_reviewed: "答复预审", replied: "答复",
  evaluated: "评价", evaluation_expired: "评价期满", review_requested: "申请复查", hearing_held: "听证",
  review_decided: "复查决定", withdrawn: "撤回"};
// supervision.domain.KIND_NAMES and supervision.ladder.LETTER_NAMES, as on the dashboard.
const KIND_NAMES = {acceptance: "受理告知期限", handling: "办理期限", review: "复查期限", re_review: "复核期限",
  mediation: "调解期限", monthly_review: "包案月度评估", non_compliant_handling: "不依法办理",
  buck_passing: "推诿扯皮", refusal_to_carry_out: "拒不执行处理意见", delay: "拖延办理"};
const LETTER_NAMES = {reminder: "提醒函", warning: "预警函", supervision: "督办函", recommendation: "问责建议函"};
// A reply in these states is with the bureau or the petitioner: the unit has nothing to send.
const REPLY_DONE = new Set(["pre_review", "replied", "evaluated", "unrated_expired", "closed", "reviewed",
  "under_review", "under_re_review"]);

const state = {me: null, reference: {}, view: null, queue: [], queueFilter: "all", registerKey: null, registerKeyUsed: false,
  lastRepeatCheck: "", registered: null, prereviewUnits: {}, letters: []};
let finished = 0;

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;
const nameOf = (map, code) => (code && map[code]) || code || "—";
const statusName = (code) => nameOf(STATUS_NAMES, code);

function say(text) {
  $("status").textContent = text;
}

// One load or action. Its own failures are shown by the caller or here; data-ready moves on after.
async function act(work) {
  $("error").textContent = "";
  try {
    await work();
  } catch (error) {
    say("");
    if (error.status !== 401) $("error").textContent = error.message || String(error);
  } finally {
    document.body.dataset.ready = String(++finished);
  }
}

// A form's call: field errors beside the fields, the rest in #error; resolves to null when refused.
async function submit(form, call, opts) {
  clearErrors(form);
  $("error").textContent = "";
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  try {
    return await call();
  } catch (error) {
    say("");
    if (error.status !== 401) showErrors(form, error, $("error"), opts);
    return null;
  } finally {
    if (button) button.disabled = false;
  }
}

function dl(pairs) {
  return h("dl", {class: "facts"}, pairs.filter(Boolean).map(([label, value, id]) =>
    [h("dt", {text: label}), h("dd", {id, text: value === null || value === undefined || value === "" ? "—" : value})]));
}

function daysText(days, overdue) {
  if (typeof days !== "number") return overdue ? "已超期" : "—";
  if (days < 0) return `超期 ${-days} 天`;
  return days === 0 ? "今日到期" : `${days} 天`;
}

function emptyRow(tbody, columns, text) {
  tbody.replaceChildren(h("tr", {}, h("td", {colspan: String(columns), class: "empty", text})));
}

function radio(name, value, id, label, checked) {
  return h("div", {class: "choice"}, h("input", {type: "radio", name, value, id, checked: !!checked}),
    h("label", {for: id, text: label}));
}

function select(id, items, placeholder) {
  return h("select", {id, name: id}, placeholder ? h("option", {value: "", text: placeholder}) : null,
    items.map(([code, label]) => h("option", {value: code, text: label})));
}

function historyList(id, entries) {
  return h("ol", {id, class: "history"}, (entries || []).map((e) => h("li", {},
    h("time", {datetime: e.at || "", text: formatDateTime(e.at)}), " ",
    h("span", {text: EVENT_NAMES[e.type] || e.type || ""}),
    e.stage ? ` ${EVENT_NAMES[e.stage] || STATUS_NAMES[e.stage] || e.stage}` : "",
    e.decision ? ` ${nameOf(Object.fromEntries(DECISIONS), e.decision)}` : "",
    e.actor ? h("span", {class: "hint", text: ` （${e.actor}）`}) : null)));
}

// -- signing in and out -----------------------------------------------------------------------
function showSignin(message) {
  state.me = null;
  for (const id of ["app", "views", "whoami"]) $(id).hidden = true;
  $("signin").hidden = false;
  $("signin-message").textContent = message || "";
  $("token").focus();
}

XF.onUnauthorized = () => {
  sessionStorage.removeItem(XF.TOKEN_KEY);
  showSignin("访问令牌无效或已吊销，请重新输入");
};

// A failure other than 401 (which signs out by itself) leaves the sign-in form open with its reason.
async function enter() {
  let me;
  try {
    me = await api("/api/me");
  } catch (error) {
    if (error.status !== 401) showSignin(`无法获取当前用户：${error.message}`);
    throw error;
  }
  state.me = me;
  $("signin").hidden = true;
  $("me-user").textContent = me.user;
  $("me-role").textContent = ROLE_NAMES[me.role] || me.role;
  $("me-unit").textContent = me.unit ? `单位：${me.unit}` : "";
  $("whoami").hidden = false;
  const views = ROLE_VIEWS[me.role] || [];
  $("views").replaceChildren(...views.map((view) => h("button", {type: "button", id: `nav-${view}`,
    "aria-controls": `${view}-view`, dataset: {view}, text: VIEW_NAMES[view],
    onclick: () => act(() => showView(view))})));
  $("views").hidden = false;
  $("app").hidden = false;
  try {
    state.reference = await api("/api/public/reference", {auth: false});
  } catch (error) {
    state.reference = {};
    $("error").textContent = `参考数据加载失败：${error.message}`;
  }
  XF.fillReference(state.reference);
  if (!views.length) {
    say("当前角色在本平台没有可办理的事项");
    return;
  }
  await showView(views[0], {focus: false});
  say(`已登录：${me.user}（${ROLE_NAMES[me.role] || me.role}）`);
}

async function signIn(event) {
  event.preventDefault();
  const value = $("token").value.trim();
  if (!value) {
    showSignin("请输入访问令牌");
    return;
  }
  sessionStorage.setItem(XF.TOKEN_KEY, value);
  $("token").value = "";
  await enter();
}

function signOut() {
  sessionStorage.removeItem(XF.TOKEN_KEY);
  Object.assign(state, {queue: [], letters: [], registered: null, registerKey: null, registerKeyUsed: false, lastRepeatCheck: ""});
  // Nothing the last user saw (personal data included) stays in the page for the next one.
  for (const panel of ["assignment-panel", "prereview-panel", "letter-panel"]) XF.fill($(panel)).hidden = true;
  for (const id of ["registered-id", "registered-code", "registered-status", "registered-repeat"]) $(id).textContent = "";
  $("registered").hidden = true;
  for (const form of ["register-form", "petition-open-form"]) {
    $(form).reset();
    clearErrors($(form));
  }
  for (const table of document.querySelectorAll("main table")) XF.fill(table.tBodies[0]);
  XF.fill($("repeat-list"));
  XF.fill($("petition-details"));
  say("已退出");
  showSignin("");
}

// -- views ------------------------------------------------------------------------------------
const LOADERS = {acceptance: loadAcceptance, prereview: loadPrereview, queue: loadQueue, leader: loadLeader,
  overdue: loadOverdue, letters: loadLetters};

async function showView(view, {load = true, focus = true} = {}) {
  state.view = view;
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.id !== `${view}-view`;
  for (const button of $("views").querySelectorAll("button")) {
    if (button.dataset.view === view) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  if (load && LOADERS[view]) await LOADERS[view]();
  if (focus) $(`${view}-title`).focus();
}

// -- 登记 -------------------------------------------------------------------------------------
function repeatCheckBody() {
  const body = XF.petitionBody();
  const out = {petitioner: body.petitioner, category: body.category};
  if (body.region_code) out.region_code = body.region_code;
  return out;
}

// Checked by itself once who and what are known (name valid, category chosen), and again on a change.
function maybeCheckRepeats() {
  const ids = ["petitioner-name", "petitioner-id_number", "petitioner-phone", "category"];
  if (!ids.every((id) => $(id).checkValidity()) || !$("petitioner-name").value.trim() || !$("category").value) return;
  const key = JSON.stringify(repeatCheckBody());
  if (key === state.lastRepeatCheck) return;
  act(() => checkRepeats());
}

async function checkRepeats() {
  const form = $("register-form");
  const body = repeatCheckBody();
  state.lastRepeatCheck = JSON.stringify(body);
  const answer = await submit(form, () => api("/api/petitions/possible-repeats", {method: "POST", body}));
  if (!answer) return;
  const found = answer.petitions || [];
  const list = $("repeat-list");
  if (!found.length) {
    list.replaceChildren(h("p", {text: "未发现该信访人的其他信访件"}));
    say("查重完成：未发现重复");
    return;
  }
  list.replaceChildren(h("p", {text: `可能的重复信访：${found.length} 件`}), h("ul", {}, found.map((p) =>
    h("li", {dataset: {petitionId: p.id}},
      `${formatDate(p.received_at)} ${p.category_name || XF.nameOf(state.reference.categories, p.category)} ${statusName(p.status)}`,
      p.same_matter ? h("span", {class: "badge", text: "同一事项"}) : null, " ",
      h("button", {type: "button", class: "link open-petition", dataset: {petitionId: p.id}, text: "查看",
        "aria-label": `查看信访件 ${p.id}`, onclick: () => act(() => openPetition(p.id))})))));
  say(`查重完成：可能的重复信访 ${found.length} 件`);
}

async function register(event) {
  event.preventDefault();
  const form = $("register-form");
  if (!state.registerKey) state.registerKey = XF.uuid();
  const body = {...XF.petitionBody(), channel: $("channel").value};
  const receivedAt = XF.fromLocalInput($("received_at").value);
  if (receivedAt) body.received_at = receivedAt;
  const answer = await submit(form, () => api("/api/petitions", {method: "POST", body,
    headers: {"Idempotency-Key": state.registerKey}}));
  if (!answer) return;
  state.registered = answer;
  $("registered-id").textContent = answer.id;
  $("registered-code").textContent = answer.query_code || "—";
  $("registered-status").textContent = statusName(answer.status);
  $("registered-repeat").textContent = answer.repeat_of ? `重复信访，首次信访件：${answer.repeat_of}` : "";
  state.registerKeyUsed = true;  // the same form sent again registers nothing new; an edit makes it another
  $("registered").hidden = false;
  $("registered").focus();
  say(`已登记：${answer.id}`);
}

function registerAnother() {
  const form = $("register-form");
  form.reset();
  clearErrors(form);
  XF.fillReference(state.reference);
  $("repeat-list").replaceChildren();
  Object.assign(state, {registerKey: null, registerKeyUsed: false, lastRepeatCheck: "", registered: null});
  $("registered").hidden = true;
  $("petitioner-name").focus();
}

// -- 待受理 -----------------------------------------------------------------------------------
async function loadAcceptance() {
  const answer = await api("/api/worklists/acceptance");
  const items = [...(answer.items || [])].sort((a, b) => (a.days_left ?? 0) - (b.days_left ?? 0));
  const tbody = $("acceptance-table").tBodies[0];
  if (!items.length) {
    emptyRow(tbody, 8, "暂无待受理的信访件");
  } else {
    tbody.replaceChildren(...items.map((item) => {
      const late = typeof item.days_left === "number" && item.days_left < 0;
      return h("tr", {class: late ? "overdue" : null, dataset: {petitionId: item.petition_id}},
        h("td", {text: formatDate(item.received_on)}),
        h("td", {text: item.channel_name || nameOf(CHANNEL_NAMES, item.channel)}),
        h("td", {}, item.category_name || XF.nameOf(state.reference.categories, item.category),
          item.is_repeat ? h("span", {class: "badge", text: "重复"}) : null),
        h("td", {text: XF.nameOf(state.reference.matter_types || XF.MATTER_TYPES, item.matter_type)}),
        h("td", {text: XF.nameOf(state.reference.regions, item.region_code)}),
        h("td", {text: formatDate(item.acceptance_deadline)}),
        h("td", {class: "days", text: daysText(item.days_left)}),
        h("td", {}, h("button", {type: "button", class: "open-petition", dataset: {petitionId: item.petition_id},
          "aria-label": `受理审查：${formatDate(item.received_on)} ${item.category_name || item.category || ""}`,
          text: "受理审查", onclick: () => act(() => openPetition(item.petition_id))})));
    }));
  }
  say(`待受理 ${items.length} 件`);
}

// -- 查看信访件 -------------------------------------------------------------------------------
async function openPetition(id) {
  await showView("petition", {load: false, focus: false});
  $("petition-id").value = id;
  await loadPetition(id);
}

async function loadPetition(id, focusId = "petition-heading") {
  const p = await api(`/api/petitions/${enc(id)}`);
  let notices = [];
  let noticeProblem = "";
  try {
    notices = (await api(`/api/petitions/${enc(id)}/notices`)).notices || [];
  } catch (error) {
    if (error.status === 401) throw error;
    noticeProblem = `告知书加载失败：${error.message}`;
  }
  drawPetition(p, notices, noticeProblem);
  say(`已打开信访件 ${p.id}（${statusName(p.status)}）`);
  const target = $(focusId);
  if (target) target.focus();
}

function drawPetition(p, notices, noticeProblem) {
  XF.clearPrint();
  const person = p.petitioner || {};
  const d = p.decision;
  const decision = d ? `${nameOf(Object.fromEntries(DECISIONS), d.decision)}${d.route ? "（" + nameOf(Object.fromEntries(ROUTES), d.route) + "）" : ""}：${d.reason || ""}` : null;
  const ref = state.reference;
  XF.fill($("petition-details"),
    h("h3", {id: "petition-heading", tabindex: "-1", text: `信访件 ${p.id}`}),
    dl([["状态", statusName(p.status), "petition-status"],
      ["信访形式", nameOf(CHANNEL_NAMES, p.channel)],
      ["信访人", person.name], ["身份证号", person.id_number], ["手机号码", person.phone],
      ["问题发生地", p.region_code ? `${XF.nameOf(ref.regions, p.region_code)}（${p.region_code}）` : null],
      ["问题类别", XF.nameOf(ref.categories, p.category)],
      ["信访事项类型", XF.nameOf(ref.matter_types && ref.matter_types.length ? ref.matter_types : XF.MATTER_TYPES, p.matter_type)],
      // shown so that whoever accepts and dispatches it sends it anywhere but there (A30)
      p.accused_unit ? ["被反映（被举报）单位", XF.nameOf(ref.units, p.accused_unit), "petition-accused_unit"] : null,
      ["标题", p.subject], ["反映的问题和事实理由", p.content],
      ["登记时间", formatDateTime(p.received_at)], ["受理告知期限", formatDate(p.acceptance_deadline)],
      ["重复信访", p.repeat_of ? `是，首次信访件 ${p.repeat_of}` : "否", "petition-repeat_of"],
      decision ? ["受理决定", decision] : null,
      p.assignment_id ? ["交办件", `交办件编号：${p.assignment_id}`, "petition-assignment"] : null]),
    h("h4", {text: "处理记录"}), historyList("petition-history", p.history),
    p.status === "registered" ? acceptanceForm(p) : null,
    h("div", {id: "petition-notices", class: "notices"},
      h("h4", {id: "petition-notices-title", tabindex: "-1", text: "告知书"}),
      noticeProblem ? h("p", {class: "form-error", text: noticeProblem}) : null,
      notices.length ? notices.map((n) => XF.noticeArticle(n, "打印告知书"))
        : noticeProblem ? null : h("p", {class: "hint", text: "暂无告知书"})));
}

function acceptanceForm(p) {
  const routeField = h("div", {id: "decision-route-field", hidden: true},
    field("法定途径", select("decision-route", ROUTES, "请选择")));
  const form = h("form", {id: "acceptance-form", novalidate: true, "aria-labelledby": "acceptance-form-title"},
    h("h3", {id: "acceptance-form-title", text: "受理审查"}),
    h("fieldset", {id: "decision"}, h("legend", {text: "受理决定"}),
      DECISIONS.map(([code, label]) => radio("decision", code, `decision-${code}`, label))),
    field("理由", h("textarea", {id: "decision-reason", name: "reason", rows: "4", required: true})),
    routeField,
    field("办理方式（受理后）", select("decision-dispatch_mode", DISPATCH_MODES)),
    h("div", {class: "actions"}, h("button", {id: "decision-submit", type: "submit", class: "primary", text: "提交受理决定"})));
  form.addEventListener("change", () => {
    const chosen = form.querySelector("input[name=decision]:checked");
    routeField.hidden = !chosen || chosen.value !== "diverted";
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(() => decide(form, p.id));
  });
  return form;
}

async function decide(form, id) {
  const chosen = form.querySelector("input[name=decision]:checked");
  const body = {reason: $("decision-reason").value.trim(), dispatch_mode: $("decision-dispatch_mode").value};
  if (chosen) body.decision = chosen.value;
  if (chosen && chosen.value === "diverted" && $("decision-route").value) body.route = $("decision-route").value;
  const answer = await submit(form, () => api(`/api/petitions/${enc(id)}/acceptance`, {method: "POST", body}),
    {map: {decision: "decision", reason: "decision-reason", route: "decision-route", dispatch_mode: "decision-dispatch_mode"}});
  if (!answer) return;
  await loadPetition(id, "petition-notices-title");
  say(`已作出受理决定：${nameOf(Object.fromEntries(DECISIONS), body.decision)}，告知书见下方`);
}

// -- 答复预审 ---------------------------------------------------------------------------------
async function loadPrereview() {
  const items = (await api("/api/worklists/pre-review")).items || [];
  const tbody = $("prereview-table").tBodies[0];
  state.prereviewUnits = Object.fromEntries(items.map((i) => [i.assignment_id, i.unit_name || i.unit_id]));
  if (!items.length) emptyRow(tbody, 6, "暂无待预审的答复");
  else {
    tbody.replaceChildren(...items.map((item) => {
      const late = typeof item.days_left === "number" && item.days_left < 0;
      return h("tr", {class: late ? "overdue" : null, dataset: {assignmentId: item.assignment_id}},
        h("td", {text: item.unit_name || item.unit_id}), h("td", {text: formatDate(item.submitted_on)}),
        h("td", {text: formatDate(item.handling_deadline)}), h("td", {class: "days", text: daysText(item.days_left)}),
        h("td", {text: item.petition_id}),
        h("td", {}, h("button", {type: "button", class: "open-prereview", dataset: {assignmentId: item.assignment_id},
          "aria-label": `预审：${item.unit_name || item.unit_id || ""} ${formatDate(item.submitted_on)}`, text: "预审",
          onclick: () => act(() => openPrereview(item.assignment_id))})));
    }));
  }
  say(`待预审 ${items.length} 件`);
}

async function openPrereview(id) {
  const a = await api(`/api/assignments/${enc(id)}`);
  const draft = a.draft || {};
  const panel = $("prereview-panel");
  const form = h("form", {id: "prereview-form", novalidate: true, "aria-labelledby": "prereview-form-title"},
    h("h4", {id: "prereview-form-title", text: "预审结论"}),
    h("fieldset", {id: "prereview-approved"}, h("legend", {text: "是否同意送达"}),
      radio("approved", "true", "prereview-approve", "同意，答复送达信访人"),
      radio("approved", "false", "prereview-reject", "退回修改")),
    field("预审意见（退回时必填）", h("textarea", {id: "prereview-comments", name: "comments", rows: "3"})),
    h("div", {class: "actions"}, h("button", {id: "prereview-submit", type: "submit", class: "primary", text: "提交预审结论"})));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(() => preReview(form, id));
  });
  XF.fill(panel,
    h("h3", {id: "prereview-panel-title", tabindex: "-1", text: `答复预审：交办件 ${a.id || id}`}),
    dl([["信访件", a.petition_id], ["责任单位", state.prereviewUnits[id] || a.unit], ["办理期限", formatDate(a.deadline)],
      ["处理结果", nameOf(XF.OUTCOMES, draft.outcome)], ["送审时间", formatDateTime(draft.drafted_at)]]),
    a.draft ? XF.opinionBlock(draft.opinion, draft.signatures) : h("p", {class: "hint", text: "该交办件当前没有待预审的答复"}),
    form);
  panel.hidden = false;
  $("prereview-panel-title").focus();
  say(`已打开待预审答复：交办件 ${a.id || id}`);
}

async function preReview(form, id) {
  const chosen = form.querySelector("input[name=approved]:checked");
  const body = {comments: $("prereview-comments").value.trim()};
  if (chosen) body.approved = chosen.value === "true";
  const answer = await submit(form, () => api(`/api/assignments/${enc(id)}/pre-review`, {method: "POST", body}),
    {map: {approved: "prereview-approved", comments: "prereview-comments"}});
  if (!answer) return;
  $("prereview-panel").hidden = true;
  await loadPrereview();
  say(body.approved ? "预审通过，答复已送达信访人" : "已退回责任单位修改");
  $("prereview-title").focus();
}

// -- 本单位办件 -------------------------------------------------------------------------------
async function loadQueue() {
  state.queue = (await api("/api/worklists/assignments")).items || [];
  drawQueue();
  say(`本单位办件 ${state.queue.length} 件`);
}

function drawQueue() {
  const f = state.queueFilter;
  for (const button of document.querySelectorAll("[data-filter]")) button.setAttribute("aria-pressed", String(button.dataset.filter === f));
  const items = state.queue.filter((i) => f === "all" || (f === "signed") === !!i.signed);
  const tbody = $("queue-table").tBodies[0];
  if (!items.length) {
    emptyRow(tbody, 10, f === "all" ? "暂无办件" : "没有符合条件的办件");
    return;
  }
  tbody.replaceChildren(...items.map((item) => {
    const late = item.overdue || (typeof item.days_left === "number" && item.days_left < 0);
    return h("tr", {class: late ? "overdue" : null, dataset: {assignmentId: item.assignment_id}},
      h("td", {text: item.petition_id}),
      h("td", {text: item.category_name || XF.nameOf(state.reference.categories, item.category)}),
      h("td", {text: formatDate(item.received_on)}),
      h("td", {text: item.status_name || statusName(item.status || item.stage)}),
      h("td", {text: item.signed ? "已签收" : "未签收"}), h("td", {text: formatDate(item.sign_deadline)}),
      h("td", {text: formatDate(item.handling_deadline)}), h("td", {class: "days", text: daysText(item.days_left, item.overdue)}),
      h("td", {text: nameOf(AWAITING, item.awaiting)}),
      h("td", {}, h("button", {type: "button", class: "open-assignment", dataset: {assignmentId: item.assignment_id},
        "aria-label": `办理：信访件 ${item.petition_id}`, text: "办理",
        onclick: () => act(() => openAssignment(item.assignment_id))})));
  }));
}

function extensionText(x) {
  if (!x) return null;
  return `延期 ${x.days} 天；理由：${x.reason || "—"}；批准人：${x.approved_by || "—"}`;
}

async function openAssignment(id, focusId = "assignment-title") {
  const a = await api(`/api/assignments/${enc(id)}`);
  const history = a.history || [];
  const unsigned = a.status ? a.status === "assigned" : !history.some((e) => e.type === "signed");
  const rejected = (a.pre_reviews || []).filter((r) => !r.approved).pop();
  const handling = !unsigned && !REPLY_DONE.has(a.status);
  const panel = $("assignment-panel");
  XF.fill(panel,
    h("h3", {id: "assignment-title", tabindex: "-1", text: `交办件 ${a.id || id}`}),
    dl([["信访件", a.petition_id], ["状态", statusName(a.status), "assignment-status"],
      ["责任单位", a.unit], ["办理方式", nameOf(Object.fromEntries(DISPATCH_MODES), a.mode)],
      ["签收期限", formatDate(a.sign_deadline)], ["办理期限", formatDate(a.deadline || a.handling_deadline)],
      a.extension ? ["延期", extensionText(a.extension), "assignment-extension"] : null,
      rejected && handling ? ["预审退回意见", rejected.comments] : null]),
    h("h4", {text: "办理记录"}), historyList("assignment-history", history),
    unsigned ? h("div", {class: "actions"}, h("button", {id: "sign-button", type: "button", class: "primary", text: "签收",
      onclick: () => act(() => sign(id))})) : null,
    handling ? extensionForm(id) : null,
    handling ? replyForm(id, a.draft) : null,
    a.status === "pre_review" ? h("p", {class: "done", text: "答复已送预审，等待信访部门预审"}) : null);
  panel.hidden = false;
  const target = $(focusId);
  if (target) target.focus();
}

async function afterAssignmentAction(id, message, focusId) {
  await loadQueue();
  await openAssignment(id, focusId);
  say(message);
}

async function sign(id) {
  const button = $("sign-button");
  button.disabled = true;
  try {
    await api(`/api/assignments/${enc(id)}/sign`, {method: "POST", body: {unit: (state.me && state.me.unit) || ""}});
  } finally {
    button.disabled = false;
  }
  await afterAssignmentAction(id, "已签收", "assignment-status");
}

function extensionForm(id) {
  const form = h("form", {id: "extension-form", novalidate: true, "aria-labelledby": "extension-title"},
    h("h4", {id: "extension-title", text: "申请延期"}),
    h("div", {class: "grid"},
      field("延期天数（1–30）", h("input", {id: "extension-days", name: "days", type: "number", min: "1", max: "30", step: "1", required: true})),
      field("批准人", h("input", {id: "extension-approved_by", name: "approved_by", maxlength: "50", required: true}))),
    field("延期理由", h("textarea", {id: "extension-reason", name: "reason", rows: "2", required: true})),
    h("div", {class: "actions"}, h("button", {id: "extension-submit", type: "submit", text: "提交延期"})));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(async () => {
      const days = $("extension-days").value.trim();
      const body = {reason: $("extension-reason").value.trim(), approved_by: $("extension-approved_by").value.trim()};
      if (days) body.days = /^-?\d+$/.test(days) ? Number(days) : days;
      const answer = await submit(form, () => api(`/api/assignments/${enc(id)}/extension`, {method: "POST", body}),
        {prefix: "extension-"});
      if (answer) await afterAssignmentAction(id, `已延期，新的办理期限：${formatDate(answer.deadline)}`, "assignment-extension");
    });
  });
  return form;
}

// What the reply still lacks, as the server's rule (dispatch.opinion) will say.
function replyMissing() {
  const missing = XF.OPINION.filter(([key]) => !$(`opinion-${key}`).value.trim()).map(([, label]) => label);
  for (const [role, label] of Object.entries(XF.SIGNERS)) if (!$(`signature-${role}`).value.trim()) missing.push(`${label}签字`);
  $("reply-missing").textContent = missing.length ? `尚缺：${missing.join("、")}` : "要素齐全";
  $("reply-missing").classList.toggle("late", missing.length > 0);
}

function replyForm(id, draft) {
  const d = draft || {};
  const signed = Object.fromEntries((d.signatures || []).map((s) => [s.role, s.name]));
  const form = h("form", {id: "reply-form", novalidate: true, "aria-labelledby": "reply-title"},
    h("h4", {id: "reply-title", text: "信访事项处理意见书"}),
    h("fieldset", {id: "outcome"}, h("legend", {text: "处理结果"}),
      Object.entries(XF.OUTCOMES).map(([code, label]) => radio("outcome", code, `outcome-${code}`, label, d.outcome === code))),
    XF.OPINION.map(([key, label]) => field(label, h("textarea", {id: `opinion-${key}`, name: key, rows: "3",
      value: (d.opinion && d.opinion[key]) || ""}))),
    h("fieldset", {id: "signatures"}, h("legend", {text: "双审双签"}),
      h("div", {class: "grid"}, Object.entries(XF.SIGNERS).map(([role, label]) => field(`${label}签字`,
        h("input", {id: `signature-${role}`, name: role, maxlength: "50", value: signed[role] || ""}))))),
    h("p", {id: "reply-missing", "aria-live": "polite"}),
    h("div", {class: "actions"}, h("button", {id: "reply-submit", type: "submit", class: "primary", text: "送预审"})));
  form.addEventListener("input", replyMissing);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(() => sendReply(form, id));
  });
  queueMicrotask(replyMissing);  // once the form is in the document
  return form;
}

async function sendReply(form, id) {
  const chosen = form.querySelector("input[name=outcome]:checked");
  const opinion = Object.fromEntries(XF.OPINION.map(([key]) => [key, $(`opinion-${key}`).value.trim()]));
  // Unsigned roles are left out rather than sent empty, so the server names every missing element at once.
  const signatures = Object.keys(XF.SIGNERS).map((role) => ({role, name: $(`signature-${role}`).value.trim()}))
    .filter((s) => s.name);
  const body = {opinion, signatures};
  if (chosen) body.outcome = chosen.value;
  const answer = await submit(form, () => api(`/api/assignments/${enc(id)}/reply`, {method: "POST", body}));
  if (!answer) return;
  const message = answer.status === "pre_review" || !answer.status ? "已送预审" : `答复已提交，当前状态：${statusName(answer.status)}`;
  await afterAssignmentAction(id, message, "assignment-status");
}

// -- 包案件 -----------------------------------------------------------------------------------
const LEADER_COLUMNS = [
  ["id", "案件编号", (c) => c.id],
  ["petition_id", "信访件", (c) => c.petition_id],
  ["status", "状态", (c) => c.status_name || statusName(c.status)],
  ["designated_at", "确定日期", (c) => formatDate(c.designated_at)],
  ["leader", "包案领导", (c) => (c.leader && typeof c.leader === "object" ? c.leader.name || c.leader.user || c.leader.id : c.leader)
    || c.leader_name],
  ["next_step", "下一步", nextStep],
];

function nextStep(c) {
  if (c.next_step) return c.next_step;
  const missing = c.missing_for_resolution;
  if (!missing || typeof missing !== "object") return null;
  const parts = Object.entries(missing).filter(([, v]) => v && (!Array.isArray(v) || v.length))
    .map(([k, v]) => (Array.isArray(v) ? `${k}：${v.join("、")}` : k));
  return parts.length ? `尚需 ${parts.join("；")}` : "可申请化解";
}

async function loadLeader() {
  const user = (state.me && state.me.user) || "";
  const cases = (await api(`/api/leaders/${enc(user)}/cases`)).cases || [];
  const table = $("leader-table");
  const has = (key) => cases.some((c) => c[key] !== undefined && c[key] !== null) ||
    (key === "leader" && cases.some((c) => c.leader_name)) || (key === "next_step" && cases.some((c) => c.missing_for_resolution));
  const columns = LEADER_COLUMNS.filter(([key]) => has(key));
  table.tHead.replaceChildren(h("tr", {}, (columns.length ? columns : LEADER_COLUMNS).map(([, label]) => h("th", {scope: "col", text: label}))));
  if (!cases.length) emptyRow(table.tBodies[0], LEADER_COLUMNS.length, "暂无包案件");
  else {
    table.tBodies[0].replaceChildren(...cases.map((c) => h("tr", {dataset: {caseId: c.id || ""}},
      columns.map(([, , value]) => h("td", {class: "wrap", text: value(c) ?? "—"})))));
  }
  say(`包案件 ${cases.length} 件`);
}

// -- 超期督办 ---------------------------------------------------------------------------------
// The answer's shape is taken as it comes: a list, {"items"}, {"overdue": list} or the per-unit
// {"units": [{"unit_id", "items"}]} of GET /api/supervision/overdue.
function overdueItems(body) {
  if (Array.isArray(body)) return body;
  if (!body || typeof body !== "object") return [];
  if (Array.isArray(body.items)) return body.items;
  if (Array.isArray(body.overdue)) return body.overdue;
  if (Array.isArray(body.units)) return body.units.flatMap((u) => (u.items || []).map((i) => ({unit_id: u.unit_id, ...i})));
  return [];
}

async function loadOverdue() {
  const body = await api("/api/supervision/overdue");
  const items = overdueItems(body);
  $("overdue-as-of").textContent = body && body.as_of ? `截至 ${body.as_of}，共 ${items.length} 件` : `共 ${items.length} 件`;
  const tbody = $("overdue-table").tBodies[0];
  if (!items.length) emptyRow(tbody, 6, "无超期事项");
  else {
    tbody.replaceChildren(...items.map((i) => h("tr", {class: "overdue", dataset: {supervisionId: i.supervision_id || ""}},
      h("td", {text: i.unit_id || i.unit || "—"}), h("td", {text: nameOf(KIND_NAMES, i.kind)}),
      h("td", {text: i.subject_id || i.petition_id || "—"}), h("td", {text: formatDate(i.deadline)}),
      h("td", {class: "days", text: i.days_overdue ?? "—"}),
      h("td", {text: i.highest_letter ? nameOf(LETTER_NAMES, i.highest_letter) : "未发函"}))));
  }
  say(`超期事项 ${items.length} 件`);
}

// -- 督办函 -----------------------------------------------------------------------------------
async function loadLetters() {
  state.letters = (await api("/api/worklists/letters")).items || [];
  const tbody = $("letters-table").tBodies[0];
  if (!state.letters.length) emptyRow(tbody, 7, "暂无待回复的函件");
  else {
    tbody.replaceChildren(...state.letters.map((item) => {
      const late = item.overdue || (typeof item.days_left === "number" && item.days_left < 0);
      const ids = {letterId: item.letter_id || "", supervisionId: item.supervision_id || ""};
      const name = item.letter_name || nameOf(LETTER_NAMES, item.letter);
      return h("tr", {class: late ? "overdue" : null, dataset: ids},
        h("td", {text: name}), h("td", {text: item.unit_name || item.unit_id || "—"}),
        h("td", {text: formatDate(item.issued_on)}), h("td", {text: formatDate(item.reply_by)}),
        h("td", {class: "days", text: daysText(item.days_left, item.overdue)}),
        h("td", {text: item.petition_id || item.subject_id || "—"}),
        h("td", {}, h("button", {type: "button", class: "open-letter", dataset: ids, text: "查看",
          "aria-label": `查看${name}：${item.unit_name || item.unit_id || ""} ${formatDate(item.issued_on)}`,
          onclick: () => act(() => openLetter(item))})));
    }));
  }
  say(`待回复函件 ${state.letters.length} 件`);
}

function responseBlock(response) {
  return h("div", {id: "letter-response", class: "response", tabindex: "-1"}, h("h4", {text: "单位回复"}),
    dl([["回复时间", formatDateTime(response.at)], ["按期回复", response.on_time ? "是" : "否（超过回复期限）"],
      ["回复内容", response.text],
      response.adopted === true || response.adopted === false ? ["采纳问责建议", response.adopted ? "采纳" : "不采纳"] : null]));
}

// The row says which letter of the supervision is due (`letter`); the panel shows that one as printed.
async function openLetter(item, focusId = "letter-title") {
  const answer = await api(`/api/supervisions/${enc(item.supervision_id)}/letters`);
  const letter = (answer.letters || []).filter((l) => l.kind === item.letter).pop();
  const name = item.letter_name || nameOf(LETTER_NAMES, item.letter);
  const canAnswer = !!letter && !letter.response && state.me && state.me.role === "unit_handler";
  XF.clearPrint();
  XF.fill($("letter-panel"),
    h("h3", {id: "letter-title", tabindex: "-1", text: `${name}：${item.unit_name || item.unit_id || ""}`}),
    dl([["信访件", item.petition_id || item.subject_id], ["监督事项", nameOf(KIND_NAMES, item.kind)],
      ["签发日期", formatDate(item.issued_on)], ["回复期限", formatDate((letter && letter.reply_by) || item.reply_by)]]),
    letter ? XF.noticeArticle({title: name, ...letter}, "打印") : h("p", {class: "hint", text: "未找到该函件的正文"}),
    letter && letter.response ? responseBlock(letter.response) : null,
    canAnswer ? responseForm(item) : null,
    letter && !letter.response && !canAnswer ? h("p", {class: "hint", text: "等待责任单位回复"}) : null);
  $("letter-panel").hidden = false;
  const target = $(focusId);
  if (target) target.focus();
}

function responseForm(item) {
  const recommendation = item.letter === "recommendation";
  const form = h("form", {id: "response-form", novalidate: true, "aria-labelledby": "response-title"},
    h("h4", {id: "response-title", text: "回复函件"}),
    field("回复内容（必填）", h("textarea", {id: "response-text", name: "text", rows: "5", required: true})),
    recommendation ? h("div", {class: "choice"}, h("input", {type: "checkbox", id: "response-adopted", name: "adopted"}),
      h("label", {for: "response-adopted", text: "采纳问责建议"})) : null,
    h("div", {class: "actions"}, h("button", {id: "response-submit", type: "submit", class: "primary", text: "提交回复"})));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(() => respond(form, item));
  });
  return form;
}

async function respond(form, item) {
  const map = {text: "response-text", adopted: "response-adopted"};
  const body = {letter: item.letter, unit: (state.me && state.me.unit) || "", text: $("response-text").value.trim()};
  if (item.letter === "recommendation") body.adopted = $("response-adopted").checked;
  if (!body.text) {
    clearErrors(form);
    showErrors(form, {message: "请填写回复内容", errors: {text: ["必填"]}}, $("error"), {map});
    return;
  }
  const answer = await submit(form, () => api(`/api/supervisions/${enc(item.supervision_id)}/responses`,
    {method: "POST", body}), {map});
  if (!answer) return;
  // The answer is in; a failed refresh after it is reported, but does not make it look refused.
  try {
    await loadLetters();
    await openLetter(item, "letter-response");
  } catch (error) {
    if (error.status === 401) throw error;
    $("error").textContent = `回复已提交，但列表刷新失败：${error.message}`;
  }
  say("回复已提交");
}

// -- start ------------------------------------------------------------------------------------
function start() {
  XF.takeTokenFromLink();
  // a clerk types someone else's name and phone: nothing of the clerk's own is offered
  XF.petitionFieldsets($("petition-fields"), {contentRows: 6, autofill: false});
  $("signin").addEventListener("submit", (event) => act(() => signIn(event)));
  $("signout").addEventListener("click", () => act(async () => signOut()));
  const form = $("register-form");
  form.addEventListener("submit", (event) => act(() => register(event)));
  form.addEventListener("input", () => {
    // One key per filled form: a retry of the same form registers once, an edited form is a new petition.
    if (!state.registerKey || state.registerKeyUsed) Object.assign(state, {registerKey: XF.uuid(), registerKeyUsed: false});
  });
  for (const id of ["petitioner-name", "petitioner-id_number", "petitioner-phone", "category", "region_code"]) {
    $(id).addEventListener("change", maybeCheckRepeats);
  }
  $("check-repeats").addEventListener("click", () => act(() => checkRepeats()));
  $("open-registered").addEventListener("click", () => act(() => openPetition(state.registered.id)));
  $("register-another").addEventListener("click", () => act(async () => registerAnother()));
  $("petition-open-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = $("petition-id").value.trim();
    act(async () => {
      const lookup = $("petition-open-form");
      clearErrors(lookup);
      if (!id) {
        showErrors(lookup, {message: "请输入信访件编号", errors: {"petition-id": ["必填"]}}, $("error"));
        return;
      }
      try {
        await loadPetition(id);
      } catch (error) {
        $("petition-details").replaceChildren();
        throw error;
      }
    });
  });
  for (const button of document.querySelectorAll("[data-filter]")) {
    button.addEventListener("click", () => act(async () => {
      state.queueFilter = button.dataset.filter;
      drawQueue();
    }));
  }
  if (XF.token()) act(enter);
  else act(async () => showSignin(""));
}

start();
