/**
 * Eddy's live dashboard. Reads only the public API (every second):
 *   GET /v1/feature-views                                       views to pick from
 *   GET /v1/feature-views/{view}/entities/{entity}/events       the entity's recent raw values of the field
 *   GET /v1/feature-views/{view}/entities/{entity}?asOf=…       current features (asOf=latest), and a few
 *                                                               earlier instants to draw the rolling history
 *   GET /v1/feature-views/{view}/status                         ingestion counts, per-shard lag, sink state
 * and /dashboard/anomaly-windows.json (NAB's labelled anomaly windows of the demo sensors) for shading.
 *
 * The rolling history of feature values is built here: each poll reads the features at the new watermark and at
 * a few instants between the previous watermark and it (time windows are exact for any instant within
 * allowedLateness of the watermark), so the band keeps its shape whatever the replay speed.
 * Times on the charts are event (data) times, UTC.
 */
import uPlot from './vendor/uplot/uPlot.esm.js';

const POLL_MS = 1000;
/** Extra feature reads per poll between the previous and the new watermark. */
const FILL_POINTS = 8;
/** Feature reads spread over the last allowedLateness when the page first sees an entity. */
const BACKFILL_POINTS = 24;
const MAX_READINGS = 100_000;
const MAX_HISTORY = 20_000;
const DAY = 86_400_000;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY };
/** Aggregations in the field's own units and level: drawn together on the rolling-features chart. */
const TREND_AGGS = ['avg', 'min', 'max', 'last', 'first', 'ewma', 'approx_percentile'];
/** Every other aggregation over the field (z-scores, spreads, changes, distinct counts, silences) has its own chart. */
const SCORE_AGGS = [
  'zscore',
  'range',
  'delta',
  'rate',
  'ewstd',
  'ewvar',
  'stddev',
  'variance',
  'stddev_samp',
  'var_samp',
  'sum',
  'count',
  'approx_count_distinct',
  'time_since_last',
];
const PALETTE = ['#1f6feb', '#8250df', '#1a7f37', '#bf3989', '#9a6700', '#0a7ea4', '#cf222e', '#57606a'];

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const enc = encodeURIComponent;

/** Everything the page knows; exposed as window.eddyDashboard for the curious (and the browser test). */
const state = {
  views: [],
  view: null,
  entity: '',
  field: '',
  band: null,
  spanMs: Number($('span').value),
  /** {t (epoch ms), v}, ascending by t. */
  readings: [],
  /** {t (epoch ms), values: {feature: number|null}}, ascending by t. */
  history: [],
  windows: {},
  entityResult: null,
  watermark: null,
  /** performance.now() when the watermark last moved (for the replay speed). */
  watermarkAt: 0,
  speed: null,
  status: null,
  statusAt: 0,
  /** GET /v1/feature-views/{view}/sagemaker, when the view has a SageMaker sink. */
  sink: null,
  rate: null,
  outliers: 0,
  polls: 0,
  /** Bumped on every selection change; responses for an older selection are dropped. */
  generation: 0,
  charts: { readings: null, features: null, scores: null },
  /** Whether the view retains raw events of the field (a count window reads it). */
  retained: false,
  /** Features drawn on the rolling-features chart. */
  trends: [],
  /** Features drawn on the scores chart. */
  scores: [],
};
window.eddyDashboard = state;

// ---------------------------------------------------------------- API

async function api(path) {
  const headers = { accept: 'application/json' };
  const key = sessionStorage.getItem('eddy-api-key');
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(path, { headers });
  const body = await res.json().catch(() => null);
  if (res.status === 401 || res.status === 403) {
    $('key-label').hidden = false;
    throw new Error('this Eddy needs an API key with the read scope: enter it above');
  }
  if (!res.ok) {
    const err = new Error(body?.detail ?? `${path}: HTTP ${res.status}`);
    err.code = body?.code;
    throw err;
  }
  return body;
}

// ---------------------------------------------------------------- the view's shape

const durationMs = (d) => {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(d ?? '');
  return m ? Number(m[1]) * UNIT_MS[m[2]] : null;
};

/** Fields the view retains raw events of (read by a count window). */
const retainedFields = (view) => [
  ...new Set(view.features.filter((f) => f.events !== undefined && f.field).map((f) => f.field)),
];

/** Every field a feature reads: the retained ones first (their raw readings can be charted). */
const allFields = (view) => [
  ...new Set([...retainedFields(view), ...view.features.filter((f) => f.field).map((f) => f.field)]),
];

