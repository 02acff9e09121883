/** The JSON lines of a process log (topology.logDir/<name>.log); lines that are not JSON are returned as strings. */
export function logLines(text: string): (Record<string, unknown> | string)[] {
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return line;
    }
  });
}
