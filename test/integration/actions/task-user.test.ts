/**
 * HARMONIA_TASK_UID/GID: task processes run as an unprivileged user, so they cannot read the
 * server's own environment through /proc/<server pid>/environ (tokens, the database URL).
 */
import { describe, expect, it } from 'vitest';
import { createShellAction } from '../../../src/actions/core-shell.js';
import { makeContext } from '../../unit/actions/make-context.js';

const NOBODY = { uid: 65534, gid: 65534 };
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

describe('core.shell with run_as', () => {
  const shell = createShellAction({ parent_env: { PATH: '/usr/local/bin:/usr/bin:/bin' }, env_allowlist: ['PATH'], run_as: NOBODY });

  it(isRoot ? 'runs the task as the configured user, unable to read the server environment' : 'reports that only root can switch users', async () => {
    const result = await shell.run(
      { command: `id -u; id -g; cat /proc/${process.pid}/environ >/dev/null 2>&1 && echo readable || echo refused`, shell: true },
      makeContext(),
    );
    if (isRoot) {
      expect(result).toMatchObject({ status: 'success', data: { stdout: '65534\n65534\nrefused\n' } });
    } else {
      expect(result).toMatchObject({ status: 'error' });
      expect(result.status === 'error' ? result.error_message : '').toMatch(/EPERM/);
    }
  });
});
