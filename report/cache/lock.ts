/** The one lock of the project: an exclusive kernel lock (`flock`) on a lock file. The kernel releases it when
 * its holder exits or is killed, so there is no owner record, no staleness guess and no `/proc` check. */
import { dirname } from "node:path";

export interface LockOptions {
  /** Called once when another holder has the lock and this process starts to wait for it. */
  onWait?: () => void;
  /** Give up waiting after this long (default: wait as long as it takes). */
  timeoutMs?: number;
}

export interface HeldLock {
  release(): void;
}

const POLL_MS = 50;

/** Takes the lock at `path` (created if needed) without waiting; undefined when another holder has it. */
export async function tryLock(path: string): Promise<HeldLock | undefined> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const file = await Deno.open(path, { read: true, write: true, create: true });
  try {
    if (await lockNow(file)) return held(file);
  } catch (error) {
    file.close();
    throw error;
  }
  file.close();
  return undefined;
}

/** Takes the lock at `path`, waiting while another process (or another caller in this one) holds it. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<HeldLock> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let announced = false;
  while (true) {
    const lock = await tryLock(path);
    if (lock) return lock;
    if (!announced) options.onWait?.();
    announced = true;
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${path}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function held(file: Deno.FsFile): HeldLock {
  let open = true;
  return {
    release() {
      if (!open) return;
      open = false;
      file.close();
    },
  };
}

/** A non-blocking exclusive lock (`flock(LOCK_EX | LOCK_NB)`). */
async function lockNow(file: Deno.FsFile): Promise<boolean> {
  return await file.tryLock(true);
}