/** Windows over `field` with both a mean and a standard deviation: the band choices, largest time window first. */
function bandOptions(view, field) {
  const byWindow = new Map();
  for (const f of view.features) {
    if (f.field !== field) continue;
    const key = f.window ?? (f.events !== undefined ? `${f.events} events` : null);
    if (!key) continue;
    const entry = byWindow.get(key) ?? {
      key,
      label: f.window ?? `last ${f.events} events`,
      order: f.window ? durationMs(f.window) : -f.events,
    };
    if (f.agg === 'avg') entry.mean = f.name;
    if (f.agg === 'stddev' || (f.agg === 'stddev_samp' && !entry.std)) entry.std = f.name;
    byWindow.set(key, entry);
  }
  return [...byWindow.values()].filter((b) => b.mean && b.std).sort((a, b) => b.order - a.order);
}

const trendFeatures = (view, field) =>
  view.features.filter((f) => f.field === field && TREND_AGGS.includes(f.agg)).map((f) => f.name);

/** The scores chart: z-scores first, then the field's other non-trend features. */
const scoreFeatures = (view, field) =>
  view.features
    .filter((f) => f.field === field && SCORE_AGGS.includes(f.agg))
    .sort((a, b) => (b.agg === 'zscore') - (a.agg === 'zscore'))
    .map((f) => f.name);

// ---------------------------------------------------------------- selection

function fillSelect(select, options, selected) {
  select.replaceChildren(
    ...options.map(({ value, label }) => {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = label;
      o.selected = value === selected;
      return o;
    }),
  );
}

async function loadViews() {
  state.views = (await api('/v1/feature-views')).items;
  const wanted = params.get('view');
  const view =
    state.views.find((v) => v.name === (state.view?.name ?? wanted)) ??
    state.views.find((v) => retainedFields(v).length > 0) ??
    state.views[0] ??
    null;
  fillSelect(
    $('view'),
    state.views.map((v) => ({ value: v.name, label: `${v.name} (v${v.version})` })),
    view?.name,
  );
  if (view && (view.name !== state.view?.name || view.version !== state.view?.version)) selectView(view);
}

function selectView(view) {
  state.view = view;
  const fields = allFields(view);
  const retained = retainedFields(view);
  const field = fields.includes(state.field)
    ? state.field
    : fields.includes(params.get('field'))
      ? params.get('field')
      : fields[0];
  fillSelect(
    $('field'),
    fields.map((f) => ({ value: f, label: retained.includes(f) ? f : `${f} (features only)` })),
    field,
  );
  selectField(field ?? '');
}

function selectField(field) {
  state.field = field;
  state.retained = state.view ? retainedFields(state.view).includes(field) : false;
  $('readings-hint').hidden = !field || state.retained;
  const bands = state.view ? bandOptions(state.view, field) : [];
  const band = bands.find((b) => b.key === (state.band?.key ?? params.get('band'))) ?? bands[0] ?? null;
  fillSelect(
    $('band'),
    bands.map((b) => ({ value: b.key, label: b.label })),
    band?.key,
  );
  state.band = band;
  $('band-title').textContent = band ? `rolling mean (${band.label})` : 'rolling mean';
  $('field-title').textContent = field || 'the field';
  reset();
}

function selectEntity(entity) {
  state.entity = entity.trim();
  reset();
}

/** Drops what was charted (a new view, field, band or entity) and rebuilds the charts. */
function reset() {
  state.generation++;
  state.readings = [];
  state.history = [];
  state.watermark = null;
  state.speed = null;
  state.entityResult = null;
  const q = new URLSearchParams();
  if (state.view) q.set('view', state.view.name);
  if (state.entity) q.set('entity', state.entity);
  if (state.field) q.set('field', state.field);
  if (state.band) q.set('band', state.band.key);
  history.replaceState(null, '', `?${q}`);
  buildCharts();
  render();
}

// ---------------------------------------------------------------- polling

