// The dashboard: plain modules, no build step. It reads the API with the same token rules as any
// client and updates from the tenant feed (GET /feed); it never polls in a loop.
const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
};

const state = { token: localStorage.getItem("tagger-token") ?? "", jobs: new Map(), contents: [], feedSeqs: {}, feedNeedsTenant: false, socket: null, tenant: null, selectedQid: null, tagsStart: 0, searchStart: 0, seekTo: undefined };

let noticeTimer = null;
/** A message for the user: errors stay until the next action; successes clear themselves. */
function notice(message, kind = "error") {
  const n = $("#notice");
  clearTimeout(noticeTimer);
  n.textContent = message ?? "";
  n.className = message ? `notice-${kind}` : "";
  n.hidden = !message;
  if (message && kind === "ok") noticeTimer = setTimeout(() => notice(null), 6000);
}

async function api(path, init = {}) {
  const headers = new Headers(init.headers ?? {});
  if (state.token) headers.set("authorization", `Bearer ${state.token}`);
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    init = { ...init, body: JSON.stringify(init.json) };
  }
  const res = await fetch(path, { ...init, headers });
  if (res.status === 204) return null;
  const type = res.headers.get("content-type") ?? "";
  const body = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) throw Object.assign(new Error(body?.error?.message ?? `${res.status} ${res.statusText}`), { status: res.status });
  return body;
}

const withToken = (path) => (state.token ? `${path}${path.includes("?") ? "&" : "?"}authorization=${encodeURIComponent(state.token)}` : path);
const fmtTime = (ms) => {
  const s = Math.max(0, ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}:` : ""}${String(m).padStart(h ? 2 : 1, "0")}:${(s % 60).toFixed(1).padStart(4, "0")}`;
};

