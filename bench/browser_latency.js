// Page side of bench/browser_latency.py: replay a widget's scripted actions in JupyterLab and time each one.
//
// Called by Playwright's page.evaluate with {cell, specs, rounds, timeoutMs, settleMs}. Each action is applied
// to its control's model as the control's view does when a person uses it (model.set + save_changes; a
// button's click message; a kernel-side action through an execute request). For each action it records, on
// the page's clock (performance.timeOrigin + performance.now(), ms since the epoch, which lines up with the
// kernel's time.time()):
//   t0        the change is made
//   first     the first new picture: an <img> of the widget gets a new src (MutationObserver), or an SVG
//             chart is replaced
//   picture   the last new picture of the update (the widget shows the whole change), `pictures` how many
//   decoded   that last <img> decoded (img.decode() called when its src changed), ready to paint
//   log       every websocket message of the kernel connection in the meantime: direction, time, type,
//             comm method and state keys, size, the kernel's header date (incoming messages are timed before
//             JupyterLab handles them)
async ({cell, specs, rounds, timeoutMs, settleMs}) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const kernel = panel.sessionContext.session.kernel;
  const ws = kernel._ws;
  const now = () => performance.timeOrigin + performance.now();
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  const decoder = new TextDecoder();
  const describe = (data) => {   // the v1 kernel websocket protocol: offsets, channel, header, ..., content
    if (!(data instanceof ArrayBuffer)) return {type: 'text', bytes: data.length};
    const view = new DataView(data);
    const n = Number(view.getBigUint64(0, true));
    const off = [];
    for (let i = 0; i < n; i++) off.push(Number(view.getBigUint64(8 * (i + 1), true)));
    const part = (i) => decoder.decode(new Uint8Array(data, off[i], off[i + 1] - off[i]));
    const header = JSON.parse(part(1));
    const content = JSON.parse(part(4));
    let type = header.msg_type;
    if (type === 'comm_msg' && content.data) {
      type += ':' + content.data.method + ':' + Object.keys(content.data.state || {}).join(',');
    } else if (type === 'status') {
      type += ':' + content.execution_state;
    }
    return {type, bytes: data.byteLength, date: header.date};
  };
  const log = [];
  const onmessage = ws.onmessage;
  ws.onmessage = (e) => { log.push({dir: 'in', t: now(), ...describe(e.data)}); return onmessage.call(ws, e); };
  const send = ws.send;
  ws.send = function (data) { log.push({dir: 'out', t: now(), ...describe(data)}); return send.call(ws, data); };

  const findManager = (w) => {
    if (w._manager && w._manager.promise) return w._manager.promise;
    for (const child of (w.widgets || [])) {
      const found = findManager(child);
      if (found) return found;
    }
    return null;
  };
  const manager = await findManager(panel.content.widgets[cell].outputArea);
  const root = document.querySelector(`[data-test-cell="${cell}"] .jp-OutputArea`);

  // every picture the widget changes from now until stop(): an <img> with a new src, or a new SVG chart
  const watchPictures = () => {
    const seen = [];
    const observer = new MutationObserver((records) => {
      const t = now();
      for (const r of records) {
        if (r.type === 'attributes' && r.target.tagName === 'IMG') {
          const entry = {t, decoded: null};
          entry.done = r.target.decode().catch(() => null).then(() => { entry.decoded = now(); });
          seen.push(entry);
        } else if (r.type === 'childList' && Array.from(r.addedNodes).some(
          (node) => node.nodeType === 1 && (node.tagName.toLowerCase() === 'svg' || node.querySelector('svg')))) {
          seen.push({t, decoded: t, done: Promise.resolve()});
        }
      }
    });
    observer.observe(root, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
    return {seen, stop: () => { observer.records = observer.takeRecords(); observer.disconnect(); }};
  };

  const apply = async (spec, index) => {
    if (spec.kind === 'call') {
      kernel.requestExecute({code: `_bench.run(${index})`, silent: true, store_history: false});
      return;
    }
    const model = await manager.get_model(spec.model_id);
    if (spec.kind === 'click') {
      model.send({event: 'click'}, {});
      return;
    }
    const current = model.get(spec.trait);
    let next;
    if (spec.kind === 'cycle') {
      const i = spec.values.indexOf(current);
      next = i < 0 ? spec.values[0] : spec.values[(i + 1) % spec.values.length];
    } else {  // step: as course.widgets.actions._stepped
      const lo = spec.selection ? 0 : model.get('min');
      const hi = spec.selection ? model.get('_options_labels').length - 1 : model.get('max');
      next = current + spec.delta <= hi ? current + spec.delta : (spec.wrap ? lo : current - spec.delta);
    }
    model.set(spec.trait, next);
    model.save_changes();
  };

  const samples = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < specs.length; i++) {
        log.length = 0;
        const pictures = watchPictures();
        const t0 = now();
        await apply(specs[i], i);
        const start = now();   // wait for a first picture, then for the kernel to finish (status idle)
        while (pictures.seen.length === 0 && now() - start < timeoutMs) await sleep(2);
        while (kernel.status !== 'idle' && now() - start < timeoutMs) await sleep(2);
        await sleep(settleMs);  // the last messages of the update arrive
        pictures.stop();
        const first = pictures.seen.length ? pictures.seen[0] : null;
        const last = pictures.seen.length ? pictures.seen[pictures.seen.length - 1] : null;
        if (last) await last.done;
        samples.push({name: specs[i].name, kind: specs[i].kind, round, t0, first: first && first.t,
                      picture: last && last.t, pictures: pictures.seen.length, decoded: last && last.decoded, log: log.slice()});
      }
    }
  } finally {
    ws.onmessage = onmessage;
    ws.send = send;
  }
  return samples;
}