async function pollEntity(gen) {
  const { view, entity, field } = state;
  if (!view || !entity) return;
  const base = `/v1/feature-views/${enc(view.name)}/entities/${enc(entity)}`;
  // Raw readings only for a field the view retains (a count window reads it); features in any case.
  const [events, current] = await Promise.all([
    state.retained ? api(`${base}/events?field=${enc(field)}&asOf=latest`) : { events: [] },
    api(`${base}?asOf=latest`),
  ]);
  if (gen !== state.generation) return;
  state.entityResult = current;
  if (current.status !== 'PRESENT') return;
  mergeReadings(events.events);
  const w = Date.parse(current.eventTime);
  const prev = state.watermark;
  if (prev !== null && w <= prev) return;
  // Rolling history: the features at a few instants since the previous watermark (exact within allowedLateness).
  const floor = w - (durationMs(view.allowedLateness) ?? 0);
  const from = Math.max(prev ?? floor, floor);
  const n = prev === null ? BACKFILL_POINTS : FILL_POINTS;
  const times = [];
  for (let i = 1; i <= n && w > from; i++) {
    const t = Math.round(from + ((w - from) * i) / (n + 1));
    if (t > (prev ?? -Infinity) && t < w && t !== times.at(-1)) times.push(t);
  }
  const filled = await Promise.all(times.map((t) => api(`${base}?asOf=${t}`)));
  if (gen !== state.generation) return;
  for (const [i, r] of filled.entries()) addHistory(times[i], r.values);
  addHistory(w, current.values);
  const now = performance.now();
  if (prev !== null && state.watermarkAt) state.speed = (w - prev) / ((now - state.watermarkAt) / 1000);
  state.watermark = w;
  state.watermarkAt = now;
}

function mergeReadings(events) {
  if (events.length === 0) return;
  const incoming = events.map((e) => ({ t: Date.parse(e.eventTime), v: e.value }));
  const first = incoming[0].t;
  const r = state.readings;
  let keep = r.length;
  while (keep > 0 && r[keep - 1].t >= first) keep--;
  r.length = keep;
  for (const e of incoming) r.push(e);
  if (r.length > MAX_READINGS) r.splice(0, r.length - MAX_READINGS);
}

function addHistory(t, values) {
  const h = state.history;
  if (h.length > 0 && h[h.length - 1].t >= t) return;
  h.push({ t, values });
  if (h.length > MAX_HISTORY) h.splice(0, h.length - MAX_HISTORY);
}

async function pollStatus(gen) {
  const { view } = state;
  if (!view) return;
  const base = `/v1/feature-views/${enc(view.name)}`;
  const [status, sink] = await Promise.all([
    api(`${base}/status`),
    view.sinks?.sagemaker ? api(`${base}/sagemaker`).catch((err) => ({ error: err.message })) : null,
  ]);
  if (gen !== state.generation) return;
  const now = performance.now();
  const total = (s) => s.counts.accepted + s.counts.rejected + s.counts.late + s.counts.duplicate;
  if (state.status && state.status.version === status.version && now > state.statusAt) {
    state.rate = ((total(status) - total(state.status)) * 1000) / (now - state.statusAt);
  }
  state.status = status;
  state.statusAt = now;
  state.sink = sink;
}

async function tick() {
  const gen = state.generation;
  try {
    // The view list is re-read now and then: a view registered or versioned later shows up.
    if (!state.view || state.polls % 10 === 0) await loadViews();
    await Promise.all([pollEntity(gen), pollStatus(gen)]);
    state.polls++;
    render();
    if (!state.view) message('no feature view yet: waiting for one to be registered…');
    else if (!state.entity) message('type an entity id above');
    else if (state.entityResult?.status === 'NOT_FOUND')
      message(`no state yet for '${state.entity}': waiting for its records…`);
    else message(`updated ${new Date().toLocaleTimeString('en-GB')} · polling every ${POLL_MS / 1000} s`);
  } catch (err) {
    message(err.message, true);
  }
  setTimeout(tick, POLL_MS);
}

// ---------------------------------------------------------------- charts

function shadeAnomalies(u) {
  const windows = state.windows[state.entity] ?? [];
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.fillStyle = css('--anomaly');
  for (const w of windows) {
    const x0 = u.valToPos(Date.parse(w.start) / 1000, 'x', true);
    const x1 = u.valToPos(Date.parse(w.end) / 1000, 'x', true);
    const a = Math.max(left, Math.min(x0, x1));
    const b = Math.min(left + width, Math.max(x0, x1));
    if (b > a) ctx.fillRect(a, top, b - a, height);
  }
  ctx.restore();
}