// ---- pages ----
function show(page) {
  for (const b of document.querySelectorAll("nav button")) {
    if (b.dataset.page === page) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  for (const s of document.querySelectorAll("main > section")) s.hidden = s.id !== `page-${page}`;
  location.hash = page;
  if (page === "content") loadContents();
  if (page === "tags") loadTagsPage();
  if (page === "models") loadModels();
  if (page === "search") $("#search-text").focus();
}

// ---- jobs ----
/** How far a job has got: a row never goes back (a late local row or a stale event cannot undo a newer state). */
const STAGE = { queued: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2 };
const ended = (status) => STAGE[status] === 2;

function upsertJob(job) {
  const prev = state.jobs.get(job.job_id);
  if (prev && (STAGE[prev.status] ?? -1) > (STAGE[job.status] ?? -1)) return;
  state.jobs.set(job.job_id, { ...(prev ?? {}), ...job });
}

/** The progress cell: what was tagged out of what there was, and why when there was nothing. */
function progressCell(j) {
  const total = j.tag_details?.total_parts ?? 0;
  const tagged = j.tag_details?.tagged_parts ?? 0;
  const pct = total > 0 ? Math.round((tagged / total) * 100) : j.status === "succeeded" ? 100 : Math.round((j.progress ?? 0) * 100);
  const shown = ended(j.status) && j.status !== "succeeded" ? Math.round((total > 0 ? tagged / total : 0) * 100) : pct;
  const label = j.status === "failed" ? `failed at ${tagged}/${total}` : j.status === "cancelled" ? `stopped at ${tagged}/${total}` : `${shown}% ${j.tagging_progress ?? `${tagged}/${total}`}`;
  const nothing = j.status === "succeeded" && total === 0
    ? el("div", { class: "explain" }, "Nothing to tag: every part in scope was tagged by an earlier run. Start again with “Replace earlier tags” to tag it anew.")
    : null;
  return el("td", {}, el("progress", { max: 100, value: shown, "aria-label": `${j.qid} ${j.model} progress` }), " ", el("span", { class: "parts" }, label), nothing);
}

function jobFromEvent(e) {
  const d = e.data ?? {};
  return {
    job_id: e.job_id, qid: e.qid, model: e.model, status: d.status,
    progress: d.progress, tagging_progress: d.tagging_progress,
    tag_details: { ...(state.jobs.get(e.job_id)?.tag_details ?? {}), total_parts: d.total_parts, tagged_parts: d.tagged_parts, warnings: d.warnings, progress: d.progress },
    error: d.error ?? state.jobs.get(e.job_id)?.error ?? null,
    created_at: state.jobs.get(e.job_id)?.created_at ?? e.at,
  };
}

function renderJobs() {
  const f = new FormData($("#job-filters"));
  const rows = [...state.jobs.values()]
    .filter((j) => (!f.get("status") || j.status === f.get("status")) && (!f.get("model") || j.model.includes(f.get("model"))) && (!f.get("qid") || j.qid.includes(f.get("qid"))))
    .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  const body = $("#jobs tbody");
  body.replaceChildren(
    ...rows.map((j) => {
      const active = !ended(j.status);
      const warnings = j.tag_details?.warnings;
      return el("tr", { "data-job": j.job_id },
        el("td", {}, j.qid), el("td", {}, j.model),
        el("td", { class: `status-${j.status}` }, j.status, j.error ? el("div", { class: "error" }, j.error) : null),
        progressCell(j),
        el("td", {}, warnings ? `${warnings.num_warnings}: ${warnings.last_warning}` : ""),
        el("td", {}, j.created_at ? new Date(j.created_at).toLocaleTimeString() : ""),
        el("td", {},
          active ? el("button", { type: "button", onclick: () => stopJob(j) }, "Stop") : null,
          el("button", { type: "button", onclick: () => showJobLog(j) }, "Events"),
          j.status === "failed" || j.status === "cancelled" ? el("button", { type: "button", onclick: () => resumeJob(j) }, "Resume") : null,
          !active ? el("button", { type: "button", onclick: () => deleteJob(j) }, "Delete") : null),
      );
    }),
  );
}

async function stopJob(j) {
  try {
    await api(`/${encodeURIComponent(j.qid)}/stop/${encodeURIComponent(j.model)}`, { method: "POST" });
    notice(`Stopping ${j.model} on ${j.qid}.`, "ok");
  } catch (e) { notice(e.message); }
}
/** A stopped or failed job again, where it left off (only the parts not tagged yet). */
async function resumeJob(j) {
  try {
    const r = await api(`/jobs/${encodeURIComponent(j.job_id)}/resume`, { method: "POST" });
    if (r.started) {
      upsertJob({ job_id: r.job_id, qid: j.qid, model: j.model, status: "queued", progress: 0, created_at: new Date().toISOString() });
      notice(`Resumed ${j.model} on ${j.qid}.`, "ok");
    } else notice(r.message);
    renderJobs();
  } catch (e) { notice(e.message); }
}

/** The job's event log under the table: what happened to each part, retries and why, the end. */
async function showJobLog(j) {
  state.logJob = j;
  const level = $("#job-log-level").value;
  try {
    const { events } = await api(`/jobs/${encodeURIComponent(j.job_id)}/events?level=${level}&limit=500`);
    $("#h-job-log").textContent = `Event log of ${j.model} on ${j.qid}`;
    $("#job-log tbody").replaceChildren(
      ...events.map((e) => el("tr", { class: `log-${e.level}` },
        el("td", {}, new Date(e.timestamp).toLocaleTimeString()), el("td", {}, e.level), el("td", {}, e.part ?? ""),
        el("td", {}, e.message, e.provider ? ` · ${e.provider}` : ""))),
    );
    $("#job-log").hidden = false;
  } catch (e) { notice(e.message); }
}

async function deleteJob(j) {
  try {
    await api(`/jobs/${encodeURIComponent(j.job_id)}`, { method: "DELETE" });
    state.jobs.delete(j.job_id);
    renderJobs();
  } catch (e) { notice(e.message); }
}

async function loadJobs() {
  const { jobs } = await api("/job-status?limit=200");
  for (const j of jobs) upsertJob(j);
  renderJobs();
}

// ---- the feed ----
/**
 * One socket for every tenant the caller is in (the server relays each tenant's feed); a caller
 * who must name a tenant (a system administrator) gets the first content's. Each tenant's
 * feed_seq is kept so a reconnect replays what was missed, tenant by tenant.
 */
function connectFeed() {
  const params = new URLSearchParams();
  if (state.token) params.set("authorization", state.token);
  if (state.feedNeedsTenant && state.tenant) params.set("tenant", state.tenant);
  const since = Object.entries(state.feedSeqs).map(([t, n]) => `${t}:${n}`).join(",");
  if (since) params.set("since", since);
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${proto}//${location.host}/feed?${params}`);
  let opened = false;
  state.socket = ws;
  $("#feed-state").textContent = "connecting…";
  ws.addEventListener("open", () => {
    opened = true;
    $("#feed-state").textContent = "live";
  });
  ws.addEventListener("message", (m) => {
    const e = JSON.parse(m.data);
    const seen = (tenant, seq) => {
      if (tenant && seq !== undefined) state.feedSeqs[tenant] = Math.max(state.feedSeqs[tenant] ?? 0, seq);
    };
    if (e.type === "snapshot") {
      for (const j of e.jobs) upsertJob(j);
      seen(e.tenant, e.feed_seq);
    } else if (e.type?.startsWith("job.")) {
      seen(e.tenant, e.feed_seq);
      upsertJob(jobFromEvent(e));
      if (e.type === "job.tags" && e.qid === state.selectedQid) scheduleTimelineRefresh();
    }
    renderJobs();
  });
  ws.addEventListener("close", () => {
    // Refused before it opened: this caller must name a tenant.
    if (!opened) state.feedNeedsTenant = true;
    $("#feed-state").textContent = "reconnecting…";
    setTimeout(connectFeed, 2000);
  });
  // Keep the connection alive; the server answers without waking its object.
  const ping = setInterval(() => (ws.readyState === 1 ? ws.send("ping") : clearInterval(ping)), 30_000);
}

// ---- content ----
async function loadContents() {
  const { contents } = await api("/contents?limit=1000");
  state.contents = contents;
  state.tenant ??= contents[0]?.tenant ?? null;
  $("#contents tbody").replaceChildren(...contents.map((c) => el("tr", {}, el("td", {}, c.qid), el("td", {}, c.title), el("td", {}, Object.keys(c.streams).join(", ")), el("td", {}, c.tenant))));
  const options = () => contents.map((c) => el("option", { value: c.qid }, `${c.qid} — ${c.title}`));
  $("#start-qid").replaceChildren(...options());
  $("#tags-qid").replaceChildren(el("option", { value: "" }, "choose…"), ...options());
  if (state.selectedQid) $("#tags-qid").value = state.selectedQid;
  await loadModelPicker();
}

async function loadModelPicker() {
  const { models } = await api("/models");
  const select = $("#start-model");
  const current = select.value;
  select.replaceChildren(...models.filter((m) => m.available).map((m) => el("option", { value: m.name }, `${m.name} (${m.type})`)));
  if (current) select.value = current;
  await renderParams();
}

let paramsRender = 0;
/** The params form of the chosen model, from its params_schema. Only the latest choice is drawn. */
async function renderParams() {
  const name = $("#start-model").value;
  const mine = ++paramsRender;
  const fields = [el("legend", {}, "Model parameters")];
  if (name) {
    const spec = await api(`/models/${encodeURIComponent(name)}`);
    if (mine !== paramsRender) return; // another model was chosen meanwhile
    const props = spec.params_schema?.properties ?? {};
    for (const [key, p] of Object.entries(props)) {
      const id = `param-${key}`;
      const value = spec.default_params?.[key] ?? p.default;
      let input;
      if (p.enum) input = el("select", { id, name: key }, ...p.enum.map((v) => el("option", { value: v, selected: v === value }, v)));
      else if (p.type === "boolean") input = el("input", { id, name: key, type: "checkbox", checked: value === true });
      else if (p.type === "number" || p.type === "integer")
        input = el("input", { id, name: key, type: "number", step: p.type === "integer" ? 1 : "any", min: p.minimum ?? p.exclusiveMinimum, max: p.maximum, value: value ?? "" });
      else input = el("input", { id, name: key, type: "text", value: value ?? "" });
      input.dataset.type = p.type ?? "string";
      fields.push(el("label", { for: id }, `${key}${p.description ? ` — ${p.description}` : ""}`, input));
    }
    if (Object.keys(props).length === 0) fields.push(el("p", {}, "This model takes no parameters."));
  }
  $("#params").replaceChildren(...fields);
  $("#params").dataset.model = name;
}

async function register(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const qid = f.get("qid");
  const file = f.get("file");
  const hasFile = file instanceof File && file.size > 0;
  if (!hasFile && !f.get("url")) return notice("Give a video URL or choose a file.");
  try {
    const video = hasFile ? { file: file.name } : { url: f.get("url") };
    const body = { title: f.get("title"), streams: { video }, part_duration: Number(f.get("part_duration") || 10) };
    if (hasFile) body.streams.audio = { file: file.name };
    await api(`/contents/${encodeURIComponent(qid)}`, { method: "PUT", json: body });
    if (hasFile) await api(`/contents/${encodeURIComponent(qid)}/files/${encodeURIComponent(file.name)}`, { method: "PUT", body: file, headers: { "content-type": file.type || "video/mp4" } });
    ev.target.reset();
    await loadContents();
    $("#start-qid").value = qid;
    // Said last, when the forms below know the new content.
    notice(`Registered ${qid}.`, "ok");
  } catch (e) { notice(e.message); }
}

async function startTagging(ev) {
  ev.preventDefault();
  const qid = $("#start-qid").value;
  const model = $("#start-model").value;
  if ($("#params").dataset.model !== model) await renderParams();
  const params = {};
  for (const input of $("#params").querySelectorAll("input, select")) {
    const t = input.dataset.type;
    if (t === "boolean") params[input.name] = input.checked;
    else if (input.value === "") continue;
    else params[input.name] = t === "number" || t === "integer" ? Number(input.value) : input.value;
  }
  try {
    const replace = $("#start-replace").checked;
    const { jobs } = await api(`/${encodeURIComponent(qid)}/tag`, { method: "POST", json: { options: { replace }, jobs: [{ model, model_params: params }] } });
    const j = jobs[0];
    if (j.started) notice(`Started ${model} on ${qid}.`, "ok");
    else notice(j.message);
    // The feed may have told of this job already (a quick one can end before the answer arrives).
    if (j.started) upsertJob({ job_id: j.job_id, qid, model, status: "queued", progress: 0, created_at: new Date().toISOString() });
    state.selectedQid = qid;
    show("jobs");
    renderJobs();
  } catch (e) { notice(e.message); }
}

// ---- tags ----
let timelineTimer = null;
function scheduleTimelineRefresh() {
  clearTimeout(timelineTimer);
  timelineTimer = setTimeout(async () => {
    if (!state.selectedQid) return;
    await loadTimeline(state.selectedQid);
    await searchTags(state.tagsStart ?? 0);
  }, 300);
}

async function loadTagsPage() {
  if (state.contents.length === 0) await loadContents();
  if (state.selectedQid) {
    $("#tags-qid").value = state.selectedQid;
    await openContent(state.selectedQid);
  }
}

let hls = null;
async function openContent(qid) {
  state.selectedQid = qid;
  const video = $("#player");
  hls?.destroy();
  hls = null;
  try {
    const play = await api(`/contents/${encodeURIComponent(qid)}/play`);
    if (play.type === "hls" && window.Hls?.isSupported()) {
      hls = new window.Hls();
      hls.loadSource(play.url);
      hls.attachMedia(video);
    } else video.src = play.url;
    // Opened from a search hit: go to its time once the new video knows its length.
    if (state.seekTo !== undefined) {
      const ms = state.seekTo;
      state.seekTo = undefined;
      video.addEventListener("loadedmetadata", () => seek(ms), { once: true });
    }
  } catch (e) { notice(`The video cannot be played here: ${e.message}`); }
  await loadTimeline(qid);
  await searchTags();
}

const TRACK_COLOURS = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e"];
const ROW_REM = 1.5;

/** Puts overlapping tags on rows of their own (first row where the tag fits), so none hides another. */
function stack(tags) {
  const rowEnds = [];
  return tags.map((tag) => {
    let row = rowEnds.findIndex((end) => end <= tag.start_time);
    if (row === -1) row = rowEnds.push(0) - 1;
    rowEnds[row] = Math.max(tag.end_time, tag.start_time + 1);
    return { tag, row };
  });
}

/** Ticks at a round step, about ten across the content. */
function ruler(total) {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].map((s) => s * 1000);
  const step = steps.find((s) => total / s <= 12) ?? 3_600_000;
  const ticks = [];
  for (let t = 0; t <= total; t += step) ticks.push(el("span", { class: "tick", style: `left:${(t / total) * 100}%` }, fmtTime(t)));
  return el("div", { class: "ruler", "aria-hidden": "true" }, ...ticks);
}

