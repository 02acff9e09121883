import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface BareServer {
  url: string;
  stop(): Promise<void>;
}

/** Forks bare-server.js and waits for the port it listens on. */
export async function startBareServer(): Promise<BareServer> {
  const child: ChildProcess = fork(join(__dirname, 'bare-server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bare server did not start within 10 s')), 10_000);
    child.once('message', (message: { port?: number }) => {
      clearTimeout(timer);
      if (message?.port) resolve(message.port);
      else reject(new Error(`unexpected message from the bare server: ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bare server exited with code ${code}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(killer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
