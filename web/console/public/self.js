// 网上信访 (/self): a petitioner submits a petition and, with the query code it gives, follows it,
// rates the reply and asks for a review. No sign-in: the query code is the only key.
// <body data-ready> counts the loads and actions finished (a test waits on it).
"use strict";

const {h, api, formatDate, formatDateTime, formatDateCn, showErrors, clearErrors} = window.XF;

let finished = 0;
let shownCode = "";  // the code whose petition is on screen, for the actions' re-load

function setStatus(text) {
  document.getElementById("status").textContent = text;
}

// Runs one load or action; whatever happens, data-ready moves on once it is over.
async function act(work) {
  try {
    await work();
  } finally {
    document.body.dataset.ready = String(++finished);
  }
}

// -- the two panels: side by side on a wide screen, one at a time on a phone -------------------
function showPanel(name, focus = true) {
  for (const [tab, section] of [["tab-online", "online-section"], ["tab-query", "query-section"]]) {
    const active = section === `${name}-section`;
    document.getElementById(tab).setAttribute("aria-pressed", String(active));
    document.getElementById(section).classList.toggle("active", active);
  }
  if (focus) {
    const section = document.getElementById(`${name}-section`);
    section.scrollIntoView({block: "start"});
    section.focus();
  }
}

// -- A. 网上信访 -------------------------------------------------------------------------------
async function loadReference() {
  try {
    XF.fillReference(await api("/api/public/reference", {auth: false}));
  } catch (error) {
    document.getElementById("online-error").textContent = `选项加载失败：${error.message}，请刷新页面重试`;
  }
}

async function submitOnline(event) {
  event.preventDefault();
  const form = document.getElementById("online-form");
  const general = document.getElementById("online-error");
  const button = document.getElementById("online-submit");
  clearErrors(form);
  general.textContent = "";
  button.disabled = true;
  setStatus("正在提交…");
  try {
    const answer = await api("/api/public/petitions", {method: "POST", body: XF.petitionBody(), auth: false});
    document.getElementById("issued-code").textContent = answer.query_code;
    document.getElementById("issued-detail").textContent =
      `提交时间：${formatDateTime(answer.received_at)}；受理告知期限：${formatDate(answer.acceptance_deadline)}`;
    const issued = document.getElementById("query-code-issued");
    issued.hidden = false;
    form.hidden = true;
    issued.focus();
    setStatus("信访事项已提交");
  } catch (error) {
    setStatus("");
    showErrors(form, error, general);
  } finally {
    button.disabled = false;
  }
}

function openIssued() {
  document.getElementById("query-code").value = document.getElementById("issued-code").textContent;
  showPanel("query");
  return act(() => lookUp());
}

// -- B. 查询办理情况 -----------------------------------------------------------------------------
function normalisedCode() {
  return document.getElementById("query-code").value.trim().toUpperCase();
}

function clearPetition() {
  shownCode = "";
  XF.clearPrint();
  const view = document.getElementById("petition-view");
  view.hidden = true;
  view.replaceChildren();
}

// Loads the petition of the code typed; `focusOn` is the id to focus once it is drawn.
async function lookUp(focusOn) {
  const code = normalisedCode();
  const form = document.getElementById("query-form");
  const general = document.getElementById("query-error");
  clearErrors(form);
  general.textContent = "";
  if (!code) {
    clearPetition();
    showErrors(form, {message: "请输入查询码", errors: {"query-code": ["必填"]}}, general);
    return;
  }
  setStatus("查询中…");
  try {
    const petition = await api(`/api/public/petitions/${encodeURIComponent(code)}`, {auth: false});
    shownCode = code;
    draw(petition);
    setStatus(`已查询：${petition.status_name || petition.status}`);
    const target = document.getElementById(focusOn || "petition-title");
    if (target) target.focus();
  } catch (error) {
    setStatus("");
    clearPetition();
    general.textContent = error.status === 404 ? "未找到该查询码对应的信访事项"
      : error.status === 429 ? "查询过于频繁，请稍后再试" : error.message;
    document.getElementById("query-code").focus();
  }
}

function dateItem(label, value) {
  return [h("dt", {text: label}), h("dd", {text: value})];
}

function draw(p) {
  const view = document.getElementById("petition-view");
  XF.clearPrint();
  XF.fill(view,
    h("h3", {id: "petition-title", tabindex: "-1", text: "办理情况"}),
    h("p", {class: "status-line"}, "当前状态：", h("strong", {id: "petition-status", text: p.status_name || p.status})),
    h("dl", {class: "facts"},
      dateItem("登记时间", formatDateTime(p.received_at)),
      p.channel_name ? dateItem("信访形式", p.channel_name) : null,
      p.category_name ? dateItem("问题类别", p.category_name) : null,
      dateItem("受理告知期限", formatDate(p.acceptance_deadline)),
      dateItem("办理期限", p.handling_deadline ? formatDate(p.handling_deadline) : "—")),
    h("h4", {text: "办理过程"}),
    h("ol", {id: "petition-steps", class: "steps"}, (p.steps || []).map((s) => h("li", {dataset: {step: s.step || ""}},
      h("time", {datetime: s.at || "", text: formatDateTime(s.at)}), " ", h("span", {class: "step-name", text: s.name || s.step}),
      s.detail ? " " : null, s.detail ? h("span", {class: "step-detail", text: s.detail}) : null))),
    (p.notices || []).length ? h("div", {id: "petition-notices", class: "notices"}, h("h4", {text: "告知书"}),
      p.notices.map((n) => XF.noticeArticle(n, "打印"))) : null,
    p.reply ? drawReply(p.reply) : null,
    drawEvaluation(p.evaluation || {}),
    drawReview(p.review || {}));
  view.hidden = false;
}