async function loadTimeline(qid) {
  const { tracks } = await api(`/${encodeURIComponent(qid)}/tracks`);
  const minConfidence = Number($("#min-confidence").value) || 0;
  let maxEnd = 0;
  const byTrack = [];
  for (const t of tracks) {
    const tags = [];
    for (let start = 0; ; start += 1000) {
      const page = await api(`/${encodeURIComponent(qid)}/tags?track=${encodeURIComponent(t.name)}&limit=1000&start=${start}`);
      tags.push(...page.tags);
      if (page.tags.length < 1000) break;
    }
    for (const tag of tags) maxEnd = Math.max(maxEnd, tag.end_time);
    // Tags without a confidence are always shown; the others from the chosen minimum up.
    byTrack.push([t, tags.filter((tag) => (tag.additional_info?.confidence ?? 1) >= minConfidence)]);
  }
  const video = $("#player");
  const total = Math.max(maxEnd, Number.isFinite(video.duration) ? video.duration * 1000 : 0, 1);
  const lanes = byTrack.map(([t, tags], i) => {
    const colour = TRACK_COLOURS[i % TRACK_COLOURS.length];
    const placed = stack(tags);
    const rows = Math.max(1, ...placed.map((p) => p.row + 1));
    return el("div", { class: "lane", role: "group", "aria-label": `${t.label} (${tags.length} tags)`, "data-track": t.name, style: `height:${rows * ROW_REM + 1.2}rem` },
      el("span", { class: "lane-name" }, `${t.label} · ${tags.length}`),
      ...placed.map(({ tag, row }) => el("button", {
        type: "button", class: "tag", "data-start": tag.start_time,
        style: `left:${(tag.start_time / total) * 100}%;width:${Math.max(0.3, ((tag.end_time - tag.start_time) / total) * 100)}%;top:${1.1 + row * ROW_REM}rem;background:${colour}`,
        title: `${fmtTime(tag.start_time)}–${fmtTime(tag.end_time)} ${tag.text}${tag.additional_info?.confidence !== undefined ? ` (confidence ${tag.additional_info.confidence})` : ""}`,
        "aria-label": `${t.label} at ${fmtTime(tag.start_time)}: ${tag.text}`,
        onclick: () => seek(tag.start_time),
      }, tag.text)),
    );
  });
  $("#legend").replaceChildren(...byTrack.map(([t], i) => el("span", { style: `--swatch:${TRACK_COLOURS[i % TRACK_COLOURS.length]}` }, t.label)));
  const playhead = el("div", { class: "playhead", "aria-hidden": "true" });
  $("#timeline").replaceChildren(ruler(total), ...lanes, playhead);
  video.ontimeupdate = () => (playhead.style.left = `${((video.currentTime * 1000) / total) * 100}%`);
  $("#exports").replaceChildren(
    ...tracks.flatMap((t) => [
      el("a", { href: withToken(`/${encodeURIComponent(qid)}/tags/export?format=vtt&track=${encodeURIComponent(t.name)}`), download: `${qid}-${t.name}.vtt` }, `${t.label} (WebVTT)`),
      t.name === "speech_to_text" ? el("a", { href: withToken(`/${encodeURIComponent(qid)}/tags/export?format=srt&track=${t.name}`), download: `${qid}-${t.name}.srt` }, `${t.label} (SRT)`) : null,
    ]).filter((a) => a !== null),
    el("a", { href: withToken(`/${encodeURIComponent(qid)}/tags/export?format=json`), download: `${qid}.json` }, "All tags (JSON)"),
  );
}

