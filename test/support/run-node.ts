import { appEnvironment } from '@argus/testing';
import { spawn } from 'node:child_process';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a node script with pipes (not a terminal) and the caller's ARGUS_* variables cleared, until
 * `until` appears on stdout (then SIGTERM) or it exits by itself; killed after 60 s.
 */
export function runNode(script: string, args: string[], env: Record<string, string>, cwd: string, until?: RegExp): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script, ...args], { env: appEnvironment(env), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}
