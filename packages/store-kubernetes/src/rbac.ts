import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The ClusterRole `schedkit` with exactly the rights the store, the event recorder and leader election use
 * (`rbac/clusterrole.yaml` in this package), as YAML text.
 */
export function clusterRoleManifest(): string {
  return readFileSync(fileURLToPath(new URL('../rbac/clusterrole.yaml', import.meta.url)), 'utf8');
}
