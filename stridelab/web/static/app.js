// stridelab pages: small scripts over the JSON API (/api, see /docs). No framework, no inline code.
"use strict";

const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

async function api(url, options = {}) {
  const headers = Object.assign({ "X-CSRF-Token": csrf(), Accept: "application/json" },
                                options.headers || {});
  const response = await fetch(url, Object.assign({}, options, { headers, credentials: "same-origin" }));
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { message = (await response.json()).detail || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return response.status === 204 ? null : response.json();
}

function text(tag, content, cls) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (cls) el.className = cls;
  return el;
}

// -- upload: drag and drop, several files, progress of the transfer --------------------------------
function setupUpload(form) {
  const input = form.querySelector('input[type="file"]');
  const drop = form.querySelector("[data-drop]");
  const chosen = form.querySelector("[data-chosen]");
  const bar = form.querySelector("[data-upload-progress]");
  const error = form.querySelector("[data-upload-error]");
  const status = form.querySelector("[data-upload-status]");
  const list = () => {
    chosen.replaceChildren(...Array.from(input.files).map(f =>
      text("li", f.name + " (" + (f.size / 1e6).toFixed(1) + " MB)")));
  };
  input.addEventListener("change", list);
  ["dragenter", "dragover"].forEach(type => drop.addEventListener(type, e => {
    e.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach(type => drop.addEventListener(type, e => {
    e.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", e => { input.files = e.dataTransfer.files; list(); });
  form.addEventListener("submit", e => {
    e.preventDefault();
    error.hidden = true;
    const data = new FormData();
    Array.from(input.files).forEach(f => data.append("files", f, f.name));
    if (form.elements.session.checked) data.append("session", "true");
    const cm = parseFloat(form.elements.height_cm.value);
    if (cm) data.append("height_m", (cm / 100).toString());
    const fps = parseFloat(form.elements.capture_fps.value);
    if (fps) data.append("capture_fps", fps.toString());
    if (form.elements.view && form.elements.view.value) data.append("view", form.elements.view.value);
    const request = new XMLHttpRequest();
    request.open("POST", form.dataset.upload);
    request.setRequestHeader("X-CSRF-Token", csrf());
    request.setRequestHeader("Accept", "application/json");
    const submit = form.querySelector('button[type="submit"]');
    const failed = message => {
      error.textContent = message;
      error.hidden = false; bar.hidden = true; status.hidden = true; submit.disabled = false;
    };
    bar.hidden = false; bar.removeAttribute("value");
    status.textContent = "Uploading…"; status.hidden = false; submit.disabled = true;
    request.upload.addEventListener("progress", p => {
      if (!p.lengthComputable) return;
      bar.value = 100 * p.loaded / p.total;
      status.textContent = p.loaded < p.total
        ? "Uploading: " + (p.loaded / 1e6).toFixed(1) + " of " + (p.total / 1e6).toFixed(1) + " MB"
        : "Uploaded; checking the files…";
    });
    request.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(request.responseText); } catch (err) { /* not JSON */ }
      if (request.status === 201 && body && body.length) {
        status.textContent = body.length > 1
          ? body.length + " analyses queued; opening the first…" : "Queued; opening the analysis…";
        window.location.href = "/analyses/" + body[0].id;
      } else {
        failed((body && body.detail) || ("the upload failed (" + request.status + ")"));
      }
    });
    request.addEventListener("error", () => {
      failed("the upload was cut off: check the connection and try again");
    });
    request.send(data);
  });
}

// -- analysis progress: Server-Sent Events -----------------------------------------------------------
const FINAL = ["done", "failed", "cancelled"];

// What the analysis is doing, in words (as pages.py's ``stage`` filter writes it).
function stageText(status, stage) {
  if (status === "queued") return "waiting for a free worker";
  if (status !== "running" || !stage) return "";
  if (stage.startsWith("pose ")) return "finding the body points in " + stage.slice(5);
  return { "annotated video": "drawing the annotated video",
           "events, phases and measures": "finding steps, phases and measures" }[stage] || stage;
}

function seconds(s) {
  return s < 90 ? Math.round(s) + " s" : Math.round(s / 60) + " min";
}

function setupProgress(box) {
  if (FINAL.includes(box.dataset.status)) return;
  const state = box.querySelector("[data-state]");
  const stage = box.querySelector("[data-stage]");
  const bar = box.querySelector("[data-bar]");
  const frames = box.querySelector("[data-frames]");
  const events = new EventSource(box.dataset.progress);
  events.onmessage = m => {
    const p = JSON.parse(m.data);
    state.textContent = p.status;
    state.className = "status " + p.status;
    stage.textContent = stageText(p.status, p.stage);
    if (p.frames_total) {
      bar.max = p.frames_total; bar.value = Math.min(p.frames_done, p.frames_total);
      const pct = Math.round(100 * p.frames_done / p.frames_total);
      let line = p.frames_done + " of " + p.frames_total + " frames (" + pct + " %)";
      if (p.rate_fps) {
        line += " · " + p.rate_fps.toFixed(1) + " frames/s";
        const left = (p.frames_total - p.frames_done) / p.rate_fps;
        if (left >= 1) line += " · about " + seconds(left) + " left of this step";
      }
      frames.textContent = line;
    } else {
      bar.removeAttribute("value");  // moving, without a known end
      frames.textContent = p.frames_done ? p.frames_done + " done" : "";
    }
    if (FINAL.includes(p.status)) {
      events.close();
      window.location.reload();
    }
  };
  events.onerror = () => {
    if (events.readyState === EventSource.CLOSED) {
      frames.textContent = "The connection to the server was lost: reload the page to follow the analysis.";
    }
  };
  const cancel = box.querySelector("[data-cancel]");
  if (cancel) cancel.addEventListener("click", async () => {
    if (!window.confirm("Stop this analysis? Its results are not kept.")) return;
    cancel.disabled = true;
    try { await api(cancel.dataset.cancel, { method: "POST" }); } catch (err) { alert(err.message); }
  });
}

// -- times: shown in the reader's own time zone ----------------------------------------------------------
function localTimes() {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  document.querySelectorAll("time[datetime]").forEach(t => {
    const when = new Date(t.getAttribute("datetime"));
    if (!isNaN(when)) { t.title = t.getAttribute("datetime"); t.textContent = format.format(when); }
  });
}

// -- trends: one small SVG chart per measure ----------------------------------------------------------
const SVG = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  return el;
}

function chart(series) {
  const w = 300, h = 140, pad = { l: 42, r: 10, t: 10, b: 22 };
  const pts = series.points.map((p, i) => ({ x: p.t ? p.t * 1000 : Date.parse(p.day), y: p.value,
                                             e: p.error || 0, i }));
  const xs = pts.map(p => p.x);
  let lo = Math.min(...pts.map(p => p.y - p.e)), hi = Math.max(...pts.map(p => p.y + p.e));
  if (hi - lo < 1e-9) {  // one value: centred in a band of 10 % of it
    const half = Math.max(Math.abs(hi) * 0.05, 0.5);
    lo -= half; hi += half;
  }
  const x0 = Math.min(...xs), x1 = Math.max(...xs), span = hi - lo;
  const X = x => pad.l + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * (w - pad.l - pad.r);
  const Y = y => h - pad.b - ((y - lo + 0.1 * span) / (1.2 * span)) * (h - pad.t - pad.b);
  const svg = svgEl("svg", { viewBox: `0 0 ${w} ${h}`, role: "img",
                             "aria-label": series.label });
  [lo, hi].forEach(v => {
    const t = svgEl("text", { x: pad.l - 4, y: Y(v) + 4, "text-anchor": "end", "font-size": 10,
                              fill: "#5b6673" });
    t.textContent = Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
    svg.append(t);
  });
  pts.forEach(p => {
    if (p.e) svg.append(svgEl("rect", { x: X(p.x) - 4, y: Y(p.y + p.e), width: 8,
                                        height: Math.max(1, Y(p.y - p.e) - Y(p.y + p.e)),
                                        fill: "#1f6feb", opacity: 0.15 }));
  });
  svg.append(svgEl("polyline", { points: pts.map(p => `${X(p.x)},${Y(p.y)}`).join(" "),
                                 fill: "none", stroke: "#1f6feb", "stroke-width": 2 }));
  pts.forEach(p => svg.append(svgEl("circle", { cx: X(p.x), cy: Y(p.y), r: 3.5, fill: "#1f6feb" })));
  const end = pts[pts.length - 1];  // the latest value, written beside its point
  const label = svgEl("text", { x: X(end.x) + (X(end.x) > w - 60 ? -8 : 8), y: Y(end.y) - 6,
                                "text-anchor": X(end.x) > w - 60 ? "end" : "start",
                                "font-size": 11, "font-weight": 600, fill: "#1d2733" });
  label.textContent = measured(end.y, end.e);
  svg.append(label);
  const first = new Date(x0).toISOString().slice(0, 10), last = new Date(x1).toISOString().slice(0, 10);
  const axis = svgEl("text", { x: pad.l, y: h - 5, "font-size": 10, fill: "#5b6673" });
  axis.textContent = first === last ? first : first + " … " + last;
  svg.append(axis);
  const box = text("div", "", "chart");
  box.append(text("h3", series.label), svg,
             text("p", pts.length === 1 ? "One value so far: a trend needs two or more."
                                        : pts.length + " values", "muted small"));
  return box;
}

// A value with no more digits than its validated error allows ("237 ± 13"); without a
// known error, whole units from 10 up and one decimal below.
function measured(value, error) {
  if (error) {
    const digits = Math.max(0, -Math.floor(Math.log10(error)));
    return value.toFixed(digits) + " ± " + error.toFixed(digits);
  }
  return Math.abs(value) >= 10 ? value.toFixed(0) : value.toFixed(1);
}

async function setupTrends(box) {
  try {
    const data = await api(box.dataset.trends);
    const series = Object.values(data).filter(s => s.points.length);
    if (!series.length) {
      box.replaceChildren(text("p", "No finished analysis yet: trends appear after the first.", "muted"));
    } else if (series.every(s => s.points.length === 1)) {  // one value each: no line to draw yet
      box.classList.add("firsts");
      box.replaceChildren(...series.map(s => {
        const p = s.points[0], tile = text("div", "", "tile");
        tile.append(text("span", s.label, "muted small"), text("b", measured(p.value, p.error)));
        return tile;
      }), text("p", "One value of each so far: the charts appear with the second analysis.",
               "muted small"));
    } else {
      box.replaceChildren(...series.map(chart));
    }
  } catch (err) { box.replaceChildren(text("p", err.message, "error")); }
}

// -- training load and its guards ------------------------------------------------------------------------
async function setupLoad(box) {
  try {
    const data = await api(box.dataset.load);
    if (!data.weeks.length) {
      box.replaceChildren(text("p", "No runs imported: upload a watch file (FIT, GPX, TCX).", "muted"));
      return;
    }
    const table = document.createElement("table");
    table.className = "list";
    const head = table.createTHead().insertRow();
    ["Week of", "Runs", "km", "h", "Change", ""].forEach(h => head.append(text("th", h)));
    const body = table.createTBody();
    data.weeks.forEach(w => {
      const row = body.insertRow();
      [w.week, w.runs, w.distance_km.toFixed(1), w.time_h.toFixed(1),
       w.distance_change_pct === null ? "–" : (w.distance_change_pct > 0 ? "+" : "") +
         w.distance_change_pct.toFixed(0) + " %",
       w.ten_pct_broken ? "above the 10 % rule" : ""].forEach((v, i) =>
        row.append(text("td", String(v), i === 5 ? "warn" : "")));
    });
    const parts = [table];
    data.spikes.filter(s => s.hazard_ratio && s.hazard_ratio > 1).forEach(s => parts.push(
      text("p", `Run of ${s.start.slice(0, 10)}: ${s.distance_km} km, a spike of ${s.band} over the ` +
                `longest run of the 30 days before; associated with a hazard ratio of ` +
                `${s.hazard_ratio} for running injury (Frandsen 2025).`, "warn")));
    parts.push(text("p", data.source, "note"));
    box.replaceChildren(...parts);
  } catch (err) { box.replaceChildren(text("p", err.message, "error")); }
}

// -- workouts -----------------------------------------------------------------------------------------
const UNIT_WORDS = { reps: "Reps per set", s: "Seconds per set", m: "Metres per set",
                     contacts: "Ground contacts per set" };

function setupWorkout(form) {
  const error = form.querySelector("[data-workout-error]");
  const select = form.elements.exercise_id;
  const label = form.querySelector("[data-reps-label]");
  const example = form.querySelector("[data-reps-example]");
  const unit = () => {
    const chosen = select.options[select.selectedIndex];
    if (!chosen) return;
    label.textContent = UNIT_WORDS[chosen.dataset.unit] || "Amount per set";
    const sets = Math.max(1, Math.min(6, parseInt(chosen.dataset.sets, 10) || 3));
    const reps = parseInt(chosen.dataset.reps, 10) || 10;
    example.textContent = Array(sets).fill(reps).join(", ");
  };
  select.addEventListener("change", unit);
  unit();
  form.addEventListener("submit", async e => {
    e.preventDefault();
    error.hidden = true;
    const reps = form.elements.reps.value.split(/[ ,]+/).map(s => s.trim()).filter(Boolean).map(Number);
    const loads = form.elements.loads.value.split(/[ ,]+/).map(s => s.trim()).filter(Boolean);
    if (!reps.length || reps.some(r => !Number.isInteger(r))) {
      error.textContent = "Give whole numbers per set, e.g. 10, 10, 8"; error.hidden = false; return;
    }
    if (loads.length > 1 && loads.length !== reps.length) {
      error.textContent = "Give one load for all sets, or one per set (" + reps.length + ")";
      error.hidden = false; return;
    }
    const sets = reps.map((r, i) => ({ reps: r,
      load_kg: loads[i] ? Number(loads[i]) : (loads.length === 1 && loads[0] ? Number(loads[0]) : null) }));
    const body = { day: form.elements.day.value, exercise_id: form.elements.exercise_id.value, sets };
    if (form.elements.rpe.value) body.rpe = Number(form.elements.rpe.value);
    if (form.elements.note.value) body.note = form.elements.note.value;
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    try {
      await api(form.dataset.workout, { method: "POST", body: JSON.stringify(body),
                                        headers: { "Content-Type": "application/json" } });
      window.location.reload();
    } catch (err) { error.textContent = err.message; error.hidden = false; submit.disabled = false; }
  });
}

// -- API tokens ------------------------------------------------------------------------------------------
function setupToken(form) {
  const out = form.querySelector("[data-token-out]");
  form.addEventListener("submit", async e => {
    e.preventDefault();
    try {
      const made = await api(form.dataset.token, { method: "POST",
        body: JSON.stringify({ name: form.elements.name.value }),
        headers: { "Content-Type": "application/json" } });
      out.textContent = "Copy it now, it is not shown again: " + made.token;
      out.hidden = false;
    } catch (err) { out.textContent = err.message; out.hidden = false; }
  });
}

// -- an athlete's height -----------------------------------------------------------------------------
function setupAthlete(form) {
  const error = form.querySelector("[data-athlete-error]");
  form.addEventListener("submit", async e => {
    e.preventDefault();
    error.hidden = true;
    const cm = parseFloat(form.elements.height_cm.value);
    try {
      await api(form.dataset.athlete, { method: "PATCH", body: JSON.stringify({ height_m: cm / 100 }),
                                        headers: { "Content-Type": "application/json" } });
      window.location.reload();
    } catch (err) { error.textContent = err.message; error.hidden = false; }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-athlete]").forEach(setupAthlete);
  localTimes();
  document.querySelectorAll("[data-upload]").forEach(setupUpload);
  document.querySelectorAll("[data-progress]").forEach(setupProgress);
  document.querySelectorAll("[data-trends]").forEach(setupTrends);
  document.querySelectorAll("[data-load]").forEach(setupLoad);
  document.querySelectorAll("[data-workout]").forEach(setupWorkout);
  document.querySelectorAll("[data-token]").forEach(setupToken);
  document.querySelectorAll("[data-revoke]").forEach(b => b.addEventListener("click", async () => {
    await api(b.dataset.revoke, { method: "DELETE" });
    window.location.reload();
  }));
});
