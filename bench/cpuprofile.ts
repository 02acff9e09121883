/**
 * A small analyzer for V8 .cpuprofile files (written by `node --cpu-prof`): self time per
 * function (functionName + url:line), largest first.
 *
 * Usage as a script: node dist/bench/cpuprofile.js <file.cpuprofile> [top=25]
 *                    node dist/bench/cpuprofile.js <file.cpuprofile> --callers <functionName> [depth=4]
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

interface CallFrame {
  functionName: string;
  scriptId?: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FunctionSelfTime {
  functionName: string;
  location: string;
  selfMs: number;
  /** Share of the whole profile, idle included. */
  percentTotal: number;
  /** Share of the non-idle time (what the process spent on the CPU). */
  percentBusy: number;
}

/** A time window on CLOCK_MONOTONIC in µs (process.hrtime), the clock of .cpuprofile timestamps. */
export interface TimeWindow {
  startUs: number;
  endUs: number;
}

export interface ProfileSummary {
  file: string;
  /** Set when only the samples inside this window (e.g. the measured run) were counted. */
  window?: TimeWindow & { samples: number; of: number };
  totalMs: number;
  idleMs: number;
  busyMs: number;
  top: FunctionSelfTime[];
  /** Self time per area: node internals, each node_modules package, the app's own code. */
  byArea: { area: string; selfMs: number; percentBusy: number }[];
}

const IDLE = '(idle)';
/** The dist/ tree this file runs from (the benchmark may run from a copy of dist/). */
const DIST_ROOT = resolve(__dirname, '..');
const REPO = process.env.BENCH_REPO ?? resolve(DIST_ROOT, '..');

function shortUrl(url: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + 1);
  if (path.startsWith(DIST_ROOT + '/')) return `dist/${path.slice(DIST_ROOT.length + 1)}`;
  if (path.startsWith(REPO + '/')) return path.slice(REPO.length + 1);
  return path;
}

function areaOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native/V8 builtins)';
  if (url.startsWith('node:')) return 'node: internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return `node_modules/${parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  const path = shortUrl(url);
  const libs = /(?:^|\/)dist(?:-\d+)?\/(libs|apps)\/([^/]+)\//.exec(path);
  if (libs) return `argus ${libs[1]}/${libs[2]}`;
  return path;
}

/**
 * Self time per profile node id, in microseconds; with a window, only the samples taken inside
 * it (startup, warm-up and shutdown left out). `counted` is how many samples were kept.
 */
function selfTimes(profile: CpuProfile, window?: TimeWindow): { self: Map<number, number>; counted: number; total: number } {
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  if (samples && timeDeltas && samples.length > 0 && samples.length === timeDeltas.length) {
    // Sample i starts at startTime + sum(timeDeltas[0..i]) and lasts until the next sample
    // (the last one until endTime), the way Chrome DevTools attributes time.
    let timestamp = profile.startTime;
    const stamps = new Array<number>(samples.length);
    for (let i = 0; i < samples.length; i++) {
      timestamp += timeDeltas[i];
      stamps[i] = timestamp;
    }
    let counted = 0;
    for (let i = 0; i < samples.length; i++) {
      if (window && (stamps[i] < window.startUs || stamps[i] >= window.endUs)) continue;
      let next = i + 1 < samples.length ? stamps[i + 1] : profile.endTime;
      if (window) next = Math.min(next, window.endUs);
      const duration = Math.max(0, next - stamps[i]);
      self.set(samples[i], (self.get(samples[i]) ?? 0) + duration);
      counted += 1;
    }
    return { self, counted, total: samples.length };
  }
  // No sample timeline: spread the profile's duration over hit counts.
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const interval = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
  for (const node of profile.nodes) self.set(node.id, (node.hitCount ?? 0) * interval);
  return { self, counted: hits, total: hits };
}

/**
 * With `window`, only the samples inside it count; if none fall inside (clocks not comparable,
 * or a profile without a sample timeline) the whole profile is used and `window` is left unset.
 */