function seek(ms) {
  const video = $("#player");
  video.currentTime = ms / 1000;
}

const TAGS_PAGE = 100;
/** The tag list: a page at a time, newest search first; refreshed live when the content gets tags. */
async function searchTags(start = 0) {
  const qid = state.selectedQid;
  const text = $("#tags-search").value.trim();
  if (!qid) return;
  const { tags, meta } = await api(`/${encodeURIComponent(qid)}/tags?limit=${TAGS_PAGE}&start=${start}${text ? `&text=${encodeURIComponent(text)}` : ""}`);
  state.tagsStart = start;
  $("#tag-list tbody").replaceChildren(
    ...tags.map((t) => el("tr", {},
      el("td", {}, el("button", { type: "button", onclick: () => seek(t.start_time) }, fmtTime(t.start_time))),
      el("td", {}, fmtTime(t.end_time)),
      el("td", {}, t.track), el("td", {}, t.text),
      el("td", {}, t.additional_info?.confidence !== undefined ? String(t.additional_info.confidence) : ""))),
  );
  $("#tags-page").textContent = meta.total === 0 ? "no tags" : `${start + 1}–${start + tags.length} of ${meta.total}`;
  $("#tags-prev").disabled = start === 0;
  $("#tags-next").disabled = start + tags.length >= meta.total;
}

