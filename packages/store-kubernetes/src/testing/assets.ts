import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the kube-apiserver and etcd binaries of a test control plane are. */
export interface ControlPlaneBinaries {
  kubeApiServer: string;
  etcd: string;
}

/** The one line a test prints when it skips for want of the binaries. */
export const missingAssetsMessage =
  'SKIPPED: Kubernetes API server tests need kube-apiserver and etcd: set KUBEBUILDER_ASSETS to a folder holding both (envtest: `setup-envtest use 1.35 -p path`), or put schedkit’s xz copies in ../shared/kube-test-assets/ beside the clone';

/**
 * Finds the control plane binaries: `KUBEBUILDER_ASSETS` first (controller-runtime envtest's convention), else the
 * xz copies in `shared/kube-test-assets` beside the clone (or `SCHEDKIT_KUBE_TEST_ASSETS`), unpacked once into
 * `node_modules/.cache`, keyed by their checksum. Undefined when neither is there.
 */
export function controlPlaneBinaries(): ControlPlaneBinaries | undefined {
  const envtest = process.env.KUBEBUILDER_ASSETS;
  if (envtest) {
    const found = { kubeApiServer: join(envtest, 'kube-apiserver'), etcd: join(envtest, 'etcd') };
    if (existsSync(found.kubeApiServer) && existsSync(found.etcd)) return found;
  }
  const root = repositoryRoot();
  const packed = process.env.SCHEDKIT_KUBE_TEST_ASSETS ?? (root ? resolve(root, '..', 'shared', 'kube-test-assets') : undefined);
  if (!packed || !existsSync(join(packed, 'kube-apiserver.xz')) || !existsSync(join(packed, 'etcd.xz'))) return undefined;
  const sums = existsSync(join(packed, 'SHA256SUMS')) ? readFileSync(join(packed, 'SHA256SUMS'), 'utf8') : '';
  const key = (sums.match(/^([0-9a-f]{12})/m)?.[1] ?? 'unversioned').slice(0, 12);
  const cache = join(root ?? packed, 'node_modules', '.cache', 'schedkit-kube-test-assets', key);
  mkdirSync(cache, { recursive: true });
  return { kubeApiServer: unpack(join(packed, 'kube-apiserver.xz'), join(cache, 'kube-apiserver')), etcd: unpack(join(packed, 'etcd.xz'), join(cache, 'etcd')) };
}

/** Unpacks `source` to `target` once; a temporary name and a rename keep parallel test files from racing. */
function unpack(source: string, target: string): string {
  if (existsSync(target)) return target;
  const partial = `${target}.${process.pid}.partial`;
  execFileSync('sh', ['-c', 'xz -dc "$1" > "$2" && chmod +x "$2"', 'unpack', source, partial]);
  renameSync(partial, target);
  return target;
}

function repositoryRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
