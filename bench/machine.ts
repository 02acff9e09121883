/**
 * Who else used the CPU during a run: the load average and a CPU-busy sample before the start
 * cannot see a test suite that starts in the middle of a few-minute benchmark. This reads
 * /proc/<pid>/stat of every process before and after a run and adds up the CPU time of the
 * processes that are not this benchmark or its descendants (the servers it started).
 * Linux only; elsewhere it reports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Shared infrastructure the distributed topology uses itself: not counted as "other" there. */
const INFRA = new Set(['nats-server', 'postgres']);
const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux platform Node runs on

interface ProcessTicks {
  ppid: number;
  comm: string;
  ticks: number;
  /** Start time since boot: tells a reused pid from the same process. */
  start: string;
}

export interface CpuSnapshot {
  at: number;
  processes: Map<number, ProcessTicks>;
}

export interface OtherCpu {
  /** CPU used by other processes, in % of one CPU, averaged over the interval. */
  percentOfOneCpu: number;
  /** The biggest other users, e.g. "chromium 35%". */
  top: string[];
}

function readProcesses(): Map<number, ProcessTicks> {
  const result = new Map<number, ProcessTicks>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return result;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ... utime stime: comm may hold spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      result.set(Number(entry), { ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]), start: fields[19] });
    } catch {
      // exited meanwhile
    }
  }
  return result;
}

export function cpuSnapshot(): CpuSnapshot {
  return { at: Date.now(), processes: readProcesses() };
}

/**
 * CPU used between `before` and now by processes outside this process's tree, kernel threads
 * left out (they include this run's own I/O), and `INFRA` too when `ownInfra`. Processes that
 * started and exited within the interval are not seen.
 */
export function otherCpuSince(before: CpuSnapshot, ownInfra: boolean): OtherCpu | undefined {
  const after = cpuSnapshot();
  if (before.processes.size === 0 || after.processes.size === 0) return undefined;
  const seconds = (after.at - before.at) / 1000;
  if (seconds <= 0) return undefined;
  const ours = new Set<number>([process.pid]);
  // Descendants of this process, whichever snapshot saw them.
  const parents = new Map<number, number>();
  for (const snap of [before.processes, after.processes]) for (const [pid, p] of snap) parents.set(pid, p.ppid);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!ours.has(pid) && ours.has(ppid)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  const byName = new Map<string, number>();
  let total = 0;
  for (const [pid, p] of after.processes) {
    if (ours.has(pid) || pid === 2 || p.ppid === 2 || (ownInfra && INFRA.has(p.comm))) continue;
    const previous = before.processes.get(pid);
    // A process that started during the interval counts with all its CPU time.
    const used = previous && previous.start === p.start ? p.ticks - previous.ticks : p.ticks;
    if (used <= 0) continue;
    total += used;
    byName.set(p.comm, (byName.get(p.comm) ?? 0) + used);
  }
  const percent = (ticks: number) => (100 * ticks) / TICKS_PER_SECOND / seconds;
  const top = [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .filter(([, ticks]) => percent(ticks) >= 1)
    .map(([name, ticks]) => `${name} ${percent(ticks).toFixed(0)}%`);
  return { percentOfOneCpu: percent(total), top };
}