// ---- search ----
const SEARCH_PAGE = 50;
/** Tags across every content the caller may read, with the form's filters; a page at a time. */
async function runSearch(start = 0) {
  const params = new URLSearchParams();
  for (const [k, v] of new FormData($("#search-form"))) if (String(v).trim() !== "") params.set(k, String(v).trim());
  params.set("start", String(start));
  params.set("limit", String(SEARCH_PAGE));
  try {
    const { hits, meta } = await api(`/search/tags?${params}`);
    state.searchStart = start;
    $("#search-hits tbody").replaceChildren(
      ...hits.map((h) => el("tr", {},
        el("td", {}, h.title, el("div", { class: "explain" }, h.qid)),
        el("td", {}, el("button", { type: "button", "aria-label": `Open ${h.qid} at ${fmtTime(h.start_time)}`, onclick: () => openAt(h.qid, h.start_time) }, fmtTime(h.start_time))),
        el("td", {}, fmtTime(h.end_time)),
        el("td", {}, h.track), el("td", {}, h.text),
        el("td", {}, h.confidence === null ? "" : String(h.confidence)))),
    );
    // Past the count cap the total is a lower bound: pages go on while they come back full.
    const of = meta.total_capped ? `more than ${meta.total.toLocaleString()}` : meta.total;
    $("#search-page").textContent = meta.total === 0 ? "no tags found" : `${start + 1}–${start + hits.length} of ${of}`;
    $("#search-prev").disabled = start === 0;
    $("#search-next").disabled = meta.total_capped ? hits.length < SEARCH_PAGE : start + hits.length >= meta.total;
    notice(null);
  } catch (e) { notice(`Search: ${e.message}`); }
}