const utc = (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');
const chartWidth = (el) => Math.max(320, el.clientWidth);

function buildCharts() {
  for (const c of Object.values(state.charts)) c?.destroy();
  const mean = css('--mean');
  const red = css('--outlier');
  const readingsEl = $('chart-readings');
  state.charts.readings = new uPlot(
    {
      width: chartWidth(readingsEl),
      height: 320,
      tzDate: utc,
      series: [
        { label: 'time (UTC)' },
        { label: 'reading', stroke: css('--reading'), width: 1, points: { show: false } },
        { label: 'rolling mean', stroke: mean, width: 2, points: { show: false } },
        { label: '+3σ', stroke: 'rgba(31,111,235,0.55)', width: 1, dash: [5, 4], points: { show: false } },
        { label: '−3σ', stroke: 'rgba(31,111,235,0.55)', width: 1, dash: [5, 4], points: { show: false } },
        {
          label: 'outside band',
          stroke: red,
          width: 0,
          paths: () => null,
          points: { show: true, size: 7, stroke: red, fill: red },
        },
      ],
      bands: [{ series: [3, 4], fill: css('--band') }],
      axes: [{}, { size: 64 }],
      hooks: { drawClear: [shadeAnomalies] },
    },
    [[], [], [], [], [], []],
    readingsEl,
  );
  const trends = state.view ? trendFeatures(state.view, state.field) : [];
  const featuresEl = $('chart-features');
  state.charts.features = new uPlot(
    {
      width: chartWidth(featuresEl),
      height: 260,
      tzDate: utc,
      series: [
        { label: 'time (UTC)' },
        ...trends.map((name, i) => ({
          label: name,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          points: { show: false },
        })),
      ],
      axes: [{}, { size: 64 }],
      hooks: { drawClear: [shadeAnomalies] },
    },
    [[], ...trends.map(() => [])],
    featuresEl,
  );
  state.trends = trends;
  state.scores = state.view ? scoreFeatures(state.view, state.field) : [];
  state.charts.scores = lineChart($('chart-scores'), state.scores);
  $('scores-card').hidden = state.scores.length === 0;
}

/** A uPlot line chart of the named features over event time. */
function lineChart(el, names) {
  return new uPlot(
    {
      width: chartWidth(el),
      height: 200,
      tzDate: utc,
      series: [
        { label: 'time (UTC)' },
        ...names.map((name, i) => ({
          label: name,
          stroke: PALETTE[(i + 3) % PALETTE.length],
          width: 1.5,
          points: { show: false },
        })),
      ],
      axes: [{}, { size: 64 }],
      hooks: { drawClear: [shadeAnomalies] },
    },
    [[], ...names.map(() => [])],
    el,
  );
}

/** The band (mean, std) at time t, interpolated between history points; null where unknown. */
function bandAt(h, j, t, band) {
  const a = h[j];
  if (!a || a.t > t) return null;
  const b = h[j + 1];
  const ma = a.values[band.mean];
  const sa = a.values[band.std];
  if (ma == null || sa == null) return null;
  if (!b || b.t === a.t) return { mean: ma, std: sa };
  const mb = b.values[band.mean];
  const sb = b.values[band.std];
  if (mb == null || sb == null) return { mean: ma, std: sa };
  const k = (t - a.t) / (b.t - a.t);
  return { mean: ma + (mb - ma) * k, std: sa + (sb - sa) * k };
}

function render() {
  const { readings: r, history: h, band, spanMs } = state;
  const lastT = Math.max(r.at(-1)?.t ?? -Infinity, h.at(-1)?.t ?? -Infinity);
  const minT = spanMs > 0 ? lastT - spanMs : -Infinity;

  const cols = [[], [], [], [], [], []];
  let outliers = 0;
  let j = 0;
  // Without raw readings (the field is not retained) the band is drawn at the rolling-history instants.
  const xs = state.retained ? r : h.map((p) => ({ t: p.t, v: null }));
  for (const p of xs) {
    if (p.t < minT) continue;
    while (j + 1 < h.length && h[j + 1].t <= p.t) j++;
    const b = band ? bandAt(h, j, p.t, band) : null;
    cols[0].push(p.t / 1000);
    cols[1].push(p.v);
    if (b) {
      const hi = b.mean + 3 * b.std;
      const lo = b.mean - 3 * b.std;
      const out = p.v !== null && (p.v > hi || p.v < lo);
      if (out) outliers++;
      cols[2].push(b.mean);
      cols[3].push(hi);
      cols[4].push(lo);
      cols[5].push(out ? p.v : null);
    } else {
      cols[2].push(null);
      cols[3].push(null);
      cols[4].push(null);
      cols[5].push(null);
    }
  }
  state.outliers = outliers;
  state.charts.readings?.setData(cols);
  $('chart-readings').dataset.points = String(cols[0].length);

  const { trends } = state;
  const fcols = [[], ...trends.map(() => [])];
  for (const p of h) {
    if (p.t < minT) continue;
    fcols[0].push(p.t / 1000);
    for (const [i, name] of trends.entries()) fcols[i + 1].push(p.values[name] ?? null);
  }
  state.charts.features?.setData(fcols);
  $('chart-features').dataset.points = String(fcols[0].length);

  const { scores } = state;
  const scols = [[], ...scores.map(() => [])];
  for (const p of h) {
    if (p.t < minT) continue;
    scols[0].push(p.t / 1000);
    for (const [i, name] of scores.entries()) scols[i + 1].push(p.values[name] ?? null);
  }
  state.charts.scores?.setData(scols);
  $('chart-scores').dataset.points = String(scols[0].length);

  renderEntity();
  renderStatus();
}

// ---------------------------------------------------------------- panels

const fmt = (v) =>
  v === null || v === undefined
    ? '–'
    : Number.isInteger(v)
      ? v.toLocaleString('en-US')
      : v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 100 ? 2 : 4 });