function drawReply(reply) {
  return h("section", {id: "petition-reply", class: "reply", "aria-labelledby": "reply-title"},
    h("h4", {id: "reply-title", text: "处理意见"}),
    h("p", {class: "outcome"}, "处理结果：", h("strong", {text: reply.outcome_name || XF.OUTCOMES[reply.outcome] || reply.outcome})),
    reply.unit_name ? h("p", {text: `答复单位：${reply.unit_name}`}) : null,
    XF.opinionBlock(reply.opinion, reply.signatures),
    h("p", {class: "issuer"}, h("time", {datetime: reply.replied_at || "", text: `答复日期：${formatDate(reply.replied_at)}`})));
}

function radio(name, value, id, label) {
  return h("div", {class: "choice"}, h("input", {type: "radio", name, value, id}), h("label", {for: id, text: label}));
}

function drawEvaluation(e) {
  if (e.rating) return h("p", {id: "evaluation-done", class: "done", tabindex: "-1", text: `您的评价：${e.rating_name || e.rating}`});
  if (!e.open) return null;
  const form = h("form", {id: "evaluation-form", novalidate: true, "aria-labelledby": "evaluation-title"},
    h("h4", {id: "evaluation-title", text: "满意度评价"}),
    h("p", {class: "hint", text: `请在 ${formatDate(e.deadline)} 前评价`}),
    h("fieldset", {id: "rating"}, h("legend", {text: "您对处理意见的评价"}),
      radio("rating", "satisfied", "rating-satisfied", "满意"),
      radio("rating", "basically_satisfied", "rating-basically_satisfied", "基本满意"),
      radio("rating", "unsatisfied", "rating-unsatisfied", "不满意")),
    h("p", {id: "evaluation-error", class: "form-error", role: "alert"}),
    h("div", {class: "actions"}, h("button", {id: "evaluation-submit", type: "submit", class: "primary", text: "提交评价"})));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = form.querySelector("input[name=rating]:checked");
    if (!chosen) {
      act(async () => showErrors(form, {message: "请选择评价", errors: {rating: ["请选择满意、基本满意或不满意"]}},
        document.getElementById("evaluation-error")));
      return;
    }
    act(() => send(form, "evaluation", {rating: chosen.value}, "evaluation-error", "评价已提交", "evaluation-done"));
  });
  return form;
}

function drawReview(r) {
  if (r.requested) return h("p", {id: "review-done", class: "done", tabindex: "-1", text: "已申请复查，请等待复查机关答复"});
  if (!r.open) return null;
  const form = h("form", {id: "review-form", novalidate: true, "aria-labelledby": "review-title"},
    h("h4", {id: "review-title", text: "申请复查"}),
    h("p", {class: "hint", text: `可在 ${formatDate(r.deadline)} 前向上一级机关申请复查`}),
    XF.field("申请复查的理由", h("textarea", {id: "review-reasons", name: "reasons", rows: "5", required: true})),
    h("p", {id: "review-error", class: "form-error", role: "alert"}),
    h("div", {class: "actions"}, h("button", {id: "review-submit", type: "submit", class: "primary", text: "提交复查申请"})));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const reasons = document.getElementById("review-reasons").value.trim();
    act(() => send(form, "review-request", {reasons}, "review-error", "复查申请已提交", "review-done"));
  });
  return form;
}

// An action on the petition shown, then the view loaded again (one data-ready step for both).
async function send(form, action, body, errorId, done, focusOn) {
  const general = document.getElementById(errorId);
  const button = form.querySelector("button[type=submit]");
  clearErrors(form);
  general.textContent = "";
  button.disabled = true;
  try {
    await api(`/api/public/petitions/${encodeURIComponent(shownCode)}/${action}`, {method: "POST", body, auth: false});
  } catch (error) {
    button.disabled = false;
    showErrors(form, error, general, {map: {rating: "rating", reasons: "review-reasons"}});
    if (error.status === 429) general.textContent = "操作过于频繁，请稍后再试";
    return;
  }
  await lookUp(focusOn);
  setStatus(done);
}

function start() {
  // the petitioner's own name and phone: the browser may offer them
  XF.petitionFieldsets(document.getElementById("petition-fields"), {contentRows: 8, autofill: true});
  document.getElementById("tab-online").addEventListener("click", () => showPanel("online"));
  document.getElementById("tab-query").addEventListener("click", () => showPanel("query"));
  document.getElementById("online-form").addEventListener("submit", (event) => act(() => submitOnline(event)));
  document.getElementById("open-query").addEventListener("click", openIssued);
  document.getElementById("query-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(() => lookUp());
  });
  act(loadReference);
}

start();