/** A hit's content in the Tags view, the player at the hit's time. */
function openAt(qid, ms) {
  state.selectedQid = qid;
  state.seekTo = ms;
  show("tags");
}

// ---- models and providers ----
const fmtWait = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);
const fmtRate = (r) => `${Math.round(r * 100)}%`;

async function loadModels() {
  const { models } = await api("/models");
  $("#models tbody").replaceChildren(...models.map((m) => el("tr", {}, el("td", {}, m.name), el("td", {}, m.type), el("td", {}, m.tag_tracks.map((t) => t.name).join(", ")), el("td", {}, m.available ? "yes" : "no"), el("td", {}, m.description))));
  // Queue figures are for tenant administrators; other users still see provider health.
  let queues = null;
  try {
    queues = await api("/queues");
  } catch (e) {
    if (e.status !== 403) notice(e.message);
  }
  const load = new Map((queues?.providers ?? []).map((q) => [q.id, q]));
  const dash = (q, f) => (q ? f(q) : "–");
  try {
    const { providers } = await api("/providers");
    $("#providers tbody").replaceChildren(...providers.map((p) => {
      const q = load.get(p.id);
      return el("tr", { "data-provider": p.id },
        el("td", {}, p.id), el("td", { class: `health-${p.health.status}` }, p.health.status),
        el("td", {}, `${p.health.in_flight} / ${p.concurrency}`),
        el("td", {}, dash(q, (x) => String(x.pending))), el("td", {}, dash(q, (x) => fmtWait(x.avg_wait_ms))), el("td", {}, dash(q, (x) => String(x.throughput_per_min))),
        el("td", {}, fmtRate(p.health.error_rate)), el("td", {}, p.health.last_error ?? ""), el("td", {}, p.models.join(", ")));
    }));
  } catch (e) { notice(e.message); }
  $("#queues caption").textContent = queues ? `Queues per model, last ${queues.window_minutes} minutes` : "Queues per model: for tenant administrators";
  $("#queues tbody").replaceChildren(...(queues?.models ?? []).map((m) => el("tr", { "data-model": m.model },
    el("td", {}, m.model), el("td", {}, String(m.active_jobs)), el("td", {}, String(m.pending)), el("td", {}, String(m.in_flight)),
    el("td", {}, fmtWait(m.avg_wait_ms)), el("td", {}, fmtWait(m.oldest_wait_ms)), el("td", {}, String(m.throughput_per_min)), el("td", {}, fmtRate(m.error_rate)))));
}