const fmtTime = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–');

function fmtLag(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

function pill(el, text, kind) {
  el.textContent = text;
  el.className = `pill ${kind ?? ''}`;
}

function row(cells, className) {
  const tr = document.createElement('tr');
  if (className) tr.className = className;
  for (const c of cells) {
    const td = document.createElement('td');
    if (typeof c === 'object' && c !== null) {
      td.textContent = c.text;
      if (c.title) td.title = c.title;
    } else td.textContent = c;
    tr.append(td);
  }
  return tr;
}

function renderEntity() {
  const e = state.entityResult;
  pill($('entity-status'), e ? e.status : '…', e?.status === 'PRESENT' ? 'ok' : 'warn');
  $('watermark').textContent = fmtTime(e?.eventTime);
  $('speed').textContent =
    state.speed === null ? '–' : state.speed === 0 ? 'paused' : `${fmt(state.speed / DAY)} data-days/s`;
  $('readings-count').textContent = fmt(state.readings.length);
  $('outliers-count').textContent = fmt(state.outliers);
  const bandNames = state.band ? [state.band.mean, state.band.std] : [];
  $('features')
    .querySelector('tbody')
    .replaceChildren(
      ...Object.entries(e?.values ?? {}).map(([name, v]) =>
        row([name, fmt(v)], bandNames.includes(name) ? 'band-feature' : ''),
      ),
    );
}

function renderStatus() {
  const s = state.status;
  for (const k of ['accepted', 'rejected', 'late', 'duplicate', 'filtered'])
    $(`count-${k}`).textContent = fmt(s?.counts[k]);
  $('last-event-time').textContent = fmtTime(s?.lastEventTime);
  pill(
    $('records-rate'),
    state.rate === null ? '–' : `${fmt(Math.round(state.rate))} rec/s`,
    state.rate > 0 ? 'ok' : '',
  );
  // Kinesis views: one row per shard (lag, lease owner); otherwise one per ordered source (push lanes).
  const rows = s?.kinesis
    ? s.kinesis.shards.map((sh) => [
        { text: shardLabel(sh.shardId), title: `${sh.shardId} · lease owner ${sh.owner ?? 'none'}` },
        fmtLag(sh.millisBehindLatest),
        fmt(sh.counts.accepted + sh.counts.rejected + sh.counts.late + sh.counts.duplicate),
        checkpointCell(sh.checkpoint),
      ])
    : (s?.sources ?? []).map((src) => [src.source, '–', '–', checkpointCell(src.checkpoint)]);
  $('sources-title').textContent = s?.kinesis ? `Kinesis stream ${s.kinesis.streamName}` : 'Sources';
  $('sources')
    .querySelector('tbody')
    .replaceChildren(...rows.map((cells) => row(cells)));
  renderSink(state.sink);
  renderTransform(state.view?.transform);
}

/** `shardId-000000000001` → `shard 1`. */
const shardLabel = (id) => (/^shardId-\d+$/.test(id) ? `shard ${Number(id.slice(8))}` : id);

const checkpointCell = (seq) => ({ text: seq ? `…${String(seq).slice(-8)}` : '–', title: seq ?? '' });

/** The view's transform: its CEL expressions as registered (each, filter, derived fields). */
function renderTransform(transform) {
  const el = $('transform');
  if (!transform) {
    pill($('transform-state'), 'none');
    el.textContent = 'Records are read as they come (no transform).';
    return;
  }
  pill($('transform-state'), 'CEL', 'ok');
  const lines = [
    ...(transform.each ? [['each', transform.each]] : []),
    ...(transform.filter ? [['filter', transform.filter]] : []),
    ...Object.entries(transform.fields ?? {}),
  ];
  el.replaceChildren(keyValueTable(lines, 'code'));
}

/** A two-column table of [key, value] rows; `valueClass` styles the values. */
function keyValueTable(lines, valueClass = '') {
  const body = document.createElement('tbody');
  for (const [k, v] of lines) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = k;
    const td = document.createElement('td');
    td.textContent = v;
    if (valueClass) td.className = valueClass;
    tr.append(th, td);
    body.append(tr);
  }
  const table = document.createElement('table');
  table.append(body);
  return table;
}

