// CPU time of the PostgreSQL server processes serving a connection name, read from /proc
// (the database runs on the same host in these benches), for the database side's cost per task.
import { readFileSync } from 'node:fs';

/** CPU milliseconds of each server process serving `name` (application_name), by pid. */
export async function backendCpu(admin, name) {
  const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [name]);
  const cpu = new Map();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch { /* gone */ }
  }
  return cpu;
}

/** Milliseconds the processes of `after` used since `before` (both from backendCpu). */
export const cpuSince = (before, after) => [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);