// ---- start ----
async function signIn(ev) {
  ev?.preventDefault();
  state.token = $("#token").value.trim() || state.token;
  if (state.token) localStorage.setItem("tagger-token", state.token);
  try {
    const { contents } = await api("/contents?limit=1");
    state.tenant = contents[0]?.tenant ?? null;
    $("#who").textContent = state.token ? "signed in" : "development user";
    notice(null);
    state.socket?.close();
    await loadJobs();
    if (!state.socket || state.socket.readyState > 1) connectFeed();
  } catch (e) {
    $("#who").textContent = "";
    // A token the service refuses is not kept for the next visit.
    if (e.status === 401) {
      localStorage.removeItem("tagger-token");
      state.token = "";
    }
    notice(`Sign in: ${e.message}`);
  }
}

/** Forgets the token and starts over (in development, as the development user). */
function signOut() {
  localStorage.removeItem("tagger-token");
  location.reload();
}

document.addEventListener("DOMContentLoaded", () => {
  for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => show(b.dataset.page));
  $("#signin").addEventListener("submit", signIn);
  $("#signout").addEventListener("click", signOut);
  $("#job-log-level").addEventListener("change", () => state.logJob && showJobLog(state.logJob));
  $("#min-confidence").addEventListener("change", () => state.selectedQid && loadTimeline(state.selectedQid));
  $("#tags-prev").addEventListener("click", () => searchTags(Math.max(0, state.tagsStart - TAGS_PAGE)));
  $("#tags-next").addEventListener("click", () => searchTags(state.tagsStart + TAGS_PAGE));
  $("#job-filters").addEventListener("input", renderJobs);
  $("#register").addEventListener("submit", register);
  $("#start").addEventListener("submit", startTagging);
  $("#start-model").addEventListener("change", renderParams);
  $("#tags-qid").addEventListener("change", (e) => e.target.value && openContent(e.target.value));
  $("#tags-search").addEventListener("input", () => searchTags());
  $("#tags-pick").addEventListener("submit", (e) => e.preventDefault());
  $("#search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    runSearch();
  });
  $("#search-prev").addEventListener("click", () => runSearch(Math.max(0, state.searchStart - SEARCH_PAGE)));
  $("#search-next").addEventListener("click", () => runSearch(state.searchStart + SEARCH_PAGE));
  $("#token").value = state.token;
  signIn().then(() => show(location.hash.slice(1) || "jobs"));
});