export function analyzeProfile(file: string, top = 25, window?: TimeWindow): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  let { self, counted, total } = selfTimes(profile, window);
  let windowed = window !== undefined && counted > 0 && profile.samples !== undefined;
  if (window && !windowed) {
    ({ self, counted, total } = selfTimes(profile));
    windowed = false;
  }
  const byFunction = new Map<string, { functionName: string; location: string; us: number }>();
  const byArea = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    totalUs += us;
    const frame = node.callFrame;
    const functionName = frame.functionName || '(anonymous)';
    if (functionName === IDLE) {
      idleUs += us;
      continue;
    }
    const location = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${functionName}\u0000${location}`;
    const entry = byFunction.get(key) ?? { functionName, location, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    const area = areaOf(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const pct = (us: number, of: number) => (of > 0 ? (100 * us) / of : 0);
  return {
    file,
    ...(windowed && window ? { window: { ...window, samples: counted, of: total } } : {}),
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    busyMs: busyUs / 1000,
    top: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({
        functionName: e.functionName,
        location: e.location,
        selfMs: e.us / 1000,
        percentTotal: pct(e.us, totalUs),
        percentBusy: pct(e.us, busyUs),
      })),
    byArea: [...byArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([area, us]) => ({ area, selfMs: us / 1000, percentBusy: pct(us, busyUs) })),
  };
}

export function formatProfile(summary: ProfileSummary): string {
  const lines: string[] = [];
  lines.push(
    `${basename(summary.file)}: ${(summary.totalMs / 1000).toFixed(1)} s profiled, ` +
      `${(summary.busyMs / 1000).toFixed(1)} s busy, ${(summary.idleMs / 1000).toFixed(1)} s idle` +
      (summary.window ? ` (measured run only: ${summary.window.samples} of ${summary.window.of} samples)` : ' (whole process lifetime)') +
      `; self time, % of busy time`,
  );
  lines.push(`  ${'#'.padStart(2)}  ${'self ms'.padStart(8)}  ${'busy%'.padStart(6)}  function  (location)`);
  summary.top.forEach((entry, i) => {
    lines.push(
      `  ${String(i + 1).padStart(2)}  ${entry.selfMs.toFixed(0).padStart(8)}  ${entry.percentBusy.toFixed(1).padStart(6)}  ` +
        `${entry.functionName}${entry.location ? `  (${entry.location})` : ''}`,
    );
  });
  lines.push('  by area:');
  for (const area of summary.byArea) {
    lines.push(`      ${area.selfMs.toFixed(0).padStart(8)}  ${area.percentBusy.toFixed(1).padStart(6)}  ${area.area}`);
  }
  return lines.join('\n');
}

/**
 * Where a function's self time comes from: its self time grouped by the `depth` frames above it,
 * largest first. Answers "who calls signOneShot / deprecate / randomFillSync on the hot path".
 */
export function callersOf(file: string, functionName: string, depth = 4, top = 10): { stack: string[]; selfMs: number; percentBusy: number }[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { self } = selfTimes(profile);
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node);
  }
  let busyUs = 0;
  for (const node of profile.nodes) if (node.callFrame.functionName !== IDLE) busyUs += self.get(node.id) ?? 0;
  const stacks = new Map<string, { stack: string[]; us: number }>();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== functionName) continue;
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    const stack: string[] = [];
    let current = parent.get(node.id);
    while (current && stack.length < depth && current.callFrame.functionName !== '(root)') {
      const frame = current.callFrame;
      stack.push(`${frame.functionName || '(anonymous)'}${frame.url ? ` (${shortUrl(frame.url)}:${frame.lineNumber + 1})` : ''}`);
      current = parent.get(current.id);
    }
    const key = stack.join('\u0000');
    const entry = stacks.get(key) ?? { stack, us: 0 };
    entry.us += us;
    stacks.set(key, entry);
  }
  return [...stacks.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ stack: e.stack, selfMs: e.us / 1000, percentBusy: busyUs > 0 ? (100 * e.us) / busyUs : 0 }));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const file = args[0];
  if (!file) {
    process.stderr.write('usage: node dist/bench/cpuprofile.js <file.cpuprofile> [top=25] | --callers <functionName> [depth=4]\n');
    process.exit(2);
  }
  if (args[1] === '--callers' && args[2]) {
    for (const entry of callersOf(file, args[2], args[3] ? Number(args[3]) : 4)) {
      process.stdout.write(`${entry.selfMs.toFixed(0).padStart(8)} ms ${entry.percentBusy.toFixed(1).padStart(5)}%  ${args[2]}\n`);
      for (const frame of entry.stack) process.stdout.write(`                    <- ${frame}\n`);
    }
  } else {
    process.stdout.write(formatProfile(analyzeProfile(file, args[1] ? Number(args[1]) : 25)) + '\n');
  }
}