function renderSink(sink) {
  const el = $('sink');
  const spec = state.view?.sinks?.sagemaker;
  if (!spec) {
    pill($('sink-state'), 'none');
    el.textContent = 'This view has no SageMaker sink.';
    return;
  }
  const lines = [['feature group', spec.featureGroupName]];
  const st = sink?.state;
  if (!st) {
    pill($('sink-state'), sink?.error ? 'unknown' : '…', sink?.error ? 'warn' : '');
    if (sink?.error) lines.push(['state', sink.error]);
  } else {
    // Failing: the last error is newer than the last successful write.
    const failing = st.lastError && (!st.lastWriteAt || st.lastError.at > st.lastWriteAt);
    const label = failing ? 'retrying' : st.pending > 0 ? 'writing' : st.written > 0 ? 'in sync' : 'idle';
    pill($('sink-state'), label, failing ? 'bad' : st.pending > 0 ? 'warn' : 'ok');
    lines.push(
      ['pending entities', fmt(st.pending)],
      ['records written', fmt(st.written)],
      ['skipped (unchanged)', fmt(st.unchanged)],
      ['failed attempts', fmt(st.failed)],
      ['dead letters', fmt(st.deadLetters)],
      ['last write', fmtTime(st.lastWriteAt)],
    );
    if (st.lastError) lines.push(['last error', `${st.lastError.code}: ${st.lastError.message}`]);
  }
  el.replaceChildren(keyValueTable(lines));
}

function message(text, error = false) {
  $('message').textContent = text;
  document.querySelector('footer').classList.toggle('error', error);
}

// ---------------------------------------------------------------- start

$('view').addEventListener('change', (e) => {
  const view = state.views.find((v) => v.name === e.target.value);
  if (view) selectView(view);
});
$('field').addEventListener('change', (e) => selectField(e.target.value));
$('band').addEventListener('change', (e) => {
  state.band = bandOptions(state.view, state.field).find((b) => b.key === e.target.value) ?? null;
  selectField(state.field);
});
$('entity').addEventListener('change', (e) => selectEntity(e.target.value));
$('span').addEventListener('change', (e) => {
  state.spanMs = Number(e.target.value);
  render();
});
$('api-key').addEventListener('change', (e) => {
  sessionStorage.setItem('eddy-api-key', e.target.value);
  state.views = [];
  state.view = null;
});
$('pick').addEventListener('submit', (e) => e.preventDefault());
window.addEventListener('resize', () => {
  for (const [id, c] of [
    ['chart-readings', state.charts.readings],
    ['chart-features', state.charts.features],
    ['chart-scores', state.charts.scores],
  ])
    c?.setSize({ width: chartWidth($(id)), height: c.height });
});

async function start() {
  try {
    state.windows = await api('/dashboard/anomaly-windows.json');
  } catch {
    state.windows = {};
  }
  $('entities').replaceChildren(
    ...Object.keys(state.windows).map((id) => {
      const o = document.createElement('option');
      o.value = id;
      return o;
    }),
  );
  state.entity = params.get('entity') ?? Object.keys(state.windows)[0] ?? '';
  $('entity').value = state.entity;
  buildCharts();
  void tick(); // tick reports its own errors on the page and schedules the next one
}

start().catch((err) => message(`the dashboard could not start: ${err.message}`));
