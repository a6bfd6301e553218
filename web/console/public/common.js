// Helpers shared by the petitioner's page (/self) and the staff console (/console): the API call,
// building nodes without innerHTML, dates in Beijing time, and server errors shown beside their fields.
"use strict";

(function () {
  const TOKEN_KEY = "xinfang.token";  // the same key as the dashboard's, so one sign-in serves both
  const SIGNERS = {business_head: "业务负责人", petition_head: "信访负责人"};

  // -- building nodes (never innerHTML: every text from the server goes through textContent) -----
  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    let value;
    for (const [key, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (key === "class") node.className = v;
      else if (key === "text") node.textContent = v;
      else if (key === "dataset") Object.assign(node.dataset, v);
      else if (key === "value") value = v;
      else if (key.startsWith("on") && typeof v === "function") node.addEventListener(key.slice(2), v);
      else node.setAttribute(key, v === true ? "" : String(v));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "object" ? child : String(child));
    }
    if (value !== undefined) node.value = value;  // after the options, so that a <select> keeps it
    return node;
  }

  // replaceChildren that leaves out the null of a part not shown (it would print "null").
  function fill(node, ...children) {
    node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }

  // A labelled control in a .field block: the label's `for` always names the control.
  function field(label, control, hint) {
    const hintNode = hint ? h("span", {class: "hint", id: `${control.id}-hint`, text: hint}) : null;
    if (hintNode) control.setAttribute("aria-describedby", hintNode.id);
    return h("div", {class: "field"}, h("label", {for: control.id, text: label}), control, hintNode);
  }

  function options(select, items, placeholder) {
    const keep = select.value;
    const nodes = items.map((item) => h("option", {value: item.code, text: item.name}));
    if (placeholder !== undefined) nodes.unshift(h("option", {value: "", text: placeholder}));
    select.replaceChildren(...nodes);
    if (keep && items.some((item) => item.code === keep)) select.value = keep;
  }

  // -- dates: the bureau's days are Beijing days, whatever the browser's time zone -------------
  let beijing = null;
  try {
    beijing = new Intl.DateTimeFormat("en-CA", {timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
  } catch (error) {
    beijing = null;
  }

  function parts(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return null;
    if (beijing) {
      const p = Object.fromEntries(beijing.formatToParts(date).map((x) => [x.type, x.value]));
      return {date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`};
    }
    const pad = (n) => String(n).padStart(2, "0");
    return {date: `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
      time: `${pad(date.getHours())}:${pad(date.getMinutes())}`};
  }

  const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

  function formatDate(iso) {
    if (!iso) return "—";
    if (DATE_ONLY.test(iso)) return iso;
    const p = parts(iso);
    return p ? p.date : String(iso);
  }

  function formatDateTime(iso) {
    if (!iso) return "—";
    if (DATE_ONLY.test(iso)) return iso;
    const p = parts(iso);
    return p ? `${p.date} ${p.time}` : String(iso);
  }

  // 2026年12月7日, as a printed notice dates itself.
  function formatDateCn(iso) {
    const day = formatDate(iso);
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : day;
  }

  // <input type=datetime-local> has no zone: what a clerk types is Beijing time.
  function fromLocalInput(value) {
    if (!value) return null;
    return `${value.length === 16 ? value + ":00" : value}+08:00`;
  }

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    // randomUUID needs a secure context; getRandomValues does not (a console reached over plain http).
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const x = [...b].map((n) => n.toString(16).padStart(2, "0")).join("");
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  // -- the server's (English) messages in Chinese, where the meaning is certain ----------------
  const MESSAGES = [
    [/^(missing data for required field\.?|required|field may not be null\.?|shorter than minimum length 1\.?)$/i, "必填"],
    [/^required when rejecting/i, "退回修改时必填"],
    [/^required for diverted/i, "转法定途径时必填"],
    [/^required element of the handling opinion is missing/i, "必填（处理意见书要素）"],
    [/^the two signatures must be by two different people/i, "两个签字须由不同的人签署"],
    [/^not a valid citizen identity number/i, "身份证号码无效（应为 18 位且校验位正确）"],
    [/^a phone number$/i, "电话号码格式不正确"],
    [/^not a valid integer/i, "请输入整数"],
    [/^not a valid (datetime|date)/i, "日期格式不正确"],
    [/^not a valid/i, "格式不正确"],
    [/^must be one of/i, "请选择有效的选项"],
    [/^unknown field/i, "不支持的字段"],
    [/^an accusation names the accused unit/i, "检举控告须写明被反映单位，该事项不会转交被反映单位"],
  ];

  function chinese(message) {
    const text = String(message);
    for (const [pattern, replacement] of MESSAGES) if (pattern.test(text.trim())) return replacement;
    const length = /^length must be between (\d+) and (\d+)/i.exec(text);
    if (length) return length[1] === "1" ? `必填，且不超过 ${length[2]} 字` : `长度应在 ${length[1]} 至 ${length[2]} 字之间`;
    const unsigned = /^missing signature:?\s*(.*)$/i.exec(text);
    if (unsigned) {
      const roles = unsigned[1].split(/,\s*/).filter(Boolean).map((r) => SIGNERS[r] || r);
      return roles.length ? `缺少签字：${roles.join("、")}` : "缺少签字";
    }
    const range = /^must be greater than or equal to (\d+) and less than or equal to (\d+)/i.exec(text);
    if (range) return `应在 ${range[1]} 至 ${range[2]} 之间`;
    return text;
  }

  // -- the API ----------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, message, body, retryAfter) {
      super(message);
      this.status = status;
      this.errors = body && typeof body.errors === "object" ? body.errors : null;
      this.serverMessage = body && body.message ? String(body.message) : "";
      this.retryAfter = retryAfter;
    }
  }

  const XF = {TOKEN_KEY, h, fill, field, options, formatDate, formatDateTime, formatDateCn, fromLocalInput, uuid,
    chinese, ApiError, onUnauthorized: null};

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  }

  // A link may carry the token once in its fragment (never sent to a server); it is removed at once.
  XF.takeTokenFromLink = function () {
    const fragment = new URLSearchParams(location.hash.slice(1));
    if (fragment.get("token")) {
      sessionStorage.setItem(TOKEN_KEY, fragment.get("token"));
      history.replaceState(null, "", location.pathname + location.search);
    }
  };

  XF.token = token;

  function statusMessage(status, body, retryAfter) {
    const said = body && body.message ? chinese(body.message) : "";
    if (status === 400) return body && body.errors ? "请检查标注的内容" : said || "请求无效";
    if (status === 401) return "访问令牌无效或已吊销，请重新登录";
    if (status === 403) return `无权执行此操作${said ? "：" + said : ""}`;
    if (status === 404) return `未找到${said ? "：" + said : ""}`;
    if (status === 409) return `无法执行：${said || "状态已变化，请刷新后重试"}`;
    if (status === 429) return `请求过于频繁，请稍后再试${retryAfter ? `（约 ${retryAfter} 秒后）` : ""}`;
    if (status === 503) return "服务暂时不可用，请稍后再试";
    return said || `服务器错误（HTTP ${status}）`;
  }

  // Resolves to the JSON body of a 2xx answer; anything else rejects with an ApiError.
  XF.api = async function (path, {method = "GET", body, headers = {}, auth = true} = {}) {
    const sent = {Accept: "application/json", ...headers};
    if (body !== undefined) sent["Content-Type"] = "application/json";
    if (auth && token()) sent.Authorization = `Bearer ${token()}`;
    let answer;
    try {
      answer = await fetch(path, {method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin", cache: "no-store"});
    } catch (error) {
      throw new ApiError(0, "无法连接服务器，请检查网络后重试", null, null);
    }
    const data = await answer.json().catch(() => ({}));
    if (answer.ok) return data;
    const retryAfter = answer.headers.get("Retry-After");
    const error = new ApiError(answer.status, statusMessage(answer.status, data, retryAfter), data, retryAfter);
    if (answer.status === 401 && auth && typeof XF.onUnauthorized === "function") XF.onUnauthorized(error);
    throw error;
  };

  // -- server errors beside their fields --------------------------------------------------------
  // {"petitioner": {"name": ["..."]}} → [["petitioner.name", ["..."]]]; list indexes become segments.
  function flatten(errors, prefix = "") {
    const out = [];
    for (const [key, value] of Object.entries(errors || {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null)) out.push([path, value]);
      else if (Array.isArray(value)) value.forEach((v, i) => out.push(...flatten(v, `${path}.${i}`)));
      else if (value && typeof value === "object") out.push(...flatten(value, path));
      else out.push([path, [value]]);
    }
    return out;
  }

  // The control an error path belongs to: options.map first, else the path's segments joined by "-"
  // (petitioner.name → #petitioner-name); a deeper path falls back to its parent (signatures.0.name
  // → #signatures).
  function controlFor(form, path, opts) {
    const segments = path.split(".");
    while (segments.length) {
      const dotted = segments.join(".");
      const id = (opts.map && opts.map[dotted]) || `${opts.prefix || ""}${segments.join("-")}`;
      const node = document.getElementById(id);
      if (node && (!form || form.contains(node))) return node;
      segments.pop();
    }
    return null;
  }

  XF.clearErrors = function (form) {
    if (!form) return;
    for (const node of form.querySelectorAll(".field-error")) node.remove();
    for (const node of form.querySelectorAll("[aria-invalid]")) {
      node.removeAttribute("aria-invalid");
      const described = (node.getAttribute("aria-describedby") || "").split(" ").filter((d) => !d.endsWith("-error"));
      if (described.length) node.setAttribute("aria-describedby", described.join(" "));
      else node.removeAttribute("aria-describedby");
    }
  };

  function markInvalid(control, errorId) {
    const targets = control.tagName === "FIELDSET" ? control.querySelectorAll("input, select, textarea") : [control];
    for (const target of targets) {
      target.setAttribute("aria-invalid", "true");
      const described = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (!described.includes(errorId)) target.setAttribute("aria-describedby", [...described, errorId].join(" "));
    }
  }

  // Shows a failed call: field errors beside their fields (focus on the first), the rest in `general`.
  // Returns the general text shown.
  XF.showErrors = function (form, error, general, opts = {}) {
    XF.clearErrors(form);
    const leftover = [];
    let first = null;
    if (error && error.errors) {
      for (const [path, messages] of flatten(error.errors)) {
        const control = controlFor(form, path, opts);
        const text = messages.map(chinese).join("；");
        if (!control) {
          leftover.push(`${path}：${text}`);
          continue;
        }
        const errorId = `${control.id}-error`;
        let node = document.getElementById(errorId);
        if (!node) {
          node = h("p", {class: "field-error", id: errorId, role: "alert"});
          if (control.tagName === "FIELDSET") control.append(node); else control.after(node);
          markInvalid(control, errorId);
        }
        node.textContent = node.textContent ? `${node.textContent}；${text}` : text;
        // the first in the page's order, not the server's, gets the focus
        if (!first || first.compareDocumentPosition(control) & Node.DOCUMENT_POSITION_PRECEDING) first = control;
      }
    }
    let message = error && error.message ? error.message : String(error || "");
    if (leftover.length) message = `${message}：${leftover.join("，")}`;
    if (general) general.textContent = message;
    if (first) {
      const focusable = first.tagName === "FIELDSET" ? first.querySelector("input, select, textarea, button") : first;
      if (focusable) focusable.focus();
    }
    return message;
  };

  // -- the petition form both pages share: who petitions and what about (same ids on both) ------
  const MATTER_TYPES = [{code: "complaint", name: "申诉求决"}, {code: "suggestion", name: "建议意见"},
    {code: "accusation", name: "检举控告"}];
  XF.MATTER_TYPES = MATTER_TYPES;

  // An accusation names the unit it accuses (A30): the select shows, and is sent, only for one.
  XF.syncAccusedUnit = function () {
    const matter = document.getElementById("matter_type");
    const unit = document.getElementById("accused_unit");
    const wrap = document.getElementById("accused_unit-field");
    if (!matter || !unit || !wrap) return;
    const shown = matter.value === "accusation";
    wrap.hidden = !shown;
    unit.disabled = !shown;  // neither validated nor submitted while hidden
    if (!shown) {
      // an error left on it from an earlier try would otherwise come back with the field
      const error = document.getElementById("accused_unit-error");
      if (error) error.remove();
      unit.removeAttribute("aria-invalid");
      const described = (unit.getAttribute("aria-describedby") || "").split(" ").filter((d) => d && !d.endsWith("-error"));
      if (described.length) unit.setAttribute("aria-describedby", described.join(" "));
      else unit.removeAttribute("aria-describedby");
    }
  };

  // Builds the 信访人 and 信访事项 fieldsets into `container` (the clerk's register form and the
  // online form). The selects say 加载中… until fillReference has the reference data.
  // opts.contentRows: the textarea's rows (default 8); opts.autofill: true where the petitioners
  // type their own name and phone (autocomplete name/tel), false where a clerk types someone else's.
  XF.petitionFieldsets = function (container, opts = {}) {
    const rows = String(opts.contentRows || 8);
    const auto = (kind) => (opts.autofill ? kind : "off");
    const loading = () => h("option", {value: "", text: "加载中…"});
    const matter = h("select", {id: "matter_type", name: "matter_type"},
      MATTER_TYPES.map((m) => h("option", {value: m.code, text: m.name, selected: m.code === "complaint"})));
    const unitField = field("被反映（被举报）单位（必填）",
      h("select", {id: "accused_unit", name: "accused_unit", required: true, disabled: true}, loading()),
      "检举控告事项不会转交被反映（被举报）单位办理");
    unitField.id = "accused_unit-field";
    unitField.hidden = true;
    fill(container,
      h("fieldset", {},
        h("legend", {text: "信访人"}),
        h("div", {class: "grid"},
          field("姓名（必填）", h("input", {id: "petitioner-name", name: "petitioner-name", required: true,
            maxlength: "50", autocomplete: auto("name")})),
          field("身份证号", h("input", {id: "petitioner-id_number", name: "petitioner-id_number", maxlength: "18",
            autocomplete: "off", pattern: "[0-9]{17}[0-9Xx]", inputmode: "text", spellcheck: "false"})),
          field("手机号码", h("input", {id: "petitioner-phone", name: "petitioner-phone", type: "tel", maxlength: "20",
            autocomplete: auto("tel"), pattern: "\\+?[0-9\\-]{5,20}"})))),
      h("fieldset", {},
        h("legend", {text: "信访事项"}),
        h("div", {class: "grid"},
          field("问题发生地（必填）", h("select", {id: "region_code", name: "region_code", required: true}, loading())),
          field("问题类别（必填）", h("select", {id: "category", name: "category", required: true}, loading())),
          field("信访事项类型", matter),
          unitField),
        field("标题（必填）", h("input", {id: "subject", name: "subject", required: true, maxlength: "200"})),
        field("反映的问题和事实理由（必填）", h("textarea", {id: "content", name: "content", required: true, rows}))));
    matter.addEventListener("change", XF.syncAccusedUnit);
    const form = container.closest("form");
    // reset() puts the values back after its event: look again once it is done
    if (form) form.addEventListener("reset", () => setTimeout(XF.syncAccusedUnit, 0));
    XF.syncAccusedUnit();
    return container;
  };

  const value = (id) => {
    const node = document.getElementById(id);
    return node ? node.value.trim() : "";
  };

  XF.petitionBody = function () {
    const petitioner = {name: value("petitioner-name")};
    for (const key of ["id_number", "phone"]) if (value(`petitioner-${key}`)) petitioner[key] = value(`petitioner-${key}`);
    const body = {petitioner};
    for (const key of ["region_code", "category", "matter_type", "subject", "content"]) if (value(key)) body[key] = value(key);
    if (body.petitioner.id_number) body.petitioner.id_number = body.petitioner.id_number.toUpperCase();
    const unit = document.getElementById("accused_unit");
    if (body.matter_type === "accusation" && unit && !unit.disabled && value("accused_unit")) body.accused_unit = value("accused_unit");
    return body;
  };

  XF.fillReference = function (reference) {
    const r = reference || {};
    const region = document.getElementById("region_code");
    const category = document.getElementById("category");
    const matter = document.getElementById("matter_type");
    if (region) options(region, r.regions || [], "请选择");
    if (category) options(category, r.categories || [], "请选择");
    if (matter) {
      options(matter, r.matter_types && r.matter_types.length ? r.matter_types : MATTER_TYPES);
      if (!matter.value || !r.matter_types) matter.value = "complaint";
      // a form's reset() goes back to 申诉求决, as the markup said before the options were drawn again
      for (const option of matter.options) option.defaultSelected = option.value === "complaint";
    }
    const unit = document.getElementById("accused_unit");
    if (unit) options(unit, r.units || [], "请选择");
    XF.syncAccusedUnit();
  };

  XF.nameOf = function (list, code) {
    const found = (list || []).find((item) => item.code === code);
    return found ? found.name : code || "—";
  };

  // -- printing one notice -------------------------------------------------------------------
  // The print stylesheet hides everything but the .printing notice and the elements that hold it
  // (.print-path). The classes stay until another notice is printed, so what was printed can be checked.
  // A page that draws its notices again calls clearPrint first, so that a later Ctrl+P prints the page.
  XF.clearPrint = function () {
    for (const node of document.querySelectorAll(".printing")) node.classList.remove("printing");
    for (const node of document.querySelectorAll(".print-path")) node.classList.remove("print-path");
  };

  XF.printNotice = function (article) {
    XF.clearPrint();
    article.classList.add("printing");
    for (let node = article.parentElement; node; node = node.parentElement) node.classList.add("print-path");
    window.print();
  };

  const OPINION = [["facts", "案件事实"], ["claims", "信访人诉求"], ["findings", "调查核实情况"],
    ["result", "处理意见"], ["legal_basis", "法律政策依据"], ["remedy", "救济途径"]];
  const OUTCOMES = {support: "支持", explain: "解释说明", not_support: "不予支持"};
  Object.assign(XF, {OPINION, SIGNERS, OUTCOMES});

  // A notice as printed: title, addressee, paragraphs, then issuer and date on the right.
  XF.noticeArticle = function (notice, buttonText) {
    const paragraphs = Array.isArray(notice.paragraphs) && notice.paragraphs.length ? notice.paragraphs
      : String(notice.text || "").split(/\n+/).filter((line) => line.trim());
    const article = h("article", {class: "notice", dataset: {kind: notice.kind || ""}},
      h("h3", {text: notice.title || "告知书"}),
      notice.addressee ? h("p", {class: "addressee", text: `${notice.addressee}：`}) : null,
      paragraphs.map((p) => h("p", {text: p})),
      notice.reply_by ? h("p", {class: "reply-by", text: `回复期限：${formatDateCn(notice.reply_by)}`}) : null,
      h("p", {class: "issuer"}, h("span", {text: notice.issued_by || ""}),
        h("time", {datetime: notice.issued_on || "", text: notice.issued_on ? formatDateCn(notice.issued_on) : ""})));
    article.append(h("button", {type: "button", class: "print-notice", text: buttonText,
      onclick: () => XF.printNotice(article)}));
    return article;
  };

  // The six elements of a handling opinion with their headings, and its signatures.
  XF.opinionBlock = function (opinion, signatures) {
    const o = opinion || {};
    return h("div", {class: "opinion"},
      OPINION.map(([key, label]) => h("div", {class: "element", dataset: {element: key}},
        h("h4", {text: label}), h("p", {text: o[key] || "（未填写）"}))),
      (signatures || []).length ? h("p", {class: "signatures"},
        signatures.map((s) => h("span", {text: `${SIGNERS[s.role] || s.role}：${s.name || ""}`}))) : null);
  };

  // -- accessibility self-check (the tests call it on every view) -------------------------------
  function visible(node) {
    if (typeof node.checkVisibility === "function") return node.checkVisibility({visibilityProperty: true});
    return node.getClientRects().length > 0 && getComputedStyle(node).visibility !== "hidden";
  }

  function labelledBy(node) {
    const ids = (node.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    return ids.some((id) => {
      const target = document.getElementById(id);
      return target && target.textContent.trim();
    });
  }

  // The visible controls with no accessible name: ids, or the start of their markup when they have none.
  XF.unlabelledControls = function () {
    const out = [];
    for (const node of document.querySelectorAll("input, select, textarea, button")) {
      if (node.type === "hidden" || !visible(node)) continue;
      if ((node.getAttribute("aria-label") || "").trim() || labelledBy(node)) continue;
      if ([...(node.labels || [])].some((label) => label.textContent.trim())) continue;  // <label for> or wrapping
      if (node.tagName === "BUTTON" && node.textContent.trim()) continue;
      if (node.tagName === "INPUT" && ["button", "submit", "reset"].includes(node.type) && node.value.trim()) continue;
      out.push(node.id || node.outerHTML.slice(0, 160));
    }
    return out;
  };

  window.XF = XF;
})();
