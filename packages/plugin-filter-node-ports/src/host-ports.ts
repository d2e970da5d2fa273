import type { ContainerPort, Pod } from '@schedkit/framework';

/**
 * The host ports a pod occupies on its node, as kube's `GetHostPorts` lists them: ports with `hostPort > 0` of
 * the restartable init containers (sidecars, `restartPolicy: Always`, which run for the pod's whole life) and
 * then of the regular containers. Plain init containers are excluded: they have exited before the pod runs.
 */
export function podHostPorts(pod: Pod): ContainerPort[] {
  const ports: ContainerPort[] = [];
  for (const container of pod.spec.initContainers ?? []) {
    if (container.restartPolicy !== 'Always') continue;
    for (const port of container.ports ?? []) if ((port.hostPort ?? 0) > 0) ports.push(port);
  }
  for (const container of pod.spec.containers) {
    for (const port of container.ports ?? []) if ((port.hostPort ?? 0) > 0) ports.push(port);
  }
  return ports;
}
