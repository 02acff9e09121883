/**
 * Preloaded (`--require`) into a server run under `--cpu-prof` by the benchmark.
 *
 * Node writes the .cpuprofile only when the process exits normally, not when a signal kills it.
 * Nest's shutdown hooks finish the graceful shutdown and then re-raise SIGTERM on the process;
 * with this listener still registered, that second SIGTERM becomes `process.exit(0)`, so the
 * profile is written. If nothing else handles SIGTERM, the first one exits at once, and a timer
 * makes sure the process exits before the launcher's SIGKILL (8 s) either way.
 */
let signals = 0;
process.on('SIGTERM', () => {
  signals += 1;
  if (signals > 1 || process.listenerCount('SIGTERM') === 1) process.exit(0);
  setTimeout(() => process.exit(0), 6000).unref();
});
export {};
